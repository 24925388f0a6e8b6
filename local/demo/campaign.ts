import { demoCentersAndSupervisors, demoQuestionnaire } from '../../cli/sample-data/centers.ts';
import { CampaignDefinition } from '../../functions/core/model.ts';

/**
 * The demo campaign 政务服务主题督查月: Nanjing's centers and supervisors, opening now, with one
 * reminder and a deadline the given number of seconds away; with `reviewDays` and `factCheckDays`, a
 * review window and a fact-check window of that many working days after the close (organizers may
 * end either early in the console).
 */
export const demoCampaign = (
  now: Date,
  timing: { reminderAfterSeconds: number; deadlineAfterSeconds: number; reviewDays?: number; factCheckDays?: number },
): CampaignDefinition => {
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
  const month = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
  const { centers, supervisors } = demoCentersAndSupervisors();
  return CampaignDefinition.parse({
    campaign: {
      id: `nanjing-${month}`,
      series: 'nanjing',
      title: { zh: '政务服务主题督查月', en: 'Government Service Theme Supervision Month' },
      month,
      schedule: {
        opens: at(0),
        reminders: [at(timing.reminderAfterSeconds)],
        deadline: at(timing.deadlineAfterSeconds),
      },
      organizers: ['organizer@example.gov.cn', 'leaders@example.gov.cn'],
      ratersPerCenter: 3,
      ...(timing.reviewDays ? { review: { workingDays: timing.reviewDays } } : {}),
      ...(timing.factCheckDays ? { factCheck: { workingDays: timing.factCheckDays } } : {}),
    },
    centers,
    supervisors,
    questionnaire: demoQuestionnaire(),
  });
};
