/**
 * The explanation of one center's score: every rater's answer (anonymous), each indicator's consensus,
 * weight and share, and the dimensions, in the order they were computed.
 */
import { ACTIVITIES } from '../model.ts';
import { decodeAnswer, type Indicator, scoreEncoded } from './columns.ts';
import { describeNormalization } from './normalize.ts';
import { METHODOLOGY_VERSION } from './options.ts';
import type { CenterExplanation, CenterScore, IndicatorExplanation } from './records.ts';
import { isAskedAt, type ScoringRun } from './run-state.ts';
import { computeAlpha, toNullable } from './values.ts';

/** One answer as the columns hold it, with the row of its rater. */
interface HeldAnswer {
  row: number;
  activity: number;
  raw: number;
  value: number;
}

/** Center c's answers per indicator, each with its rater's row. */
const answersByIndicator = (run: ScoringRun, c: number): HeldAnswer[][] => {
  const { cols } = run;
  const first = run.rowStart[c] as number;
  const r = (run.rowStart[c + 1] as number) - first;
  const rowOf = new Map<number, number>();
  for (let row = 0; row < r; row++) rowOf.set(run.rowRater[first + row] as number, row);
  const answersOf = cols.indicators.map(() => [] as HeldAnswer[]);
  for (let k = run.start[c] as number; k < (run.start[c + 1] as number); k++) {
    const p = run.order[k] as number;
    const row = rowOf.get(cols.responseRater[p] as number) ?? 0;
    const activity = cols.responseActivity[p] as number;
    for (let a = cols.answerStart[p] as number; a < (cols.answerStart[p + 1] as number); a++) {
      const i = cols.indicatorOf[a] as number;
      const x = cols.raw[a] as number;
      answersOf[i]?.push({ row, activity, raw: x, value: scoreEncoded(cols.indicators[i] as Indicator, x) });
    }
  }
  return answersOf;
};

/** The weights answered at a center, for the shares of its dimensions and indicators. */
interface AnsweredWeights {
  /** A dimension's share of the center score: its weight over the answered dimensions'. */
  dimShare: (k: number) => number;
  /** Per dimension, the weight of its answered indicators. */
  inDimension: Float64Array;
}

/**
 * Shares: a dimension's weight over the answered dimensions, times the indicator's weight over the
 * answered indicators of its dimension.
 */
const answeredWeights = (run: ScoringRun, c: number): AnsweredWeights => {
  const { cols, ni, nd } = run;
  const answeredDimWeight = cols.dimensions.reduce(
    (s, d, k) => s + (Number.isNaN(run.dimScores[c * nd + k] as number) ? 0 : d.weight),
    0,
  );
  const inDimension = new Float64Array(nd);
  cols.indicators.forEach((q, i) => {
    if (isAskedAt(run, i, c) && !Number.isNaN(run.consensus[c * ni + i] as number))
      inDimension[q.dim] = (inDimension[q.dim] as number) + q.weight;
  });
  const dimShare = (k: number) =>
    Number.isNaN(run.dimScores[c * nd + k] as number) || answeredDimWeight === 0
      ? 0
      : (cols.dimensions[k] as { weight: number }).weight / answeredDimWeight;
  return { dimShare, inDimension };
};

/** How indicator i of center c was scored, from its answers and the center's answered weights. */
const explainIndicator = (
  run: ScoringRun,
  c: number,
  i: number,
  answers: HeldAnswer[],
  weights: AnsweredWeights,
): IndicatorExplanation => {
  const q = run.cols.indicators[i] as Indicator;
  const rated = run.raterCount[c] as number;
  const asked = isAskedAt(run, i, c);
  const consensus = toNullable(run.consensus[c * run.ni + i] as number);
  const list = answers.sort((x, y) => x.row - y.row || x.activity - y.activity || x.raw - y.raw);
  const status = !asked
    ? 'not-asked'
    : consensus !== null
      ? 'scored'
      : list.length > 0
        ? 'not-applicable'
        : 'no-answer';
  const weightInDim = weights.inDimension[q.dim] as number;
  return {
    indicator: q.question.indicator ?? q.id,
    question: q.id,
    dimension: q.question.dimension,
    kind: q.question.kind,
    normalization: describeNormalization(q.question),
    weight: q.weight,
    share: consensus !== null && weightInDim > 0 ? (weights.dimShare(q.dim) * q.weight) / weightInDim : 0,
    status,
    answers: list.map((x) => ({
      rater: x.row < rated ? `rater ${x.row + 1}` : `without a scored answer ${x.row - rated + 1}`,
      activity: x.activity < ACTIVITIES.length ? (ACTIVITIES[x.activity] ?? null) : null,
      answer: decodeAnswer(q, x.raw),
      score: toNullable(x.value),
    })),
    consensus,
    adjusted: run.options.adjustSeverity ? toNullable(run.adjustedConsensus[c * run.ni + i] as number) : null,
  };
};

/** The explanation of one center's score, or undefined for a center outside the campaign. */
export const explainCenter = (
  run: ScoringRun,
  centerId: string,
  scores: CenterScore[],
): CenterExplanation | undefined => {
  const { cols, nd } = run;
  if (!run.centerIndex) run.centerIndex = new Map(cols.centers.map((x, i) => [x.id, i]));
  const c = run.centerIndex.get(centerId) ?? -1;
  const center = cols.centers[c];
  // Scores are in the order of the centers.
  const scored = scores[c];
  if (!center || !scored) return undefined;
  const rated = run.raterCount[c] as number;
  const answersOf = answersByIndicator(run, c);
  const weights = answeredWeights(run, c);
  const indicators = cols.indicators.map((_, i) => explainIndicator(run, c, i, answersOf[i] ?? [], weights));
  return {
    campaignId: cols.campaignId,
    centerId,
    level: center.level,
    methodology: METHODOLOGY_VERSION,
    combine:
      run.options.combine === 'median'
        ? 'median of the raters per indicator (two middle answers averaged when their number is even)'
        : 'mean of the raters per indicator',
    raters: Array.from({ length: rated }, (_, row) => `rater ${row + 1}`),
    score: scored.exact ?? null,
    published: scored.score,
    ci90: run.ci[c] ?? null,
    coverage: scored.coverage,
    alpha: scored.alpha ?? null,
    dimensions: cols.dimensions.flatMap((d, k) =>
      scored.dimensions[d.dimension] === undefined
        ? []
        : [
            {
              dimension: d.dimension,
              weight: d.weight,
              share: weights.dimShare(k),
              score: scored.dimensions[d.dimension] ?? null,
              adjusted: scored.adjusted?.dimensions[d.dimension] ?? null,
              alpha: computeAlpha(run.dimensionObserved[c * nd + k] as number, run.dimensionExpected[k] as number),
            },
          ],
    ),
    indicators,
  };
};
