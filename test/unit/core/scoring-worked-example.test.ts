import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { krippendorffAlpha } from '../../../functions/core/agreement.ts';
import { type AnswerValue, type CenterScore, Questionnaire } from '../../../functions/core/model.ts';
import { CenterScoreAccumulator, METHODOLOGY_VERSION, normalizeAnswer } from '../../../functions/core/scoring.ts';

/**
 * The worked example of docs/scoring.md: 玄武区政务服务中心 (C-XW) rated by three supervisors, one of
 * them careless. Every number the document shows is computed here; the last test checks the document
 * still shows them.
 */
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/scoring/${name}`, import.meta.url), 'utf8');
const questionnaire = Questionnaire.parse(JSON.parse(fixture('questionnaire.json')));
const doc = readFileSync(new URL('../../../docs/scoring.md', import.meta.url), 'utf8');

const raters: Record<'A' | 'B' | 'C', Record<string, AnswerValue>> = {
  A: { 'one-door': true, forms: 4, wait: 16, 'one-network': 'partly' },
  B: { 'one-door': true, forms: 5, wait: 27, 'one-network': 'online' },
  C: { 'one-door': false, forms: 1, wait: 60, 'one-network': null },
};

const score = (
  who: readonly (keyof typeof raters)[],
  options: Parameters<CenterScoreAccumulator['finish']>[0] = {},
  previous?: Parameters<CenterScoreAccumulator['finish']>[1],
) => {
  const acc = new CenterScoreAccumulator(questionnaire, [{ id: 'C-XW', level: 'district' }], 'worked-example');
  // Each draw is its own rater, so a resample like A, A, B can be scored as a campaign of its own.
  who.forEach((id, i) => {
    acc.add({ centerId: 'C-XW', supervisorId: `${id}${i}`, activity: 'experiential', answers: raters[id] });
  });
  return acc.finish(options, previous);
};

const questions = new Map(questionnaire.sections.flatMap((s) => s.questions).map((q) => [q.id, q]));
const normalized = (id: keyof typeof raters) =>
  ['one-door', 'forms', 'wait', 'one-network'].map((q) => {
    const question = questions.get(q);
    return question ? normalizeAnswer(question, raters[id][q]) : null;
  });

const two = (x: number) => x.toFixed(2);

describe('the worked example of docs/scoring.md', () => {
  it('normalizes each answer to 0–100', () => {
    // Assess: wait 16 → 100·(60 − 16)/55 = 80; 27 → 60; 60 → 0; partly → 60; n/a → left out
    expect(normalized('A')).toEqual([100, 75, 80, 60]);
    expect(normalized('B')).toEqual([100, 100, 60, 100]);
    expect(normalized('C')).toEqual([0, 0, 0, null]);
  });

  it('combines the raters by the median, weights within dimensions, then the dimensions', () => {
    // Act
    const [xw] = score(['A', 'B', 'C']).scores;
    // Assess: medians one-door 100, forms 75, wait 60, one-network (60 + 100)/2 = 80;
    // standardization (1·100 + 2·75)/3 = 83.33; facilitation (1.5·60 + 1·80)/2.5 = 68; center 75.67
    expect(xw?.dimensions.standardization).toBeCloseTo(250 / 3, 12);
    expect(xw?.dimensions.facilitation).toBeCloseTo(68, 12);
    expect(xw?.exact).toBeCloseTo(227 / 3, 12);
    expect(xw?.score).toBe(75.7);
    expect(xw?.grade).toBe('pass');
    expect(xw?.coverage).toBe(1);
    expect(xw?.methodology).toBe(METHODOLOGY_VERSION);
  });

  it('shows how much less the careless rater moves the median than the mean', () => {
    // Act
    const withoutC = score(['A', 'B']).scores[0]?.exact ?? Number.NaN;
    const median = score(['A', 'B', 'C']).scores[0]?.exact ?? Number.NaN;
    const mean = score(['A', 'B', 'C'], { combine: 'mean' }).scores[0]?.exact ?? Number.NaN;
    // Assess: A and B alone 82.83; with C the median gives 75.67 (−7.17), the mean 60.56 (−22.28)
    expect(withoutC).toBeCloseTo(497 / 6, 12);
    expect(mean).toBeCloseTo(545 / 9, 12);
    expect(withoutC - median).toBeLessThan(withoutC - mean);
  });

  it('takes the 90% interval from the exact bootstrap over the three raters', () => {
    // Prepare: the ten distinct resamples, each scored as a campaign of its own, with their weights
    const resamples: [string, number][] = [
      ['AAA', 1],
      ['BBB', 1],
      ['CCC', 1],
      ['AAB', 3],
      ['AAC', 3],
      ['ABB', 3],
      ['BBC', 3],
      ['ACC', 3],
      ['BCC', 3],
      ['ABC', 6],
    ];
    const values = resamples.map(([draw, weight]) => ({
      draw,
      weight,
      score: score([...draw] as (keyof typeof raters)[]).scores[0]?.exact ?? Number.NaN,
    }));
    // Act
    const [xw] = score(['A', 'B', 'C']).scores;
    // Assess: sorted 0 (1/27), 12 (3), 20 (3), 75.67 (6), 77.67 (7), 88 (7): the 5th percentile
    // (1.35 of 27) falls on 12, the 95th (25.65 of 27) on 88.
    expect(values.map((v) => [v.draw, Number(two(v.score))])).toEqual([
      ['AAA', 77.67],
      ['BBB', 88],
      ['CCC', 0],
      ['AAB', 77.67],
      ['AAC', 77.67],
      ['ABB', 88],
      ['BBC', 88],
      ['ACC', 12],
      ['BCC', 20],
      ['ABC', 75.67],
    ]);
    expect(xw?.ci90).toEqual({ low: 12, high: 88 });
  });

  it("measures the raters' agreement with Krippendorff's alpha and flags the center", () => {
    // Act
    const [xw] = score(['A', 'B', 'C']).scores;
    // Assess
    const reference = krippendorffAlpha(
      ['A', 'B', 'C'].map((id) => normalized(id as keyof typeof raters)),
      'interval',
    );
    expect(xw?.alpha).toBeCloseTo(reference ?? Number.NaN, 12);
    expect(xw?.alpha).toBeLessThan(0.667);
    expect(xw?.flags).toContain('disagreement');
  });

  it('reports the change since the previous month', () => {
    // Prepare
    const previous: CenterScore = {
      campaignId: 'worked-example-prev',
      centerId: 'C-XW',
      level: 'district',
      score: 72.5,
      dimensions: { standardization: 80, facilitation: 65 },
      raters: 3,
      coverage: 1,
      rank: 1,
      rankOf: 1,
      grade: 'pass',
      methodology: METHODOLOGY_VERSION,
    };
    // Act
    const [xw] = score(['A', 'B', 'C'], {}).scores;
    const lastMonth = { campaignId: 'worked-example-prev', scores: [previous], comparable: true };
    const [withTrend] = score(['A', 'B', 'C'], {}, lastMonth).scores;
    // Assess
    expect(withTrend?.trend?.score).toBe(3.2);
    expect(withTrend?.trend?.dimensions.standardization).toBeCloseTo(10 / 3, 12);
    expect(withTrend?.trend?.dimensions.facilitation).toBeCloseTo(3, 12);
  });

  it('is what docs/scoring.md shows', () => {
    // Prepare
    const [xw] = score(['A', 'B', 'C']).scores;
    const mean = score(['A', 'B', 'C'], { combine: 'mean' }).scores[0];
    const withoutC = score(['A', 'B']).scores[0];
    // Act
    const shown = [
      two(xw?.dimensions.standardization ?? Number.NaN),
      two(xw?.dimensions.facilitation ?? Number.NaN),
      two(xw?.exact ?? Number.NaN),
      two(mean?.exact ?? Number.NaN),
      two(mean?.dimensions.standardization ?? Number.NaN),
      two(withoutC?.exact ?? Number.NaN),
      two(xw?.alpha ?? Number.NaN),
      `${two(xw?.ci90?.low ?? Number.NaN)} – ${two(xw?.ci90?.high ?? Number.NaN)}`,
      two((xw?.exact ?? 0) - 72.5),
    ];
    // Assess
    for (const number of shown) expect(doc).toContain(number);
  });
});
