import { describe, expect, it } from 'vitest';
import {
  bootstrapDistribution,
  bootstrapInterval,
  distinctResamples,
  percentileInterval,
} from '../../../functions/core/bootstrap.ts';

/** Median of raters' values under a resample given as draw counts. */
const medianOf = (values: readonly number[]) => (counts: Uint32Array) => {
  const drawn = values.flatMap((v, i) => new Array<number>(counts[i] ?? 0).fill(v)).sort((a, b) => a - b);
  return ((drawn[(drawn.length - 1) >> 1] ?? Number.NaN) + (drawn[drawn.length >> 1] ?? Number.NaN)) / 2;
};

const settings = { levelPercent: 90, resamples: 2000, seed: 'test' };

describe('bootstrap over raters', () => {
  it('counts the distinct resamples of r raters as C(2r − 1, r)', () => {
    // Assess
    expect([1, 2, 3, 4, 5, 7, 8].map(distinctResamples)).toEqual([1, 3, 10, 35, 126, 1716, 6435]);
  });

  it('enumerates every resample of three raters with its multinomial weight', () => {
    // Act
    const { values, weights, exact } = bootstrapDistribution(3, medianOf([10, 20, 90]), settings);
    // Assess: weights r!/∏k! sum to 3³ = 27; the median is 10 when rater 1 is drawn at least twice
    // (1 + 3 + 3 = 7 of 27), 90 likewise (7 of 27), 20 otherwise (13 of 27).
    expect(exact).toBe(true);
    expect(values).toHaveLength(10);
    expect(weights.reduce((s, w) => s + w, 0)).toBe(27);
    const weightOf = (v: number) => values.reduce((s, x, i) => s + (x === v ? (weights[i] ?? 0) : 0), 0);
    expect([weightOf(10), weightOf(20), weightOf(90)]).toEqual([7, 13, 7]);
  });

  it('gives two raters the interval between their own scores', () => {
    // Prepare: resamples {a,a} 1/4, {a,b} 1/2, {b,b} 1/4; F(a) = 0.25 ≥ 0.05 and only F(b) reaches 0.95.
    // Act
    const interval = bootstrapInterval(2, medianOf([72, 40]), settings);
    // Assess
    expect(interval).toEqual({ low: 40, high: 72, exact: true });
  });

  it('takes the percentiles of a weighted distribution at the first value reaching each tail', () => {
    // Prepare: cumulative weights 1, 11, 19, 20 of 20 → 5% reached at 1, 95% at 19
    // Act
    const interval = percentileInterval([3, 1, 2, 4], [8, 1, 10, 1], 90);
    // Assess
    expect(interval).toEqual({ low: 1, high: 3 });
  });

  it('resamples with the fixed seed when the raters are too many to enumerate, the same way every time', () => {
    // Prepare: eight raters have 6,435 distinct resamples, more than 2,000
    const values = [55, 60, 62, 70, 71, 75, 80, 98];
    // Act
    const first = bootstrapDistribution(8, medianOf(values), settings);
    const again = bootstrapDistribution(8, medianOf(values), settings);
    const otherSeed = bootstrapDistribution(8, medianOf(values), { ...settings, seed: 'other' });
    // Assess
    expect(first.exact).toBe(false);
    expect(first.values).toHaveLength(2000);
    expect(again.values).toEqual(first.values);
    expect(otherSeed.values).not.toEqual(first.values);
  });

  it('draws resamples whose frequencies approach the exact distribution', () => {
    // Prepare: force drawing for three raters, whose exact distribution is 7/27, 13/27, 7/27
    const statistic = medianOf([10, 20, 90]);
    // Act
    const { values, weights, exact } = bootstrapDistribution(3, statistic, {
      ...settings,
      resamples: 27_000,
      exactLimit: 0,
    });
    // Assess
    expect(exact).toBe(false);
    const share = (v: number) => values.reduce((s, x, i) => s + (x === v ? (weights[i] ?? 0) : 0), 0) / 27_000;
    expect(Math.abs(share(10) - 7 / 27)).toBeLessThan(0.01);
    expect(Math.abs(share(20) - 13 / 27)).toBeLessThan(0.01);
    expect(Math.abs(share(90) - 7 / 27)).toBeLessThan(0.01);
  });

  it('leaves out resamples whose statistic does not exist', () => {
    // Prepare: a rater who answered nothing yields no score when drawn alone
    const statistic = (counts: Uint32Array) => ((counts[0] ?? 0) > 0 ? 50 : null);
    // Act
    const { weights } = bootstrapDistribution(2, statistic, settings);
    // Assess: {1,1} and {1,2} remain: weights 1 and 2
    expect(weights.reduce((s, w) => s + w, 0)).toBe(3);
  });
});
