import { describe, expect, it } from 'vitest';
import { type CenterLevel, Questionnaire } from '../../../functions/core/model.ts';
import { CenterScoreAccumulator, type ScoringResponse } from '../../../functions/core/scoring/accumulate.ts';
import { ResponseEncoder } from '../../../functions/core/scoring/encode.ts';

const t = (zh: string, en: string) => ({ zh, en });

/** A rating, a conditional yes/no (asked when the rating is 3 or lower), a hotline choice and a re-check at P. */
const questionnaire = Questionnaire.parse({
  id: 'cols',
  title: t('问卷', 'Questionnaire'),
  sections: [
    {
      dimension: 'regulation',
      title: t('规范化', 'Regulation'),
      questions: [
        { id: 'q1', indicator: 'q1', kind: 'rating', dimension: 'regulation', title: t('态度', 'Manner') },
        {
          id: 'q2',
          indicator: 'q2',
          kind: 'yesno',
          dimension: 'regulation',
          condition: '{q1} <= 3',
          title: t('解释', 'Explained'),
        },
        {
          id: 'q3',
          indicator: 'q3',
          kind: 'choice',
          dimension: 'regulation',
          activities: ['hotline'],
          title: t('接通', 'Answered'),
          options: [
            { value: 'at-once', label: t('立即', 'At once'), score: 100 },
            { value: 'later', label: t('稍后', 'Later'), score: 40 },
          ],
        },
        {
          id: 'recheck',
          indicator: 'recheck',
          kind: 'rating',
          dimension: 'regulation',
          centers: ['P'],
          title: t('复查', 'Re-check'),
        },
      ],
    },
  ],
});

const centers: { id: string; level: CenterLevel }[] = [
  { id: 'Q', level: 'street' },
  { id: 'P', level: 'district' },
];

const responses: ScoringResponse[] = [
  { centerId: 'Q', supervisorId: 'B', activity: 'experiential', answers: { q1: 2, q2: true, recheck: 5 } },
  { centerId: 'P', supervisorId: 'A', activity: 'hotline', answers: { q1: 5, q2: false, q3: 'later', recheck: 4 } },
  { centerId: 'X', supervisorId: 'C', activity: 'experiential', answers: { q1: 1 } },
  { centerId: 'P', supervisorId: 'B', answers: { q1: 3, q2: 'yes', q3: 'at-once', recheck: null } },
  { centerId: 'Q', supervisorId: 'A', activity: 'experiential', answers: { q1: 4, q3: 'at-once' } },
];

describe('responses in columns', () => {
  it('encodes a page: centers by id order, raters in order of appearance, answers asked and of the right type', () => {
    // Prepare
    const encoder = new ResponseEncoder(questionnaire, centers);
    // Act
    const page = encoder.encode(responses);
    // Assess: the stray center X is counted and left out
    expect(page.responses).toBe(4);
    expect(page.ignored).toBe(1);
    expect(encoder.centers.map((c) => c.id)).toEqual(['P', 'Q']);
    expect([...page.center.subarray(0, page.responses)]).toEqual([1, 0, 0, 1]);
    expect(page.raterIds).toEqual(['B', 'A']);
    expect([...page.rater.subarray(0, page.responses)]).toEqual([0, 1, 0, 1]);
    // Q's re-check answer is left out (asked at P only); P's second response answers q2 with a word (left
    // out) and q3 without an activity (every question asked); Q's last answers q3 outside the hotline
    // (not asked) and leaves q2 out, its condition not met.
    const answers = (p: number) =>
      Array.from({ length: (page.answerStart[p + 1] as number) - (page.answerStart[p] as number) }, (_, k) => {
        const a = (page.answerStart[p] as number) + k;
        return [encoder.indicators[page.indicator[a] as number]?.id, page.raw[a]];
      });
    expect(answers(0)).toEqual([
      ['q1', 2],
      ['q2', 1],
    ]);
    expect(answers(1)).toEqual([
      ['q1', 5],
      ['q3', 1],
      ['recheck', 4],
    ]);
    expect(answers(2)).toEqual([
      ['q1', 3],
      ['q3', 0],
      ['recheck', Number.NaN],
    ]);
    expect(answers(3)).toEqual([['q1', 4]]);
    // q2's condition held on Q's first response and on P's second (q1 = 3)
    expect(page.asked).toEqual([1, 1, 1, 0]);
  });

  it('scores pages added as columns exactly as the same responses added one by one', () => {
    // Prepare
    const one = new CenterScoreAccumulator(questionnaire, centers, 'cols');
    for (const r of responses) one.add(r);
    const encoder = new ResponseEncoder(questionnaire, centers);
    const pages = [encoder.encode(responses.slice(0, 2)), encoder.encode(responses.slice(2))];
    // Act: two accumulators from the same encoded pages, each with its own marks of conditional questions
    const results = [1, 2].map(() => {
      const acc = new CenterScoreAccumulator(questionnaire, centers, 'cols', { encoder, expectedResponses: 2 });
      for (const page of pages) acc.addColumns(page);
      return acc.finish();
    });
    const expected = one.finish();
    // Assess
    for (const result of results) {
      expect(JSON.stringify(result.scores)).toBe(JSON.stringify(expected.scores));
      expect(JSON.stringify(result.summary)).toBe(JSON.stringify(expected.summary));
      expect(JSON.stringify(result.explain('P'))).toBe(JSON.stringify(expected.explain('P')));
    }
    expect(expected.summary.ignoredResponses).toBe(1);
    expect(expected.summary.raters).toBe(2);
  });

  it('refuses columns written by another encoder, and an encoder built for another questionnaire', () => {
    // Prepare
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'cols');
    const other = new ResponseEncoder(questionnaire, centers);
    const copy = Questionnaire.parse(JSON.parse(JSON.stringify(questionnaire)));
    // Act / Assess
    expect(() => acc.addColumns(other.encode(responses))).toThrow(/another encoder/);
    expect(() => new CenterScoreAccumulator(copy, centers, 'cols', { encoder: other })).toThrow(
      /another questionnaire/,
    );
  });
});
