/**
 * Grades and published numbers: the grade bands, a score as officials read it (one decimal) and the
 * change between two published scores.
 */
import type { Grade, GradeBand } from './records.ts';

/** Default grade bands: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 70, 需整改 below. */
export const DEFAULT_BANDS: readonly GradeBand[] = [
  { grade: 'excellent', min: 90 },
  { grade: 'good', min: 80 },
  { grade: 'pass', min: 70 },
  { grade: 'rectify', min: Number.NEGATIVE_INFINITY },
];

/**
 * Grade bands from three thresholds, e.g. "90,80,70" → 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 70, 需整改 below.
 * Throws a message fit for a user when the thresholds are not three falling numbers within 0–100.
 */
export const parseGradeBands = (text: string): GradeBand[] => {
  const parts = text.split(',').map((p) => p.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 3 || numbers.some((n, i) => parts[i] === '' || !Number.isFinite(n) || n < 0 || n > 100)) {
    throw new Error(`grade bands must be three numbers within 0–100 such as "90,80,70" (got "${text}")`);
  }
  const [excellent, good, pass] = numbers as [number, number, number];
  if (!(excellent > good && good > pass)) {
    throw new Error(`grade bands must fall from 优秀 to 合格, e.g. "90,80,70" (got "${text}")`);
  }
  return [
    { grade: 'excellent', min: excellent },
    { grade: 'good', min: good },
    { grade: 'pass', min: pass },
    { grade: 'rectify', min: Number.NEGATIVE_INFINITY },
  ];
};

/**
 * A score as published: to one decimal, halves up, after rounding to a millionth of a point so that
 * floating-point noise (79.99999999999999) publishes as the number it stands for (80.0). Ranks,
 * grades and trends are taken on this value, so what an official reads and the grade agree.
 */
export const publishScore = (x: number): number => Math.round(Math.round(x * 1e6) / 1e5) / 10;

/** The difference of two published scores, itself exact to one decimal. */
export const publishedChange = (now: number, before: number): number =>
  (Math.round(now * 10) - Math.round(before * 10)) / 10;

/** Grade for a (published) score under the given bands. */
export const gradeOf = (score: number, bands: readonly GradeBand[] = DEFAULT_BANDS): Grade =>
  bands.find((b) => score >= b.min)?.grade ?? 'rectify';
