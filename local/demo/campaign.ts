import { demoCentersAndSupervisors, demoQuestionnaire } from '../../cli/sample-data/centers.ts';
import { CampaignDefinition } from '../../functions/core/model.ts';

/**
 * The demo campaign 政务服务主题督查月: Nanjing's centers and supervisors, opening now, with one
 * reminder and a deadline the given number of seconds away; a review window and a fact-check window
 * of `reviewDays` and `factCheckDays` working days after the close (none when 0 or left out:
 * organizers may end either early in the console), and `autoPublish` stated: false holds the scored
 * results until an organizer signs them off.
 */
export const demoCampaign = (
  now: Date,
  timing: {
    reminderAfterSeconds: number;
    deadlineAfterSeconds: number;
    reviewDays?: number;
    factCheckDays?: number;
    autoPublish: boolean;
  },
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
      review: { workingDays: timing.reviewDays ?? 0 },
      factCheck: { workingDays: timing.factCheckDays ?? 0 },
      autoPublish: timing.autoPublish,
    },
    centers,
    supervisors,
    questionnaire: demoQuestionnaire(),
  });
};
