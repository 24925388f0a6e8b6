import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CenterLevel, Questionnaire } from '../../../functions/core/model.ts';
import type { AnswerValue } from '../../../functions/core/responses/response.ts';
import { CenterScoreAccumulator, type ScoringResponse } from '../../../functions/core/scoring/accumulate.ts';
import { normalizeAnswer } from '../../../functions/core/scoring/normalize.ts';

const t = (zh: string, en: string) => ({ zh, en });

/**
 * Questions whose answer is its own score: numbers with best 100 and worst 0, so 100·(0 − x)/(0 − 100)
 * gives back x exactly for the integers and halves used here.
 */
const identityQuestionnaire = (weights: readonly number[], sectionWeights: readonly [number, number]) =>
  Questionnaire.parse({
    id: 'identity',
    title: t('问卷', 'Questionnaire'),
    sections: (['standardization', 'facilitation'] as const).map((dimension, d) => ({
      dimension,
      title: t(dimension, dimension),
      weight: sectionWeights[d],
      questions: weights
        .map((weight, i) => ({ weight, i }))
        .filter(({ i }) => i % 2 === d)
        .map(({ weight, i }) => ({
          id: `q${i}`,
          indicator: `q${i}`,
          kind: 'number',
          dimension,
          weight,
          title: t(`题 ${i}`, `Question ${i}`),
          unit: t('分', 'points'),
          best: 100,
          worst: 0,
        })),
    })),
  });

const LEVELS: CenterLevel[] = ['district', 'street'];

/** A campaign: 1–4 centers, up to 6 raters, one response per (center, rater), integer answers or n/a. */
const campaignArb = fc
  .record({
    indicators: fc.integer({ min: 2, max: 6 }),
    centers: fc.integer({ min: 1, max: 4 }),
    raters: fc.integer({ min: 1, max: 6 }),
  })
  .chain(({ indicators, centers, raters }) =>
    fc.record({
      weights: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: indicators, maxLength: indicators }),
      sectionWeights: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      centers: fc.constant(
        Array.from({ length: centers }, (_, i) => ({ id: `C${i}`, level: LEVELS[i % 2] as CenterLevel })),
      ),
      responses: fc.uniqueArray(
        fc.record({
          center: fc.integer({ min: 0, max: centers - 1 }),
          rater: fc.integer({ min: 0, max: raters - 1 }),
          answers: fc.array(
            fc.option(fc.option(fc.integer({ min: 0, max: 100 }), { nil: null, freq: 6 }), { nil: undefined, freq: 8 }),
            {
              minLength: indicators,
              maxLength: indicators,
            },
          ),
        }),
        { selector: (r) => `${r.center}/${r.rater}`, minLength: 1, maxLength: centers * raters },
      ),
    }),
  );

type Campaign = typeof campaignArb extends fc.Arbitrary<infer T> ? T : never;

const toResponses = (campaign: Campaign, rename = (rater: number) => `S${rater}`): ScoringResponse[] =>
  campaign.responses.map((r) => {
    const answers: Record<string, AnswerValue> = {};
    r.answers.forEach((v, i) => {
      if (v !== undefined) answers[`q${i}`] = v;
    });
    return { centerId: `C${r.center}`, supervisorId: rename(r.rater), activity: 'experiential', answers };
  });

const score = (campaign: Campaign, responses = toResponses(campaign), scale = 1) => {
  const questionnaire = identityQuestionnaire(
    campaign.weights.map((w) => w * scale),
    [campaign.sectionWeights[0] * scale, campaign.sectionWeights[1] * scale],
  );
  const acc = new CenterScoreAccumulator(questionnaire, campaign.centers, 'p');
  acc.addPage(responses);
  return acc.finish({ minSeverityCells: 1 });
};

describe('scoring properties', () => {
  it('keeps every score, dimension, interval and adjusted score within 0–100', () => {
    fc.assert(
      fc.property(campaignArb, (campaign) => {
        // Act
        const { scores } = score(campaign);
        // Assess
        for (const s of scores) {
          const values = [
            s.score,
            s.adjusted?.score,
            s.ci90?.low,
            s.ci90?.high,
            ...Object.values(s.dimensions),
            ...Object.values(s.adjusted?.dimensions ?? {}),
          ];
          for (const v of values) if (typeof v === 'number') expect(v >= 0 && v <= 100).toBe(true);
          if (s.ci90) expect(s.ci90.low).toBeLessThanOrEqual(s.ci90.high);
        }
      }),
    );
  });

  it('changes nothing, to the bit, when raters are permuted: responses reordered and raters relabeled', () => {
    fc.assert(
      fc.property(campaignArb, fc.integer({ min: 1, max: 1000 }), (campaign, seed) => {
        // Prepare: a bijection of rater labels and a shuffle of the responses, both from the seed
        const relabel = (rater: number) => `R${(rater * 7 + seed) % 97}-${rater}`;
        const responses = toResponses(campaign, relabel)
          .map((r, i) => ({ r, key: (i * 7919 + seed) % 101 }))
          .sort((a, b) => a.key - b.key)
          .map(({ r }) => r);
        // Act
        const original = score(campaign);
        const permuted = score(campaign, responses);
        // Assess
        expect(JSON.stringify(permuted.scores)).toBe(JSON.stringify(original.scores));
        expect(JSON.stringify(permuted.summary)).toBe(JSON.stringify(original.summary));
        const severities = (raters: typeof original.raters) => raters.map((r) => [r.severity, r.z, r.cells]).sort();
        expect(severities(permuted.raters)).toEqual(severities(original.raters));
      }),
    );
  });

  it('changes no center score when a rater answering exactly the consensus is added', () => {
    fc.assert(
      fc.property(campaignArb, fc.nat(), (campaign, pick) => {
        // Prepare: the new rater answers each indicator of a rated center with its consensus
        const before = score(campaign);
        const center = campaign.centers[campaign.responses[pick % campaign.responses.length]?.center ?? 0];
        const explanation = before.explain(center?.id ?? '');
        const answers: Record<string, AnswerValue> = {};
        for (const indicator of explanation?.indicators ?? [])
          if (indicator.consensus !== null) answers[indicator.question] = indicator.consensus;
        const added = [
          ...toResponses(campaign),
          { centerId: center?.id ?? '', supervisorId: 'consensus', activity: 'experiential' as const, answers },
        ];
        // Act
        const after = score(campaign, added);
        // Assess
        expect(after.scores.map((s) => [s.score, s.dimensions, s.coverage])).toEqual(
          before.scores.map((s) => [s.score, s.dimensions, s.coverage]),
        );
      }),
    );
  });

  it("never lowers a center's score when one answer is raised", () => {
    fc.assert(
      fc.property(
        campaignArb,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 100 }),
        (campaign, which, question, raise) => {
          // Prepare
          const responses = toResponses(campaign);
          const target = responses[which % responses.length] as ScoringResponse;
          const id = `q${question % campaign.weights.length}`;
          const was = target.answers[id];
          if (typeof was !== 'number') return;
          const raised = responses.map((r) =>
            r === target ? { ...r, answers: { ...r.answers, [id]: Math.min(100, was + raise) } } : r,
          );
          // Act
          const before = score(campaign, responses).scores.find((s) => s.centerId === target.centerId);
          const after = score(campaign, raised).scores.find((s) => s.centerId === target.centerId);
          // Assess
          expect(after?.score ?? 0).toBeGreaterThanOrEqual(before?.score ?? 0);
        },
      ),
    );
  });

  // Weights go up to 4 and section weights up to 3, so 25 reaches the largest weight a questionnaire allows (100).
  it('changes nothing when every weight is multiplied by the same constant', () => {
    fc.assert(
      fc.property(campaignArb, fc.constantFrom(0.25, 3, 7.5, 25), (campaign, scale) => {
        // Act
        const base = score(campaign).scores;
        const scaled = score(campaign, toResponses(campaign), scale).scores;
        // Assess
        scaled.forEach((s, i) => {
          const b = base[i];
          if (b?.score === null) expect(s.score).toBeNull();
          else expect(s.score).toBeCloseTo(b?.score ?? Number.NaN, 9);
          if (b?.ci90) {
            expect(s.ci90?.low).toBeCloseTo(b.ci90.low, 9);
            expect(s.ci90?.high).toBeCloseTo(b.ci90.high, 9);
          }
        });
      }),
    );
  });

  it('computes the plain two-level means the same way in the fast path and the full method', () => {
    fc.assert(
      fc.property(campaignArb, (campaign) => {
        // Prepare
        const questionnaire = identityQuestionnaire(campaign.weights, campaign.sectionWeights);
        const acc = new CenterScoreAccumulator(questionnaire, campaign.centers, 'p');
        acc.addPage(toResponses(campaign));
        // Act
        const fast = acc.meanScores();
        const full = acc.finish({ combine: 'mean' }).scores;
        // Assess
        full.forEach((s, c) => {
          if (s.exact === null) expect(Number.isNaN(fast.score[c])).toBe(true);
          else expect(fast.score[c]).toBeCloseTo(s.exact ?? Number.NaN, 9);
        });
      }),
    );
  });
});

describe('normalization in the scoring pass', () => {
  const mixed = Questionnaire.parse({
    id: 'mixed',
    title: t('问卷', 'Questionnaire'),
    sections: [
      {
        dimension: 'facilitation',
        title: t('便利化', 'Facilitation'),
        questions: [
          { id: 'rating', indicator: 'rating', kind: 'rating', dimension: 'facilitation', title: t('评分', 'Rating') },
          {
            id: 'wait',
            indicator: 'wait',
            kind: 'number',
            dimension: 'facilitation',
            title: t('等候', 'Wait'),
            unit: t('分钟', 'minutes'),
            best: 5,
            worst: 60,
          },
          {
            id: 'extra',
            indicator: 'extra',
            kind: 'yesno',
            good: 'no',
            dimension: 'facilitation',
            title: t('额外材料', 'Extra documents'),
          },
          {
            id: 'zones',
            indicator: 'zones',
            kind: 'choice',
            dimension: 'facilitation',
            title: t('分区', 'Zones'),
            options: [
              { value: 'complete', label: t('齐全', 'Complete'), score: 100 },
              { value: 'mostly', label: t('大部分', 'Mostly'), score: 60 },
              { value: 'unsure', label: t('不确定', 'Unsure') },
            ],
          },
        ],
      },
    ],
  });
  const questions = mixed.sections[0]?.questions ?? [];
  const answerArb = fc.oneof(
    fc.record({ id: fc.constant('rating'), value: fc.integer({ min: 1, max: 5 }) as fc.Arbitrary<AnswerValue> }),
    fc.record({
      id: fc.constant('wait'),
      value: fc.double({ min: -10, max: 500, noNaN: true }) as fc.Arbitrary<AnswerValue>,
    }),
    fc.record({ id: fc.constant('extra'), value: fc.boolean() as fc.Arbitrary<AnswerValue> }),
    fc.record({
      id: fc.constantFrom('zones'),
      value: fc.constantFrom('complete', 'mostly', 'unsure') as fc.Arbitrary<AnswerValue>,
    }),
  );

  it('scores a single answer exactly as normalizeAnswer does', () => {
    fc.assert(
      fc.property(answerArb, ({ id, value }) => {
        // Prepare
        const acc = new CenterScoreAccumulator(mixed, [{ id: 'X', level: 'street' }], 'n');
        acc.add({ centerId: 'X', supervisorId: 'A', answers: { [id]: value } });
        // Act
        const [x] = acc.finish().scores;
        // Assess
        expect(x?.score).toBe(normalizeAnswer(questions.find((q) => q.id === id) ?? (questions[0] as never), value));
      }),
    );
  });
});
