/**
 * The campaign-wide passes after every center is scored: each center's agreement against the campaign,
 * the intervals from the pooled spread of raters, each rater's severity and outliers, and the scores
 * with reliably estimated severities taken out.
 */
import { median, modifiedZScores, sortPrefix } from './agreement.ts';
import { raterInterval } from './interval.ts';
import { combineSorted, markAsked, rollUpAsked, type ScoringRun } from './run-state.ts';
import { clampScore, computeAlpha } from './values.ts';

/**
 * Each center's alpha against the campaign's expected disagreement: 1 − D_o(center) / D_e(campaign),
 * and per dimension against the campaign's expected disagreement on that dimension. A center's own
 * spread is no yardstick: raters agreeing on a uniformly good center would look like chance.
 */
export const measureAgreement = (run: ScoringRun): void => {
  const { nc } = run;
  const expected = run.campaignAlpha.expected();
  run.campaignObserved = run.campaignAlpha.observed();
  run.dimensionExpected = run.campaignDimensionAlpha.map((a) => a.expected());
  for (let c = 0; c < nc; c++) run.centerAlpha[c] = computeAlpha(run.centerObserved[c] as number, expected);
};

/**
 * Each center's interval from its raters' own scores: the campaign's pooled within-center variance
 * (over centers with two raters or more, in the order of center ids) combined with the center's own.
 */
export const computeIntervals = (run: ScoringRun): void => {
  let squares = 0;
  let df = 0;
  for (let c = 0; c < run.nc; c++) {
    const n = run.raterCount[c] as number;
    if (n < 2) continue;
    squares += run.ownSquares[c] as number;
    df += n - 1;
  }
  run.pooledVariance = df > 0 ? squares / df : Number.NaN;
  for (let c = 0; c < run.nc; c++) {
    const n = run.raterCount[c] as number;
    const score = run.score[c] as number;
    if (n === 0 || Number.isNaN(score)) continue;
    run.ci[c] = raterInterval({
      score,
      n,
      ownSquares: run.ownSquares[c] as number,
      gridVariance: run.gridVariance[c] as number,
      pooledVariance: run.pooledVariance,
      pooledDf: df,
      levelPercent: run.options.levelPercent,
      median: run.options.combine === 'median',
    });
  }
};

/** Each rater's mean deviation; modified z-scores among raters with enough comparisons. */
export const estimateSeverity = (run: ScoringRun): void => {
  const reliable: number[] = [];
  for (let g = 0; g < run.severity.length; g++) {
    const cells = run.severityCells[g] as number;
    run.severity[g] = cells > 0 ? (run.severity[g] as number) / cells : Number.NaN;
    if (cells >= run.options.minSeverityCells) {
      reliable.push(g);
      run.reliable[g] = 1;
    }
  }
  // z-scores need a spread to compare against: with fewer than three raters there is none.
  if (reliable.length < 3) return;
  const values = reliable.map((g) => run.severity[g] as number);
  const z = modifiedZScores(values);
  // + 0 as in modifiedZScores: the median of -0 and 0 must not depend on the order.
  const middle = median(values) + 0;
  reliable.forEach((g, k) => {
    run.zOf.set(g, z[k] as number);
    // A z-score alone can single out a 4-point severity when nearly every rater sits at 0 (MAD 0).
    const effect = Math.abs((run.severity[g] as number) - middle);
    if (Math.abs(z[k] as number) > run.options.outlierZ && effect >= run.options.minOutlierPoints) run.outlier[g] = 1;
  });
};

/** Center c's scores with each reliably estimated rater's severity taken out of their answers. */
export const adjustCenter = (run: ScoringRun, c: number): void => {
  const { ni, nd, cells, rowRater, reliable, severity, adjustedConsensus } = run;
  const first = run.rowStart[c] as number;
  const r = (run.rowStart[c + 1] as number) - first;
  const column = run.picked;
  for (let i = 0; i < ni; i++) {
    let count = 0;
    for (let row = 0; row < r; row++) {
      const v = cells[(first + row) * ni + i] as number;
      if (Number.isNaN(v)) continue;
      const g = rowRater[first + row] as number;
      column[count++] = reliable[g] ? clampScore(v - (severity[g] as number)) : v;
    }
    sortPrefix(column, count);
    adjustedConsensus[c * ni + i] = combineSorted(run, column, count);
  }
  markAsked(run, c);
  run.adjustedScore[c] = rollUpAsked(run, run.adjustedConsensus, c * ni, run.adjustedDims, c * nd);
};
