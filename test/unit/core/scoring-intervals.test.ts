import { describe, expect, it } from 'vitest';
import { type CenterLevel, type Question, Questionnaire } from '../../../functions/core/model.ts';
import { seededRandom } from '../../../functions/core/random.ts';
import type { AnswerValue } from '../../../functions/core/responses/response.ts';
import { CenterScoreAccumulator, type ScoringResponse } from '../../../functions/core/scoring/accumulate.ts';
import { medianVarianceFactor, raterInterval } from '../../../functions/core/scoring/interval.ts';

const t = (zh: string, en: string) => ({ zh, en });

/** A questionnaire of every scored kind over three dimensions, with uneven weights. */
const questionnaire = Questionnaire.parse({
  id: 'sim',
  title: t('模拟', 'Simulation'),
  sections: [
    {
      dimension: 'standardization',
      title: t('标准化', 'Standardization'),
      questions: [
        { id: 's1', indicator: 's1', kind: 'yesno', dimension: 'standardization', weight: 2, title: t('清单', 'List') },
        { id: 's2', indicator: 's2', kind: 'rating', dimension: 'standardization', title: t('表格', 'Forms') },
        { id: 's3', indicator: 's3', kind: 'rating', dimension: 'standardization', title: t('指南', 'Guides') },
      ],
    },
    {
      dimension: 'regulation',
      title: t('规范化', 'Regulation'),
      questions: [
        {
          id: 'r1',
          indicator: 'r1',
          kind: 'rating',
          dimension: 'regulation',
          weight: 1.5,
          title: t('态度', 'Attitude'),
        },
        { id: 'r2', indicator: 'r2', kind: 'yesno', good: 'no', dimension: 'regulation', title: t('额外', 'Extra') },
        {
          id: 'r3',
          indicator: 'r3',
          kind: 'choice',
          dimension: 'regulation',
          title: t('秩序', 'Order'),
          options: [
            { value: 'orderly', label: t('有序', 'Orderly'), score: 100 },
            { value: 'uneven', label: t('偶有混乱', 'Uneven'), score: 50 },
            { value: 'disorderly', label: t('混乱', 'Disorderly'), score: 0 },
          ],
        },
      ],
    },
    {
      dimension: 'facilitation',
      title: t('便利化', 'Facilitation'),
      weight: 1.5,
      questions: [
        {
          id: 'f1',
          indicator: 'f1',
          kind: 'number',
          dimension: 'facilitation',
          title: t('等候', 'Minutes waited'),
          unit: t('分钟', 'minutes'),
          best: 5,
          worst: 60,
          maxValue: 480,
        },
        { id: 'f2', indicator: 'f2', kind: 'rating', dimension: 'facilitation', title: t('终端', 'Terminals') },
        { id: 'f3', indicator: 'f3', kind: 'yesno', dimension: 'facilitation', title: t('帮办', 'Help') },
      ],
    },
  ],
});
const questions = questionnaire.sections.flatMap((s) => s.questions);

/** Standard normal draws from a seeded generator (Box–Muller). */
const normal = (random: () => number) => () =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/**
 * An answer from a rater's latent level in 0–1 (the center's quality and strength on the indicator,
 * the rater's severity and the noise of the moment): ratings and numbers by rounding, yes/no and
 * choices by thresholds.
 */
const answer = (q: Question, level: number): AnswerValue => {
  const x = Math.min(1, Math.max(0, level));
  switch (q.kind) {
    case 'rating':
      return 1 + Math.round(x * 4);
    case 'yesno':
      return x > 0.5 === (q.good === 'yes');
    case 'number':
      return Math.max(0, Math.round(q.worst + (q.best - q.worst) * x));
    case 'choice':
      return x > 0.7 ? 'orderly' : x > 0.4 ? 'uneven' : 'disorderly';
    default:
      return null;
  }
};

/** How raters behave: each supervisor's severity and each answer's noise, on the 0–1 latent scale. */
interface Behaviour {
  severity: number;
  noise: number;
}

/**
 * A campaign of `centers` centers, each rated by `ratersOf(c)` supervisors drawn from a pool of 300,
 * and the same centers rated by `many` fresh supervisors of the same population: the many-rater score.
 * Each center has its quality and its own strengths per indicator.
 */
const simulate = (seed: string, centers: number, ratersOf: (c: number) => number, behaviour: Behaviour, many = 150) => {
  const random = seededRandom(seed);
  const gauss = normal(random);
  const pool = Array.from({ length: 300 }, () => behaviour.severity * gauss());
  const list = Array.from({ length: centers }, (_, c) => ({
    id: `C${String(c).padStart(4, '0')}`,
    level: 'street' as CenterLevel,
  }));
  const few = new CenterScoreAccumulator(questionnaire, list, 'sim');
  const reference = new CenterScoreAccumulator(questionnaire, list, 'sim-many');
  list.forEach((center, c) => {
    const quality = 0.35 + 0.6 * random();
    const strengths = questions.map(() => 0.1 * gauss());
    const respond = (supervisorId: string, severity: number): ScoringResponse => ({
      centerId: center.id,
      supervisorId,
      activity: 'experiential',
      answers: Object.fromEntries(
        questions.map((q, i) => [
          q.id,
          answer(q, quality + (strengths[i] as number) + severity + behaviour.noise * gauss()),
        ]),
      ),
    });
    const picked = new Set<number>();
    while (picked.size < ratersOf(c)) picked.add(Math.floor(random() * pool.length));
    for (const s of picked) few.add(respond(`S${s}`, pool[s] as number));
    for (let k = 0; k < many; k++) reference.add(respond(`M${k}`, behaviour.severity * gauss()));
  });
  return { few: few.finish().scores, many: reference.finish().scores };
};

/** Share of centers with n raters whose 90% interval holds their many-rater score. */
const coverageByRaters = (run: ReturnType<typeof simulate>): Map<number, number> => {
  const hits = new Map<number, [number, number]>();
  run.few.forEach((s, c) => {
    const target = run.many[c]?.exact;
    if (!s.ci90 || target === null || target === undefined) return;
    const [inside, all] = hits.get(s.raters) ?? [0, 0];
    hits.set(s.raters, [inside + (target >= s.ci90.low && target <= s.ci90.high ? 1 : 0), all + 1]);
  });
  return new Map([...hits].map(([n, [inside, all]]) => [n, inside / all]));
};

describe('the 90% interval', () => {
  it.each([
    { severity: 0.08, noise: 0.12 },
    { severity: 0.12, noise: 0.08 },
    { severity: 0.05, noise: 0.2 },
  ])(
    'holds the many-rater score for 85–95% of centers with 2, 3 and 5 raters (severity sd $severity, noise sd $noise)',
    (behaviour) => {
      // Prepare: a third of the centers each with 2, 3 and 5 raters
      const run = simulate(
        `intervals/${behaviour.severity}/${behaviour.noise}`,
        1200,
        (c) => [2, 3, 5][c % 3] as number,
        behaviour,
      );
      // Act
      const coverage = coverageByRaters(run);
      // Assess
      for (const n of [2, 3, 5]) {
        expect(coverage.get(n)).toBeGreaterThanOrEqual(0.85);
        expect(coverage.get(n)).toBeLessThanOrEqual(0.95);
      }
    },
  );

  it("gives two raters who agree exactly an interval from the campaign's pooled spread, not a point", () => {
    // Prepare: one center rated identically by two raters among centers whose raters differ
    const run = simulate('intervals/agree', 60, () => 3, { severity: 0.08, noise: 0.12 }, 1);
    const acc = new CenterScoreAccumulator(questionnaire, [{ id: 'X', level: 'street' }], 'one');
    const same = Object.fromEntries(questions.map((q) => [q.id, answer(q, 0.7)]));
    acc.add({ centerId: 'X', supervisorId: 'a', activity: 'experiential', answers: same });
    acc.add({ centerId: 'X', supervisorId: 'b', activity: 'experiential', answers: same });
    // Act
    const [alone] = acc.finish().scores;
    // Assess: alone in its campaign there is no spread to go by but the answer grid
    expect(alone?.ci90).not.toBeNull();
    expect((alone?.ci90?.high ?? 0) - (alone?.ci90?.low ?? 0)).toBeGreaterThan(0);
    expect(run.few.every((s) => (s.ci90?.high ?? 0) > (s.ci90?.low ?? 0))).toBe(true);
  });

  it('computes score ± z·√(σ̂²·κ_n/n + grid) with σ̂² weighing the pooled variance as four degrees of freedom', () => {
    // Prepare: pooled variance 100 over 500 df; the center's three raters 60, 70, 80 (Σ squares 200)
    const inputs = {
      score: 70,
      n: 3,
      ownSquares: 200,
      gridVariance: 4,
      pooledVariance: 100,
      pooledDf: 500,
      levelPercent: 90,
      median: true,
    };
    // Act
    const interval = raterInterval(inputs);
    // Assess: σ̂² = (4·100 + 200)/(4 + 2) = 100; SE = √(100·1.35/3 + 4) = 7
    expect(medianVarianceFactor(3)).toBe(1.35);
    expect(interval?.sd).toBe(10);
    expect(interval?.standardError).toBeCloseTo(7, 12);
    expect(interval?.low).toBeCloseTo(70 - 1.6448536269514722 * 7, 12);
    expect(interval?.high).toBeCloseTo(70 + 1.6448536269514722 * 7, 12);
    expect(raterInterval({ ...inputs, n: 1, ownSquares: 0, pooledDf: 0 })).toBeNull();
  });
});
