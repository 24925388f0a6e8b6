import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Questionnaire } from '../../../functions/core/model.ts';
import type { AnswerValue } from '../../../functions/core/responses/response.ts';
import { CenterScoreAccumulator } from '../../../functions/core/scoring/accumulate.ts';
import { krippendorffAlpha } from '../../../functions/core/scoring/agreement.ts';
import { normalizeAnswer } from '../../../functions/core/scoring/normalize.ts';
import { METHODOLOGY_VERSION } from '../../../functions/core/scoring/options.ts';
import type { CenterScore } from '../../../functions/core/scoring/records.ts';

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

/** C-XW's score last month. */
const previousMonth: CenterScore = {
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

  it("takes the 90% interval from the raters' own scores, the median factor and the answer grid", () => {
    // Prepare: each rater's own score of the center, scored from their answers alone
    const own = (['A', 'B', 'C'] as const).map((id) => score([id]).scores[0]?.exact ?? Number.NaN);
    const mean = own.reduce((sum, x) => sum + x, 0) / 3;
    const squares = own.reduce((sum, x) => sum + (x - mean) ** 2, 0);
    // Alone in its campaign, the pooled variance is its own (2 df): σ̂² = (2·squares/2 + squares)/(2 + 2).
    const variance = (2 * (squares / 2) + squares) / 4;
    // Grid: shares one-door 1/6 (step 100), forms 1/3 (25), wait 0.3 (a number), one-network 0.2 (60).
    const grid = ((100 / 6) ** 2 + (25 / 3) ** 2 + (0.2 * 60) ** 2) / 12;
    const standardError = Math.sqrt((variance * 1.35) / 3 + grid);
    // Act
    const [xw] = score(['A', 'B', 'C']).scores;
    // Assess: own scores 77.67, 88 and 0
    expect(own.map(two)).toEqual(['77.67', '88.00', '0.00']);
    expect(xw?.ci90?.low).toBeCloseTo(227 / 3 - 1.6448536269514722 * standardError, 12);
    expect(xw?.ci90?.high).toBe(100);
    expect(two(standardError)).toBe('32.90');
  });

  it("measures the raters' agreement against the campaign's and flags the center among agreeing ones", () => {
    // Prepare: alone, the center is its own campaign; beside two centers whose raters agree, it stands out
    const acc = new CenterScoreAccumulator(
      questionnaire,
      ['C-XW', 'C-A', 'C-B'].map((id) => ({ id, level: 'district' as const })),
      'worked-example',
    );
    (['A', 'B', 'C'] as const).forEach((id, i) => {
      acc.add({ centerId: 'C-XW', supervisorId: `${id}${i}`, activity: 'experiential', answers: raters[id] });
      acc.add({ centerId: 'C-A', supervisorId: `${id}${i}`, activity: 'experiential', answers: raters.A });
      acc.add({ centerId: 'C-B', supervisorId: `${id}${i}`, activity: 'experiential', answers: raters.B });
    });
    // Act
    const [alone] = score(['A', 'B', 'C']).scores;
    const xw = acc.finish().scores.find((s) => s.centerId === 'C-XW');
    // Assess: alone, alpha is Krippendorff's own; its disagreement is the campaign's, so no flag
    const reference = krippendorffAlpha(
      ['A', 'B', 'C'].map((id) => normalized(id as keyof typeof raters)),
      'interval',
    );
    expect(alone?.alpha).toBeCloseTo(reference ?? Number.NaN, 12);
    expect(alone?.flags).not.toContain('disagreement');
    expect(xw?.alpha).toBeLessThan(0.667);
    expect(xw?.flags).toContain('disagreement');
  });

  it('reports the change since the previous month', () => {
    // Prepare
    const previous = previousMonth;
    // Act
    const lastMonth = { campaignId: 'worked-example-prev', scores: [previous], comparable: true };
    const [withTrend] = score(['A', 'B', 'C'], {}, lastMonth).scores;
    // Assess
    expect(withTrend?.trend?.score).toBe(3.2);
    expect(withTrend?.trend?.dimensions.standardization).toBeCloseTo(10 / 3, 12);
    expect(withTrend?.trend?.dimensions.facilitation).toBeCloseTo(3, 12);
  });

  it('is what docs/scoring.md shows', () => {
    // Prepare
    const lastMonth = { campaignId: 'worked-example-prev', scores: [previousMonth], comparable: true };
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
    ];
    const published = [
      (xw?.score ?? 0).toFixed(1),
      `+${score(['A', 'B', 'C'], {}, lastMonth).scores[0]?.trend?.score}`,
    ];
    // Assess
    for (const number of [...shown, ...published]) expect(doc).toContain(number);
  });
});
