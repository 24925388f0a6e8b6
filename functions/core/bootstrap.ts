import { seededRandom } from './random.ts';

/** How a bootstrap over raters is run. */
export interface BootstrapSettings {
  /** Central coverage of the interval in percent (90 → the 5th and 95th percentiles). */
  levelPercent: number;
  /** Resamples drawn when the exact distribution would be larger than this. */
  resamples: number;
  /** Seed of the resampling; fixed, so a re-run draws the same resamples. */
  seed: string;
  /** Largest exact distribution enumerated instead of drawn; defaults to `resamples`. */
  exactLimit?: number;
}

/** A percentile interval and how it was obtained. */
export interface BootstrapInterval {
  low: number;
  high: number;
  /** Exact: every distinct resample enumerated with its probability; otherwise seeded resampling. */
  exact: boolean;
}

/** Number of distinct resamples of r raters drawn with replacement: C(2r − 1, r). */
export const distinctResamples = (r: number): number => {
  let c = 1;
  for (let k = 1; k <= r; k++) c = (c * (r + k - 1)) / k;
  return Math.round(c);
};

const factorial = (n: number): number => {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return f;
};

/** The distinct resamples of r raters (draw counts, row by row) with their multinomial weights r!/∏k_i!. */
const resampleTables = new Map<number, { counts: Uint32Array; weights: number[] }>();
const resampleTable = (r: number): { counts: Uint32Array; weights: number[] } => {
  const known = resampleTables.get(r);
  if (known) return known;
  const rows: number[] = [];
  const weights: number[] = [];
  const counts = new Array<number>(r).fill(0);
  const rFactorial = factorial(r);
  // Counts in descending lexicographic order: the order every run enumerates them in.
  const visit = (i: number, left: number, denominator: number) => {
    if (i === r - 1) {
      counts[i] = left;
      rows.push(...counts);
      weights.push(rFactorial / (denominator * factorial(left)));
      return;
    }
    for (let k = left; k >= 0; k--) {
      counts[i] = k;
      visit(i + 1, left - k, denominator * factorial(k));
    }
  };
  visit(0, r, 1);
  const table = { counts: Uint32Array.from(rows), weights };
  resampleTables.set(r, table);
  return table;
};

/**
 * The bootstrap distribution of a statistic over r raters: each resample is given as the count of
 * times each rater is drawn, and comes with an integer weight. When C(2r − 1, r) ≤ `exactLimit`
 * every distinct resample is enumerated with its multinomial weight r!/∏k_i! (total r^r): the
 * distribution seeded resampling converges to, at a fraction of the cost. Otherwise `resamples`
 * draws from a generator seeded with `seed`, weight 1 each. Resamples whose statistic is null are
 * left out (the distribution is conditional on the statistic existing).
 */
export const bootstrapDistribution = (
  r: number,
  statistic: (counts: Uint32Array) => number | null,
  settings: BootstrapSettings,
): { values: number[]; weights: number[]; exact: boolean } => {
  const values: number[] = [];
  const weights: number[] = [];
  const counts = new Uint32Array(r);
  if (r === 0) return { values, weights, exact: true };
  const record = (weight: number) => {
    const v = statistic(counts);
    if (v === null || Number.isNaN(v)) return;
    values.push(v);
    weights.push(weight);
  };
  if (distinctResamples(r) <= (settings.exactLimit ?? settings.resamples)) {
    const table = resampleTable(r);
    for (let row = 0; row < table.weights.length; row++) {
      for (let i = 0; i < r; i++) counts[i] = table.counts[row * r + i] as number;
      record(table.weights[row] as number);
    }
    return { values, weights, exact: true };
  }
  const random = seededRandom(settings.seed);
  for (let b = 0; b < settings.resamples; b++) {
    counts.fill(0);
    for (let k = 0; k < r; k++) {
      const drawn = Math.floor(random() * r);
      counts[drawn] = (counts[drawn] ?? 0) + 1;
    }
    record(1);
  }
  return { values, weights, exact: false };
};

/**
 * Percentile interval of a weighted distribution: the smallest values whose cumulative weight reaches
 * the lower and upper tail shares. Weights are integers, so the comparison is exact.
 */
export const percentileInterval = (
  values: readonly number[],
  weights: readonly number[],
  levelPercent: number,
): { low: number; high: number } | null => {
  if (values.length === 0) return null;
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
  const total = weights.reduce((s, w) => s + w, 0);
  const tail = (100 - levelPercent) / 2;
  let cumulative = 0;
  let low: number | undefined;
  let high: number | undefined;
  for (const i of order) {
    cumulative += weights[i] as number;
    // cumulative/total ≥ tail/100, kept in integers where the weights are integers.
    if (low === undefined && cumulative * 100 >= tail * total) low = values[i];
    if (high === undefined && cumulative * 100 >= (100 - tail) * total) high = values[i];
  }
  return { low: low as number, high: high as number };
};

/** The percentile bootstrap interval of a statistic over r raters, or null when no resample yields it. */
export const bootstrapInterval = (
  r: number,
  statistic: (counts: Uint32Array) => number | null,
  settings: BootstrapSettings,
): BootstrapInterval | null => {
  const { values, weights, exact } = bootstrapDistribution(r, statistic, settings);
  const interval = percentileInterval(values, weights, settings.levelPercent);
  return interval && { ...interval, exact };
};
