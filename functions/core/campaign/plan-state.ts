/**
 * The working state of one assignment plan, as indices: supervisors and centers with their districts,
 * each supervisor's load, each center's raters and each supervisor's centers; with the checked reads
 * the planning steps share.
 */

/** The plan being built: S supervisors, C centers, D districts, all by index. */
export type PlanState = {
  S: number;
  C: number;
  D: number;
  supDistrict: Int32Array;
  centerDistrict: Int32Array;
  supsByDistrict: number[][];
  load: Int32Array;
  /** Supervisors of each center. */
  raters: number[][];
  /** Centers of each supervisor. */
  centersOf: Set<number>[];
};

/** Reads an element that must exist; a miss is a bug here, not bad input. */
export function getItem<T>(items: readonly T[], i: number | undefined): T {
  const item = items[i as number];
  if (item === undefined) throw new Error(`internal: index ${i} out of range`);
  return item;
}

/** Typed-array reads in assignment planning stay within bounds, which the checker cannot see. */
export function asNumber(n: number | undefined): number {
  return n as number;
}
