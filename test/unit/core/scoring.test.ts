import { describe, expect, it } from 'vitest';
import type { Question } from '../../../functions/core/model.ts';
import { Questionnaire } from '../../../functions/core/model.ts';
import { CenterScoreAccumulator } from '../../../functions/core/scoring/accumulate.ts';
import { krippendorffAlpha } from '../../../functions/core/scoring/agreement.ts';
import { gradeOf, parseGradeBands, publishedChange, publishScore } from '../../../functions/core/scoring/grades.ts';
import { normalizeAnswer } from '../../../functions/core/scoring/normalize.ts';
import { METHODOLOGY_VERSION } from '../../../functions/core/scoring/options.ts';
import { normalizationChanges, previousCandidates } from '../../../functions/core/scoring/previous.ts';
import { rankWithinLevels } from '../../../functions/core/scoring/ranks.ts';
import type { CenterScore } from '../../../functions/core/scoring/records.ts';

const questionnaire = Questionnaire.parse({
  id: 'q',
  title: { zh: '问卷', en: 'Questionnaire' },
  sections: [
    {
      dimension: 'standardization',
      title: { zh: '标准化', en: 'Standardization' },
      questions: [
        {
          id: 'one-door',
          kind: 'yesno',
          indicator: 'one-door',
          dimension: 'standardization',
          title: { zh: '只进一扇门', en: 'One door' },
          weight: 1,
        },
        {
          id: 'guide',
          kind: 'rating',
          indicator: 'guide',
          dimension: 'standardization',
          title: { zh: '办事指南', en: 'Guides' },
          weight: 3,
        },
      ],
    },
    {
      dimension: 'facilitation',
      title: { zh: '便利化', en: 'Facilitation' },
      questions: [
        {
          id: 'wait',
          kind: 'number',
          indicator: 'wait',
          dimension: 'facilitation',
          title: { zh: '等候时间', en: 'Minutes waited' },
          unit: { zh: '分钟', en: 'minutes' },
          best: 5,
          worst: 60,
        },
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

const response = (
  centerId: string,
  supervisorId: string,
  answers: Record<string, number | boolean | string | null>,
) => ({
  centerId,
  supervisorId,
  activity: 'experiential' as const,
  answers,
});

/**
 * Center A's two raters, as in the case scored by hand below less its comment: standardization 78.125,
 * facilitation 80, center 79.0625.
 */
const twoRatersAtA = [
  response('A', 's1', { 'one-door': true, guide: 5, wait: 16 }),
  response('A', 's2', { 'one-door': false, guide: 4, wait: null }),
];

/** A center score with three raters and full coverage, unranked and ungraded unless overridden. */
const centerScore = (
  centerId: string,
  level: CenterScore['level'],
  value: number,
  over: Partial<CenterScore> = {},
): CenterScore => ({
  campaignId: 'c',
  centerId,
  level,
  score: value,
  dimensions: {},
  raters: 3,
  coverage: 1,
  rank: null,
  rankOf: 0,
  grade: null,
  methodology: 'm',
  ...over,
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
    const [a] = acc.finish().scores;
    // Assess
    expect(a?.dimensions.standardization).toBe(78.125);
    expect(a?.dimensions.facilitation).toBe(80);
    expect(a?.exact).toBe(79.0625);
    expect(a?.score).toBe(79.1);
    expect(a?.raters).toBe(2);
    expect(a?.coverage).toBe(1);
    expect(a?.grade).toBe('pass');
  });

  it('re-normalizes over what was answered and reports coverage', () => {
    // Prepare
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    // Act: only the rating was answered
    acc.add(response('B', 's1', { guide: 5 }));
    const b = acc.finish().scores[1];
    // Assess
    expect(b?.score).toBe(100);
    expect(b?.coverage).toBeCloseTo(1 / 3, 12);
  });

  it('leaves a center without responses unscored and unranked', () => {
    // Prepare
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    // Act
    const c = acc.finish().scores[2];
    // Assess
    expect(c).toMatchObject({ score: null, rank: null, grade: null, raters: 0 });
  });
});

describe('rankWithinLevels', () => {
  it('shares ranks between ties and ranks each level separately', () => {
    // Act
    const ranked = rankWithinLevels([
      centerScore('a', 'street', 90),
      centerScore('b', 'street', 80),
      centerScore('c', 'street', 80),
      centerScore('d', 'street', 70),
      centerScore('e', 'district', 10),
    ]);
    // Assess
    expect(ranked.map((s) => s.rank)).toEqual([1, 2, 2, 4, 1]);
    expect(ranked.map((s) => s.rankOf)).toEqual([4, 4, 4, 4, 1]);
  });

  it('gives a center without a counted response no rank and leaves it out of the count', () => {
    // Act: a score handed over for a center nobody supervised takes no place among its peers
    const ranked = rankWithinLevels([
      centerScore('a', 'street', 90),
      centerScore('b', 'street', 95, { responses: 0, raters: 0 }),
      centerScore('c', 'street', 80, { responses: 2 }),
    ]);
    // Assess
    expect(ranked.map((s) => s.rank)).toEqual([1, null, 2]);
    expect(ranked.map((s) => s.rankOf)).toEqual([2, 0, 2]);
  });
});

/** Two rating indicators of equal weight in one dimension: a center's score is the mean of the two. */
const twoRatings = Questionnaire.parse({
  id: 'two',
  title: { zh: '问卷', en: 'Questionnaire' },
  sections: [
    {
      dimension: 'regulation',
      title: { zh: '规范化', en: 'Regulation' },
      questions: [
        { id: 'q1', kind: 'rating', indicator: 'q1', dimension: 'regulation', title: { zh: '态度', en: 'Attitude' } },
        { id: 'q2', kind: 'rating', indicator: 'q2', dimension: 'regulation', title: { zh: '秩序', en: 'Order' } },
      ],
    },
  ],
});

const scoreOne = (
  answers: [string, number, number][],
  options: Parameters<CenterScoreAccumulator['finish']>[0] = {},
) => {
  const acc = new CenterScoreAccumulator(twoRatings, [{ id: 'X', level: 'district' }], 'c1');
  for (const [supervisorId, q1, q2] of answers) acc.add(response('X', supervisorId, { q1, q2 }));
  return acc.finish(options).scores[0];
};

describe('combining raters', () => {
  it('moves a center less than a plain mean when one of three raters is an outlier', () => {
    // Prepare: raters A (4, 4) → 75, 75 and B (5, 4) → 100, 75 agree; C answers like them (4, 4) or
    // carelessly (1, 1) → 0, 0.
    // Median with C agreeing: q1 {75, 100, 75} → 75, q2 {75, 75, 75} → 75 → 75.
    // Median with C the outlier: q1 {0, 75, 100} → 75, q2 {0, 75, 75} → 75 → 75: moved by 0.
    // Mean with C agreeing: q1 250/3, q2 75 → 79.1667; with C the outlier: q1 175/3, q2 50 → 54.1667:
    // moved by 25.
    const agreeing: [string, number, number][] = [
      ['A', 4, 4],
      ['B', 5, 4],
      ['C', 4, 4],
    ];
    const outlying: [string, number, number][] = [
      ['A', 4, 4],
      ['B', 5, 4],
      ['C', 1, 1],
    ];
    // Act
    const median = [scoreOne(agreeing)?.score, scoreOne(outlying)?.score];
    const mean = [scoreOne(agreeing, { combine: 'mean' })?.exact, scoreOne(outlying, { combine: 'mean' })?.exact];
    // Assess
    expect(median).toEqual([75, 75]);
    expect(mean[0]).toBeCloseTo(475 / 6, 12);
    expect(mean[1]).toBeCloseTo(325 / 6, 12);
    expect(Math.abs((median[0] ?? 0) - (median[1] ?? 0))).toBeLessThan(Math.abs((mean[0] ?? 0) - (mean[1] ?? 0)));
  });

  it('averages the two middle answers when the number of raters is even', () => {
    // Prepare: q1 {0, 50, 75, 100} → (50 + 75)/2 = 62.5; q2 {25, 25, 50, 100} → 37.5
    // Act
    const x = scoreOne([
      ['A', 1, 2],
      ['B', 3, 2],
      ['C', 4, 3],
      ['D', 5, 5],
    ]);
    // Assess
    expect(x?.score).toBe(50);
  });

  it('counts a rater who answered an indicator in two activities once, with the mean of the two answers', () => {
    // Prepare: A answers q1 = 5 (100) in one activity and 3 (50) in another → 75; B answers 1 (0)
    // → median of two raters {0, 75} = 37.5
    const acc = new CenterScoreAccumulator(twoRatings, [{ id: 'X', level: 'district' }], 'c1');
    // Act
    acc.add({ centerId: 'X', supervisorId: 'A', activity: 'experiential', answers: { q1: 5 } });
    acc.add({ centerId: 'X', supervisorId: 'A', activity: 'unannounced', answers: { q1: 3 } });
    acc.add({ centerId: 'X', supervisorId: 'B', activity: 'experiential', answers: { q1: 1 } });
    const [x] = acc.finish().scores;
    // Assess
    expect(x?.raters).toBe(2);
    expect(x?.dimensions.regulation).toBe(37.5);
  });
  it('sums three answers of one rater to one indicator the same way whatever order they arrive in', () => {
    // Prepare: minutes 7, 13 and 29 normalize to fractions whose floating-point sum depends on order
    const answers = [7, 13, 29].map((wait, i) => ({
      centerId: 'A',
      supervisorId: 's1',
      activity: (['accompanied', 'experiential', 'unannounced'] as const)[i],
      answers: { wait },
    }));
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
    ];
    // Act
    const results = orders.map((order) => {
      const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
      for (const i of order) acc.add(answers[i] as (typeof answers)[number]);
      return acc.finish().scores[0]?.exact;
    });
    // Assess
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toBeCloseTo((100 * (53 + 47 + 31)) / 55 / 3, 12);
  });
});

describe('uncertainty', () => {
  it("gives two raters a 90% interval from their own scores' spread, the median factor and the answer grid", () => {
    // Prepare: s1 alone scores 90 (standardization (100 + 3·100)/4 = 100, facilitation 80); s2 alone
    // 56.25 (standardization (0 + 3·75)/4, no facilitation); together 79.0625. Alone in the campaign,
    // the pooled variance is their own: Σ squares 2·16.875² over 1 df, so σ̂² = 569.53125.
    // Grid: shares one-door 1/8 (step 100), guide 3/8 (step 25), wait 1/2 (a number, no step).
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    acc.addPage(twoRatersAtA);
    const variance = 2 * 16.875 ** 2;
    const grid = ((100 / 8) ** 2 + ((3 * 25) / 8) ** 2) / 12;
    const half = 1.6448536269514722 * Math.sqrt(variance / 2 + grid);
    // Act
    const [a] = acc.finish().scores;
    // Assess
    expect(a?.exact).toBe(79.0625);
    expect(a?.score).toBe(79.1);
    expect(a?.ci90?.low).toBeCloseTo(79.0625 - half, 12);
    expect(a?.ci90?.high).toBe(100);
    expect(79.0625 + half).toBeGreaterThan(100);
  });

  it('gives a single rater no interval when no center of the campaign had two, and flags it', () => {
    // Prepare
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    acc.add(response('A', 's1', { 'one-door': true, guide: 5, wait: 16 }));
    // Act
    const [a] = acc.finish().scores;
    // Assess
    expect(a?.ci90).toBeNull();
    expect(a?.flags).toEqual(['single-rater']);
  });

  it('counts as raters only supervisors with a scored, non-N/A answer, and counts responses apart', () => {
    // Prepare: at A, s2 answered everything "not applicable" and s3 sent an empty response
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    acc.add(response('A', 's1', { 'one-door': true, guide: 5, wait: 16 }));
    acc.add(response('A', 's2', { 'one-door': null, guide: null, wait: null }));
    acc.add(response('A', 's3', {}));
    acc.add(response('B', 's2', { 'one-door': null, guide: null, wait: null }));
    // Act
    const result = acc.finish();
    const [a, b] = result.scores;
    // Assess: A has one rater (no interval over a single rater), B none
    expect(a?.raters).toBe(1);
    expect(a?.responses).toBe(3);
    expect(a?.flags).toContain('single-rater');
    expect(result.explain('A')?.raters).toEqual(['rater 1']);
    expect(b?.raters).toBe(0);
    expect(b?.responses).toBe(1);
    expect(b?.score).toBeNull();
    expect(b?.flags).toEqual(['no-responses']);
  });

  it('flags low coverage and centers without responses', () => {
    // Prepare: B answered one of three indicators
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    acc.add(response('B', 's1', { guide: 5 }));
    acc.add(response('B', 's2', { guide: 4 }));
    // Act
    const [, b, c] = acc.finish().scores;
    // Assess
    expect(b?.flags).toContain('low-coverage');
    expect(c?.flags).toEqual(['no-responses']);
  });
});

describe('answers that do not count', () => {
  it('excludes not applicable instead of counting it as 0', () => {
    // Prepare
    const acc = new CenterScoreAccumulator(
      twoRatings,
      [
        { id: 'X', level: 'district' },
        { id: 'Y', level: 'district' },
      ],
      'c1',
    );
    acc.add({ centerId: 'X', supervisorId: 'A', answers: { q1: 5, q2: null } });
    acc.add({ centerId: 'Y', supervisorId: 'A', answers: { q1: 5 } });
    // Act
    const [x, y] = acc.finish().scores;
    // Assess
    expect(x?.score).toBe(100);
    expect(y?.score).toBe(100);
  });

  it('leaves a dimension out of a center where none of its questions is asked', () => {
    // Prepare: the hotline question is asked only in hotline listening
    const withHotline = Questionnaire.parse({
      ...twoRatings,
      sections: [
        ...twoRatings.sections,
        {
          dimension: 'hotline',
          title: { zh: '热线', en: 'Hotline' },
          questions: [
            {
              id: 'h1',
              kind: 'yesno',
              indicator: 'h1',
              dimension: 'hotline',
              activities: ['hotline'],
              title: { zh: '零转接', en: 'Zero transfer' },
            },
          ],
        },
      ],
    });
    const acc = new CenterScoreAccumulator(
      withHotline,
      [
        { id: 'S', level: 'street' },
        { id: 'D', level: 'district' },
      ],
      'c1',
    );
    acc.add({ centerId: 'S', supervisorId: 'A', activity: 'experiential', answers: { q1: 5, q2: 5, h1: false } });
    acc.add({ centerId: 'D', supervisorId: 'A', activity: 'experiential', answers: { q1: 5, q2: 5 } });
    acc.add({ centerId: 'D', supervisorId: 'B', activity: 'hotline', answers: { h1: false } });
    // Act
    const [d, s] = acc.finish().scores;
    // Assess: the street center's stray hotline answer is not asked there and does not count
    expect(s?.dimensions).toEqual({ regulation: 100 });
    expect(s?.score).toBe(100);
    expect(d?.dimensions).toEqual({ regulation: 100, hotline: 0 });
    expect(d?.score).toBe(50);
  });

  it('counts a conditional question only in responses whose earlier answers ask it, and covers a center that never did', () => {
    // Prepare: q2 is asked only when q1 is rated 3 or lower
    const conditional = Questionnaire.parse({
      ...twoRatings,
      sections: [
        {
          ...twoRatings.sections[0],
          questions: (twoRatings.sections[0]?.questions ?? []).map((q) =>
            q.id === 'q2' ? { ...q, condition: '{q1} <= 3' } : q,
          ),
        },
      ],
    });
    const acc = new CenterScoreAccumulator(
      conditional,
      [
        { id: 'P', level: 'district' },
        { id: 'Q', level: 'district' },
      ],
      'c1',
    );
    for (const s of ['A', 'B', 'C']) {
      // At P, q1 is 5 everywhere, so q2 is never asked; a stray answer to it (possible in a file) is left out.
      acc.add(response('P', s, { q1: 5, q2: 1 }));
      acc.add(response('Q', s, { q1: 3, q2: 5 }));
    }
    // Act
    const result = acc.finish();
    const [p, q] = result.scores;
    // Assess
    expect(p?.score).toBe(100);
    expect(p?.coverage).toBe(1);
    expect(p?.flags).not.toContain('low-coverage');
    expect(result.explain('P')?.indicators.find((i) => i.question === 'q2')).toMatchObject({ status: 'not-asked' });
    expect(q?.exact).toBeCloseTo(75, 12);
    expect(q?.coverage).toBe(1);
  });

  it('counts a question scoped to some centers only where it is asked, and leaves out answers elsewhere', () => {
    // Prepare: a re-check question on conduct, asked at center R only, in its own dimension
    const withRecheck = Questionnaire.parse({
      ...twoRatings,
      sections: [
        {
          ...twoRatings.sections[0],
          questions: [
            ...(twoRatings.sections[0]?.questions ?? []),
            {
              id: 'recheck',
              kind: 'rating',
              indicator: 'recheck',
              dimension: 'regulation',
              centers: ['R'],
              title: { zh: '整改复查', en: 'Re-check' },
            },
          ],
        },
      ],
    });
    const acc = new CenterScoreAccumulator(
      withRecheck,
      [
        { id: 'R', level: 'district' },
        { id: 'X', level: 'district' },
        { id: 'Y', level: 'district' },
      ],
      'c1',
    );
    for (const s of ['A', 'B', 'C']) {
      acc.add(response('R', s, { q1: 5, q2: 5, recheck: 1 }));
      acc.add(response('X', s, { q1: 5, q2: 4 }));
      // An answer to the re-check question at a center where it was not asked (possible in a file).
      acc.add(response('Y', s, { q1: 5, q2: 4, recheck: 1 }));
    }
    // Act
    const result = acc.finish();
    const [r, x, y] = result.scores;
    // Assess: X was not asked the re-check question, so it is fully covered and unflagged
    expect(r?.exact).toBeCloseTo(200 / 3, 12);
    expect(r?.coverage).toBe(1);
    expect(x?.coverage).toBe(1);
    expect(x?.flags).not.toContain('low-coverage');
    expect(x?.dimensions).toEqual({ regulation: 87.5 });
    expect(y?.score).toBe(87.5);
    expect(y?.coverage).toBe(1);
    expect(result.explain('Y')?.indicators.find((i) => i.question === 'recheck')).toMatchObject({
      status: 'not-asked',
      answers: [],
    });
  });
});

describe('grades and ranks', () => {
  it('grades with configurable bands', () => {
    // Prepare
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    acc.addPage(twoRatersAtA);
    // Act: 79.0625 is 合格 under the default bands, 良好 under 85/75/60
    const [byDefault] = acc.finish().scores;
    const [custom] = acc.finish({ bands: parseGradeBands('85, 75, 60') }).scores;
    // Assess
    expect(byDefault?.grade).toBe('pass');
    expect(custom?.grade).toBe('good');
    expect(gradeOf(59.99, parseGradeBands('85,75,60'))).toBe('rectify');
  });

  it('refuses grade bands that are not three falling thresholds within 0–100', () => {
    // Assess
    expect(() => parseGradeBands('90,80')).toThrow(/three numbers/);
    expect(() => parseGradeBands('70,80,90')).toThrow(/fall from/);
    expect(() => parseGradeBands('90,80,x')).toThrow(/three numbers/);
  });

  it('ties centers whose published scores are equal, however close their unrounded ones fall to a boundary', () => {
    // Act
    const ranked = rankWithinLevels([
      centerScore('a', 'street', 70.0000005001),
      centerScore('b', 'street', 70.0000004999),
      centerScore('c', 'street', 69.96),
      centerScore('d', 'street', 69.9),
    ]);
    // Assess: a, b and c all publish as 70.0
    expect(ranked.map((s) => s.rank)).toEqual([1, 1, 1, 4]);
  });

  it('gives each rank the range its interval allows against the other centers of the level', () => {
    // Act
    const ranked = rankWithinLevels([
      centerScore('a', 'street', 85, { ci90: { low: 80, high: 90 } }),
      centerScore('b', 'street', 78, { ci90: { low: 70, high: 85 } }),
      centerScore('c', 'street', 55, { ci90: { low: 50, high: 60 } }),
      centerScore('d', 'district', 40, { ci90: null }),
    ]);
    // Assess: a and b overlap; c lies below both
    expect(ranked.map((s) => s.rankRange)).toEqual([
      { low: 1, high: 2 },
      { low: 1, high: 2 },
      { low: 3, high: 3 },
      { low: 1, high: 1 },
    ]);
  });

  it('marks a center with a single rater provisional', () => {
    // Prepare
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    acc.addPage(twoRatersAtA);
    acc.add(response('B', 's1', { guide: 5 }));
    // Act
    const [a, b] = acc.finish().scores;
    // Assess
    expect(a?.provisional).toBe(false);
    expect(b?.provisional).toBe(true);
    expect(b?.rank).toBe(1);
  });

  it('grades the score as published, so a score shown as 80.0 is 良好', () => {
    // Prepare: weights 0.1 and 0.2, every answer 4 → 75 ... and 80 by a number question
    const decimal = Questionnaire.parse({
      id: 'decimal',
      title: { zh: '问卷', en: 'Questionnaire' },
      sections: [
        {
          dimension: 'facilitation',
          title: { zh: '便利化', en: 'Facilitation' },
          questions: ['a', 'b'].map((id, i) => ({
            id,
            indicator: id,
            kind: 'number',
            dimension: 'facilitation',
            weight: [0.1, 0.2][i],
            title: { zh: id, en: id },
            unit: { zh: '分', en: 'points' },
            best: 100,
            worst: 0,
          })),
        },
      ],
    });
    const acc = new CenterScoreAccumulator(decimal, [{ id: 'X', level: 'street' }], 'c1');
    acc.add(response('X', 's1', { a: 80, b: 80 }));
    // Act
    const [x] = acc.finish().scores;
    // Assess: (0.1·80 + 0.2·80)/0.3 is 79.99999999999999 in floating point
    expect(x?.exact).toBeLessThan(80);
    expect(x?.score).toBe(80);
    expect(x?.grade).toBe('good');
  });

  it('publishes scores to one decimal with halves up, after rounding away floating-point noise', () => {
    // Assess
    expect(publishScore(79.99999999999999)).toBe(80);
    expect(publishScore(72.25)).toBe(72.3);
    expect(publishScore(72.24999999999999)).toBe(72.3);
    expect(publishScore(72.2499)).toBe(72.2);
    expect(publishScore(0.15)).toBe(0.2);
    expect(publishedChange(75.7, 72.5)).toBe(3.2);
  });
});

const questionnaireOfNumbers = Questionnaire.parse({
  id: 'numbers',
  title: { zh: '问卷', en: 'Questionnaire' },
  sections: [
    {
      dimension: 'facilitation',
      title: { zh: '便利化', en: 'Facilitation' },
      questions: ['n1', 'n2'].map((id) => ({
        id,
        indicator: id,
        kind: 'number',
        dimension: 'facilitation',
        title: { zh: id, en: id },
        unit: { zh: '分', en: 'points' },
        best: 100,
        worst: 0,
      })),
    },
  ],
});

describe('rater severity', () => {
  // H rates every center harshly (1, 1 → 0, 0); two other raters per center.
  // X: A 75,75 · B 100,75 · H 0,0 → consensus 75, 75; deviations A 0,0 · B 25,0 · H −75,−75
  // Y: C 50,75 · D 75,100 · H 0,0 → consensus 50, 75; deviations C 0,0 · D 25,25 · H −50,−75
  // Z: E 100,100 · F 75,75 · H 0,0 → consensus 75, 75; deviations E 25,25 · F 0,0 · H −75,−75
  // Severities: A 0, B 12.5, C 0, D 25, E 25, F 0, H −425/6. Median 0, MAD 12.5:
  // z(H) = 0.6745·(−425/6)/12.5 = −3.8222 → outlier; z(D) = z(E) = 1.349.
  const campaign = () => {
    const acc = new CenterScoreAccumulator(
      twoRatings,
      ['X', 'Y', 'Z'].map((id) => ({ id, level: 'district' as const })),
      'c1',
    );
    const rows: [string, string, number, number][] = [
      ['X', 'A', 4, 4],
      ['X', 'B', 5, 4],
      ['X', 'H', 1, 1],
      ['Y', 'C', 3, 4],
      ['Y', 'D', 4, 5],
      ['Y', 'H', 1, 1],
      ['Z', 'E', 5, 5],
      ['Z', 'F', 4, 4],
      ['Z', 'H', 1, 1],
    ];
    for (const [center, rater, q1, q2] of rows) acc.add(response(center, rater, { q1, q2 }));
    return acc.finish({ minSeverityCells: 2 });
  };

  it('calls no rater an outlier whose severity lies less than 10 points from the median, whatever its z-score', () => {
    // Prepare: at three centers, raters agree exactly except G, who is 4 points harsher on one answer
    const acc = new CenterScoreAccumulator(
      questionnaireOfNumbers,
      ['X', 'Y', 'Z'].map((id) => ({ id, level: 'district' as const })),
      'c1',
    );
    for (const center of ['X', 'Y', 'Z'])
      for (const rater of ['A', 'B', 'C', 'D', 'E', 'G'])
        acc.add(response(center, rater, { n1: rater === 'G' && center === 'X' ? 76 : 80, n2: 80 }));
    // Act
    const { raters } = acc.finish({ minSeverityCells: 2 });
    // Assess: MAD is 0, so the fallback gives G a large z-score, but two thirds of a point is no outlier
    const g = raters.find((r) => r.supervisorId === 'G');
    expect(Math.abs(g?.z ?? 0)).toBeGreaterThan(3.5);
    expect(raters.some((r) => r.outlier)).toBe(false);
  });

  it('estimates each rater as the mean deviation from the center consensus, with a modified z-score', () => {
    // Act
    const { raters } = campaign();
    const byId = new Map(raters.map((r) => [r.supervisorId, r]));
    // Assess
    expect(byId.get('H')?.severity).toBeCloseTo(-425 / 6, 12);
    expect(byId.get('H')?.cells).toBe(6);
    expect(byId.get('H')?.z).toBeCloseTo((0.6745 * (-425 / 6)) / 12.5, 12);
    expect(byId.get('D')?.z).toBeCloseTo(1.349, 12);
    expect(raters.filter((r) => r.outlier).map((r) => r.supervisorId)).toEqual(['H']);
  });

  it('flags every center the outlier rated and reports severity-adjusted scores beside the raw ones', () => {
    // Prepare: adjusted X: A 75,75 · B 87.5,62.5 · H 425/6, 425/6 → q1 75, q2 425/6 → (75 + 425/6)/2
    // Act
    const { scores, summary } = campaign();
    const [x] = scores;
    // Assess
    expect(x?.score).toBe(75);
    expect(x?.adjusted?.score).toBeCloseTo(875 / 12, 12);
    expect(scores.every((s) => s.flags?.includes('outlier-rater'))).toBe(true);
    expect(summary.severityOutliers).toBe(1);
  });

  it('leaves raw scores alone and reports no adjusted ones when the adjustment is off', () => {
    // Act
    const acc = new CenterScoreAccumulator(twoRatings, [{ id: 'X', level: 'district' }], 'c1');
    acc.add(response('X', 'A', { q1: 4, q2: 4 }));
    const [x] = acc.finish({ adjustSeverity: false }).scores;
    // Assess
    expect(x?.adjusted).toBeNull();
    expect(x?.score).toBe(75);
  });
});

describe('agreement', () => {
  it("judges each center's alpha against the campaign's expected disagreement, and flags disagreement", () => {
    // Prepare: three raters on two indicators
    const acc = new CenterScoreAccumulator(
      twoRatings,
      [
        { id: 'X', level: 'district' },
        { id: 'Y', level: 'district' },
      ],
      'c1',
    );
    const x: [string, number, number][] = [
      ['A', 4, 2],
      ['B', 5, 1],
      ['C', 4, 2],
    ];
    const y: [string, number, number][] = [
      ['A', 5, 1],
      ['B', 1, 5],
      ['C', 3, 3],
    ];
    for (const [rater, q1, q2] of x) acc.add(response('X', rater, { q1, q2 }));
    for (const [rater, q1, q2] of y) acc.add(response('Y', rater, { q1, q2 }));
    // Act
    const { scores, summary } = acc.finish();
    // Assess
    const toScore = (v: number) => (v - 1) * 25;
    // By definition: D_o = (1/n)·Σ_units Σ_{i≠j} (v_i − v_j)²/(m − 1) over the center's units, and
    // D_e = Σ_{i≠j} (v_i − v_j)² / (N(N − 1)) over every pairable value of the campaign.
    const unitsOf = (rows: [string, number, number][]) => [1, 2].map((k) => rows.map((r) => toScore(r[k] as number)));
    const pairs = (values: number[]) => values.reduce((s, a) => s + values.reduce((t, b) => t + (a - b) ** 2, 0), 0);
    const observed = (units: number[][]) =>
      units.reduce((s, u) => s + pairs(u) / (u.length - 1), 0) / units.reduce((n, u) => n + u.length, 0);
    const pooled = [...unitsOf(x), ...unitsOf(y)].flat();
    const expectedDisagreement = pairs(pooled) / (pooled.length * (pooled.length - 1));
    expect(scores[0]?.alpha).toBeCloseTo(1 - observed(unitsOf(x)) / expectedDisagreement, 12);
    expect(scores[1]?.alpha).toBeCloseTo(1 - observed(unitsOf(y)) / expectedDisagreement, 12);
    expect(scores[0]?.flags).not.toContain('disagreement');
    expect(scores[1]?.flags).toContain('disagreement');
    const all = [...x, ...y].map(([, q1, q2]) => [toScore(q1), toScore(q2)]);
    // Campaign alpha: units are (center, indicator); coders are the raters of each center.
    const units = [0, 1].flatMap((i) => [x, y].map((rows) => rows.map(([, q1, q2]) => toScore(i === 0 ? q1 : q2))));
    expect(all).toHaveLength(6);
    expect(summary.alpha.dimensions.regulation).toBeCloseTo(
      krippendorffAlpha([0, 1, 2].map((rater) => units.map((unit) => unit[rater] ?? null))) ?? Number.NaN,
      12,
    );
  });
});

describe('trend', () => {
  it('reports the change against the same center in the previous campaign, overall and per dimension', () => {
    // Prepare
    const previous = centerScore('A', 'district', 75, {
      campaignId: 'c0',
      dimensions: { standardization: 70, facilitation: 82 },
      rank: 1,
      rankOf: 2,
      grade: 'pass',
      methodology: METHODOLOGY_VERSION,
    });
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    acc.addPage(twoRatersAtA);
    acc.add(response('B', 's1', { guide: 5 }));
    // Act
    const [a, b] = acc.finish({}, { campaignId: 'c0', scores: [previous], comparable: true }).scores;
    // Assess: 79.1 (79.0625 published) − 75; dimensions unrounded: 78.125 − 70; 80 − 82
    expect(a?.trend).toEqual({
      previousCampaignId: 'c0',
      score: 4.1,
      dimensions: { standardization: 8.125, facilitation: -2 },
      comparable: true,
    });
    expect(b?.trend).toBeNull();
  });

  it('compares no numbers with a campaign scored by another method version, and says the method changed', () => {
    // Prepare
    const previous = centerScore('A', 'district', 75, {
      dimensions: { standardization: 70, facilitation: 82 },
      methodology: 'median-of-raters/2',
    });
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    acc.addPage(twoRatersAtA);
    // Act
    const { scores, summary } = acc.finish({}, { campaignId: 'c0', scores: [previous], comparable: true });
    // Assess
    expect(scores[0]?.trend).toEqual({
      previousCampaignId: 'c0',
      score: null,
      dimensions: { standardization: null, facilitation: null },
      comparable: false,
      methodChanged: { from: 'median-of-raters/2', to: METHODOLOGY_VERSION },
    });
    expect(summary.warnings.join(' ')).toContain('the method changed');
  });

  it('picks the latest earlier month of the series as the previous campaign', () => {
    // Act
    const candidates = previousCandidates(
      [
        { campaignId: 'nj-2026-10', month: '2026-10' },
        { campaignId: 'nj-2026-11', month: '2026-11' },
        { campaignId: 'nj-2026-12', month: '2026-12' },
        { campaignId: 'nj-2026-12-rerun', month: '2026-12' },
      ],
      { campaignId: 'nj-2026-12', month: '2026-12' },
    );
    // Assess
    expect(candidates.map((c) => c.campaignId)).toEqual(['nj-2026-11', 'nj-2026-10']);
  });

  it('notices an indicator whose frontier moved', () => {
    // Prepare
    const moved = Questionnaire.parse(JSON.parse(JSON.stringify(questionnaire).replace('"best":5', '"best":10')));
    // Act
    const changes = normalizationChanges(questionnaire, moved);
    // Assess
    expect(changes).toEqual(['wait']);
    expect(normalizationChanges(questionnaire, questionnaire)).toEqual([]);
  });
});

describe('explanation', () => {
  it('lists every indicator with each anonymous rater answer, the normalization and the weights', () => {
    // Prepare
    const acc = new CenterScoreAccumulator(questionnaire, centers, 'c1');
    acc.add(response('A', 'zhang-san', { 'one-door': true, guide: 5, wait: 16, note: 'ok' }));
    acc.add(response('A', 'li-si', { 'one-door': false, guide: 4, wait: null }));
    // Act
    const explanation = acc.finish().explain('A');
    // Assess
    expect(explanation?.raters).toEqual(['rater 1', 'rater 2']);
    expect(JSON.stringify(explanation)).not.toMatch(/zhang|li-si/);
    expect(explanation?.indicators.map((i) => [i.indicator, i.status, i.consensus])).toEqual([
      ['one-door', 'scored', 50],
      ['guide', 'scored', 87.5],
      ['wait', 'scored', 80],
    ]);
    const wait = explanation?.indicators[2];
    expect(wait?.normalization).toMatchObject({ best: 5, worst: 60 });
    expect(wait?.answers).toEqual([
      { rater: 'rater 1', activity: 'experiential', answer: null, score: null },
      { rater: 'rater 2', activity: 'experiential', answer: 16, score: 80 },
    ]);
    // Shares: standardization and facilitation ½ each; one-door ¼ and guide ¾ of standardization.
    expect(explanation?.indicators.map((i) => i.share)).toEqual([0.125, 0.375, 0.5]);
    expect(explanation?.score).toBe(79.0625);
  });

  it('is undefined for a center outside the campaign', () => {
    // Assess
    expect(new CenterScoreAccumulator(questionnaire, centers, 'c1').finish().explain('nope')).toBeUndefined();
  });
});

describe('re-scoring', () => {
  it('gives bit-identical results for the same responses in any order and any paging', () => {
    // Prepare
    const responses = [
      response('A', 's1', { 'one-door': true, guide: 5, wait: 16 }),
      response('A', 's2', { 'one-door': false, guide: 4, wait: 33 }),
      response('A', 's3', { 'one-door': true, guide: 2, wait: 7 }),
      response('B', 's1', { 'one-door': true, guide: 3, wait: 45 }),
      response('B', 's3', { 'one-door': false, guide: 5, wait: null }),
      response('C', 's2', { 'one-door': true, guide: 1, wait: 12 }),
      response('C', 's4', { 'one-door': true, guide: 4, wait: 18 }),
    ];
    const run = (pages: (typeof responses)[]) => {
      const acc = new CenterScoreAccumulator(questionnaire, [...centers].reverse(), 'c1');
      for (const page of pages) acc.addPage(page);
      const result = acc.finish({ minSeverityCells: 1 });
      return JSON.stringify([result.scores, result.summary, result.raters, centers.map((c) => result.explain(c.id))]);
    };
    // Act
    const first = run([responses]);
    const again = run([responses.slice(4), responses.slice(0, 2), [...responses.slice(2, 4)].reverse()]);
    // Assess
    expect(again).toBe(first);
    expect(JSON.parse(first)[0][0].methodology).toBe(METHODOLOGY_VERSION);
  });
});
