import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCenterSummary } from '../../functions/core/render/mail/center-summary.ts';
import { renderCitySummary } from '../../functions/core/render/mail/city-summary.ts';
import { renderRectificationPage } from '../../functions/core/render/rectification-page.ts';
import {
  centerSummaryModel,
  citySummaryModel,
  FIXTURE_TODAY,
  fixtureCampaign,
  fixtureCenters,
  fixtureItems,
  HOSTILE,
} from '../fixtures/summaries.ts';
import { launchChromium } from '../support/browser.ts';

const SCREENSHOTS = 'test-results/screenshots';
const WIDTHS = { desktop: 1280, phone: 390 } as const;

let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/**
 * Opens HTML as a mail client would show it: scripts off, every request recorded and refused, so an
 * email that needs the network (or runs script) shows up in the test.
 */
const open = async (html: string, width: number): Promise<{ page: Page; requests: string[] }> => {
  const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false });
  const page = await context.newPage();
  const requests: string[] = [];
  await page.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requests };
};

/** How far the page is wider than the screen, in pixels (0 when it fits). */
const overflow = async (page: Page): Promise<number> =>
  Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));

describe.each(Object.entries(WIDTHS))('emails on a %s screen', (name, width) => {
  it('shows the center summary: score, rank, dimension bars, due dates and escaped text, within the screen', async () => {
    // Prepare
    const mail = renderCenterSummary(centerSummaryModel());
    // Act
    const { page, requests } = await open(mail.html, width);
    await page.screenshot({ path: `${SCREENSHOTS}/email-center-summary-${name}.png`, fullPage: true });
    // Assess
    expect(await page.getByTestId('score').innerText()).toMatch(/^86\.2\s*\/ 100$/);
    expect(await page.getByTestId('rank').innerText()).toBe('第 2 名 / 共 3 个区级场所');
    expect(await page.getByText('2nd of 3 district centers').isVisible()).toBe(true);
    expect(await page.getByTestId('change').innerText()).toContain('+3.2 since last month');
    const bar = page.getByTestId('dimension-facilitation').locator('td[width="91%"]');
    const track = page.getByTestId('dimension-facilitation').locator('tr').nth(1);
    const ratio = ((await bar.boundingBox())?.width ?? 0) / ((await track.boundingBox())?.width ?? 1);
    expect(ratio).toBeGreaterThan(0.88);
    expect(ratio).toBeLessThan(0.94);
    expect(await page.getByTestId('due').allInnerTexts()).toEqual([
      '2026-12-08',
      '2027-01-06',
      '2027-01-06',
      '2026-12-08',
    ]);
    expect(await page.getByTestId('counts').innerText()).toContain('待整改 2 · 已逾期 1 · 已报整改 1 · 复查销号 0');
    expect(await page.getByTestId('comment').allInnerTexts()).toContain(`“${HOSTILE}”`);
    expect(await page.locator('script, img, iframe').count()).toBe(0);
    expect(requests).toEqual([]);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  it('shows the city summary: league tables, distribution, warnings, standing and suppressed addresses, within the screen', async () => {
    // Prepare
    const mail = renderCitySummary(citySummaryModel());
    // Act
    const { page, requests } = await open(mail.html, width);
    await page.screenshot({ path: `${SCREENSHOTS}/email-city-summary-${name}.png`, fullPage: true });
    // Assess
    expect(await page.getByTestId('kpi-rate').innerText()).toBe('83%');
    expect(await page.getByTestId('kpi-median').innerText()).toBe('86.2');
    const district = await page.getByTestId('league-district').locator('tr').allInnerTexts();
    expect(district.slice(1).map((row) => row.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      '1 秦淮区政务服务中心',
      '2 玄武区政务服务中心',
      `3 建邺区政务服务中心${HOSTILE.split(/\s/)[0]}`,
    ]);
    expect(await page.getByTestId('improved').innerText()).toContain('+3.2');
    expect(await page.getByTestId('overdue').innerText()).toContain('2026-12-01');
    expect(await page.getByTestId('standing').locator('tr').nth(1).innerText()).toContain('张明');
    expect(await page.getByTestId('suppressed').innerText()).toContain('c-xw-xjk@example.gov.cn');
    expect(await page.locator('script, img, iframe').count()).toBe(0);
    expect(requests).toEqual([]);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  it("shows the official's rectification page with a labelled form per open item", async () => {
    // Prepare
    const center = fixtureCenters[1];
    if (!center) throw new Error('fixture changed');
    const html = renderRectificationPage({
      campaign: fixtureCampaign,
      center,
      items: fixtureItems.filter((i) => i.centerId === center.id),
      today: FIXTURE_TODAY,
      token: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ',
    });
    // Act
    const { page, requests } = await open(html, width);
    await page.screenshot({ path: `${SCREENSHOTS}/rectification-page-${name}.png`, fullPage: true });
    // Assess
    expect(await page.getByRole('textbox', { name: /整改说明/ }).count()).toBe(4);
    expect(await page.getByRole('button', { name: /报告已整改/ }).count()).toBe(3);
    expect(await page.getByText(HOSTILE, { exact: false }).count()).toBe(1);
    expect(requests).toEqual([]);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});
