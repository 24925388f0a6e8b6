import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIMENSIONS, type Dimension } from '../../../functions/core/model.ts';
import { renderCenterSummary, strengthsAndGaps } from '../../../functions/core/render/mail/center-summary.ts';
import { centerSummaryModel } from '../../fixtures/summaries.ts';

/** A score from 0 to 100 in tenths, or absent / null as a center or the city may have it. */
const score = fc.integer({ min: 0, max: 1000 }).map((x) => x / 10);
const maybe = fc.oneof({ weight: 6, arbitrary: score }, { weight: 1, arbitrary: fc.constant(null) });
const values = fc.record(Object.fromEntries(DIMENSIONS.map((d) => [d, maybe])) as Record<Dimension, typeof maybe>, {
  requiredKeys: [],
});

describe('strengths and gaps, for any center and any city medians', () => {
  it('name as a strength only dimensions at or above the median, never also as a gap', () => {
    fc.assert(
      fc.property(
        values,
        values,
        fc.integer({ min: 0, max: 50 }).map((x) => x / 10),
        (center, medians, margin) => {
          // Act
          const { strengths, gaps } = strengthsAndGaps({ dimensions: center }, { dimensions: medians }, margin);
          // Assess
          for (const s of strengths) {
            const median = medians[s.dimension];
            expect(median).not.toBeNull();
            expect(s.value).toBeGreaterThanOrEqual(median as number);
          }
          for (const g of gaps) expect(g.value).toBeLessThan(medians[g.dimension] as number);
          const named = [...strengths, ...gaps].map((x) => x.dimension);
          expect(new Set(named).size).toBe(named.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('say in the rendered summary that a strength is above or level with the median, in either language', () => {
    fc.assert(
      fc.property(values, values, fc.constantFrom('zh' as const, 'en' as const), (center, medians, language) => {
        // Prepare
        const model = centerSummaryModel();
        const official = { ...model.center.official, language };
        // Act
        const mail = renderCenterSummary({
          ...model,
          center: { ...model.center, official },
          score: { ...model.score, dimensions: center },
          medians: { score: 80, dimensions: medians },
        });
        // Assess: every line marked as a strength says above or level, never below
        const strengths = [...mail.html.matchAll(/data-testid="strength">(.*?)<\/li>/g)].map((m) => m[1] ?? '');
        for (const line of strengths) expect(line).not.toMatch(/低于|below/);
        const gaps = [...mail.html.matchAll(/data-testid="gap">(.*?)<\/li>/g)].map((m) => m[1] ?? '');
        for (const line of gaps) expect(line).toMatch(/低于|below/);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a summary of any center nobody supervised', () => {
  it('says it was not supervised and claims no score, rank, grade or absence of problems', () => {
    fc.assert(
      fc.property(
        values,
        fc.constantFrom('zh' as const, 'en' as const),
        fc.constantFrom(undefined, 0),
        (dimensions, language, responses) => {
          // Prepare: scores a store might hold for it, with or without the count of responses
          const model = centerSummaryModel({
            items: [],
            counts: { open: 0, overdue: 0, 'reported-fixed': 0, confirmed: 0 },
            comments: [],
          });
          // Act
          const mail = renderCenterSummary({
            ...model,
            center: { ...model.center, official: { ...model.center.official, language } },
            score: {
              ...model.score,
              dimensions,
              raters: 0,
              responses,
              score: null,
              rank: null,
              rankOf: 0,
              grade: null,
            },
          });
          // Assess
          expect(mail.subject).toMatch(language === 'zh' ? /本期未督查$/ : /not supervised this period$/);
          for (const claim of ['本期未发现问题', 'No problems were found', 'data-testid="rank"', 'data-testid="score"'])
            expect(mail.html).not.toContain(claim);
          expect(mail.html).not.toMatch(/data-testid="(strength|gap|dimension-)/);
        },
      ),
      { numRuns: 100 },
    );
  });
});
