import { describe, expect, it } from 'vitest';
import { Questionnaire } from '../../../functions/core/model.ts';
import { CenterScoreAccumulator, normalizeAnswer, rankWithinLevels } from '../../../functions/core/scoring.ts';
import type { CenterScore, Question } from '../../../functions/core/model.ts';

const questionnaire = Questionnaire.parse({
  id: 'q',
  title: { zh: '问卷', en: 'Questionnaire' },
  sections: [
    {
      dimension: 'standardization',
      title: { zh: '标准化', en: 'Standardization' },
      questions: [
        { id: 'one-door', kind: 'yesno', indicator: 'one-door', dimension: 'standardization', title: { zh: '只进一扇门', en: 'One door' }, weight: 1 },
        { id: 'guide', kind: 'rating', indicator: 'guide', dimension: 'standardization', title: { zh: '办事指南', en: 'Guides' }, weight: 3 },
      ],
    },
    {
      dimension: 'facilitation',
      title: { zh: '便利化', en: 'Facilitation' },
      questions: [
        { id: 'wait', kind: 'number', indicator: 'wait', dimension: 'facilitation', title: { zh: '等候时间', en: 'Minutes waited' }, unit: { zh: '分钟', en: 'minutes' }, best: 5, worst: 60 },
        { id: 'note', kind: 'text', dimension: 'facilitation', title: { zh: '意见', en: 'Comments' }, required: false },
      ],
    },
  ],
});

const centers = [
  { id: 'A', level: 'district' as const },
  { id: 'B', level: 'district' as const },
  { id: 'C', level: 'street' as const },
];

const response = (centerId: string, supervisorId: string, answers: Record<string, number | boolean | string | null>) => ({
  centerId,
  supervisorId,
  activity: 'experiential' as const,
  answers,
});

describe('normalizeAnswer', () => {
  const [standardization, facilitation] = questionnaire.sections;
  const [yesno, rating] = standardization?.questions ?? [];
  const [numeric, text] = facilitation?.questions ?? [];

  it('maps a rating linearly from 1 → 0 to 5 → 100', () => {
    // Assess
    expect([1, 2, 3, 4, 5].map((v) => normalizeAnswer(rating as Question, v))).toEqual([0, 25, 50, 75, 100]);
  });

  it('scores numbers by distance to frontier, clamped', () => {
    // Assess
    expect(normalizeAnswer(numeric as Question, 5)).toBe(100);
    expect(normalizeAnswer(numeric as Question, 60)).toBe(0);
    expect(normalizeAnswer(numeric as Question, 16)).toBeCloseTo(80, 10);
    expect(normalizeAnswer(numeric as Question, 200)).toBe(0);
    expect(normalizeAnswer(numeric as Question, 1)).toBe(100);
  });

  it('excludes not-applicable and unscored answers', () => {
    // Assess
    expect(normalizeAnswer(yesno as Question, null)).toBeNull();
    expect(normalizeAnswer(text as Question, 'fine')).toBeNull();
  });
});

describe('CenterScoreAccumulator', () => {
  it('scores a small case exactly as computed by hand', () => {
    // Prepare: center A, two raters.
    // one-door: yes, no → 100, 0 → mean 50; guide: 5, 4 → 100, 75 → mean 87.5
    // standardization = (1·50 + 3·87.5) / 4 = 78.125
    // wait: 16, null (n/a) → 80 only; facilitation = 80
    // center = (78.125 + 80) / 2 = 79.0625
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    // Act
    acc.add(response('A', 's1', { 'one-door': true, guide: 5, wait: 16, note: 'ok' }));
    acc.add(response('A', 's2', { 'one-door': false, guide: 4, wait: null }));
    const [a] = acc.finish();
    // Assess
    expect(a?.dimensions.standardization).toBe(78.125);
    expect(a?.dimensions.facilitation).toBe(80);
    expect(a?.score).toBe(79.0625);
    expect(a?.raters).toBe(2);
    expect(a?.coverage).toBe(1);
    expect(a?.grade).toBe('pass');
  });

  it('re-normalizes over what was answered and reports coverage', () => {
    // Prepare
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    // Act: only the rating was answered
    acc.add(response('B', 's1', { guide: 5 }));
    const b = acc.finish()[1];
    // Assess
    expect(b?.score).toBe(100);
    expect(b?.coverage).toBeCloseTo(1 / 3, 12);
  });

  it('leaves a center without responses unscored and unranked', () => {
    // Prepare
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    // Act
    const c = acc.finish()[2];
    // Assess
    expect(c).toMatchObject({ score: null, rank: null, grade: null, raters: 0 });
  });
});

describe('rankWithinLevels', () => {
  it('shares ranks between ties and ranks each level separately', () => {
    // Prepare
    const score = (centerId: string, level: CenterScore['level'], value: number): CenterScore => ({
      campaignId: 'c', centerId, level, score: value, dimensions: {}, raters: 3, coverage: 1, rank: null, rankOf: 0, grade: null, methodology: 'm',
    });
    // Act
    const ranked = rankWithinLevels([score('a', 'street', 90), score('b', 'street', 80), score('c', 'street', 80), score('d', 'street', 70), score('e', 'district', 10)]);
    // Assess
    expect(ranked.map((s) => s.rank)).toEqual([1, 2, 2, 4, 1]);
    expect(ranked.map((s) => s.rankOf)).toEqual([4, 4, 4, 4, 1]);
  });
});
