import { type CityResults, loadCityResults } from '../functions/app/city-results.ts';
import { type CampaignMeta, hasResults } from '../functions/core/campaign/lifecycle.ts';
import { GRADE_LABELS, LEVEL_LABELS } from '../functions/core/i18n.ts';
import { CENTER_LEVELS } from '../functions/core/model.ts';
import { type ReportRow, rowsByLevel } from '../functions/core/scoring/report.ts';
import { buildResultsWorkbook } from '../functions/core/scoring/results-workbook.ts';
import { CliFailure } from './errors.ts';
import { STATUS_LABELS } from './status.ts';
import { findCampaign, type Target } from './target.ts';
import { padEnd } from './text.ts';

/** One row of the league table: a center and its score (a row of the results table has more). */
export type LeagueRow = Pick<ReportRow, 'center' | 'score'>;

/** Orders rows by level, then rank, then id. */
const sortLeague = (rows: readonly LeagueRow[]): LeagueRow[] =>
  [...rows].sort(
    (a, b) =>
      CENTER_LEVELS.indexOf(a.center.level) - CENTER_LEVELS.indexOf(b.center.level) ||
      (a.score.rank ?? 1e9) - (b.score.rank ?? 1e9) ||
      a.center.id.localeCompare(b.center.id),
  );

/**
 * Renders the league table of every center (name, level, score, rank) for a terminal; a rank the
 * intervals leave open shows the ranks it could be (5–9), and a single-rater center is marked 暂定.
 */
export const formatLeagueTable = (rows: readonly LeagueRow[]): string => {
  const lines = sortLeague(rows).map((r) => {
    const rank = r.score.rank ? `${r.score.rank}/${r.score.rankOf}` : '—';
    const open = r.score.rank && r.score.rankRange && r.score.rankRange.low < r.score.rankRange.high;
    const range = open && r.score.rankRange ? `${r.score.rankRange.low}–${r.score.rankRange.high}` : '';
    const score = r.score.score === null ? '   —' : r.score.score.toFixed(1).padStart(5);
    const grade = r.score.grade ? GRADE_LABELS[r.score.grade].zh : '—';
    const provisional = r.score.provisional ? ' · 暂定 provisional (one supervisor)' : '';
    return `${padEnd(LEVEL_LABELS[r.center.level].zh, 9)}${rank.padStart(6)} ${range.padStart(7)}  ${score}  ${padEnd(grade, 7)} ${r.center.name.zh} (${r.center.name.en})${provisional}`;
  });
  const header = `${padEnd('级别', 9)}${'排名'.padStart(4)} ${'可能名次'.padStart(5)}  ${'得分'.padStart(3)}  ${padEnd('等级', 7)} 场所 (center)`;
  return [`${header}\n${'-'.repeat(86)}`, ...lines].join('\n');
};

const CLOSED_BY: Record<string, string> = {
  deadline: 'the deadline',
  complete: 'completion',
  'closed-by-organizer': 'the organizer',
};

/** The line above the league table: campaign, state, why it closed, responses. */
export const formatResultsHeader = (meta: CampaignMeta): string =>
  `${meta.campaign.title.zh} / ${meta.campaign.title.en} — ${meta.status}, closed by ${CLOSED_BY[meta.closedReason ?? ''] ?? meta.closedReason ?? '—'}; responses ${meta.answered}/${meta.total}${
    meta.status === 'awaiting-sign-off' && !meta.signedOffAt
      ? `\nDRAFT 草稿: not yet sent to the centers; sign off with 发布 / Publish in the console or supervision publish ${meta.campaign.id}`
      : ''
  }`;

/** A scored campaign's results as the CLI reads them: the city results, and their rows in league order. */
export interface LoadedResults {
  meta: CampaignMeta;
  results: CityResults;
  /** Every center's row, level by level and by rank within its level. */
  rows: ReportRow[];
}

/**
 * Reads a scored campaign's results as the city summary and the console do (scores, rectification,
 * the supervisors' standing); refused in one sentence while it is not scored yet.
 */
export const loadResults = async (target: Target, campaignId: string, now = new Date()): Promise<LoadedResults> => {
  const meta = await findCampaign(target, campaignId);
  if (!hasResults(meta.status)) {
    throw new CliFailure(
      `campaign ${campaignId} is ${STATUS_LABELS[meta.status]}: results exist once it is scored, after its deadline or \`supervision close ${campaignId}\` (see \`supervision status ${campaignId}\`).`,
    );
  }
  const results = await loadCityResults(target.store, meta, now);
  return { meta, results, rows: rowsByLevel(results.rows).flatMap((level) => level.rows) };
};

/** The results as JSON: the campaign and every center with its full score record. */
export const formatResultsJson = (meta: CampaignMeta, rows: readonly LeagueRow[]): string =>
  `${JSON.stringify(
    {
      campaign: {
        id: meta.campaign.id,
        series: meta.campaign.series,
        month: meta.campaign.month,
        title: meta.campaign.title,
        status: meta.status,
        closedReason: meta.closedReason ?? null,
        closedAt: meta.closedAt ?? null,
        answered: meta.answered,
        total: meta.total,
      },
      results: sortLeague(rows).map((r) => ({
        center: { id: r.center.id, name: r.center.name, level: r.center.level, district: r.center.district },
        ...r.score,
      })),
    },
    null,
    2,
  )}\n`;

/**
 * The results as the Excel workbook the organizers' city summary attaches: a sheet of the results
 * table per center level, then the rectification items, the supervisors' standing and the campaign.
 */
export const formatResultsXlsx = (meta: CampaignMeta, results: CityResults, generatedAt = new Date()): Uint8Array =>
  buildResultsWorkbook({
    campaign: meta.campaign,
    rows: results.rows,
    items: results.items,
    centersById: results.centers,
    standings: results.standings,
    answered: meta.answered,
    total: meta.total,
    today: results.today,
    generatedAt: generatedAt.toISOString(),
  });
