import { describe, expect, it } from 'vitest';
import { CENTER_LEVELS, type CenterLevel } from '../../../functions/core/model.ts';
import { renderResultsPage } from '../../../functions/core/render/console/results-page.ts';
import {
  bestAndWorst,
  districtSummaries,
  levelSummaries,
  pageOfRows,
  summarizeScores,
} from '../../../functions/core/scoring/overview.ts';
import type { ReportRow } from '../../../functions/core/scoring/report.ts';

/** A full results row, as the report holds it. */
type ShownRow = Pick<ReportRow, 'center' | 'score'>;

/** A results row: a center of a level and district with a score (null: not scored). */
const row = (
  id: string,
  level: CenterLevel,
  district: string,
  score: number | null,
  rank: number | null = null,
): ShownRow => ({
  center: { id, name: { zh: `${id}中心`, en: `${id} Center` }, level, district } as ShownRow['center'],
  score: {
    campaignId: 'c',
    centerId: id,
    level,
    score,
    dimensions: {},
    raters: score === null ? 0 : 3,
    coverage: 1,
    rank,
    rankOf: 0,
    grade: score === null ? null : score >= 90 ? 'excellent' : score >= 80 ? 'good' : score >= 60 ? 'pass' : 'rectify',
    methodology: 'm',
    ci90: score === null ? null : { low: Math.max(0, score - 4), high: Math.min(100, score + 4) },
  },
});

/** A province: `n` centers over 120 districts and the four levels, scores spread from 40 to 100. */
const province = (n: number): ShownRow[] =>
  Array.from({ length: n }, (_, i) => {
    const level = CENTER_LEVELS[i % 23 === 0 ? 0 : i % 7 === 0 ? 1 : i % 2 === 0 ? 2 : 3] as CenterLevel;
    return row(
      `C${String(i).padStart(5, '0')}`,
      level,
      `第${(i % 120) + 1}区`,
      i % 97 === 0 ? null : 40 + ((i * 37) % 600) / 10,
      i + 1,
    );
  });

const ids = (html: string) => [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);

describe('the overview of results', () => {
  it('sums up a group: mean, a Student-t 90% interval of the mean, lowest and highest, unscored left out', () => {
    // Act
    const s = summarizeScores([80, 90, null]);
    const one = summarizeScores([75]);
    const none = summarizeScores([null]);

    // Assess
    expect(s).toMatchObject({ centers: 3, scored: 2, mean: 85, min: 80, max: 90 });
    // sd = 7.071, se = 5, t(1) = 6.314: 85 ± 31.57, cut to 0–100.
    expect(s.ci90?.low).toBeCloseTo(53.43, 1);
    expect(s.ci90?.high).toBe(100);
    expect(one).toMatchObject({ mean: 75, ci90: null });
    expect(none).toMatchObject({ scored: 0, mean: null, ci90: null, min: null });
  });

  it('sums up each level in order and each district best first', () => {
    // Prepare
    const rows = [
      row('a', 'street', '玄武区', 70),
      row('b', 'district', '秦淮区', 90),
      row('c', 'street', '秦淮区', 80),
    ];

    // Act
    const levels = levelSummaries(rows);
    const districts = districtSummaries(rows);

    // Assess
    expect(levels.map((l) => [l.level, l.summary.mean])).toEqual([
      ['district', 90],
      ['street', 75],
    ]);
    expect(districts.map((d) => [d.district, d.summary.mean])).toEqual([
      ['秦淮区', 85],
      ['玄武区', 70],
    ]);
  });

  it('names the best and the worst centers, never one center in both', () => {
    // Prepare
    const rows = [10, 20, 30, 40, 50, 60, 70].map((s, i) => row(`c${i}`, 'street', 'd', s));

    // Act
    const { best, worst } = bestAndWorst([...rows, row('x', 'street', 'd', null)], 5);

    // Assess
    expect(best.map((r) => r.score.score)).toEqual([70, 60, 50, 40]);
    expect(worst.map((r) => r.score.score)).toEqual([10, 20, 30]);
  });

  it('pages the table by 50 rows, by level then rank, filtered by level and district', () => {
    // Prepare
    const rows = province(1_000);

    // Act
    const first = pageOfRows(rows, { page: 1 });
    const beyond = pageOfRows(rows, { page: 999 });
    const district = pageOfRows(rows, { level: 'street', district: '第3区', page: 1 });

    // Assess
    expect(first.rows).toHaveLength(50);
    expect(first.pages).toBe(20);
    expect(first.rows[0]?.center.level).toBe('municipal');
    expect(beyond.page).toBe(20);
    expect(district.rows.every((r) => r.center.level === 'street' && r.center.district === '第3区')).toBe(true);
    expect(district.total).toBe(
      rows.filter((r) => r.center.level === 'street' && r.center.district === '第3区').length,
    );
  });
});

describe('the results page', () => {
  it('stays under 300 KB with one page of 50 centers at a province scale, in both languages, ids unique', () => {
    // Prepare
    const rows = province(20_000);

    for (const lang of ['zh', 'en'] as const) {
      // Act
      const html = renderResultsPage(
        { lang, path: '/console/campaigns/p/results' },
        { campaignId: 'p', title: { zh: '督查月', en: 'Month' }, rows, filter: { page: 3 } },
      );

      // Assess
      expect(Buffer.byteLength(html)).toBeLessThan(300 * 1024);
      expect(html.match(/<tr><td class="" data-label|<tr><td data-label/g)).toHaveLength(50);
      const found = ids(html);
      expect(new Set(found).size).toBe(found.length);
      expect(html).toContain(lang === 'zh' ? '各层级平均得分及 90% 区间' : 'Mean score by level, with 90% intervals');
      expect(html).toContain(lang === 'zh' ? '各区对比' : 'Districts side by side');
      expect(html).toContain(lang === 'zh' ? '得分最低的 5 个场所' : 'The 5 lowest-scored centers');
      expect(html).toContain(lang === 'zh' ? '第 3/400 页' : 'page 3 of 400');
      expect(html).toContain('rel="prev"');
      expect(html).toContain('rel="next"');
    }
  });

  it("shows a coordinator's single district without a districts chart, and keeps the filter in the pages' links", () => {
    // Prepare
    const rows = Array.from({ length: 120 }, (_, i) => row(`c${i}`, 'community', '玄武区', 60 + (i % 40)));

    // Act
    const html = renderResultsPage(
      { lang: 'zh', path: '/console/campaigns/p/results' },
      {
        campaignId: 'p',
        title: { zh: '督查月', en: 'Month' },
        district: '玄武区',
        rows,
        filter: { level: 'community', district: '玄武区', page: 2 },
      },
    );

    // Assess
    expect(html).not.toContain('各区对比');
    const link = (rel: string) =>
      html
        .match(new RegExp(`href="([^"]+)" rel="${rel}"`))?.[1]
        ?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
    expect(link('prev')).toBe(
      '/console/campaigns/p/results?level=community&district=%E7%8E%84%E6%AD%A6%E5%8C%BA&lang=zh',
    );
    expect(link('next')).toBe(
      '/console/campaigns/p/results?level=community&district=%E7%8E%84%E6%AD%A6%E5%8C%BA&page=3&lang=zh',
    );
    expect(html).toContain('<option value="community" selected>');
  });
});
