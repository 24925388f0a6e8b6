/**
 * The interval of a center's score: a normal interval whose spread is the raters' spread, pooled over
 * the campaign and combined with the center's own, scaled for the median. Pure arithmetic, no I/O.
 */

/** Two-sided normal quantiles Φ⁻¹(1 − (1 − level)/2) for the interval levels scoring accepts. */
export const NORMAL_QUANTILES: Readonly<Record<number, number>> = {
  80: 1.2815515655446004,
  90: 1.6448536269514722,
  95: 1.959963984540054,
  99: 2.5758293035489004,
};

/** The normal quantile of a central interval of `levelPercent`; throws for a level not listed. */
export const normalQuantile = (levelPercent: number): number => {
  const z = NORMAL_QUANTILES[levelPercent];
  if (z === undefined)
    throw new Error(`interval level must be one of ${Object.keys(NORMAL_QUANTILES).join(', ')} (got ${levelPercent})`);
  return z;
};

/**
 * n·Var(median of n)/σ² for normal values: how much more the median of n raters varies than their
 * mean. 1 for one or two raters (the median of two is their mean), then as listed, π/2 beyond ten.
 */
export const MEDIAN_VARIANCE_FACTORS: readonly number[] = [1, 1, 1, 1.35, 1.19, 1.43, 1.29, 1.48, 1.34, 1.5, 1.38];

/** The factor κ_n for n raters combined by the median (or 1 for the mean). */
export const medianVarianceFactor = (n: number, median = true): number =>
  !median ? 1 : (MEDIAN_VARIANCE_FACTORS[n] ?? Math.PI / 2);

/**
 * Degrees of freedom the campaign's pooled spread weighs as, against a center's own n − 1: with
 * three raters the center's own spread counts for a third, with five for a half.
 */
export const POOLED_WEIGHT = 4;

/** What a center's interval is made of. */
export interface IntervalInputs {
  /** The center's unrounded score. */
  score: number;
  /** Its raters. */
  n: number;
  /** Σ (s_j − s̄)² of its raters' own scores (0 with one rater). */
  ownSquares: number;
  /** Σ share_i²·step_i²/12 over the center's answered indicators. */
  gridVariance: number;
  /** The campaign's pooled variance of raters' own scores within a center, and its degrees of freedom. */
  pooledVariance: number;
  pooledDf: number;
  levelPercent: number;
  median: boolean;
}

/**
 * The interval: score ± z·σ̂·√(κ_n/n), clamped to 0–100, where σ̂² = (w·σ²_pool + Σ(s_j − s̄)²) /
 * (w + n − 1) with w = min(pooled df, POOLED_WEIGHT). Null when there is nothing to estimate σ̂ from
 * (one rater in a campaign where no center had two).
 */
export const raterInterval = (
  x: IntervalInputs,
): { low: number; high: number; standardError: number; sd: number } | null => {
  const w = Math.min(x.pooledDf, POOLED_WEIGHT);
  const df = w + x.n - 1;
  if (x.n < 1 || df <= 0) return null;
  const variance = ((w > 0 ? w * x.pooledVariance : 0) + x.ownSquares) / df;
  const sd = Math.sqrt(variance);
  const standardError = Math.sqrt((variance * medianVarianceFactor(x.n, x.median)) / x.n + x.gridVariance);
  const half = normalQuantile(x.levelPercent) * standardError;
  return {
    low: Math.max(0, x.score - half),
    high: Math.min(100, x.score + half),
    standardError,
    sd,
  };
};
