import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CENTER_LEVELS, type CenterLevel } from '../../../functions/core/model.ts';
import { pageOfRows } from '../../../functions/core/scoring/overview.ts';
import {
  buildResultsViews,
  overviewOf,
  pageWithin,
  type ResultsRow,
  tableViewKey,
} from '../../../functions/core/scoring/results-views.ts';

/** A results row of a level and district, scored or not. */
const row = (
  id: string,
  level: CenterLevel,
  district: string,
  score: number | null,
  rank: number | null,
): ResultsRow => ({
  center: { id, name: { zh: `${id}中心`, en: `${id} Center` }, level, district },
  score: {
    centerId: id,
    score,
    rank,
    grade: score === null ? null : 'pass',
    ci90: null,
    raters: score === null ? 0 : 2,
  },
});

const rowsArb = fc
  .array(
    fc.record({
      level: fc.constantFrom(...CENTER_LEVELS),
      district: fc.constantFrom('玄武区', '秦淮区', '鼓楼区'),
      score: fc.option(
        fc.integer({ min: 0, max: 1000 }).map((n) => n / 10),
        { nil: null },
      ),
    }),
    { maxLength: 60 },
  )
  .map((list) =>
    list.map((r, i) =>
      row(`C${String(i).padStart(3, '0')}`, r.level, r.district, r.score, r.score === null ? null : i + 1),
    ),
  );

describe("the results page's views, made at scoring", () => {
  it('hold for every filter and page the same rows the table would cut from all the rows', () => {
    fc.assert(
      fc.property(
        rowsArb,
        fc.option(fc.constantFrom(...CENTER_LEVELS), { nil: undefined }),
        fc.option(fc.constantFrom('玄武区', '秦淮区', '鼓楼区'), { nil: undefined }),
        fc.integer({ min: 1, max: 5 }),
        (rows, level, district, page) => {
          // Act
          const views = buildResultsViews(rows, 7);
          const city = views.overviews.find((o) => o.district === undefined)?.overview;
          const total = city?.views[tableViewKey({ level, district })] ?? 0;
          const at = pageWithin(page, total, 7);
          const stored = views.pages.find((p) => p.level === level && p.district === district && p.page === at.page);

          // Assess
          const expected = pageOfRows(rows, { level, district, page }, 7);
          expect({ total, page: at.page, pages: at.pages }).toEqual({
            total: expected.total,
            page: expected.page,
            pages: expected.pages,
          });
          expect(stored?.rows ?? []).toEqual(expected.rows);
        },
      ),
    );
  });

  it("give the city and each district the overview of its own rows, counting only the district's views", () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        // Act
        const views = buildResultsViews(rows);

        // Assess
        const city = views.overviews.find((o) => o.district === undefined)?.overview;
        expect(city && { ...city, views: {} }).toEqual(overviewOf(rows));
        for (const { district, overview } of views.overviews.filter((o) => o.district !== undefined)) {
          const mine = rows.filter((r) => r.center.district === district);
          expect({ ...overview, views: {} }).toEqual(overviewOf(mine));
          expect(Object.keys(overview.views).every((k) => k.endsWith(`|${district}`))).toBe(true);
          expect(overview.views[tableViewKey({ district })]).toBe(mine.length);
        }
      }),
    );
  });

  it('cut a province of 20,000 centers into pages of 50, each view once', () => {
    // Prepare
    const rows = Array.from({ length: 20_000 }, (_, i) =>
      row(`C${i}`, CENTER_LEVELS[i % 4] as CenterLevel, `第${i % 100}区`, ((i * 37) % 1000) / 10, i + 1),
    );

    // Act
    const views = buildResultsViews(rows);

    // Assess
    expect(views.overviews).toHaveLength(101);
    expect(Math.max(...views.pages.map((p) => p.rows.length))).toBe(50);
    const all = views.pages.filter((p) => p.level === undefined && p.district === undefined);
    expect(all).toHaveLength(400);
    expect(all.flatMap((p) => p.rows.map((r) => r.center.id)).sort()).toEqual(rows.map((r) => r.center.id).sort());
  });
});
