import type { Activity, Assignment, Center, Supervisor } from '../model.ts';
import { ACTIVITIES } from '../model.ts';
import { hashSeed } from '../random.ts';

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
  for (let s = 0; s < S; s++) at(supsByDistrict, supDistrict[s]).push(s);

  const demand = new Int32Array(C);
  const eligible = new Int32Array(C);
  for (let c = 0; c < C; c++) {
    eligible[c] = S - at(supsByDistrict, centerDistrict[c]).length;
    demand[c] = Math.min(k, num(eligible[c]));
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
    const c = num(rankOf.get(center.id));
    if (num(eligible[c]) < k) {
      warnings.push({ code: 'too-few-eligible', centerId: center.id, eligible: num(eligible[c]), required: k });
    }
    const picks = at(state.raters, c).map((s, i) => ({ s, activity: at(at(activities, c), i) }));
    picks.sort((a, b) => ACTIVITIES.indexOf(a.activity) - ACTIVITIES.indexOf(b.activity) || a.s - b.s);
    for (const { s, activity } of picks) {
      assignments.push({
        id: `A${String(assignments.length + 1).padStart(width, '0')}`,
        campaignId: options.campaignId,
        supervisorId: at(sups, s).id,
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

type PlanState = {
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
    const top = at(heaps, d).peek();
    return top < 0 ? Number.POSITIVE_INFINITY : num(key[top]);
  };
  for (let d = 0; d < D; d++) heads.set(d, headKey(d));

  const order = Array.from({ length: C }, (_, c) => c).sort((a, b) => num(eligible[a]) - num(eligible[b]) || a - b);
  const chosen: number[] = [];
  for (const c of order) {
    const home = num(centerDistrict[c]);
    heads.set(home, Number.POSITIVE_INFINITY);
    chosen.length = 0;
    for (let t = 0; t < num(demand[c]); t++) {
      const d = heads.argmin();
      const s = at(heaps, d).pop();
      heads.set(d, headKey(d));
      chosen.push(s);
    }
    for (const s of chosen) {
      load[s] = num(load[s]) + 1;
      key[s] = num(load[s]) * S + s;
      at(raters, c).push(s);
      at(centersOf, s).add(c);
      at(heaps, num(supDistrict[s])).push(s);
    }
    for (const s of chosen) heads.set(num(supDistrict[s]), headKey(num(supDistrict[s])));
    heads.set(home, headKey(home));
  }
}

/**
 * Moves assignments along chains (x hands center c to y, y hands another to z, …) until loads differ by at
 * most one. A chain from a most-loaded supervisor to one loaded at least two less (or its reverse from a
 * least-loaded one) exists whenever a balanced plan exists, so this reaches balance whenever it is
 * feasible; otherwise it stops when no chain lowers the spread further.
 */
function repairLoads(state: PlanState): void {
  const { S, load } = state;
  if (S === 0) return;
  const stuckHigh = new Uint8Array(S);
  const stuckLow = new Uint8Array(S);
  const search = new ChainSearch(state);
  for (;;) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < S; s++) {
      min = Math.min(min, num(load[s]));
      max = Math.max(max, num(load[s]));
    }
    if (max - min <= 1) return;
    let moved = false;
    for (let s = 0; s < S && !moved; s++) {
      if (load[s] !== max || stuckHigh[s]) continue;
      moved = search.shiftDown(s);
      // Everyone reached from s at the same load can reach no more than s could.
      if (!moved) for (const v of search.visited) if (load[v] === max) stuckHigh[v] = 1;
    }
    for (let s = 0; s < S && !moved; s++) {
      if (load[s] !== min || stuckLow[s]) continue;
      moved = search.shiftUp(s);
      if (!moved) for (const v of search.visited) if (load[v] === min) stuckLow[v] = 1;
    }
    if (!moved) return;
  }
}

/** Breadth-first search for load-moving chains; each search visits every supervisor and center at most once. */
class ChainSearch {
  readonly visited: number[] = [];
  private readonly seen: Int32Array;
  private readonly expanded: Int32Array;
  private readonly viaCenter: Int32Array;
  private readonly link: Int32Array;
  private readonly centersByDistrict: number[][];
  private stamp = 0;
  private readonly state: PlanState;

  constructor(state: PlanState) {
    this.state = state;
    this.seen = new Int32Array(state.S);
    this.expanded = new Int32Array(state.C);
    this.viaCenter = new Int32Array(state.S);
    this.link = new Int32Array(state.S);
    this.centersByDistrict = Array.from({ length: state.D }, () => []);
    for (let c = 0; c < state.C; c++) at(this.centersByDistrict, num(state.centerDistrict[c])).push(c);
  }

  /** Lowers `from` by one, raising someone loaded at least two less; false if no chain exists. */
  shiftDown(from: number): boolean {
    const { load, raters, centersOf, centerDistrict } = this.state;
    const limit = num(load[from]) - 2;
    this.begin(from);
    const pools = this.state.supsByDistrict.map((group) => group.filter((s) => s !== from));
    let active = activeDistricts(pools);
    for (let q = 0; q < this.visited.length; q++) {
      const x = at(this.visited, q);
      for (const c of at(centersOf, x)) {
        if (this.expanded[c] === this.stamp) continue;
        this.expanded[c] = this.stamp;
        const home = num(centerDistrict[c]);
        const holders = at(raters, c);
        for (const d of active) {
          if (d === home) continue;
          const kept: number[] = [];
          for (const y of at(pools, d)) {
            if (holders.includes(y)) {
              kept.push(y);
              continue;
            }
            this.visit(y, x, c);
            if (num(load[y]) <= limit) {
              for (let v = y; v !== from; v = num(this.link[v]))
                this.move(num(this.viaCenter[v]), num(this.link[v]), v);
              return true;
            }
          }
          pools[d] = kept;
        }
        active = active.filter((d) => at(pools, d).length > 0);
      }
    }
    return false;
  }

  /** Raises `to` by one, lowering someone loaded at least two more; false if no chain exists. */
  shiftUp(to: number): boolean {
    const { load, raters, supDistrict } = this.state;
    const limit = num(load[to]) + 2;
    this.begin(to);
    const pools = this.centersByDistrict.map((group) => group.slice());
    let active = activeDistricts(pools);
    for (let q = 0; q < this.visited.length; q++) {
      const y = at(this.visited, q);
      const home = num(supDistrict[y]);
      for (const d of active) {
        if (d === home) continue;
        const kept: number[] = [];
        for (const c of at(pools, d)) {
          const holders = at(raters, c);
          if (holders.includes(y)) {
            kept.push(c);
            continue;
          }
          for (const x of holders) {
            if (this.seen[x] === this.stamp) continue;
            this.visit(x, y, c);
            if (num(load[x]) >= limit) {
              for (let v = x; v !== to; v = num(this.link[v])) this.move(num(this.viaCenter[v]), v, num(this.link[v]));
              return true;
            }
          }
        }
        pools[d] = kept;
      }
      active = active.filter((d) => at(pools, d).length > 0);
    }
    return false;
  }

  private begin(root: number): void {
    this.stamp++;
    this.visited.length = 0;
    this.seen[root] = this.stamp;
    this.visited.push(root);
  }

  private visit(s: number, linked: number, center: number): void {
    this.seen[s] = this.stamp;
    this.link[s] = linked;
    this.viaCenter[s] = center;
    this.visited.push(s);
  }

  /** Hands center `c` from supervisor `x` to supervisor `y`. */
  private move(c: number, x: number, y: number): void {
    const { raters, centersOf, load } = this.state;
    const holders = at(raters, c);
    holders[holders.indexOf(x)] = y;
    at(centersOf, x).delete(c);
    at(centersOf, y).add(c);
    load[x] = num(load[x]) - 1;
    load[y] = num(load[y]) + 1;
  }
}

function activeDistricts(pools: readonly number[][]): number[] {
  const active: number[] = [];
  pools.forEach((p, d) => {
    if (p.length > 0) active.push(d);
  });
  return active;
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
  const order = centers.map((_, c) => c).sort((x, y) => at(offeredBy, x).length - at(offeredBy, y).length || x - y);
  for (const c of order) {
    const offered = at(offeredBy, c);
    const here = new Int32Array(ACTIVITIES.length);
    const picks: number[] = [];
    for (let t = 0; t < at(state.raters, c).length; t++) {
      let best = -1;
      for (let j = 0; j < offered.length; j++) {
        // Rotating the starting point by center spreads ties evenly across activities.
        const a = at(offered, (j + c) % offered.length);
        if (
          best < 0 ||
          num(here[a]) < num(here[best]) ||
          (here[a] === here[best] && num(overall[a]) < num(overall[best]))
        ) {
          best = a;
        }
      }
      here[best] = num(here[best]) + 1;
      overall[best] = num(overall[best]) + 1;
      picks.push(best);
    }
    result[c] = at(state.raters, c).map((s) => {
      let bestAt = 0;
      for (let i = 1; i < picks.length; i++) {
        if (num(mine[s * ACTIVITIES.length + at(picks, i)]) < num(mine[s * ACTIVITIES.length + at(picks, bestAt)])) {
          bestAt = i;
        }
      }
      const a = at(picks, bestAt);
      picks.splice(bestAt, 1);
      mine[s * ACTIVITIES.length + a] = num(mine[s * ACTIVITIES.length + a]) + 1;
      return at(ACTIVITIES, a);
    });
  }
  return result;
}

/** Binary min-heap of indices ordered by an external key array (keys change only while an index is out). */
class KeyedHeap {
  private readonly items: number[] = [];
  private readonly key: Float64Array;

  constructor(key: Float64Array) {
    this.key = key;
  }

  peek(): number {
    return this.items[0] ?? -1;
  }

  push(i: number): void {
    const items = this.items;
    let p = items.length;
    items.push(i);
    const k = num(this.key[i]);
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const up = at(items, parent);
      if (num(this.key[up]) <= k) break;
      items[p] = up;
      p = parent;
    }
    items[p] = i;
  }

  pop(): number {
    const items = this.items;
    const top = at(items, 0);
    const last = items.pop() as number;
    if (items.length === 0) return top;
    const k = num(this.key[last]);
    let p = 0;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= items.length) break;
      const right = child + 1;
      if (right < items.length && num(this.key[at(items, right)]) < num(this.key[at(items, child)])) child = right;
      const down = at(items, child);
      if (num(this.key[down]) >= k) break;
      items[p] = down;
      p = child;
    }
    items[p] = last;
    return top;
  }
}

/** Tournament tree: point updates and the index of the smallest value, both in O(log n). */
class MinTree {
  private readonly size: number;
  private readonly value: Float64Array;
  private readonly index: Int32Array;

  constructor(n: number) {
    let size = 1;
    while (size < n) size *= 2;
    this.size = size;
    this.value = new Float64Array(2 * size).fill(Number.POSITIVE_INFINITY);
    this.index = new Int32Array(2 * size).fill(-1);
  }

  set(i: number, v: number): void {
    let p = i + this.size;
    this.value[p] = v;
    this.index[p] = i;
    for (p >>= 1; p >= 1; p >>= 1) {
      const l = 2 * p;
      const r = l + 1;
      const pick = num(this.value[l]) <= num(this.value[r]) ? l : r;
      this.value[p] = num(this.value[pick]);
      this.index[p] = num(this.index[pick]);
    }
  }

  argmin(): number {
    return num(this.index[1]);
  }
}

/** Reads an element that must exist; a miss is a bug here, not bad input. */
function at<T>(items: readonly T[], i: number | undefined): T {
  const item = items[i as number];
  if (item === undefined) throw new Error(`internal: index ${i} out of range`);
  return item;
}

/** Typed-array reads in this module stay within bounds, which the checker cannot see. */
function num(n: number | undefined): number {
  return n as number;
}
