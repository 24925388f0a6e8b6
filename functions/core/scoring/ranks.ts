/**
 * Ranks within each level of centers, on the published score, with the range of ranks each center's
 * interval allows.
 */
import type { CenterLevel } from '../model.ts';
import { publishScore } from './grades.ts';
import type { CenterScore } from './records.ts';
import { compareCodes } from './values.ts';

/** How many entries of an ascending array are below x (strictly), by bisection. */
const countBelow = (sorted: Float64Array, x: number): number => {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** How many entries of an ascending array are above x (strictly). */
const countAbove = (sorted: Float64Array, x: number): number => {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
};

const low = (s: CenterScore) => s.ci90?.low ?? s.exact ?? s.score ?? 0;
const high = (s: CenterScore) => s.ci90?.high ?? s.exact ?? s.score ?? 0;

/**
 * The place of each center's id among the level's ids. Scoring hands the centers over in the order
 * of their ids, so the places are usually the indexes themselves.
 */
const placesById = (unsorted: readonly CenterScore[]): Int32Array => {
  const n = unsorted.length;
  const idOrder = Int32Array.from(unsorted.keys());
  let byId = true;
  for (let i = 1; i < n && byId; i++)
    if (compareCodes((unsorted[i - 1] as CenterScore).centerId, (unsorted[i] as CenterScore).centerId) > 0)
      byId = false;
  if (!byId) {
    const ids = [...unsorted.keys()].sort((a, b) =>
      compareCodes((unsorted[a] as CenterScore).centerId, (unsorted[b] as CenterScore).centerId),
    );
    ids.forEach((i, place) => {
      idOrder[i] = place;
    });
  }
  return idOrder;
};

/**
 * The indexes of centers by key (highest first), then by the place of their id: each center as one
 * whole number (key from the top, times the count, plus the place; the places are distinct, so no two
 * are equal), sorted numerically without a comparator.
 */
const byScoreThenId = (key: Int32Array, idOrder: Int32Array): number[] => {
  const n = key.length;
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, key[i] as number);
  const packed = new Float64Array(n);
  const byPlace = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    packed[i] = (top - (key[i] as number)) * n + (idOrder[i] as number);
    byPlace[idOrder[i] as number] = i;
  }
  packed.sort();
  return Array.from(packed, (v) => byPlace[v % n] as number);
};

/** Ranks the scored centers of one level in place (see rankWithinLevels). */
const rankLevel = (unsorted: readonly CenterScore[]): void => {
  // The published score in tenths and the place of the id among the level's ids, taken once per
  // center: the sort then compares integers.
  const key = Int32Array.from(unsorted, (s) => Math.round(publishScore(s.score ?? 0) * 10));
  const idOrder = placesById(unsorted);
  const at = byScoreThenId(key, idOrder);
  const list = at.map((i) => unsorted[i] as CenterScore);
  const keyOf = (i: number) => key[at[i] as number] as number;
  const lows = Float64Array.from(list, low).sort();
  const highs = Float64Array.from(list, high).sort();
  list.forEach((s, i) => {
    const prev = list[i - 1];
    s.rank = prev && keyOf(i - 1) === keyOf(i) ? prev.rank : i + 1;
    s.rankOf = list.length;
    const rank = s.rank ?? i + 1;
    const above = countAbove(lows, high(s));
    const below = countBelow(highs, low(s));
    s.rankRange = { low: Math.min(rank, 1 + above), high: Math.max(rank, list.length - below) };
  });
};

/**
 * Ranks centers within each level by their published score (one decimal), ties sharing a rank
 * (1, 2, 2, 4); unscored centers, and centers without a counted response, get none. Two centers an
 * official sees with the same score tie.
 * Each ranked center also gets the range of ranks its interval allows: from 1 + the centers whose
 * whole interval lies above its own, to the centers in the level less those whose whole interval lies
 * below it (a center without an interval counts as its unrounded score alone); the range always holds
 * the rank. A center with a single rater is provisional.
 */
export const rankWithinLevels = (scores: CenterScore[]): CenterScore[] => {
  const byLevel = new Map<CenterLevel, CenterScore[]>();
  for (const s of scores) {
    // A center nobody supervised (no counted response) takes no rank, whatever a score says.
    if (s.score === null || (s.responses ?? s.raters) === 0) continue;
    const list = byLevel.get(s.level) ?? [];
    list.push(s);
    byLevel.set(s.level, list);
  }
  for (const unsorted of byLevel.values()) rankLevel(unsorted);
  return scores;
};
