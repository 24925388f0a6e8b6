/**
 * Agreement between raters: Krippendorff's alpha and rater severity outliers. Pure arithmetic, no I/O.
 *
 * Alpha follows K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011):
 * α = 1 − D_o / D_e over the coincidences of pairable values (units with at least two values).
 */

/** Difference functions δ² of Krippendorff's alpha. */
export type AlphaMetric = 'nominal' | 'ordinal' | 'interval' | 'ratio';

/**
 * Krippendorff's alpha of reliability data given as one row per coder and one column per unit, `null`
 * for a missing value. Returns null when alpha is undefined: fewer than two pairable values, or no
 * variation at all (D_e = 0). Builds the coincidence matrix, so it suits small data and reference checks.
 */
export const krippendorffAlpha = (
  data: readonly (readonly (number | null)[])[],
  metric: AlphaMetric = 'interval',
): number | null => {
  const unitCount = data.reduce((n, row) => Math.max(n, row.length), 0);
  const coincidences = new Map<number, Map<number, number>>();
  const add = (c: number, k: number, w: number) => {
    const row = coincidences.get(c) ?? new Map<number, number>();
    row.set(k, (row.get(k) ?? 0) + w);
    coincidences.set(c, row);
  };
  for (let u = 0; u < unitCount; u++) {
    const values: number[] = [];
    for (const row of data) {
      const v = row[u];
      if (v !== null && v !== undefined) values.push(v);
    }
    const m = values.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) if (i !== j) add(values[i] as number, values[j] as number, 1 / (m - 1));
    }
  }
  const categories = [...coincidences.keys()].sort((a, b) => a - b);
  const marginal = new Map(
    categories.map((c) => [c, [...(coincidences.get(c)?.values() ?? [])].reduce((s, x) => s + x, 0)]),
  );
  const n = [...marginal.values()].reduce((s, x) => s + x, 0);
  if (n < 2) return null;
  const nOf = (c: number) => marginal.get(c) ?? 0;
  const delta2 = (c: number, k: number): number => {
    switch (metric) {
      case 'nominal':
        return c === k ? 0 : 1;
      case 'interval':
        return (c - k) ** 2;
      case 'ratio':
        return c + k === 0 ? 0 : ((c - k) / (c + k)) ** 2;
      case 'ordinal': {
        const [lo, hi] = c < k ? [c, k] : [k, c];
        let between = 0;
        for (const g of categories) if (g >= lo && g <= hi) between += nOf(g);
        return (between - (nOf(c) + nOf(k)) / 2) ** 2;
      }
    }
  };
  let observed = 0;
  let expected = 0;
  for (const c of categories) {
    for (const k of categories) {
      const d = delta2(c, k);
      observed += (coincidences.get(c)?.get(k) ?? 0) * d;
      expected += nOf(c) * nOf(k) * d;
    }
  }
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
};

/**
 * Krippendorff's alpha for the interval metric, fed one unit at a time in a single pass. Uses
 * Σ_{i≠j}(v_i − v_j)² = 2m·SS, so it needs only each unit's size, mean and sum of squares:
 * α = 1 − (n − 1)·Σ_u [m_u·SS_u / (m_u − 1)] / (n·SS_total). Sums merge stably (Chan et al.).
 */
export class IntervalAlpha {
  private n = 0;
  private mean = 0;
  private ss = 0;
  private within = 0;

  /** Adds one unit's values: `m` entries of `values` from `offset` (units with fewer than two do not pair). */
  addUnit(values: ArrayLike<number>, m: number, offset = 0): void {
    if (m < 2) return;
    let sum = 0;
    for (let i = offset; i < offset + m; i++) sum += values[i] as number;
    const unitMean = sum / m;
    let unitSs = 0;
    for (let i = offset; i < offset + m; i++) unitSs += ((values[i] as number) - unitMean) ** 2;
    this.addUnitStats(m, unitMean, unitSs);
  }

  /**
   * Adds one unit given its size, mean and sum of squares about the mean, as `addUnit` computes them:
   * one unit can then feed several alphas (center, dimension, campaign) without summing it again.
   */
  addUnitStats(m: number, unitMean: number, unitSs: number): void {
    if (m < 2) return;
    this.within += (m * unitSs) / (m - 1);
    const total = this.n + m;
    const delta = unitMean - this.mean;
    this.mean += (delta * m) / total;
    this.ss += unitSs + (delta * delta * this.n * m) / total;
    this.n = total;
  }

  /** Forgets every unit, to be used again. */
  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.ss = 0;
    this.within = 0;
  }

  /** Pairable values seen so far. */
  get pairable(): number {
    return this.n;
  }

  /** Observed disagreement D_o up to the factor 2 both share: Σ_u m_u·SS_u/(m_u − 1) / n; NaN below two values. */
  observed(): number {
    return this.n < 2 ? Number.NaN : this.within / this.n;
  }

  /** Expected disagreement D_e up to the same factor: SS_total/(n − 1); NaN below two values or without variation. */
  expected(): number {
    return this.n < 2 || this.ss <= 0 ? Number.NaN : this.ss / (this.n - 1);
  }

  /** Alpha, or null when undefined (fewer than two pairable values, or no variation at all). */
  value(): number | null {
    if (this.n < 2 || this.ss <= 0) return null;
    return 1 - ((this.n - 1) * this.within) / (this.n * this.ss);
  }
}

/** The median of `count` entries of `sorted` (ascending) from `offset`; the two middle values averaged when even. */
export const medianOfSorted = (sorted: ArrayLike<number>, count: number, offset = 0): number => {
  if (count === 0) return Number.NaN;
  const lo = sorted[offset + ((count - 1) >> 1)] as number;
  const hi = sorted[offset + (count >> 1)] as number;
  return (lo + hi) / 2;
};

/** Sorts the first `count` entries in place (insertion sort: the arrays here hold a handful of raters). */
export const sortPrefix = (values: Float64Array | number[], count: number): void => {
  for (let i = 1; i < count; i++) {
    const x = values[i] as number;
    let j = i - 1;
    while (j >= 0 && (values[j] as number) > x) {
      values[j + 1] = values[j] as number;
      j--;
    }
    values[j + 1] = x;
  }
};

/** The median of a list (copied, then sorted); NaN when empty. */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return medianOfSorted(sorted, sorted.length);
};

/**
 * Modified z-scores of Iglewicz and Hoaglin (1993): 0.6745·(x − median)/MAD, robust to the very
 * outliers they look for. When MAD is 0 the mean absolute deviation stands in (×1.253314, its
 * consistency factor); when both are 0 every score is 0. Order of the input does not matter.
 */
export const modifiedZScores = (values: readonly number[]): number[] => {
  if (values.length === 0) return [];
  // + 0 makes a median of -0 into 0: which of -0 and 0 sorts to the middle depends on the input's order.
  const center = median(values) + 0;
  const deviations = values.map((x) => Math.abs(x - center));
  const mad = median(deviations);
  if (mad > 0) return values.map((x) => (0.6745 * (x - center)) / mad);
  // Summing sorted deviations keeps the result independent of the input's order.
  const meanAbs = [...deviations].sort((a, b) => a - b).reduce((s, x) => s + x, 0) / values.length;
  if (meanAbs > 0) return values.map((x) => (x - center) / (1.253314 * meanAbs));
  return values.map(() => 0);
};

/** Iglewicz and Hoaglin's cut-off: a modified z-score beyond ±3.5 marks an outlier. */
export const OUTLIER_Z = 3.5;

/** How well a center's supervisors agree, in the words an official reads: 高 high, 中 medium, 低 low. */
export type AgreementLevel = 'high' | 'medium' | 'low';

/** Alpha at or above this is high agreement: Krippendorff's level for reliable conclusions. */
export const HIGH_AGREEMENT_ALPHA = 0.8;
/** Alpha at or above this (and below high) is medium agreement: his lowest level for tentative conclusions. */
export const MEDIUM_AGREEMENT_ALPHA = 0.667;

/**
 * A center's alpha as an official reads it (docs/scoring.md §5): high at 0.8 or more, medium from 0.667,
 * low below; undefined when the alpha is (too few paired answers to tell).
 */
export const agreementLevel = (alpha: number | null | undefined): AgreementLevel | undefined => {
  if (alpha === null || alpha === undefined || Number.isNaN(alpha)) return undefined;
  return alpha >= HIGH_AGREEMENT_ALPHA ? 'high' : alpha >= MEDIUM_AGREEMENT_ALPHA ? 'medium' : 'low';
};
