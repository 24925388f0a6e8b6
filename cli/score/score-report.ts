import { DIMENSION_LABELS, GRADE_LABELS, LEVEL_LABELS } from '../../functions/core/i18n.ts';
import { CENTER_LEVELS, Dimension } from '../../functions/core/model.ts';
import type { CenterExplanation } from '../../functions/core/scoring/records.ts';
import type { ScoringResult } from '../../functions/core/scoring/run.ts';
import type { CliIo } from '../command.ts';
import { formatProblem, type Problem, sortProblems } from '../roster/problems.ts';
import { padEnd, padStart } from '../text.ts';

/** Most problems listed before the rest are only counted. */
export const MAX_SHOWN = 50;

const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : x.toFixed(digits));
const signed = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

/** The league table with intervals, agreement, trend and flags, then the city lines. */
export const formatTable = (result: ScoringResult): string[] => {
  const { summary } = result;
  const lines = [
    `离线评分 Offline scoring · ${summary.methodology} · ${summary.centers} centers (${summary.scored} scored) · ${summary.responses} responses · ${summary.raters} raters`,
    '',
    [
      padEnd('级别 level', 11),
      padStart('排名 rank', 10),
      padStart('范围 range', 11),
      padStart('得分 score', 11),
      padEnd('  90% 区间 CI', 16),
      padEnd('等级 grade', 11),
      padStart('人 n', 5),
      padStart('覆盖 cov', 9),
      padStart('α', 6),
      padStart('变化 Δ', 8),
      '  中心 center · 提示 flags',
    ].join(''),
    '-'.repeat(121),
  ];
  const rows = [...result.scores].sort(
    (a, b) =>
      CENTER_LEVELS.indexOf(a.level) - CENTER_LEVELS.indexOf(b.level) ||
      (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) ||
      (a.centerId < b.centerId ? -1 : 1),
  );
  for (const s of rows) lines.push(formatScoreRow(s));
  lines.push(...formatCityLines(result));
  if (rows.some((s) => s.trend && !s.trend.comparable))
    lines.push('* not comparable: the method or a normalization changed since the previous scoring');
  for (const w of summary.warnings) lines.push(`! ${w}`);
  return lines;
};

/** One center's line of the league table. */
const formatScoreRow = (s: ScoringResult['scores'][number]): string =>
  [
    padEnd(LEVEL_LABELS[s.level].zh, 11),
    padStart(s.rank ? `${s.rank}/${s.rankOf}` : '—', 10),
    padStart(s.rankRange && s.rankRange.low < s.rankRange.high ? `${s.rankRange.low}–${s.rankRange.high}` : '', 11),
    padStart(fmt(s.score), 11),
    padEnd(s.ci90 ? `  ${fmt(s.ci90.low)}–${fmt(s.ci90.high)}` : '  —', 16),
    padEnd(s.grade ? GRADE_LABELS[s.grade].zh : '—', 11),
    padStart(String(s.raters), 5),
    padStart(`${Math.round(s.coverage * 100)}%`, 9),
    padStart(fmt(s.alpha, 2), 6),
    padStart(s.trend ? `${signed(s.trend.score)}${s.trend.comparable ? '' : '*'}` : '—', 8),
    `  ${s.centerId}${s.provisional ? ' (暂定 provisional)' : ''}${s.flags && s.flags.length > 0 ? ` · ${s.flags.join(', ')}` : ''}`,
  ].join('');

/** The city's medians, agreement and rater severity outliers. */
const formatCityLines = (result: ScoringResult): string[] => {
  const { summary } = result;
  const dims = Object.entries(summary.medians.dimensions);
  const dimName = (d: string) => (Dimension.safeParse(d).success ? DIMENSION_LABELS[d as Dimension].zh : d);
  const outliers = result.raters.filter((r) => r.outlier);
  return [
    '',
    `城市中位数 city medians: score ${fmt(summary.medians.score)}${dims.map(([d, v]) => ` · ${dimName(d)} ${fmt(v)}`).join('')}`,
    `一致性 agreement (Krippendorff's α, interval): overall ${fmt(summary.alpha.overall, 3)}${Object.entries(
      summary.alpha.dimensions,
    )
      .map(([d, v]) => ` · ${dimName(d)} ${fmt(v, 3)}`)
      .join('')}`,
    outliers.length === 0
      ? '评分尺度 rater severity: no outliers'
      : `评分尺度 rater severity outliers: ${outliers.map((r) => `${r.supervisorId} (${signed(r.severity)} points, z ${fmt(r.z, 2)})`).join(', ')}`,
  ];
};

/** One center's explanation in plain lines. */
export const formatExplanation = (e: CenterExplanation): string[] => {
  const lines = [
    '',
    `${e.centerId} (${LEVEL_LABELS[e.level].zh} ${e.level}): score ${fmt(e.published)} (unrounded ${fmt(e.score, 2)}${e.ci90 ? `; 90% ${fmt(e.ci90.low, 2)}–${fmt(e.ci90.high, 2)}, standard error ${fmt(e.ci90.standardError, 2)}` : ''}) · ${e.raters.length} raters · coverage ${Math.round(e.coverage * 100)}% · α ${fmt(e.alpha, 3)}`,
    `  raters combined: ${e.combine}`,
  ];
  for (const d of e.dimensions) {
    lines.push(
      `  ${DIMENSION_LABELS[d.dimension].zh} ${d.dimension}: ${fmt(d.score, 2)} (weight ${d.weight}, ${fmt(d.share * 100)}% of the score)`,
    );
    for (const i of e.indicators.filter((x) => x.dimension === d.dimension)) {
      lines.push(
        `    ${i.indicator} [${i.status}] weight ${i.weight}, ${fmt(i.share * 100)}% of the score · ${i.normalization.rule}`,
      );
      for (const a of i.answers) {
        lines.push(
          `      ${a.rater}${a.activity ? ` (${a.activity})` : ''}: ${a.answer === null ? 'n/a' : String(a.answer)} → ${fmt(a.score, 2)}`,
        );
      }
      lines.push(
        `      consensus ${fmt(i.consensus, 2)}${i.adjusted !== null && i.adjusted !== i.consensus ? ` (severity-adjusted ${fmt(i.adjusted, 2)})` : ''}`,
      );
    }
  }
  for (const i of e.indicators.filter((x) => x.status === 'not-asked'))
    lines.push(`  ${i.indicator}: not asked at this center`);
  return lines;
};

/** Prints the problems (the first {@link MAX_SHOWN}) and what they mean for the scoring. */
export const reportProblems = (problems: readonly Problem[], io: CliIo): void => {
  const sorted = sortProblems(problems);
  for (const p of sorted.slice(0, MAX_SHOWN)) io.err(formatProblem(p));
  if (sorted.length > MAX_SHOWN) io.err(`… and ${sorted.length - MAX_SHOWN} more problems`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (errors > 0) io.err(`\n${problems.length} problem${problems.length === 1 ? '' : 's'} found; nothing was scored.`);
  else io.err(`${problems.length} answer${problems.length === 1 ? '' : 's'} left out of the scores (see above).`);
};

/** True when any problem is an error, not a warning. */
export const hasErrors = (problems: readonly Problem[]): boolean => problems.some((p) => p.severity === 'error');
