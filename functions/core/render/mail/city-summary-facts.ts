/**
 * What the city summary shows, worked out once for its HTML and its text: the model handed in, and the
 * counts, distribution, league tables, warnings, movers and standings derived from it.
 */
import { countByStatus, type RectificationItem } from '../../findings/rectification.ts';
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
import { computePercent } from './layout.ts';

/** An address that bounced or complained, and the emails of this campaign it was left out of. */
export interface SuppressedRecipient {
  email: string;
  reason: string;
  detail: string;
  at: string;
  skipped: readonly string[];
}

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
  const rate = computePercent(stats.answered, stats.total);
  const scored = rows.filter((r) => r.score.score !== null).length;
  const median = m.summary?.medians.score ?? null;
  const alpha = m.summary?.alpha.overall;
  const distribution = scoreDistribution(rows.map((r) => r.score));
  const levels = rowsByLevel(rows);
  const warnings = agreementWarnings(rows);
  const moved = movers(rows);
  const needing = centersNeedingRectification(rows);
  const counts = countByStatus(m.items, m.today);
  const overdue = overdueItems(m.items, m.today);
  const top = m.standings.slice(0, 10);
  const maxGrade = Math.max(1, ...GRADES.map((g) => distribution.grades[g]));
  return {
    campaign,
    rows,
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
