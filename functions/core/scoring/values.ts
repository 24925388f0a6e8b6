/**
 * Small numeric helpers shared by the scoring stages: code-point order of ids, NaN as null, the
 * clamp to 0–100, and the roll-up of dimension sums into a center score.
 */
import { publishScore } from './grades.ts';

/** Orders two ids by code points (not locale), so results do not depend on the machine. */
export const compareCodes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** 1 − D_o / D_e, or null when either is undefined. */
export const computeAlpha = (observed: number, expected: number): number | null =>
  Number.isNaN(observed) || Number.isNaN(expected) ? null : 1 - observed / expected;

/** The number, or null for NaN (nothing to report). */
export const toNullable = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** The published score of a number, or null for NaN. */
export const publishOrNull = (x: number): number | null => (Number.isNaN(x) ? null : publishScore(x));

/** Clamps a score to 0–100. */
export const clampScore = (x: number): number => Math.min(100, Math.max(0, x));

/**
 * Writes each dimension's weighted mean (`num / den`, NaN when nothing was answered) to `dims` at
 * `dimsAt` and returns the center score: the dimensions' weighted mean re-normalized over those answered.
 */
export const foldDimensions = (
  num: Float64Array,
  den: Float64Array,
  dimensions: readonly { weight: number }[],
  dims: Float64Array,
  dimsAt: number,
): number => {
  let total = 0;
  let totalWeight = 0;
  for (let d = 0; d < dimensions.length; d++) {
    const w = den[d] as number;
    const score = w > 0 ? (num[d] as number) / w : Number.NaN;
    dims[dimsAt + d] = score;
    if (!Number.isNaN(score)) {
      const sw = (dimensions[d] as { weight: number }).weight;
      total += sw * score;
      totalWeight += sw;
    }
  }
  return totalWeight > 0 ? total / totalWeight : Number.NaN;
};
