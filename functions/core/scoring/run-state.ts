/**
 * The state of one scoring run over the columns an accumulator collected: answers grouped by center,
 * the arrays each finishing pass fills, and per-center scratch space; with the roll-up the passes share.
 */
import { IntervalAlpha, medianOfSorted } from './agreement.ts';
import type { Columns, Indicator } from './columns.ts';
import { normalQuantile } from './interval.ts';
import type { ScoringOptions } from './options.ts';
import type { PreviousScores } from './previous.ts';
import { foldDimensions } from './values.ts';

/** A center's interval with the standard error and the raters' spread it came from. */
export interface CenterInterval {
  low: number;
  high: number;
  standardError: number;
  sd: number;
}

/** The finishing passes' state: read and filled stage by stage (score centers, calibrate, publish). */
export interface ScoringRun {
  readonly cols: Columns;
  readonly options: ScoringOptions;
  readonly previous: PreviousScores | undefined;
  readonly ni: number;
  readonly nd: number;
  readonly nc: number;
  /**
   * Responses grouped by center, each center's in arrival order: the responses of center c are
   * order[start[c] .. start[c + 1]) (their answers: see Columns.answerStart).
   */
  readonly order: Uint32Array;
  readonly start: Uint32Array;
  /** Rater rows: the rows of center c are rowStart[c] .. rowStart[c + 1], in canonical order. */
  readonly rowStart: Uint32Array;
  readonly rowRater: Uint32Array;
  /**
   * Raters of each center: the rows with at least one scored, non-N/A value. They come first in the
   * canonical order; rows after them hold only N/A or unscored answers and count as responses only.
   */
  readonly raterCount: Uint32Array;
  /** Each row's value per indicator (a rater's answers to one indicator averaged), NaN when none. */
  readonly cells: Float64Array;
  readonly consensus: Float64Array;
  readonly adjustedConsensus: Float64Array;
  readonly dimScores: Float64Array;
  readonly adjustedDims: Float64Array;
  readonly score: Float64Array;
  readonly adjustedScore: Float64Array;
  readonly centerAlpha: (number | null)[];
  /** The campaign's expected disagreement per dimension: a center's dimension alpha is taken against it. */
  dimensionExpected: number[];
  readonly ci: (CenterInterval | null)[];
  readonly severity: Float64Array;
  readonly severityCells: Uint32Array;
  readonly severityCenters: Uint32Array;
  readonly reliable: Uint8Array;
  readonly outlier: Uint8Array;
  readonly zOf: Map<number, number>;
  centerIndex: Map<string, number> | undefined;
  readonly campaignAlpha: IntervalAlpha;
  readonly campaignDimensionAlpha: IntervalAlpha[];
  readonly num: Float64Array;
  readonly den: Float64Array;
  // Scratch space of one center at a time, sized for the most raters seen so far.
  capacity: number;
  raters: Int32Array;
  ranked: Int32Array;
  sums: Float64Array;
  counts: Uint16Array;
  sorted: Float64Array;
  sortedRow: Uint16Array;
  picked: Float64Array;
  /** Per indicator, 1 when it was asked at the center at hand (see isAskedAt). */
  readonly askedHere: Uint8Array;
  readonly present: Uint8Array;
  readonly m: Uint16Array;
  readonly ownDims: Float64Array;
  rowScore: Float64Array;
  /** Per center, Σ (s_j − s̄)² over its raters' own scores. */
  readonly ownSquares: Float64Array;
  /** Per center (and center × dimension), the observed disagreement of its raters. */
  readonly centerObserved: Float64Array;
  campaignObserved: number;
  readonly dimensionObserved: Float64Array;
  /** Per center, the variance the answer grid adds (see gridVarianceOf). */
  readonly gridVariance: Float64Array;
  pooledVariance: number;
  readonly alpha: IntervalAlpha;
  readonly dimensionAlphaScratch: IntervalAlpha[];
}

/**
 * Counting sort of the responses by center; stable, so a center's responses (and with them its
 * answers) keep their arrival order.
 */
const groupByCenter = (cols: Columns, nc: number): { order: Uint32Array; start: Uint32Array } => {
  const { responseCenter, responses } = cols;
  const start = new Uint32Array(nc + 1);
  for (let p = 0; p < responses; p++) {
    const c = (responseCenter[p] as number) + 1;
    start[c] = (start[c] as number) + 1;
  }
  for (let c = 0; c < nc; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const cursor = start.slice(0, nc);
  const order = new Uint32Array(responses);
  for (let p = 0; p < responses; p++) {
    const c = responseCenter[p] as number;
    order[cursor[c] as number] = p;
    cursor[c] = (cursor[c] as number) + 1;
  }
  return { order, start };
};

/** Sets up a run: checks the interval level, groups the answers by center and sizes every array. */
export const createScoringRun = (
  cols: Columns,
  options: ScoringOptions,
  previous: PreviousScores | undefined,
): ScoringRun => {
  const ni = cols.indicators.length;
  const nd = cols.dimensions.length;
  const nc = cols.centers.length;
  normalQuantile(options.levelPercent);
  const { order, start } = groupByCenter(cols, nc);
  // Each response adds at most one (center, rater) row.
  const maxRows = cols.responses;
  const nr = cols.raterIds.length;
  return {
    cols,
    options,
    previous,
    ni,
    nd,
    nc,
    order,
    start,
    rowStart: new Uint32Array(nc + 1),
    rowRater: new Uint32Array(maxRows),
    raterCount: new Uint32Array(nc),
    cells: new Float64Array(maxRows * ni),
    consensus: new Float64Array(nc * ni),
    adjustedConsensus: new Float64Array(nc * ni).fill(Number.NaN),
    dimScores: new Float64Array(nc * nd),
    adjustedDims: new Float64Array(nc * nd).fill(Number.NaN),
    score: new Float64Array(nc),
    adjustedScore: new Float64Array(nc).fill(Number.NaN),
    centerAlpha: new Array(nc).fill(null),
    dimensionExpected: [],
    ci: new Array(nc).fill(null),
    severity: new Float64Array(nr),
    severityCells: new Uint32Array(nr),
    severityCenters: new Uint32Array(nr),
    reliable: new Uint8Array(nr),
    outlier: new Uint8Array(nr),
    zOf: new Map<number, number>(),
    centerIndex: undefined,
    campaignAlpha: new IntervalAlpha(),
    campaignDimensionAlpha: Array.from({ length: nd }, () => new IntervalAlpha()),
    num: new Float64Array(nd),
    den: new Float64Array(nd),
    capacity: 0,
    raters: new Int32Array(0),
    ranked: new Int32Array(0),
    sums: new Float64Array(0),
    counts: new Uint16Array(0),
    sorted: new Float64Array(0),
    sortedRow: new Uint16Array(0),
    picked: new Float64Array(0),
    askedHere: new Uint8Array(ni),
    present: new Uint8Array(nd),
    m: new Uint16Array(ni),
    ownDims: new Float64Array(nd),
    rowScore: new Float64Array(0),
    ownSquares: new Float64Array(nc),
    centerObserved: new Float64Array(nc),
    campaignObserved: Number.NaN,
    dimensionObserved: new Float64Array(nc * nd),
    gridVariance: new Float64Array(nc),
    pooledVariance: Number.NaN,
    alpha: new IntervalAlpha(),
    dimensionAlphaScratch: Array.from({ length: nd }, () => new IntervalAlpha()),
  };
};

/** Combines `m` row values sorted ascending from `offset` into the consensus. */
export const combineSorted = (run: ScoringRun, sorted: Float64Array, m: number, offset = 0): number => {
  if (m === 0) return Number.NaN;
  if (run.options.combine === 'median') return medianOfSorted(sorted, m, offset);
  let sum = 0;
  for (let k = offset; k < offset + m; k++) sum += sorted[k] as number;
  return sum / m;
};

/**
 * Whether indicator i was asked at center c: in an activity of its responses, at that center, and, for a
 * question with a condition, to at least one of its responses.
 */
export const isAskedAt = (run: ScoringRun, i: number, c: number): boolean => {
  const q = run.cols.indicators[i] as Indicator;
  return (
    (q.mask & (run.cols.centerMask[c] as number)) !== 0 &&
    (q.scope === null || q.scope[c] === 1) &&
    (q.askedAt === null || q.askedAt[c] === 1)
  );
};

/** Marks in `askedHere` the indicators asked at center c (see isAskedAt). */
export const markAsked = (run: ScoringRun, c: number): void => {
  const indicators = run.cols.indicators;
  const mask = run.cols.centerMask[c] as number;
  for (let i = 0; i < run.ni; i++) {
    const q = indicators[i] as Indicator;
    run.askedHere[i] =
      (q.mask & mask) !== 0 && (q.scope === null || q.scope[c] === 1) && (q.askedAt === null || q.askedAt[c] === 1)
        ? 1
        : 0;
  }
};

/**
 * The roll-up of the accumulator (weighted means re-normalized over what was answered) for the center
 * whose asked indicators `markAsked` set: the same sums in the same order, without re-deriving them.
 */
export const rollUpAsked = (
  run: ScoringRun,
  values: Float64Array,
  at: number,
  dims: Float64Array,
  dimsAt: number,
): number => {
  const { ni, num, den, askedHere } = run;
  const indicators = run.cols.indicators;
  const dimensions = run.cols.dimensions;
  num.fill(0);
  den.fill(0);
  for (let i = 0; i < ni; i++) {
    if (askedHere[i] === 0) continue;
    const v = values[at + i] as number;
    if (Number.isNaN(v)) continue;
    const q = indicators[i] as Indicator;
    num[q.dim] = (num[q.dim] as number) + q.weight * v;
    den[q.dim] = (den[q.dim] as number) + q.weight;
  }
  return foldDimensions(num, den, dimensions, dims, dimsAt);
};
