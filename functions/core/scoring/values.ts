/**
 * Small numeric helpers shared by the scoring stages: code-point order of ids, NaN as null, and the
 * clamp to 0–100.
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
