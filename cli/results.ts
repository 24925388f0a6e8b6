import type { CampaignMeta } from '../functions/core/campaign/lifecycle.ts';
import { formatCsv } from '../functions/core/formats/csv.ts';
import { DIMENSION_LABELS, GRADE_LABELS, LEVEL_LABELS } from '../functions/core/i18n.ts';
import { CENTER_LEVELS, type Center, type CenterScore, DIMENSIONS } from '../functions/core/model.ts';
import { CliFailure } from './errors.ts';
import { STATUS_LABELS } from './status.ts';
import { findCampaign, type Target } from './target.ts';
import { padEnd } from './text.ts';

/** One row of the league table. */
export interface LeagueRow {
  center: Center;
  score: CenterScore;
}

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
  `${meta.campaign.title.zh} / ${meta.campaign.title.en} — ${meta.status}, closed by ${CLOSED_BY[meta.closedReason ?? ''] ?? meta.closedReason ?? '—'}; responses ${meta.answered}/${meta.total}`;

/** Reads a scored campaign's results; refused in one sentence while it is not scored yet. */
export const loadResults = async (
  target: Target,
  campaignId: string,
): Promise<{ meta: CampaignMeta; rows: LeagueRow[] }> => {
  const meta = await findCampaign(target, campaignId);
  if (meta.status !== 'scored' && meta.status !== 'published') {
    throw new CliFailure(
      `campaign ${campaignId} is ${STATUS_LABELS[meta.status]}: results exist once it is scored, after its deadline or \`supervision close ${campaignId}\` (see \`supervision status ${campaignId}\`).`,
    );
  }
  const [scores, centers] = await Promise.all([
    target.store.scores.listScores(campaignId),
    target.store.rosters.getCenters(campaignId),
  ]);
  const rows = scores.flatMap((score) => {
    const center = centers.get(score.centerId);
    return center ? [{ center, score }] : [];
  });
  return { meta, rows: sortLeague(rows) };
};

type Cell = string | number | null;
const round1 = (n: number | null | undefined): number | null =>
  n === null || n === undefined ? null : Math.round(n * 10) / 10;

/** Change of the score since the series' previous campaign, when comparable. */
const change = (s: CenterScore): number | null =>
  s.trend?.comparable && s.trend.score !== null && s.score !== null ? round1(s.score - s.trend.score) : null;

/** The columns of the CSV and XLSX results, with bilingual headers. */
const RESULT_COLUMNS: readonly { header: string; value: (r: LeagueRow) => Cell }[] = [
  { header: '级别 level', value: (r) => LEVEL_LABELS[r.center.level].zh },
  { header: '排名 rank', value: (r) => r.score.rank },
  { header: '同级数 of', value: (r) => r.score.rankOf },
  { header: '编号 id', value: (r) => r.center.id },
  { header: '名称 name', value: (r) => r.center.name.zh },
  { header: '英文名称 name_en', value: (r) => r.center.name.en },
  { header: '所在区 district', value: (r) => r.center.district },
  { header: '得分 score', value: (r) => round1(r.score.score) },
  { header: '等级 grade', value: (r) => (r.score.grade ? GRADE_LABELS[r.score.grade].zh : null) },
  ...DIMENSIONS.map((d) => ({
    header: `${DIMENSION_LABELS[d].zh} ${d}`,
    value: (r: LeagueRow) => round1(r.score.dimensions[d]),
  })),
  { header: '较上期 change', value: (r) => change(r.score) },
  {
    header: '90%区间 ci90',
    value: (r) => (r.score.ci90 ? `${r.score.ci90.low.toFixed(1)}–${r.score.ci90.high.toFixed(1)}` : null),
  },
  { header: '评价人数 raters', value: (r) => r.score.raters },
  { header: '覆盖率 coverage', value: (r) => round1(r.score.coverage * 100) },
  { header: '提示 flags', value: (r) => (r.score.flags?.length ? r.score.flags.join(' ') : null) },
];

/** The results as CSV: UTF-8 with BOM so that Excel shows Chinese, CRLF line ends. */
export const formatResultsCsv = (rows: readonly LeagueRow[]): string =>
  formatCsv([
    RESULT_COLUMNS.map((c) => c.header),
    ...sortLeague(rows).map((r) => RESULT_COLUMNS.map((c) => c.value(r))),
  ]);

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

/** The results as an Excel workbook: one sheet of scores (numbers as numbers) and one about the campaign. */
export const formatResultsXlsx = async (meta: CampaignMeta, rows: readonly LeagueRow[]): Promise<Buffer> => {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'service-supervision';
  const sheet = workbook.addWorksheet('评分 results', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = RESULT_COLUMNS.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 4) }));
  for (const r of sortLeague(rows)) sheet.addRow(RESULT_COLUMNS.map((c) => c.value(r)));
  sheet.getRow(1).font = { bold: true };
  sheet.getColumn(5).width = 32;
  sheet.getColumn(6).width = 44;
  const about = workbook.addWorksheet('说明 about');
  about.columns = [{ width: 24 }, { width: 80 }];
  const methodology = rows[0]?.score.methodology ?? '';
  for (const [k, v] of [
    ['活动 campaign', `${meta.campaign.title.zh} / ${meta.campaign.title.en} (${meta.campaign.id})`],
    ['月份 month', meta.campaign.month],
    ['状态 status', STATUS_LABELS[meta.status]],
    ['截止 closed', `${meta.closedAt ?? ''} ${meta.closedReason ?? ''}`.trim()],
    ['答卷 responses', `${meta.answered}/${meta.total}`],
    ['方法 methodology', methodology],
  ]) {
    about.addRow([k, v]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
};
