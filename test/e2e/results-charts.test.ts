import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCentersAndSupervisors } from '../../cli/sample-data/centers.ts';
import type { Lang } from '../../functions/core/i18n.ts';
import { seededRandom } from '../../functions/core/random.ts';
import { renderCenterPage } from '../../functions/core/render/console/center-page.ts';
import { renderResultsPage } from '../../functions/core/render/console/results-page.ts';
import type { CenterScore } from '../../functions/core/scoring/records.ts';
import type { ReportRow } from '../../functions/core/scoring/report.ts';
import { launchChromium } from '../support/browser.ts';
import { DESKTOP, PHONE, scrollsSideways, seriousViolations } from '../support/pages.ts';

/**
 * The leaders' overview and a center's trend in Chromium, on a phone and a desktop, in both languages:
 * the pages as the console renders them, for the Nanjing demo's centers with made-up scores.
 */

const SHOTS = '/tmp/shots/overview';
const USER = { sub: 'leader-sub', username: 'leader', role: 'leader' as const };
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const rnd = seededRandom('results-charts');
const score = (centerId: string, level: CenterScore['level'], value: number | null): CenterScore => ({
  campaignId: 'nanjing-2026-12',
  centerId,
  level,
  score: value,
  dimensions: { standardization: value, regulation: value, facilitation: value },
  raters: value === null ? 0 : 3,
  coverage: value === null ? 0 : 0.9,
  rank: null,
  rankOf: 0,
  grade: value === null ? null : value >= 90 ? 'excellent' : value >= 80 ? 'good' : value >= 60 ? 'pass' : 'rectify',
  methodology: 'median-v1',
  ci90: value === null ? null : { low: Math.max(0, value - 3 - rnd() * 6), high: Math.min(100, value + 3 + rnd() * 6) },
});

const ROWS: ReportRow[] = demoCentersAndSupervisors().centers.map((center, i) => ({
  center,
  score: score(center.id, center.level, i % 17 === 5 ? null : Math.round((58 + rnd() * 40) * 10) / 10),
  change: null,
  rectification: { open: 0, overdue: 0, 'reported-fixed': 0, confirmed: 0 },
}));

/** Opens a page's HTML at a size; returns the page and what axe and the layout found. */
const check = async (html: string, size: typeof PHONE, shot: string): Promise<{ page: Page; found: string[] }> => {
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: size === PHONE ? 2 : 1 });
  const page = await context.newPage();
  await page.setContent(html, { waitUntil: 'load' });
  await page.screenshot({ path: `${SHOTS}/${shot}.png`, fullPage: true });
  const found = await seriousViolations(page);
  if (size === PHONE && (await scrollsSideways(page))) found.push('the page scrolls sideways');
  return { page, found };
};

/** The smallest rendered height, in CSS pixels, of the text in a chart. */
const smallestChartText = (page: Page, chart: string): Promise<number> =>
  page.evaluate<number>(
    `Math.min(...[...document.querySelectorAll(${JSON.stringify(`${chart} text`)})].map((t) => t.getBoundingClientRect().height))`,
  );

describe.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const)('the results overview on a %s', (name, size) => {
  it.each(['zh', 'en'] as Lang[])(
    'reads in %s: levels, best and worst, districts, a page of centers; axe-clean',
    async (lang) => {
      // Prepare
      const html = renderResultsPage(
        { lang, path: '/console/campaigns/nanjing-2026-12/results', user: USER },
        { campaignId: 'nanjing-2026-12', title: { zh: '政务服务主题督查月', en: 'Supervision Month' }, rows: ROWS },
      );

      // Act
      const { page, found } = await check(html, size, `results-${lang}-${name}`);

      // Assess
      expect(found).toEqual([]);
      const levels = page.getByRole('img', {
        name: lang === 'zh' ? '各层级平均得分及 90% 区间' : 'Mean score by level, with 90% intervals',
      });
      expect(await levels.isVisible()).toBe(true);
      expect(await levels.locator('circle').count()).toBe(4);
      const districts = page.getByRole('img', {
        name: lang === 'zh' ? '各区平均得分及 90% 区间' : 'Mean score by district, with 90% intervals',
      });
      expect(await districts.locator('circle').count()).toBe(12);
      expect(await page.locator('#chart-worst-d').textContent()).toMatch(
        lang === 'zh' ? /^1\. .+（.+）\d/ : /^1\. .+ \(.+\) \d/,
      );
      // Chart text at least 10 CSS pixels tall on either screen: readable without zooming.
      expect(await smallestChartText(page, '#h-levels ~ .figure svg')).toBeGreaterThanOrEqual(10);
      expect(await smallestChartText(page, '#h-districts ~ .figure svg')).toBeGreaterThanOrEqual(10);
      const rows = await page.locator('#h-centers ~ table tbody tr').count();
      expect(rows).toBe(Math.min(50, ROWS.length));
      await page.context().close();
    },
  );

  it.each(['zh', 'en'] as Lang[])("shows a center's score over the campaigns in %s, axe-clean", async (lang) => {
    // Prepare
    const row = ROWS.find((r) => r.center.level === 'street' && r.score.score !== null) as ReportRow;
    const months = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12'];
    const html = renderCenterPage(
      { lang, path: `/console/campaigns/nanjing-2026-12/centers/${row.center.id}`, user: USER },
      {
        campaignId: 'nanjing-2026-12',
        row,
        rectification: [],
        today: '2026-12-20',
        responses: [],
        supervisorNames: new Map(),
        trend: months.map((month, i) => ({
          campaignId: `nanjing-${month}`,
          month,
          score: i === 2 ? undefined : i === 7 ? row.score : score(row.center.id, 'street', 66 + i * 2.5 + (i % 2) * 3),
          current: i === 7,
        })),
      },
    );

    // Act
    const { page, found } = await check(html, size, `center-trend-${lang}-${name}`);

    // Assess
    expect(found).toEqual([]);
    const chart = page.getByRole('img', {
      name: lang === 'zh' ? '本场所历次督查得分' : 'This center’s score campaign by campaign',
    });
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.locator('circle[r="5"]').count()).toBe(7);
    expect(await smallestChartText(page, '#h-trend ~ .figure svg')).toBeGreaterThanOrEqual(10);
    await page.getByText(lang === 'zh' ? '以表格查看' : 'As a table').click();
    expect(await page.locator('#h-trend ~ .figure details tbody tr').count()).toBe(8);
    await page.context().close();
  });
});
