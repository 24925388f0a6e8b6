import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderCenterTrend } from '../../../functions/core/render/console/center-trend.ts';
import {
  CHART_WIDTH,
  fitLabel,
  INTERVAL_PLOT,
  renderIntervalChart,
  renderTrendChart,
  scoreDomain,
  TREND_HEIGHT,
  TREND_PLOT,
} from '../../../functions/core/render/console/charts.ts';

const TEXT = { id: 'c', title: 'Scores <by> level', desc: 'A & B' };

/** Every circle's centre in a chart. */
const dots = (svg: string) =>
  [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="(\d+)"/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    r: Number(m[3]),
  }));
const lines = (svg: string) =>
  [...svg.matchAll(/<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)" stroke="#(?!dde3ea)/g)].map((m) =>
    m.slice(1, 5).map(Number),
  );

describe('the interval chart', () => {
  it('maps every value and interval inside the plot, in order of value', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }))
            .map(([v, half]) => ({ value: v, low: Math.max(0, v - half), high: Math.min(100, v + half) })),
          { minLength: 1, maxLength: 30 },
        ),
        (values) => {
          // Act
          const svg = renderIntervalChart(
            TEXT,
            values.map((v, i) => ({ label: `C${i}`, shown: v.value.toFixed(1), ...v })),
            'none',
          );

          // Assess
          const found = dots(svg);
          expect(found).toHaveLength(values.length);
          for (const d of found) {
            expect(d.x).toBeGreaterThanOrEqual(INTERVAL_PLOT.left);
            expect(d.x).toBeLessThanOrEqual(INTERVAL_PLOT.right);
          }
          for (const [x1, , x2] of lines(svg)) {
            expect(x1).toBeGreaterThanOrEqual(INTERVAL_PLOT.left);
            expect(x2).toBeLessThanOrEqual(INTERVAL_PLOT.right);
            expect(x1).toBeLessThanOrEqual(x2 as number);
          }
          const byValue = values.map((v, i) => ({ v: v.value, x: found[i]?.x ?? -1 })).sort((a, b) => a.v - b.v);
          for (let i = 1; i < byValue.length; i++)
            expect(byValue[i]?.x).toBeGreaterThanOrEqual((byValue[i - 1]?.x ?? 0) - 0.1);
        },
      ),
    );
  });

  it('is an image named by its title and described in words, its text escaped', () => {
    // Act
    const svg = renderIntervalChart(TEXT, [{ label: '玄武区 <script>', value: 80, shown: '80.0' }], 'none');

    // Assess
    expect(svg).toMatch(/^<svg class="chart" viewBox="0 0 360 \d+" role="img" aria-labelledby="c-t c-d"/);
    expect(svg).toContain('<title id="c-t">Scores &#60;by&#62; level</title><desc id="c-d">A &#38; B</desc>');
    expect(svg).toContain('玄武区 &#60;script&#62;');
    expect(svg).not.toContain('<script>');
  });

  it('says there is nothing to show when it has no row, and leaves a row without a value without a dot', () => {
    // Act
    const empty = renderIntervalChart(TEXT, [], '没有评分结果');
    const unscored = renderIntervalChart(TEXT, [{ label: 'A', value: null, shown: '无评分' }], 'none');

    // Assess
    expect(empty).toContain('没有评分结果');
    expect(dots(empty)).toEqual([]);
    expect(unscored).toContain('无评分');
    expect(dots(unscored)).toEqual([]);
  });

  it('draws scores bunched high on a scale from below the lowest to 100', () => {
    // Assess
    expect(scoreDomain([72.5, 91, null, undefined])).toEqual([60, 100]);
    expect(scoreDomain([3])).toEqual([0, 100]);
    expect(scoreDomain([99.9])).toEqual([90, 100]);
    expect(scoreDomain([])).toEqual([0, 100]);
  });

  it('cuts a long label to its width, a Chinese character counting two', () => {
    // Assess
    expect(fitLabel('南京市江北新区政务服务中心浦口分中心便民服务站', 20)).toBe('南京市江北新区政务服…');
    expect(fitLabel('Gulou', 20)).toBe('Gulou');
  });
});

describe('the trend chart', () => {
  it('puts every point inside the plot, a later month to the right, a higher score higher', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }), {
          minLength: 1,
          maxLength: 12,
        }),
        (values) => {
          fc.pre(values.some((v) => v !== null));
          // Act
          const svg = renderTrendChart(
            TEXT,
            values.map((v, i) => ({ label: `M${i}`, value: v })),
            'none',
          );

          // Assess
          const found = dots(svg);
          expect(found).toHaveLength(values.filter((v) => v !== null).length);
          for (const d of found) {
            expect(d.x).toBeGreaterThanOrEqual(TREND_PLOT.left);
            expect(d.x).toBeLessThanOrEqual(TREND_PLOT.right);
            expect(d.y).toBeGreaterThanOrEqual(TREND_PLOT.top);
            expect(d.y).toBeLessThanOrEqual(TREND_PLOT.bottom);
          }
          const scored = values.filter((v): v is number => v !== null);
          for (let i = 1; i < found.length; i++) {
            expect(found[i]?.x).toBeGreaterThan(found[i - 1]?.x ?? 0);
            if ((scored[i] ?? 0) > (scored[i - 1] ?? 0)) expect(found[i]?.y).toBeLessThanOrEqual(found[i - 1]?.y ?? 0);
          }
        },
      ),
    );
  });

  it('centres a single point, draws no line, and rings the current campaign', () => {
    // Act
    const svg = renderTrendChart(TEXT, [{ label: '26.12', value: 82.4, low: 78, high: 86, current: true }], 'none');

    // Assess
    expect(svg).toContain(`viewBox="0 0 ${CHART_WIDTH} ${TREND_HEIGHT}"`);
    expect(dots(svg)[0]?.x).toBe((TREND_PLOT.left + TREND_PLOT.right) / 2);
    expect(svg).not.toContain('<polyline');
    expect(svg).toContain('r="8" fill="none"');
    expect(svg).toContain('82.4');
  });

  it('breaks the line at a campaign without a score', () => {
    // Act
    const svg = renderTrendChart(
      TEXT,
      [70, 75, null, 80, 85].map((v, i) => ({ label: `M${i}`, value: v })),
      'none',
    );

    // Assess
    expect(svg.match(/<polyline/g)).toHaveLength(2);
  });

  it('says so when no campaign has a score', () => {
    // Act
    const svg = renderTrendChart(TEXT, [{ label: 'M', value: null }], 'No scores yet');

    // Assess
    expect(svg).toContain('No scores yet');
    expect(dots(svg)).toEqual([]);
  });
});

describe("the center page's trend section", () => {
  const points = [
    { campaignId: 'c-10', month: '2026-10', score: { score: 71.2, ci90: { low: 66, high: 76.4 } }, current: false },
    { campaignId: 'c-11', month: '2026-11', score: undefined, current: false },
    { campaignId: 'c-12', month: '2026-12', score: { score: 80.5, ci90: null }, current: true },
  ];

  it('speaks Chinese and English: title, axis months, the values in words and in a table', () => {
    // Act
    const zh = renderCenterTrend('zh', points);
    const en = renderCenterTrend('en', points);

    // Assess
    expect(zh).toContain('<h2 id="h-trend">历次得分</h2>');
    expect(zh).toContain('>26.10<');
    expect(zh).toContain('2026-10：71.2（90% 区间 66.0–76.4）；2026-11：无评分；2026-12：80.5（本期）');
    expect(zh).toContain('<th scope="row">2026-11</th><td class="num">—</td>');
    expect(en).toContain('<h2 id="h-trend">Score over the campaigns</h2>');
    expect(en).toContain('>Oct ’26<');
    expect(en).toContain('2026-10: 71.2 (90% interval 66.0–76.4); 2026-11: not scored; 2026-12: 80.5 (this campaign)');
    expect(en).toContain('<title id="chart-trend-t">This center’s score campaign by campaign</title>');
  });
});
