import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AssignmentPlan,
  activitiesFor,
  assignSupervisors,
  RosterInvalid,
  summarizeLoads,
} from '../../../functions/core/campaign/assignment.ts';
import {
  ACTIVITIES,
  Assignment,
  CENTER_LEVELS,
  type Center,
  type CenterLevel,
  type Supervisor,
} from '../../../functions/core/model.ts';

const DISTRICTS = ['玄武区', '秦淮区', '建邺区', '鼓楼区', '江宁区'];
// Nobody lives in '市级', so the municipal center is open to every supervisor.
const MUNICIPAL = '市级';

function center(id: string, district: string, level: CenterLevel = 'street'): Center {
  return {
    id,
    name: { zh: `${id} 便民服务中心`, en: `${id} service center` },
    level: district === MUNICIPAL ? 'municipal' : level === 'municipal' ? 'district' : level,
    district,
    official: { name: '联络员', email: `${id.toLowerCase()}@example.gov.cn` },
  };
}

function supervisor(id: string, homeDistrict: string): Supervisor {
  return { id, name: `监督员 ${id}`, email: `${id.toLowerCase()}@example.com`, sector: '律师 / lawyer', homeDistrict };
}

type Roster = { centers: Center[]; supervisors: Supervisor[]; k: number; seed: string };

/** Arbitrary rosters: 1–5 districts, up to 24 supervisors and 30 centers at any level, k from 1 to 5. */
const rosterArb: fc.Arbitrary<Roster> = fc
  .record({
    districts: fc.integer({ min: 1, max: DISTRICTS.length }),
    homes: fc.array(fc.nat(), { minLength: 1, maxLength: 24 }),
    sites: fc.array(fc.record({ district: fc.nat(), level: fc.constantFrom(...CENTER_LEVELS) }), { maxLength: 30 }),
    k: fc.integer({ min: 1, max: 5 }),
    seed: fc.string({ maxLength: 12 }),
  })
  .map(({ districts, homes, sites, k, seed }) => {
    const pool = DISTRICTS.slice(0, districts);
    const sitePool = [...pool, MUNICIPAL];
    return {
      supervisors: homes.map((h, i) => supervisor(`S${i}`, pool[h % pool.length] as string)),
      centers: sites.map((s, j) => center(`C${j}`, sitePool[s.district % sitePool.length] as string, s.level)),
      k,
      seed,
    };
  });

/**
 * Rosters built around a balanced plan, so balance is feasible by construction: supervisors are laid out
 * in a cycle and center j is first given the k consecutive supervisors from position offset + j·k, which
 * loads everyone ⌊C·k/S⌋ or ⌈C·k/S⌉ times; the center's district is then chosen among the districts none
 * of those k supervisors lives in ('市级' always qualifies). That plan gives every center k distinct
 * eligible raters with loads within one, so the planner must find such loads too.
 */
const plantedArb: fc.Arbitrary<Roster> = fc
  .record({
    districts: fc.integer({ min: 1, max: DISTRICTS.length }),
    homes: fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
    sites: fc.array(fc.record({ pick: fc.nat(), level: fc.constantFrom(...CENTER_LEVELS) }), {
      minLength: 1,
      maxLength: 30,
    }),
    k: fc.integer({ min: 1, max: 4 }),
    offset: fc.nat(),
    seed: fc.string({ maxLength: 12 }),
  })
  .map(({ districts, homes, sites, k: wanted, offset, seed }) => {
    const pool = DISTRICTS.slice(0, districts);
    const supervisors = homes.map((h, i) => supervisor(`S${i}`, pool[h % pool.length] as string));
    const k = Math.min(wanted, supervisors.length);
    const centers = sites.map((site, j) => {
      const planted = Array.from({ length: k }, (_, t) => supervisors[(offset + j * k + t) % supervisors.length]);
      const taken = new Set(planted.map((s) => s?.homeDistrict));
      const open = [...pool, MUNICIPAL].filter((d) => !taken.has(d));
      return center(`C${j}`, open[site.pick % open.length] as string, site.level);
    });
    return { centers, supervisors, k, seed };
  });

function plan(roster: Roster): AssignmentPlan {
  return assignSupervisors(roster.centers, roster.supervisors, {
    campaignId: 'NJ-2022-06',
    ratersPerCenter: roster.k,
    seed: roster.seed,
  });
}

function eligibleFor(c: Center, supervisors: readonly Supervisor[]): number {
  return supervisors.filter((s) => s.homeDistrict !== c.district).length;
}

function spread(result: AssignmentPlan, supervisors: readonly Supervisor[]): number {
  const loads = summarizeLoads(result, supervisors);
  return loads.max - loads.min;
}

/**
 * Whether a balanced plan exists. With d_c = min(k, eligible_c) raters per center and T = Σ d_c, a plan is
 * balanced when every load is ⌊T/S⌋ or ⌈T/S⌉. That holds iff this network carries a flow of T:
 * source → each supervisor (capacity ⌊T/S⌋), source → spare (T − S·⌊T/S⌋), spare → each supervisor (1),
 * supervisor → each center outside their home district (1), center → sink (d_c). The source can emit
 * exactly T, so a flow of T saturates every supervisor's ⌊T/S⌋ and hands out the remainder one by one.
 */
function balancedPlanExists(roster: Roster): boolean {
  const { centers, supervisors, k } = roster;
  const S = supervisors.length;
  const demands = centers.map((c) => Math.min(k, eligibleFor(c, supervisors)));
  const total = demands.reduce((a, b) => a + b, 0);
  const floor = Math.floor(total / S);
  const source = 0;
  const spare = 1;
  const sink = 2 + S + centers.length;
  const capacity = Array.from({ length: sink + 1 }, () => new Array<number>(sink + 1).fill(0));
  const link = (from: number, to: number, amount: number) => {
    (capacity[from] as number[])[to] = amount;
  };
  link(source, spare, total - floor * S);
  supervisors.forEach((s, i) => {
    link(source, 2 + i, floor);
    link(spare, 2 + i, 1);
    centers.forEach((c, j) => {
      if (s.homeDistrict !== c.district) link(2 + i, 2 + S + j, 1);
    });
  });
  demands.forEach((d, j) => {
    link(2 + S + j, sink, d);
  });
  return maxFlow(capacity, source, sink) === total;
}

/** Edmonds–Karp on an adjacency matrix; the instances here are tiny. */
function maxFlow(capacity: number[][], source: number, sink: number): number {
  const cap = (a: number, b: number) => (capacity[a] as number[])[b] as number;
  let flow = 0;
  for (;;) {
    const parent = new Array<number>(capacity.length).fill(-1);
    parent[source] = source;
    const queue = [source];
    for (let q = 0; q < queue.length && parent[sink] === -1; q++) {
      const a = queue[q] as number;
      for (let b = 0; b < capacity.length; b++) {
        if (parent[b] === -1 && cap(a, b) > 0) {
          parent[b] = a;
          queue.push(b);
        }
      }
    }
    if (parent[sink] === -1) return flow;
    let push = Number.POSITIVE_INFINITY;
    for (let b = sink; b !== source; b = parent[b] as number) push = Math.min(push, cap(parent[b] as number, b));
    for (let b = sink; b !== source; b = parent[b] as number) {
      const a = parent[b] as number;
      (capacity[a] as number[])[b] = cap(a, b) - push;
      (capacity[b] as number[])[a] = cap(b, a) + push;
    }
    flow += push;
  }
}

describe('assignSupervisors', () => {
  it('gives every center min(k, eligible) distinct raters, none from its own district', () => {
    fc.assert(
      fc.property(rosterArb, (roster) => {
        // Prepare
        const homes = new Map(roster.supervisors.map((s) => [s.id, s.homeDistrict]));

        // Act
        const result = plan(roster);

        // Assess
        for (const c of roster.centers) {
          const raters = result.assignments.filter((a) => a.centerId === c.id).map((a) => a.supervisorId);
          expect(new Set(raters).size).toBe(raters.length);
          expect(raters.length).toBe(Math.min(roster.k, eligibleFor(c, roster.supervisors)));
          for (const s of raters) expect(homes.get(s)).not.toBe(c.district);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('warns exactly about the centers with fewer than k eligible supervisors', () => {
    fc.assert(
      fc.property(rosterArb, (roster) => {
        // Prepare
        const expected = roster.centers
          .filter((c) => eligibleFor(c, roster.supervisors) < roster.k)
          .map((c) => ({
            code: 'too-few-eligible',
            centerId: c.id,
            eligible: eligibleFor(c, roster.supervisors),
            required: roster.k,
          }));

        // Act
        const result = plan(roster);

        // Assess
        expect(result.warnings).toEqual(expected);
      }),
    );
  });

  it('balances loads to within one on rosters built around a balanced plan', () => {
    fc.assert(
      fc.property(plantedArb, (roster) => {
        // Act
        const result = plan(roster);

        // Assess
        expect(result.warnings).toEqual([]);
        expect(spread(result, roster.supervisors)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it('balances loads to within one whenever a balanced plan exists', () => {
    fc.assert(
      fc.property(rosterArb, (roster) => {
        // Prepare
        fc.pre(balancedPlanExists(roster));

        // Act
        const result = plan(roster);

        // Assess
        expect(spread(result, roster.supervisors)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it('returns the same plan for the same roster and seed', () => {
    fc.assert(
      fc.property(rosterArb, (roster) => {
        // Act
        const first = plan(roster);
        const second = plan(structuredClone(roster));

        // Assess
        expect(second).toEqual(first);
      }),
    );
  });

  it('plans the same tasks whatever order the roster comes in', () => {
    const shuffledArb = rosterArb.chain((roster) =>
      fc.record({
        roster: fc.constant(roster),
        centers: fc.shuffledSubarray(roster.centers, { minLength: roster.centers.length }),
        supervisors: fc.shuffledSubarray(roster.supervisors, { minLength: roster.supervisors.length }),
      }),
    );
    fc.assert(
      fc.property(shuffledArb, ({ roster, centers, supervisors }) => {
        // Prepare
        const tasks = (p: AssignmentPlan) =>
          p.assignments.map((a) => `${a.centerId}/${a.supervisorId}/${a.activity}`).sort();

        // Act
        const original = plan(roster);
        const reordered = plan({ ...roster, centers, supervisors });

        // Assess
        expect(tasks(reordered)).toEqual(tasks(original));
      }),
    );
  });

  it('gives each center different activities when it offers enough of them, and hotline only where there are 12345 seats', () => {
    fc.assert(
      fc.property(rosterArb, (roster) => {
        // Act
        const result = plan(roster);

        // Assess
        for (const c of roster.centers) {
          const activities = result.assignments.filter((a) => a.centerId === c.id).map((a) => a.activity);
          const offered = activitiesFor(c);
          for (const a of activities) expect(offered).toContain(a);
          if (activities.length <= offered.length) expect(new Set(activities).size).toBe(activities.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the campaign-wide counts of the hall activities within one of each other', () => {
    fc.assert(
      fc.property(rosterArb, (roster) => {
        // Act
        const result = plan(roster);

        // Assess
        const counts = ACTIVITIES.filter((a) => a !== 'hotline').map(
          (activity) => result.assignments.filter((a) => a.activity === activity).length,
        );
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('issues valid, unique assignment ids for the campaign', () => {
    fc.assert(
      fc.property(rosterArb, (roster) => {
        // Act
        const result = plan(roster);

        // Assess
        for (const a of result.assignments) expect(Assignment.parse(a)).toEqual(a);
        expect(new Set(result.assignments.map((a) => a.id)).size).toBe(result.assignments.length);
        for (const a of result.assignments) expect(a.campaignId).toBe('NJ-2022-06');
      }),
    );
  });

  it('assigns as many raters as it can to a center whose own district holds nearly everyone, and warns', () => {
    // Prepare
    const supervisors = [
      supervisor('S1', '鼓楼区'),
      supervisor('S2', '鼓楼区'),
      supervisor('S3', '鼓楼区'),
      supervisor('S4', '玄武区'),
      supervisor('S5', '秦淮区'),
    ];
    const centers = [center('C-GL', '鼓楼区', 'district'), center('C-XW', '玄武区', 'district')];

    // Act
    const result = assignSupervisors(centers, supervisors, { campaignId: 'X', ratersPerCenter: 3, seed: 'a' });

    // Assess
    expect(result.warnings).toEqual([{ code: 'too-few-eligible', centerId: 'C-GL', eligible: 2, required: 3 }]);
    expect(
      result.assignments
        .filter((a) => a.centerId === 'C-GL')
        .map((a) => a.supervisorId)
        .sort(),
    ).toEqual(['S4', 'S5']);
    expect(result.assignments.filter((a) => a.centerId === 'C-XW')).toHaveLength(3);
  });

  it('keeps loads even when some centers can be rated by only a few supervisors', () => {
    // Prepare: only S1 and S2 may rate the two 鼓楼 centers, so the others must take every 玄武 task.
    const supervisors = [
      supervisor('S1', '玄武区'),
      supervisor('S2', '玄武区'),
      supervisor('S3', '鼓楼区'),
      supervisor('S4', '鼓楼区'),
      supervisor('S5', '鼓楼区'),
      supervisor('S6', '鼓楼区'),
    ];
    const centers = [
      center('C1', '鼓楼区'),
      center('C2', '鼓楼区'),
      center('C3', MUNICIPAL),
      center('C4', MUNICIPAL),
      center('C5', '玄武区'),
      center('C6', '玄武区'),
    ];

    // Act
    const result = assignSupervisors(centers, supervisors, { campaignId: 'X', ratersPerCenter: 2, seed: 'b' });

    // Assess
    const loads = summarizeLoads(result, supervisors);
    expect(result.warnings).toEqual([]);
    expect([loads.min, loads.max]).toEqual([2, 2]);
  });

  it('breaks ties differently under a different seed', () => {
    // Prepare
    const supervisors = Array.from({ length: 12 }, (_, i) => supervisor(`S${i}`, DISTRICTS[i % 2] as string));
    const centers = Array.from({ length: 4 }, (_, j) => center(`C${j}`, MUNICIPAL));
    const run = (seed: string) =>
      assignSupervisors(centers, supervisors, { campaignId: 'X', ratersPerCenter: 3, seed });

    // Act
    const plans = ['2022-06', '2022-07', '2022-08'].map((seed) => run(seed).assignments.map((a) => a.supervisorId));

    // Assess
    expect(new Set(plans.map((p) => p.join())).size).toBeGreaterThan(1);
  });

  it('rejects a roster that uses an id twice, listing every duplicate', () => {
    // Prepare
    const centers = [center('C1', '玄武区'), center('C1', '秦淮区')];
    const supervisors = [supervisor('S1', '鼓楼区'), supervisor('S2', '鼓楼区'), supervisor('S2', '江宁区')];

    // Act
    const attempt = () => assignSupervisors(centers, supervisors, { campaignId: 'X', ratersPerCenter: 1, seed: 's' });

    // Assess
    expect(attempt).toThrow(RosterInvalid);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({
        name: 'RosterInvalid',
        problems: ['center id "C1" is used more than once', 'supervisor id "S2" is used more than once'],
      });
    }
  });

  it('rejects a rater count that is not a positive whole number', () => {
    // Prepare
    const roster = { centers: [center('C1', MUNICIPAL)], supervisors: [supervisor('S1', '玄武区')] };

    // Act
    const attempt = (ratersPerCenter: number) =>
      assignSupervisors(roster.centers, roster.supervisors, { campaignId: 'X', ratersPerCenter, seed: 's' });

    // Assess
    expect(() => attempt(0)).toThrow(RangeError);
    expect(() => attempt(1.5)).toThrow(RangeError);
  });
});

describe('summarizeLoads', () => {
  it('counts supervisors of the roster who got nothing as load 0', () => {
    // Prepare
    const supervisors = [supervisor('S1', '玄武区'), supervisor('S2', '玄武区'), supervisor('S3', '玄武区')];
    const result = assignSupervisors([center('C1', MUNICIPAL)], supervisors, {
      campaignId: 'X',
      ratersPerCenter: 2,
      seed: 's',
    });

    // Act
    const loads = summarizeLoads(result, supervisors);

    // Assess
    expect([loads.min, loads.max]).toEqual([0, 1]);
    expect([...loads.perSupervisor.values()].sort()).toEqual([0, 1, 1]);
  });
});
