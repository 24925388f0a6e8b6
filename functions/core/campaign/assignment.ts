/**
 * Planning a campaign's assignments (监督任务): distinct supervisors for every center, never in their home
 * district, loads balanced, activities mixed per center.
 */
import type { Activity, Assignment, Center, Supervisor } from '../model.ts';
import { ACTIVITIES } from '../model.ts';
import { hashSeed } from '../random.ts';
import { repairLoads } from './load-repair.ts';
import { asNumber, getItem, type PlanState } from './plan-state.ts';
import { KeyedHeap, MinTree } from './priority-queues.ts';

/** A center that could not get all the raters it needs; the plan still gives it as many as possible. */
export type AssignmentWarning = {
  code: 'too-few-eligible';
  centerId: string;
  eligible: number;
  required: number;
};

/** The assignments (监督任务) planned for one campaign, with what could not be satisfied. */
export type AssignmentPlan = {
  assignments: Assignment[];
  warnings: AssignmentWarning[];
};

/** How to plan: the campaign the assignments belong to, raters per center, and the seed for tie-breaks. */
export type AssignmentOptions = {
  campaignId: string;
  ratersPerCenter: number;
  seed: string;
};

/** Per-supervisor assignment counts of a plan, with their extremes. */
export type LoadSummary = {
  min: number;
  max: number;
  perSupervisor: Map<string, number>;
};

/** The roster cannot be planned as given (e.g. an id used twice); `problems` lists every issue found. */
export class RosterInvalid extends Error {
  override name = 'RosterInvalid';
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`the roster is invalid: ${problems.join('; ')}`, options);
    this.problems = problems;
  }
}

const HALL_ACTIVITIES: readonly Activity[] = ACTIVITIES.filter((a) => a !== 'hotline');

/** Activities a center can host: 12345 seats exist only at municipal and district centers. */
export function activitiesFor(center: Pick<Center, 'level'>): readonly Activity[] {
  return center.level === 'municipal' || center.level === 'district' ? ACTIVITIES : HALL_ACTIVITIES;
}

/**
 * Assigns `ratersPerCenter` distinct supervisors to every center, never in their home district, with
 * loads differing by at most one wherever an assignment like that exists, and activities mixed per center.
 */
export function assignSupervisors(
  centers: readonly Center[],
  supervisors: readonly Supervisor[],
  options: AssignmentOptions,
): AssignmentPlan {
  const k = options.ratersPerCenter;
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`ratersPerCenter must be a positive integer, got ${k}`);
  }
  checkRoster(centers, supervisors);

  // Working in seeded order, not input order, makes the plan independent of how the roster was sorted.
  const sups = rankedBy(supervisors, options.seed, 'supervisor');
  const ctrs = rankedBy(centers, options.seed, 'center');
  const S = sups.length;
  const C = ctrs.length;

  const districtOf = new Map<string, number>();
  const districtIndex = (name: string): number => {
    let i = districtOf.get(name);
    if (i === undefined) {
      i = districtOf.size;
      districtOf.set(name, i);
    }
    return i;
  };
  const supDistrict = Int32Array.from(sups, (s) => districtIndex(s.homeDistrict));
  const centerDistrict = Int32Array.from(ctrs, (c) => districtIndex(c.district));
  const D = districtOf.size;
  const supsByDistrict: number[][] = Array.from({ length: D }, () => []);
  for (let s = 0; s < S; s++) getItem(supsByDistrict, supDistrict[s]).push(s);

  const demand = new Int32Array(C);
  const eligible = new Int32Array(C);
  for (let c = 0; c < C; c++) {
    eligible[c] = S - getItem(supsByDistrict, centerDistrict[c]).length;
    demand[c] = Math.min(k, asNumber(eligible[c]));
  }

  const state: PlanState = {
    S,
    C,
    D,
    supDistrict,
    centerDistrict,
    supsByDistrict,
    load: new Int32Array(S),
    raters: Array.from({ length: C }, () => []),
    centersOf: Array.from({ length: S }, () => new Set<number>()),
  };
  assignGreedily(state, demand, eligible);
  repairLoads(state);
  const activities = mixActivities(state, ctrs);

  // Output follows the caller's center order so plans read naturally next to the roster.
  const rankOf = new Map(ctrs.map((center, c) => [center.id, c]));
  const total = state.raters.reduce((n, r) => n + r.length, 0);
  const width = Math.max(5, String(total).length);
  const assignments: Assignment[] = [];
  const warnings: AssignmentWarning[] = [];
  for (const center of centers) {
    const c = asNumber(rankOf.get(center.id));
    if (asNumber(eligible[c]) < k) {
      warnings.push({ code: 'too-few-eligible', centerId: center.id, eligible: asNumber(eligible[c]), required: k });
    }
    const picks = getItem(state.raters, c).map((s, i) => ({ s, activity: getItem(getItem(activities, c), i) }));
    picks.sort((a, b) => ACTIVITIES.indexOf(a.activity) - ACTIVITIES.indexOf(b.activity) || a.s - b.s);
    for (const { s, activity } of picks) {
      assignments.push({
        id: `A${String(assignments.length + 1).padStart(width, '0')}`,
        campaignId: options.campaignId,
        supervisorId: getItem(sups, s).id,
        centerId: center.id,
        activity,
      });
    }
  }
  return { assignments, warnings };
}

/** Counts assignments per supervisor; pass the roster to count supervisors left without any as 0. */
export function summarizeLoads(plan: AssignmentPlan, supervisors: readonly Supervisor[] = []): LoadSummary {
  const perSupervisor = new Map<string, number>(supervisors.map((s) => [s.id, 0]));
  for (const a of plan.assignments) perSupervisor.set(a.supervisorId, (perSupervisor.get(a.supervisorId) ?? 0) + 1);
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const load of perSupervisor.values()) {
    min = Math.min(min, load);
    max = Math.max(max, load);
  }
  return { min: perSupervisor.size > 0 ? min : 0, max, perSupervisor };
}

function checkRoster(centers: readonly Center[], supervisors: readonly Supervisor[]): void {
  const problems = [
    ...duplicates(centers.map((c) => c.id)).map((id) => `center id "${id}" is used more than once`),
    ...duplicates(supervisors.map((s) => s.id)).map((id) => `supervisor id "${id}" is used more than once`),
  ];
  if (problems.length > 0) throw new RosterInvalid(problems);
}

function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
}

/** Sorts by a hash of seed and id, so ties break the same way for the same seed whatever the input order. */
function rankedBy<T extends { id: string }>(items: readonly T[], seed: string, salt: string): T[] {
  return items
    .map((item) => ({ item, key: hashSeed(`${salt}\u0000${seed}\u0000${item.id}`) }))
    .sort((a, b) => a.key - b.key || (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0))
    .map(({ item }) => item);
}

/**
 * Most constrained centers first; each takes the least-loaded eligible supervisors. One min-heap per
 * home district plus a tournament tree over the districts' heads gives "least-loaded outside district d"
 * in O(log S + log D).
 */
function assignGreedily(state: PlanState, demand: Int32Array, eligible: Int32Array): void {
  const { S, C, D, supDistrict, centerDistrict, load, raters, centersOf } = state;
  // Supervisor indices are already in seeded order, so the index is the tie-break within a load.
  const key = new Float64Array(S);
  for (let s = 0; s < S; s++) key[s] = s;
  const heaps = state.supsByDistrict.map((members) => {
    const heap = new KeyedHeap(key);
    for (const s of members) heap.push(s);
    return heap;
  });
  const heads = new MinTree(D);
  const headKey = (d: number): number => {
    const top = getItem(heaps, d).peek();
    return top < 0 ? Number.POSITIVE_INFINITY : asNumber(key[top]);
  };
  for (let d = 0; d < D; d++) heads.set(d, headKey(d));

  const order = Array.from({ length: C }, (_, c) => c).sort(
    (a, b) => asNumber(eligible[a]) - asNumber(eligible[b]) || a - b,
  );
  const chosen: number[] = [];
  for (const c of order) {
    const home = asNumber(centerDistrict[c]);
    heads.set(home, Number.POSITIVE_INFINITY);
    chosen.length = 0;
    for (let t = 0; t < asNumber(demand[c]); t++) {
      const d = heads.argmin();
      const s = getItem(heaps, d).pop();
      heads.set(d, headKey(d));
      chosen.push(s);
    }
    for (const s of chosen) {
      load[s] = asNumber(load[s]) + 1;
      key[s] = asNumber(load[s]) * S + s;
      getItem(raters, c).push(s);
      getItem(centersOf, s).add(c);
      getItem(heaps, asNumber(supDistrict[s])).push(s);
    }
    for (const s of chosen) heads.set(asNumber(supDistrict[s]), headKey(asNumber(supDistrict[s])));
    heads.set(home, headKey(home));
  }
}

/**
 * Gives each center's raters different activities where the center offers enough of them, keeping the
 * campaign-wide count of each activity level, and each supervisor's own mix varied.
 */
function mixActivities(state: PlanState, centers: readonly Center[]): Activity[][] {
  const overall = new Int32Array(ACTIVITIES.length);
  const mine = new Int32Array(state.S * ACTIVITIES.length);
  const result: Activity[][] = centers.map(() => []);
  const offeredBy = centers.map((center) => activitiesFor(center).map((a) => ACTIVITIES.indexOf(a)));
  // Centers offering fewer activities go first, so the scarce ones (the hotline) are still the least used
  // when the centers that can host them come up.
  const order = centers
    .map((_, c) => c)
    .sort((x, y) => getItem(offeredBy, x).length - getItem(offeredBy, y).length || x - y);
  for (const c of order) {
    const offered = getItem(offeredBy, c);
    const here = new Int32Array(ACTIVITIES.length);
    const picks: number[] = [];
    for (let t = 0; t < getItem(state.raters, c).length; t++) {
      let best = -1;
      for (let j = 0; j < offered.length; j++) {
        // Rotating the starting point by center spreads ties evenly across activities.
        const a = getItem(offered, (j + c) % offered.length);
        if (
          best < 0 ||
          asNumber(here[a]) < asNumber(here[best]) ||
          (here[a] === here[best] && asNumber(overall[a]) < asNumber(overall[best]))
        ) {
          best = a;
        }
      }
      here[best] = asNumber(here[best]) + 1;
      overall[best] = asNumber(overall[best]) + 1;
      picks.push(best);
    }
    result[c] = getItem(state.raters, c).map((s) => {
      let bestAt = 0;
      for (let i = 1; i < picks.length; i++) {
        if (
          asNumber(mine[s * ACTIVITIES.length + getItem(picks, i)]) <
          asNumber(mine[s * ACTIVITIES.length + getItem(picks, bestAt)])
        ) {
          bestAt = i;
        }
      }
      const a = getItem(picks, bestAt);
      picks.splice(bestAt, 1);
      mine[s * ACTIVITIES.length + a] = asNumber(mine[s * ACTIVITIES.length + a]) + 1;
      return getItem(ACTIVITIES, a);
    });
  }
  return result;
}
