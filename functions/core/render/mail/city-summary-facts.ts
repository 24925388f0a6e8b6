/**
 * What the city summary shows, worked out once for its HTML and its text: the model handed in, and the
 * counts, distribution, league tables, warnings, movers and standings derived from it, in the language
 * of the campaign's organizers.
 */
import { countByStatus, type RectificationItem } from '../../findings/rectification.ts';
import { type Lang, mailLanguage } from '../../i18n.ts';
import type { Campaign, Center } from '../../model.ts';
import type { CampaignScoringSummary } from '../../scoring/records.ts';
import { GRADES } from '../../scoring/records.ts';
import {
  agreementWarnings,
  centersNeedingRectification,
  movers,
  overdueItems,
  type ReportRow,
  rowsByLevel,
  type SupervisorStanding,
  scoreDistribution,
} from '../../scoring/report.ts';
import { wasSupervised } from './center-summary-facts.ts';
import { computePercent } from './layout.ts';

/** An address that bounced or complained, and the emails of this campaign it was left out of. */
export interface SuppressedRecipient {
  email: string;
  reason: string;
  detail: string;
  at: string;
  /** The kinds of email not sent to it (`invitation`, `summary`, …). */
  skipped: readonly string[];
}

const SKIPPED_KIND_LABELS: Readonly<Record<string, { zh: string; en: string }>> = {
  invitation: { zh: '邀请', en: 'invitation' },
  reminder: { zh: '提醒', en: 'reminder' },
  returned: { zh: '退回修改通知', en: 'returned notice' },
  'fact-check': { zh: '事实核查通知', en: 'fact-check notice' },
  summary: { zh: '评分通报', en: 'center summary' },
  'city-summary': { zh: '全市通报', en: 'city summary' },
  failure: { zh: '运行失败通知', en: 'failure notice' },
};

/** The emails an address missed, named in one language (an unknown kind as it is). */
export const describeSkipped = (kinds: readonly string[], lang: Lang): string =>
  kinds.map((k) => SKIPPED_KIND_LABELS[k]?.[lang] ?? k).join(lang === 'zh' ? '、' : ', ');

/** Everything the organizers' city summary shows. */
export interface CitySummaryModel {
  campaign: Campaign;
  rows: readonly ReportRow[];
  stats: { answered: number; total: number };
  summary: CampaignScoringSummary | undefined;
  /** The series' rectification items. */
  items: readonly RectificationItem[];
  centersById: ReadonlyMap<string, Center>;
  standings: readonly SupervisorStanding[];
  suppressed: readonly SuppressedRecipient[];
  today: string;
  attachments: readonly string[];
}

/** Longest level table in the email; larger levels show their top and bottom (the attachment has all). */
export const LEAGUE_ROWS_SHOWN = 30;

/** Lists in the city summary show this many entries; the rest are in the attachments, so a province's summary stays a readable email under SES's 10 MB. */
export const LIST_CAP = 30;

/** The city summary's figures, derived from its model. */
export type CityFacts = ReturnType<typeof deriveCityFacts>;

/** Works out what the city summary shows from its model. */
export const deriveCityFacts = (m: CitySummaryModel) => {
  const { campaign, rows, stats } = m;
  const lang = mailLanguage(campaign);
  // A center nobody supervised has no place in a league table: it is listed on its own.
  const unsupervised = rows.filter((r) => !wasSupervised(r.score));
  const rate = computePercent(stats.answered, stats.total);
  const scored = rows.filter((r) => r.score.score !== null).length;
  const median = m.summary?.medians.score ?? null;
  const alpha = m.summary?.alpha.overall;
  const distribution = scoreDistribution(rows.map((r) => r.score));
  const levels = rowsByLevel(rows.filter((r) => wasSupervised(r.score)));
  const warnings = agreementWarnings(rows);
  const moved = movers(rows);
  const needing = centersNeedingRectification(rows);
  const counts = countByStatus(m.items, m.today);
  const overdue = overdueItems(m.items, m.today);
  const top = m.standings.slice(0, 10);
  const maxGrade = Math.max(1, ...GRADES.map((g) => distribution.grades[g]));
  return {
    lang,
    campaign,
    rows,
    unsupervised,
    stats,
    rate,
    scored,
    median,
    alpha,
    distribution,
    levels,
    warnings,
    moved,
    needing,
    counts,
    overdue,
    top,
    maxGrade,
  };
};
