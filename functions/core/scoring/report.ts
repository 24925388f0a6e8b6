import {
  countByStatus,
  isConfirmedProblem,
  type RectificationItem,
  type RectificationStatus,
  statusOf,
} from '../findings/rectification.ts';
import { formatCsv } from '../formats/csv.ts';
import { both, DIMENSION_LABELS, GRADE_LABELS, LEVEL_LABELS } from '../i18n.ts';
import { CENTER_LEVELS, type Center, type CenterLevel, DIMENSIONS, type Dimension, type Supervisor } from '../model.ts';
import type { RaterSeverity } from './records.ts';
import { type CenterScore, GRADES, type Grade, type ScoreFlag } from './records.ts';

/**
 * The city results as tables: league table per level, distribution, movers, agreement warnings,
 * centers needing rectification and the excellent-supervisor standing. The same rows and columns
 * feed the organizers' email, the CSV and the XLSX workbook, the console's downloads and the CLI's
 * `supervision results` export, so none of them disagree.
 */

/** Change against the previous campaign of the series, overall and per dimension. */
export interface ScoreChange {
  score: number | null;
  dimensions: Record<string, number | null>;
}

/** The change to show: the trend scoring recorded, or null without a comparable previous campaign. */
export const changeSince = (score: Pick<CenterScore, 'trend'>): ScoreChange | null =>
  score.trend?.comparable ? { score: score.trend.score, dimensions: score.trend.dimensions } : null;

/** English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st. */
export const ordinal = (n: number): string => {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${(['th', 'st', 'nd', 'rd'] as const)[n % 10] ?? 'th'}`;
};

/**
 * "第 7 名 / 共 24 个区级场所 · 7th of 24 district centers", with the range of ranks the intervals allow
 * when it is wider ("第 7 名（可能第 5–9 名）"), marked provisional for a single rater; or a note that
 * the center was not ranked.
 */
export const rankPhrase = (
  score: Pick<CenterScore, 'rank' | 'rankOf'> & Partial<Pick<CenterScore, 'rankRange' | 'provisional'>>,
  level: CenterLevel,
): { zh: string; en: string } => {
  if (!score.rank) return { zh: '本期未参与排名（无有效答卷）', en: 'not ranked this month (no usable answers)' };
  const range = score.rankRange && score.rankRange.low < score.rankRange.high ? score.rankRange : null;
  return {
    zh: `第 ${score.rank} 名${range ? `（可能第 ${range.low}–${range.high} 名）` : ''} / 共 ${score.rankOf} 个${LEVEL_LABELS[level].zh}场所${score.provisional ? '（暂定：仅一名监督员）' : ''}`,
    en: `${ordinal(score.rank)}${range ? ` (could be ${ordinal(range.low)}–${ordinal(range.high)})` : ''} of ${score.rankOf} ${LEVEL_LABELS[level].en.toLowerCase()} centers${score.provisional ? ' (provisional: a single supervisor)' : ''}`,
  };
};

/** One row of the city results. */
export interface ReportRow {
  center: Center;
  score: CenterScore;
  change: ScoreChange | null;
  rectification: Record<RectificationStatus, number>;
}

/** Builds the rows: each center with its score, change and rectification counts on `today`. */
export const reportRows = (
  entries: readonly { center: Center; score: CenterScore; change: ScoreChange | null }[],
  items: readonly RectificationItem[],
  today: string,
): ReportRow[] => {
  const byCenter = new Map<string, RectificationItem[]>();
  for (const item of items) byCenter.set(item.centerId, [...(byCenter.get(item.centerId) ?? []), item]);
  return entries.map((e) => ({ ...e, rectification: countByStatus(byCenter.get(e.center.id) ?? [], today) }));
};

const byRank = (a: ReportRow, b: ReportRow) =>
  (a.score.rank ?? Number.MAX_SAFE_INTEGER) - (b.score.rank ?? Number.MAX_SAFE_INTEGER) ||
  (a.center.id < b.center.id ? -1 : a.center.id > b.center.id ? 1 : 0);

const byLevel = (a: ReportRow, b: ReportRow) =>
  CENTER_LEVELS.indexOf(a.center.level) - CENTER_LEVELS.indexOf(b.center.level);

/** Rows per level (levels without centers left out), each ordered by rank; unranked centers last. */
export const rowsByLevel = (rows: readonly ReportRow[]): { level: CenterLevel; rows: ReportRow[] }[] =>
  CENTER_LEVELS.map((level) => ({ level, rows: rows.filter((r) => r.center.level === level).sort(byRank) })).filter(
    (x) => x.rows.length > 0,
  );

/** How many scored centers fall in each grade and in each ten-point band. */
export const scoreDistribution = (
  scores: readonly Pick<CenterScore, 'score' | 'grade'>[],
): { grades: Record<Grade, number>; bands: { from: number; to: number; count: number }[]; unscored: number } => {
  const grades = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>;
  const bands = [
    { from: 90, to: 100, count: 0 },
    { from: 80, to: 90, count: 0 },
    { from: 70, to: 80, count: 0 },
    { from: 60, to: 70, count: 0 },
    { from: 0, to: 60, count: 0 },
  ];
  let unscored = 0;
  for (const s of scores) {
    if (s.score === null) {
      unscored++;
      continue;
    }
    if (s.grade) grades[s.grade]++;
    const band = bands.find((b) => s.score !== null && s.score >= b.from);
    if (band) band.count++;
  }
  return { grades, bands, unscored };
};

/** The centers that improved and declined most since the previous campaign (comparable changes only). */
export const movers = (rows: readonly ReportRow[], n = 3): { improved: ReportRow[]; declined: ReportRow[] } => {
  const moved = rows.filter((r) => r.change?.score !== null && r.change?.score !== undefined);
  const delta = (r: ReportRow) => r.change?.score ?? 0;
  return {
    improved: moved
      .filter((r) => delta(r) > 0)
      .sort((a, b) => delta(b) - delta(a))
      .slice(0, n),
    declined: moved
      .filter((r) => delta(r) < 0)
      .sort((a, b) => delta(a) - delta(b))
      .slice(0, n),
  };
};

/** Score flags that call a center's number into question, with what they mean. */
export const WARNING_FLAGS: Partial<Record<ScoreFlag, { zh: string; en: string }>> = {
  disagreement: { zh: '监督员评价分歧较大', en: 'supervisors disagree' },
  'outlier-rater': { zh: '有评价明显偏离的监督员', en: 'an outlying supervisor' },
  'single-rater': { zh: '仅一名监督员', en: 'a single supervisor' },
  'low-coverage': { zh: '作答覆盖率低', en: 'low coverage' },
  'no-responses': { zh: '无答卷', en: 'no responses' },
};

/** Centers whose score carries an agreement or coverage warning. */
export const agreementWarnings = (rows: readonly ReportRow[]): { row: ReportRow; flags: ScoreFlag[] }[] =>
  rows
    .map((row) => ({ row, flags: (row.score.flags ?? []).filter((f) => f in WARNING_FLAGS) }))
    .filter((x) => x.flags.length > 0)
    .sort((a, b) => byLevel(a.row, b.row) || byRank(a.row, b.row));

/** Centers graded 需整改 or with rectification items open or overdue, most urgent first. */
export const centersNeedingRectification = (rows: readonly ReportRow[]): ReportRow[] =>
  rows
    .filter((r) => r.score.grade === 'rectify' || r.rectification.open + r.rectification.overdue > 0)
    .sort(
      (a, b) =>
        b.rectification.overdue - a.rectification.overdue ||
        b.rectification.open - a.rectification.open ||
        (a.score.score ?? 101) - (b.score.score ?? 101),
    );

/** Overdue items, oldest due date first. */
export const overdueItems = (items: readonly RectificationItem[], today: string): RectificationItem[] =>
  items
    .filter((i) => statusOf(i, today) === 'overdue')
    .sort((a, b) => (a.dueDate === b.dueDate ? (a.id < b.id ? -1 : 1) : a.dueDate < b.dueDate ? -1 : 1));

/** What one supervisor did this campaign, for the excellent-supervisor standing. */
export interface SupervisorActivity {
  supervisor: Pick<Supervisor, 'id' | 'name' | 'sector'>;
  assigned: number;
  answered: number;
  /** Answered before the first reminder (or the deadline when there was none). */
  onTime: number;
  /** Problems found this campaign. */
  problemsFound: number;
  /** Problems found in this series that proved real (acted on by the center or seen again on re-check). */
  problemsConfirmed: number;
  agreement: RaterSeverity | undefined;
}

/** One supervisor's place in the standing, with the parts of the composite (each 0–100). */
export interface SupervisorStanding extends SupervisorActivity {
  rank: number;
  participation: number;
  timeliness: number;
  findings: number;
  consensus: number | null;
  composite: number;
}

/** Weights of the composite behind the excellent-supervisor standing. */
export const STANDING_WEIGHTS = { participation: 0.4, timeliness: 0.2, findings: 0.2, consensus: 0.2 } as const;
/** A mean deviation from the consensus this large (points) or larger gives no agreement credit. */
export const SEVERITY_SCALE = 20;

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Ranks supervisors by a composite of participation (answered / assigned), timeliness (answered
 * before the reminder), confirmed problems (relative to the most any supervisor has) and agreement
 * with the consensus (100 at zero mean deviation, 0 at ±20 points; unknown counts as 50).
 * Ties share a rank.
 */
export const rankSupervisors = (activities: readonly SupervisorActivity[]): SupervisorStanding[] => {
  const most = Math.max(0, ...activities.map((a) => a.problemsConfirmed));
  const standings = activities
    .filter((a) => a.assigned > 0)
    .map((a) => {
      const participation = (100 * a.answered) / a.assigned;
      const timeliness = a.answered > 0 ? (100 * a.onTime) / a.answered : 0;
      const findings = most > 0 ? (100 * a.problemsConfirmed) / most : 0;
      const severity = a.agreement?.severity;
      const consensus =
        severity === null || severity === undefined ? null : 100 * Math.max(0, 1 - Math.abs(severity) / SEVERITY_SCALE);
      const composite = round1(
        STANDING_WEIGHTS.participation * participation +
          STANDING_WEIGHTS.timeliness * timeliness +
          STANDING_WEIGHTS.findings * findings +
          STANDING_WEIGHTS.consensus * (consensus ?? 50),
      );
      return { ...a, rank: 0, participation, timeliness, findings, consensus, composite };
    })
    .sort(
      (a, b) =>
        b.composite - a.composite || b.participation - a.participation || (a.supervisor.id < b.supervisor.id ? -1 : 1),
    );
  standings.forEach((s, i) => {
    const prev = standings[i - 1];
    s.rank = prev && prev.composite === s.composite ? prev.rank : i + 1;
  });
  return standings;
};

/** Tallies supervisors' activity from assignments, the reminder time and the series' items. */
export const supervisorActivities = (
  supervisors: readonly Pick<Supervisor, 'id' | 'name' | 'sector'>[],
  assignments: readonly { supervisorId: string; answeredAt?: string | undefined }[],
  onTimeUntil: string,
  items: readonly RectificationItem[],
  campaignId: string,
  agreement: readonly RaterSeverity[],
): SupervisorActivity[] => {
  const cutoff = Date.parse(onTimeUntil);
  const stats = new Map(
    supervisors.map((s) => [s.id, { assigned: 0, answered: 0, onTime: 0, problemsFound: 0, problemsConfirmed: 0 }]),
  );
  for (const a of assignments) {
    const s = stats.get(a.supervisorId);
    if (!s) continue;
    s.assigned++;
    if (a.answeredAt) {
      s.answered++;
      if (Date.parse(a.answeredAt) <= cutoff) s.onTime++;
    }
  }
  for (const item of items) {
    const s = stats.get(item.supervisorId);
    if (!s) continue;
    if (item.campaignId === campaignId) s.problemsFound++;
    if (isConfirmedProblem(item)) s.problemsConfirmed++;
  }
  const agreed = new Map(agreement.map((a) => [a.supervisorId, a]));
  return supervisors.map((supervisor) => ({
    supervisor,
    ...(stats.get(supervisor.id) ?? { assigned: 0, answered: 0, onTime: 0, problemsFound: 0, problemsConfirmed: 0 }),
    agreement: agreed.get(supervisor.id),
  }));
};

/** A cell of the results: text, number (kept a number in the workbook) or empty. */
export type ReportCell = string | number | null;

/** One column of the results table. */
export interface ReportColumn {
  header: string;
  /** Excel number format, for numeric columns. */
  format?: string;
  width: number;
  value: (row: ReportRow) => ReportCell;
}

const num1 = (x: number | null | undefined): number | null => (x === null || x === undefined ? null : round1(x));

/** The columns of the results, bilingual headers; the same in the CSV and in every level's sheet. */
export const REPORT_COLUMNS: readonly ReportColumn[] = [
  { header: '级别 level', width: 12, value: (r) => both(LEVEL_LABELS[r.center.level]) },
  { header: '排名 rank', width: 9, format: '0', value: (r) => r.score.rank },
  { header: '同级数 of', width: 9, format: '0', value: (r) => r.score.rankOf },
  { header: '编号 id', width: 14, value: (r) => r.center.id },
  { header: '名称 name', width: 30, value: (r) => r.center.name.zh },
  { header: '英文名称 name (en)', width: 40, value: (r) => r.center.name.en },
  { header: '所在区 district', width: 12, value: (r) => r.center.district },
  { header: '得分 score', width: 10, format: '0.0', value: (r) => num1(r.score.score) },
  { header: '等级 grade', width: 16, value: (r) => (r.score.grade ? both(GRADE_LABELS[r.score.grade]) : null) },
  ...(DIMENSIONS as readonly Dimension[]).map(
    (d): ReportColumn => ({
      header: `${DIMENSION_LABELS[d].zh} ${d}`,
      width: 12,
      format: '0.0',
      value: (r) => num1(r.score.dimensions[d]),
    }),
  ),
  { header: '较上期 change', width: 10, format: '+0.0;-0.0;0.0', value: (r) => num1(r.change?.score) },
  { header: '90%区间下限 ci90 low', width: 12, format: '0.0', value: (r) => num1(r.score.ci90?.low) },
  { header: '90%区间上限 ci90 high', width: 12, format: '0.0', value: (r) => num1(r.score.ci90?.high) },
  { header: '监督员人数 raters', width: 10, format: '0', value: (r) => r.score.raters },
  { header: '覆盖率% coverage', width: 10, format: '0', value: (r) => Math.round(r.score.coverage * 100) },
  {
    header: '一致性α alpha',
    width: 10,
    format: '0.00',
    value: (r) => (r.score.alpha == null ? null : Math.round(r.score.alpha * 100) / 100),
  },
  { header: '提示 flags', width: 24, value: (r) => (r.score.flags?.length ? r.score.flags.join(' ') : null) },
  { header: '待整改 open', width: 9, format: '0', value: (r) => r.rectification.open },
  { header: '逾期 overdue', width: 9, format: '0', value: (r) => r.rectification.overdue },
  { header: '已报整改 reported', width: 10, format: '0', value: (r) => r.rectification['reported-fixed'] },
  { header: '复查销号 confirmed', width: 10, format: '0', value: (r) => r.rectification.confirmed },
  { header: '方法版本 methodology', width: 20, value: (r) => r.score.methodology },
];

/** Every center's results as CSV, level by level: UTF-8 with a BOM so Excel shows Chinese, CRLF line ends. */
export const resultsCsv = (rows: readonly ReportRow[]): string =>
  formatCsv([
    REPORT_COLUMNS.map((c) => c.header),
    ...rowsByLevel(rows).flatMap(({ rows: list }) => list.map((row) => REPORT_COLUMNS.map((c) => c.value(row)))),
  ]);

/** A sheet name Excel accepts (≤ 31 characters, none of : \ / ? * [ ]). */
export const sheetName = (level: CenterLevel): string =>
  `${LEVEL_LABELS[level].zh} ${LEVEL_LABELS[level].en}`.replace(/[:\\/?*[\]]/g, '').slice(0, 31);
