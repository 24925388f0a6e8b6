/**
 * The scores as published: per center the rounded score, dimensions, coverage, flags, interval,
 * grade and trend against the previous campaign, ranked within levels; and each rater's severity.
 */

import type { Dimension } from '../model.ts';
import type { Indicator } from './columns.ts';
import { gradeOf, publishedChange } from './grades.ts';
import { METHODOLOGY_VERSION } from './options.ts';
import { rankWithinLevels } from './ranks.ts';
import type { CenterScore, CenterTrend, RaterSeverity, ScoreFlag } from './records.ts';
import { markAsked, type ScoringRun } from './run-state.ts';
import { compareCodes, publishOrNull, toNullable } from './values.ts';

/** The dimensions of center c's scores, from `present` as markPresent left it. */
const recordDimensions = (run: ScoringRun, values: Float64Array, c: number): Record<string, number | null> => {
  const out: Record<string, number | null> = {};
  const present = run.present;
  for (let k = 0; k < run.nd; k++) {
    // Dimensions none of whose indicators were asked (e.g. the hotline at a street center) are absent.
    if (present[k] === 1) {
      out[(run.cols.dimensions[k] as { dimension: Dimension }).dimension] = toNullable(
        values[c * run.nd + k] as number,
      );
    }
  }
  return out;
};

/**
 * Marks the indicators asked at center c (`askedHere`) and the dimensions holding one (`present`);
 * returns the center's coverage: answered indicators over those asked.
 */
const markPresent = (run: ScoringRun, c: number): number => {
  markAsked(run, c);
  run.present.fill(0);
  let asked = 0;
  let answered = 0;
  for (let i = 0; i < run.ni; i++) {
    if (run.askedHere[i] === 0) continue;
    run.present[(run.cols.indicators[i] as Indicator).dim] = 1;
    asked++;
    if (!Number.isNaN(run.consensus[c * run.ni + i] as number)) answered++;
  }
  return asked > 0 ? answered / asked : 0;
};

/** The flags of center c with `raters` raters, its coverage and its alpha. */
const flagsOf = (run: ScoringRun, c: number, raters: number, coverage: number, alpha: number | null): ScoreFlag[] => {
  const { options } = run;
  const flags: ScoreFlag[] = [];
  if (raters === 0) flags.push('no-responses');
  else if (raters === 1) flags.push('single-rater');
  if (raters > 0 && coverage < options.lowCoverage) flags.push('low-coverage');
  if (
    alpha !== null &&
    alpha < options.disagreementAlpha &&
    (run.centerObserved[c] as number) > options.disagreementRatio * run.campaignObserved
  )
    flags.push('disagreement');
  for (let row = run.rowStart[c] as number; row < (run.rowStart[c] as number) + raters; row++) {
    if (run.outlier[run.rowRater[row] as number]) {
      flags.push('outlier-rater');
      break;
    }
  }
  return flags;
};

/** The change of a center's published score and dimensions since its score in the previous campaign. */
const trendOf = (
  run: ScoringRun,
  score: number | null,
  dimensions: Record<string, number | null>,
  before: CenterScore | undefined,
): CenterTrend | null => {
  if (!run.previous || !before || score === null || before.score === null) return null;
  // Numbers from another method version are not compared: the trend says the method changed.
  const sameMethod = before.methodology === METHODOLOGY_VERSION;
  const change: Record<string, number | null> = {};
  for (const [d, v] of Object.entries(dimensions)) {
    const was = before.dimensions[d];
    change[d] = sameMethod && v !== null && was !== null && was !== undefined ? v - was : null;
  }
  return {
    previousCampaignId: run.previous.campaignId,
    score: sameMethod ? publishedChange(score, before.score) : null,
    dimensions: change,
    comparable: run.previous.comparable && sameMethod,
    ...(sameMethod ? {} : { methodChanged: { from: before.methodology, to: METHODOLOGY_VERSION } }),
  };
};

/** Center c's published score, before ranking; `before` is its score in the previous campaign. */
const publishCenter = (run: ScoringRun, c: number, before: CenterScore | undefined): CenterScore => {
  const { cols, options } = run;
  const center = cols.centers[c] as { id: string; level: CenterScore['level'] };
  const raters = run.raterCount[c] as number;
  const score = publishOrNull(run.score[c] as number);
  const coverage = markPresent(run, c);
  const dimensions = recordDimensions(run, run.dimScores, c);
  const alpha = run.centerAlpha[c] ?? null;
  const ci = run.ci[c];
  return {
    campaignId: cols.campaignId,
    centerId: center.id,
    level: center.level,
    score,
    exact: toNullable(run.score[c] as number),
    dimensions,
    raters,
    responses: cols.centerResponses[c] as number,
    coverage,
    rank: null,
    rankOf: 0,
    rankRange: null,
    provisional: raters === 1,
    grade: score === null ? null : gradeOf(score, options.bands),
    methodology: METHODOLOGY_VERSION,
    ci90: ci ? { low: ci.low, high: ci.high } : null,
    alpha,
    flags: flagsOf(run, c, raters, coverage, alpha),
    adjusted: options.adjustSeverity
      ? { score: toNullable(run.adjustedScore[c] as number), dimensions: recordDimensions(run, run.adjustedDims, c) }
      : null,
    trend: trendOf(run, score, dimensions, before),
  };
};

/** Every center's published score, in the order of center ids, ranked within levels. */
export const publishCenterScores = (run: ScoringRun): CenterScore[] => {
  const previous = new Map((run.previous?.scores ?? []).map((s) => [s.centerId, s]));
  const scores = run.cols.centers.map((center, c) => publishCenter(run, c, previous.get(center.id)));
  return rankWithinLevels(scores);
};

/** Each rater's severity, z-score and outlier mark, in the order of supervisor ids. */
export const listRaterSeverities = (run: ScoringRun): RaterSeverity[] =>
  run.cols.raterIds
    .map((supervisorId, g) => ({
      supervisorId,
      centers: run.severityCenters[g] as number,
      cells: run.severityCells[g] as number,
      severity: toNullable(run.severity[g] as number),
      z: run.zOf.get(g) ?? null,
      outlier: run.outlier[g] === 1,
    }))
    .sort((a, b) => compareCodes(a.supervisorId, b.supervisorId));
