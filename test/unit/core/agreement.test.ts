import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  type AlphaMetric,
  agreementLevel,
  IntervalAlpha,
  krippendorffAlpha,
  median,
  modifiedZScores,
} from '../../../functions/core/scoring/agreement.ts';

const References = z.object({
  datasets: z.array(
    z.object({
      name: z.string(),
      coders: z.array(z.array(z.number().nullable())),
      published: z.partialRecord(z.enum(['nominal', 'ordinal', 'interval', 'ratio']), z.number()),
      digits: z.number().int(),
    }),
  ),
});
const references = References.parse(
  JSON.parse(readFileSync(new URL('../../fixtures/scoring/krippendorff-references.json', import.meta.url), 'utf8')),
);

/** Feeds reliability data (coders × units) to the one-pass interval alpha, unit by unit. */
const streamedAlpha = (coders: readonly (readonly (number | null)[])[]): number | null => {
  const alpha = new IntervalAlpha();
  const units = Math.max(...coders.map((c) => c.length));
  for (let u = 0; u < units; u++) {
    const values = coders.map((c) => c[u]).filter((v): v is number => typeof v === 'number');
    alpha.addUnit(values, values.length);
  }
  return alpha.value();
};

const round = (x: number | null, digits: number) => (x === null ? null : Number(x.toFixed(digits)));

describe("Krippendorff's alpha against published reference values", () => {
  for (const dataset of references.datasets) {
    for (const [metric, published] of Object.entries(dataset.published)) {
      it(`gives ${published} (${metric}) for ${dataset.name}`, () => {
        // Act
        const alpha = krippendorffAlpha(dataset.coders, metric as AlphaMetric);
        // Assess
        expect(round(alpha, dataset.digits)).toBe(published);
      });
    }
    if ('interval' in dataset.published) {
      it(`streams the same interval alpha in one pass for ${dataset.name}`, () => {
        // Act
        const streamed = streamedAlpha(dataset.coders);
        // Assess
        expect(round(streamed, dataset.digits)).toBe(dataset.published.interval);
        expect(streamed).toBeCloseTo(krippendorffAlpha(dataset.coders, 'interval') ?? Number.NaN, 12);
      });
    }
  }

  it('matches the exact interval value 951/1120 of the four-coder example, worked out by hand', () => {
    // Prepare: 40 pairable values; Σ_u Σ_{i≠j}(v_i − v_j)²/(m_u − 1) = 52/3 over the eleven pairable
    // units; Σ over all ordered pairs of pairable values (v − v')² = 4480;
    // α = 1 − (n − 1)·(52/3)/4480 = 1 − 39·52/(3·4480) = 1 − 169/1120 = 951/1120.
    const [example] = references.datasets;
    // Act
    const general = krippendorffAlpha(example?.coders ?? [], 'interval');
    const streamed = streamedAlpha(example?.coders ?? []);
    // Assess
    expect(general).toBeCloseTo(951 / 1120, 14);
    expect(streamed).toBeCloseTo(951 / 1120, 14);
  });
});

describe('alpha when it is undefined or perfect', () => {
  it('is null when no unit has two values', () => {
    // Act
    const alpha = krippendorffAlpha([
      [1, null],
      [null, 2],
    ]);
    // Assess
    expect(alpha).toBeNull();
    expect(
      streamedAlpha([
        [1, null],
        [null, 2],
      ]),
    ).toBeNull();
  });

  it('is null when every value is the same (no variation to disagree about)', () => {
    // Assess
    expect(
      krippendorffAlpha([
        [3, 3],
        [3, 3],
      ]),
    ).toBeNull();
    expect(
      streamedAlpha([
        [3, 3],
        [3, 3],
      ]),
    ).toBeNull();
  });

  it('is 1 when the coders agree on every unit', () => {
    // Assess
    expect(
      streamedAlpha([
        [0, 50, 100],
        [0, 50, 100],
        [0, 50, 100],
      ]),
    ).toBe(1);
  });
});

describe('one-pass interval alpha', () => {
  it('equals the coincidence-matrix computation on any reliability data', () => {
    // Prepare
    const value = fc.option(fc.integer({ min: 0, max: 100 }), { nil: null, freq: 4 });
    const data = fc
      .tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 12 }))
      .chain(([coders, units]) =>
        fc.array(fc.array(value, { minLength: units, maxLength: units }), { minLength: coders, maxLength: coders }),
      );
    fc.assert(
      fc.property(data, (coders) => {
        // Act
        const general = krippendorffAlpha(coders, 'interval');
        const streamed = streamedAlpha(coders);
        // Assess
        if (general === null) expect(streamed).toBeNull();
        else expect(streamed).toBeCloseTo(general, 9);
      }),
    );
  });
});

describe('modifiedZScores', () => {
  it('scores by distance from the median in units of the median absolute deviation', () => {
    // Prepare: median 0; deviations 0, 1, 1, 2, 12 → MAD 1; z = 0.6745·x/1
    const severities = [-1, 0, 1, 2, -12];
    // Act
    const z = modifiedZScores(severities);
    // Assess
    expect(median(severities)).toBe(0);
    expect(z.map((x) => Number(x.toFixed(4)))).toEqual([-0.6745, 0, 0.6745, 1.349, -8.094]);
    expect(z.map((x) => Math.abs(x) > 3.5)).toEqual([false, false, false, false, true]);
  });

  it('falls back to the mean absolute deviation when most raters agree exactly', () => {
    // Prepare: median 0, MAD 0; mean absolute deviation = 30/5 = 6; z = x/(1.253314·6)
    // Act
    const z = modifiedZScores([0, 0, 0, 0, -30]);
    // Assess
    expect(z[4]).toBeCloseTo(-30 / (1.253314 * 6), 12);
    expect(z.slice(0, 4)).toEqual([0, 0, 0, 0]);
  });

  it('does not depend on the order of the raters when zeros of both signs meet in the middle', () => {
    // Act: a counterexample the property below once found
    const z = modifiedZScores([-0, -1e-323, 0]);
    const reordered = modifiedZScores([0, -0, -1e-323]);
    // Assess
    expect([z[2], z[0], z[1]]).toEqual(reordered);
  });

  it('does not depend on the order of the raters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (values, seed) => {
          // Prepare
          const order = values
            .map((_, i) => i)
            .sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13) || a - b);
          // Act
          const z = modifiedZScores(values);
          const shuffled = modifiedZScores(order.map((i) => values[i] as number));
          // Assess
          expect(order.map((i) => z[i])).toEqual(shuffled);
        },
      ),
    );
  });
});

describe('agreement in the words an official reads', () => {
  it('is high from 0.8, medium from 0.667, low below, and untold without an alpha', () => {
    // Act
    const levels = [1, 0.8, 0.7999, 0.71, 0.667, 0.6669, 0.19, -0.27, null, undefined, Number.NaN].map(agreementLevel);
    // Assess
    expect(levels).toEqual([
      'high',
      'high',
      'medium',
      'medium',
      'medium',
      'low',
      'low',
      'low',
      undefined,
      undefined,
      undefined,
    ]);
  });
});
