/**
 * Balancing the loads of an assignment plan: assignments move along chains of supervisors until loads
 * differ by at most one, or no chain lowers the spread further.
 */
import { asNumber, getItem, type PlanState } from './plan-state.ts';

/**
 * Moves assignments along chains (x hands center c to y, y hands another to z, …) until loads differ by at
 * most one. A chain from a most-loaded supervisor to one loaded at least two less (or its reverse from a
 * least-loaded one) exists whenever a balanced plan exists, so this reaches balance whenever it is
 * feasible; otherwise it stops when no chain lowers the spread further.
 */
export function repairLoads(state: PlanState): void {
  const { S, load } = state;
  if (S === 0) return;
  const stuckHigh = new Uint8Array(S);
  const stuckLow = new Uint8Array(S);
  const search = new ChainSearch(state);
  for (;;) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < S; s++) {
      min = Math.min(min, asNumber(load[s]));
      max = Math.max(max, asNumber(load[s]));
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
    for (let c = 0; c < state.C; c++) getItem(this.centersByDistrict, asNumber(state.centerDistrict[c])).push(c);
  }

  /** Lowers `from` by one, raising someone loaded at least two less; false if no chain exists. */
  shiftDown(from: number): boolean {
    const { load, raters, centersOf, centerDistrict } = this.state;
    const limit = asNumber(load[from]) - 2;
    this.begin(from);
    const pools = this.state.supsByDistrict.map((group) => group.filter((s) => s !== from));
    let active = activeDistricts(pools);
    for (let q = 0; q < this.visited.length; q++) {
      const x = getItem(this.visited, q);
      for (const c of getItem(centersOf, x)) {
        if (this.expanded[c] === this.stamp) continue;
        this.expanded[c] = this.stamp;
        const home = asNumber(centerDistrict[c]);
        const holders = getItem(raters, c);
        for (const d of active) {
          if (d === home) continue;
          const kept: number[] = [];
          for (const y of getItem(pools, d)) {
            if (holders.includes(y)) {
              kept.push(y);
              continue;
            }
            this.visit(y, x, c);
            if (asNumber(load[y]) <= limit) {
              for (let v = y; v !== from; v = asNumber(this.link[v]))
                this.move(asNumber(this.viaCenter[v]), asNumber(this.link[v]), v);
              return true;
            }
          }
          pools[d] = kept;
        }
        active = active.filter((d) => getItem(pools, d).length > 0);
      }
    }
    return false;
  }

  /** Raises `to` by one, lowering someone loaded at least two more; false if no chain exists. */
  shiftUp(to: number): boolean {
    const { load, raters, supDistrict } = this.state;
    const limit = asNumber(load[to]) + 2;
    this.begin(to);
    const pools = this.centersByDistrict.map((group) => group.slice());
    let active = activeDistricts(pools);
    for (let q = 0; q < this.visited.length; q++) {
      const y = getItem(this.visited, q);
      const home = asNumber(supDistrict[y]);
      for (const d of active) {
        if (d === home) continue;
        const kept: number[] = [];
        for (const c of getItem(pools, d)) {
          const holders = getItem(raters, c);
          if (holders.includes(y)) {
            kept.push(c);
            continue;
          }
          for (const x of holders) {
            if (this.seen[x] === this.stamp) continue;
            this.visit(x, y, c);
            if (asNumber(load[x]) >= limit) {
              for (let v = x; v !== to; v = asNumber(this.link[v]))
                this.move(asNumber(this.viaCenter[v]), v, asNumber(this.link[v]));
              return true;
            }
          }
        }
        pools[d] = kept;
      }
      active = active.filter((d) => getItem(pools, d).length > 0);
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
    const holders = getItem(raters, c);
    holders[holders.indexOf(x)] = y;
    getItem(centersOf, x).delete(c);
    getItem(centersOf, y).add(c);
    load[x] = asNumber(load[x]) - 1;
    load[y] = asNumber(load[y]) + 1;
  }
}

/** The districts whose pool still holds someone. */
function activeDistricts(pools: readonly number[][]): number[] {
  const active: number[] = [];
  pools.forEach((p, d) => {
    if (p.length > 0) active.push(d);
  });
  return active;
}
