import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CampaignDefinition, Questionnaire, WEIGHT_MAX, WEIGHT_MIN } from '../../../functions/core/model.ts';
import { CenterScoreAccumulator } from '../../../functions/core/scoring/accumulate.ts';

const t = (zh: string, en: string) => ({ zh, en });

/** A two-dimension questionnaire whose weights the test sets; `extra` adds a second facilitation section. */
const questionnaire = (
  weights: { standardization?: unknown; facilitation?: unknown; door?: unknown; wait?: unknown; online?: unknown },
  extra?: { weight: unknown; indicator?: string },
) => ({
  id: 'weights',
  title: t('问卷', 'Questionnaire'),
  sections: [
    {
      dimension: 'standardization',
      title: t('标准化', 'Standardization'),
      weight: weights.standardization ?? 1,
      questions: [
        {
          id: 'door',
          indicator: 'door',
          kind: 'yesno',
          dimension: 'standardization',
          weight: weights.door ?? 1,
          title: t('只进一扇门', 'One door'),
        },
      ],
    },
    {
      dimension: 'facilitation',
      title: t('便利化', 'Facilitation'),
      weight: weights.facilitation ?? 1,
      questions: [
        {
          id: 'wait',
          indicator: 'wait',
          kind: 'rating',
          dimension: 'facilitation',
          weight: weights.wait ?? 1,
          title: t('等候', 'Waiting'),
        },
        {
          id: 'online',
          indicator: 'online',
          kind: 'rating',
          dimension: 'facilitation',
          weight: weights.online ?? 1,
          activities: ['hotline'],
          title: t('网办', 'Online'),
        },
      ],
    },
    ...(extra
      ? [
          {
            dimension: 'facilitation',
            title: t('便利化（补充）', 'Facilitation, more'),
            weight: extra.weight,
            questions: [
              {
                id: 'help',
                ...(extra.indicator ? { indicator: extra.indicator } : {}),
                kind: 'rating',
                dimension: 'facilitation',
                weight: 0,
                title: t('帮办', 'Help'),
              },
            ],
          },
        ]
      : []),
  ],
});

/** The issues of a parse, as "path: message". */
const issuesOf = (data: unknown): string[] => {
  const parsed = Questionnaire.safeParse(data);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('questionnaire weights', () => {
  it.each([
    ['a negative section weight', { facilitation: -1 }, 'sections.1.weight'],
    ['a section weight of 1e307', { facilitation: 1e307 }, 'sections.1.weight'],
    ['a section weight above 100', { standardization: 100.5 }, 'sections.0.weight'],
    ['a question weight of 1e307', { wait: 1e307 }, 'sections.1.questions.0.weight'],
    ['a question weight of 1e-320', { wait: 1e-320 }, 'sections.1.questions.0.weight'],
    ['a NaN question weight (YAML .nan)', { door: Number.NaN }, 'sections.0.questions.0.weight'],
    ['an infinite section weight (YAML .inf)', { facilitation: Number.POSITIVE_INFINITY }, 'sections.1.weight'],
    ['a weight written as text', { wait: '2' }, 'sections.1.questions.0.weight'],
  ])('refuses %s, saying what a weight may be in both languages', (_, weights, path) => {
    // Act
    const issues = issuesOf(questionnaire(weights));
    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(new RegExp(`^${path.replaceAll('.', '\\.')}: a weight is a number from 0.001 to 100`));
    expect(issues[0]).toMatch(/权重须为 0\.001 到 100 之间的数/);
  });

  it('refuses a scored question of weight 0, naming it and the two ways out', () => {
    // Act
    const issues = issuesOf(questionnaire({ online: 0 }));
    // Assess
    expect(issues).toEqual([
      expect.stringMatching(
        /^sections\.1\.questions\.1\.weight: question "online" is scored with weight 0.*give it a weight above 0, or remove its indicator/,
      ),
    ]);
  });

  it('refuses a section of weight 0 that holds scored questions, naming the section', () => {
    // Act
    const issues = issuesOf(questionnaire({ facilitation: 0 }));
    // Assess
    expect(issues).toEqual([
      expect.stringMatching(
        /^sections\.1\.weight: the facilitation section "Facilitation" \(便利化\) holds scored questions but has weight 0.*give the section a weight above 0/,
      ),
    ]);
  });

  it('refuses two sections of one dimension with different weights, naming both', () => {
    // Act
    const issues = issuesOf(questionnaire({}, { weight: 2, indicator: 'help' }));
    // Assess
    expect(
      issues.some((i) => /^sections\.2\.questions\.0\.weight: question "help" is scored with weight 0/.test(i)),
    ).toBe(true);
    expect(
      issues.some((i) =>
        /^sections\.2\.weight: the facilitation section "Facilitation, more" .* has weight 2 but the earlier facilitation section "Facilitation" \(便利化\) has 1/.test(
          i,
        ),
      ),
    ).toBe(true);
  });

  it('accepts weight 0 where nothing is scored, as re-check sections have', () => {
    // Act
    const issues = issuesOf(questionnaire({}, { weight: 0 }));
    // Assess
    expect(issues).toEqual([]);
  });

  it('accepts the bounds themselves', () => {
    // Act
    const issues = issuesOf(
      questionnaire({ standardization: WEIGHT_MIN, facilitation: WEIGHT_MAX, door: WEIGHT_MAX, wait: WEIGHT_MIN }),
    );
    // Assess
    expect(issues).toEqual([]);
  });

  it('is enforced where a campaign is launched, as part of its definition', () => {
    // Prepare
    const shape = CampaignDefinition.shape.questionnaire;
    // Act
    const parsed = shape.safeParse(questionnaire({ facilitation: 1e307 }));
    // Assess
    expect(parsed.success).toBe(false);
  });

  it('gives every center with a rater a score, rank and grade whatever the accepted weights and activities', () => {
    fc.assert(
      fc.property(
        fc.record({
          standardization: fc.double({ min: WEIGHT_MIN, max: WEIGHT_MAX, noNaN: true }),
          facilitation: fc.double({ min: WEIGHT_MIN, max: WEIGHT_MAX, noNaN: true }),
          door: fc.double({ min: WEIGHT_MIN, max: WEIGHT_MAX, noNaN: true }),
          wait: fc.double({ min: WEIGHT_MIN, max: WEIGHT_MAX, noNaN: true }),
          online: fc.double({ min: WEIGHT_MIN, max: WEIGHT_MAX, noNaN: true }),
        }),
        fc.array(
          fc.record({
            center: fc.integer({ min: 0, max: 2 }),
            rater: fc.integer({ min: 0, max: 3 }),
            hotline: fc.boolean(),
            answers: fc.tuple(
              fc.option(fc.boolean(), { nil: undefined }),
              fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
              fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
            ),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        (weights, responses) => {
          // Prepare
          const q = Questionnaire.parse(questionnaire(weights));
          const centers = [0, 1, 2].map((i) => ({ id: `C${i}`, level: 'district' as const }));
          const acc = new CenterScoreAccumulator(q, centers, 'weights');
          for (const r of responses) {
            const [door, wait, online] = r.answers;
            acc.add({
              centerId: `C${r.center}`,
              supervisorId: `S${r.rater}`,
              activity: r.hotline ? 'hotline' : 'experiential',
              answers: {
                ...(door !== undefined ? { door } : {}),
                ...(wait !== undefined ? { wait } : {}),
                ...(online !== undefined ? { online } : {}),
              },
            });
          }
          // Act
          const { scores } = acc.finish();
          // Assess
          for (const s of scores) {
            if (s.raters === 0) continue;
            expect(s.score).not.toBeNull();
            expect(s.score).toBeGreaterThanOrEqual(0);
            expect(s.score).toBeLessThanOrEqual(100);
            expect(s.rank).not.toBeNull();
            expect(s.grade).not.toBeNull();
          }
        },
      ),
    );
  });
});
