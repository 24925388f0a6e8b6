import { CampaignDefinition, Id } from '../functions/core/model.ts';
import { demoCentersAndSupervisors, demoQuestionnaire, NANJING_DISTRICTS } from './sample-data/centers.ts';

const DAY = 86_400_000;
const BEIJING = 8 * 3600_000;

/** Beijing-time ISO text of an instant: 2026-12-01T09:00:00+08:00. */
const beijingIso = (t: number) => `${new Date(t + BEIJING).toISOString().slice(0, 19)}+08:00`;

/** Beijing-time ISO text of a day and hour after `t`. */
const beijingDayAt = (t: number, days: number, hour: number) =>
  `${new Date(t + BEIJING + days * DAY).toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00+08:00`;

/** A usable campaign id from a folder name; falls back to `campaign-<month>`. */
const campaignIdFor = (folderName: string, month: string): string => {
  const slug = folderName
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 64);
  return Id.safeParse(slug).success ? slug : `campaign-${month}`;
};

/**
 * The sample campaign `init` writes: Nanjing's centers and supervisors and the theme-month questionnaire,
 * opening now, one reminder in two weeks and the deadline a week later (Beijing time).
 */
export const sampleCampaign = (now: Date, id?: string, folderName = ''): CampaignDefinition => {
  const t = Math.floor(now.getTime() / 60_000) * 60_000;
  const month = new Date(t + BEIJING).toISOString().slice(0, 7);
  const { centers, supervisors } = demoCentersAndSupervisors();
  return CampaignDefinition.parse({
    campaign: {
      id: id ?? campaignIdFor(folderName, month),
      series: 'nanjing',
      title: { zh: '政务服务主题督查月', en: 'Government Service Theme Supervision Month' },
      month,
      schedule: { opens: beijingIso(t), reminders: [beijingDayAt(t, 14, 9)], deadline: beijingDayAt(t, 21, 18) },
      organizers: ['organizer@example.gov.cn'],
      ratersPerCenter: 3,
      districts: NANJING_DISTRICTS.map((d) => d.zh),
    },
    centers,
    supervisors,
    questionnaire: demoQuestionnaire(),
  });
};
