import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '../../functions/core/i18n.ts';
import type { Center } from '../../functions/core/model.ts';
import { renderCenterSummary } from '../../functions/core/render/mail/center-summary.ts';
import { renderCitySummary } from '../../functions/core/render/mail/city-summary.ts';
import { renderFactCheckNotice } from '../../functions/core/render/mail/fact-check-notice.ts';
import { renderFailureNotice } from '../../functions/core/render/mail/failure-notice.ts';
import { renderInvitation } from '../../functions/core/render/mail/invitation.ts';
import type { RenderedMail } from '../../functions/core/render/mail/layout.ts';
import { renderReminder } from '../../functions/core/render/mail/reminder.ts';
import { renderReturnedNotice } from '../../functions/core/render/mail/returned-notice.ts';
import { renderRectificationPage } from '../../functions/core/render/rectification-page.ts';
import { smallCampaign } from '../fixtures/campaign.ts';
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
import { DESKTOP, PHONE, seriousViolations } from '../support/pages.ts';

const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? 'test-results/screenshots';
const SCREENS = { desktop: DESKTOP, phone: PHONE } as const;

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
const open = async (html: string, viewport: typeof PHONE): Promise<{ page: Page; requests: string[] }> => {
  const context = await browser.newContext({ viewport, javaScriptEnabled: false });
  const page = await context.newPage();
  const requests: string[] = [];
  await page.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requests };
};

/** The serious accessibility problems axe finds in the HTML (run in a context of its own, with script). */
const accessibilityProblems = async (html: string, viewport: typeof PHONE): Promise<string[]> => {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.route('**/*', (route) => route.abort());
  await page.setContent(html, { waitUntil: 'load' });
  const problems = await seriousViolations(page);
  await context.close();
  return problems;
};

/** How far the page is wider than the screen, in pixels (0 when it fits). */
const overflow = async (page: Page): Promise<number> =>
  Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));

const inLanguage = (center: Center, language: Lang): Center => ({
  ...center,
  official: { ...center.official, language },
});

describe.each(Object.entries(SCREENS))('emails on a %s screen', (name, screen) => {
  it.each(['zh', 'en'] as const)(
    'shows the center summary in %s: score, rank, certainty, dimension bars, due dates and escaped text, within the screen',
    async (lang) => {
      // Prepare
      const model = centerSummaryModel();
      const mail = renderCenterSummary({ ...model, center: inLanguage(model.center, lang) });
      // Act
      const { page, requests } = await open(mail.html, screen);
      await page.screenshot({ path: `${SCREENSHOTS}/email-center-summary-${lang}-${name}.png`, fullPage: true });
      // Assess
      expect(await page.getAttribute('html', 'lang')).toBe(lang === 'zh' ? 'zh-CN' : 'en');
      expect(await page.getByTestId('score').innerText()).toMatch(/^86\.2\s*\/ 100$/);
      expect(await page.getByTestId('rank').innerText()).toBe(
        lang === 'zh' ? '第 2 名 / 共 3 个区级场所' : '2nd of 3 district centers',
      );
      expect(await page.getByTestId('change').innerText()).toBe(
        lang === 'zh' ? '较上月上升 ▲ 3.2 分' : '+3.2 since last month',
      );
      expect(await page.getByTestId('certainty').innerText()).toContain(
        lang === 'zh'
          ? '得分在 82–90 分之间的可能性较大（3 位监督员）'
          : 'The score most likely lies between 82 and 90 (3 supervisors)',
      );
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
      expect(await page.getByTestId('counts').innerText()).toContain(
        lang === 'zh' ? '待整改 2 · 已逾期 1 · 已报整改 1 · 复查销号 0' : 'open 2 · overdue 1 · reported fixed 1',
      );
      expect(await page.getByTestId('comment').allInnerTexts()).toContain(`“${HOSTILE}”`);
      expect(await page.locator('script, img, iframe').count()).toBe(0);
      expect(requests).toEqual([]);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.context().close();
      expect(await accessibilityProblems(mail.html, screen)).toEqual([]);
    },
  );

  it.each(['zh', 'en'] as const)('tells a center nobody supervised so, in %s, with no score or rank', async (lang) => {
    // Prepare
    const model = centerSummaryModel({
      items: [],
      counts: { open: 0, overdue: 0, 'reported-fixed': 0, confirmed: 0 },
      comments: [],
      change: null,
    });
    const mail = renderCenterSummary({
      ...model,
      center: inLanguage(model.center, lang),
      score: {
        ...model.score,
        score: null,
        raters: 0,
        responses: 0,
        rank: null,
        rankOf: 0,
        grade: null,
        dimensions: {},
      },
    });
    // Act
    const { page } = await open(mail.html, screen);
    await page.screenshot({ path: `${SCREENSHOTS}/email-center-not-supervised-${lang}-${name}.png`, fullPage: true });
    // Assess
    expect(await page.getByTestId('not-supervised').innerText()).toBe(
      lang === 'zh' ? '本期未督查' : 'Not supervised this period',
    );
    expect(await page.getByTestId('score').count()).toBe(0);
    expect(await page.getByTestId('rank').count()).toBe(0);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.context().close();
    expect(await accessibilityProblems(mail.html, screen)).toEqual([]);
  });

  it.each(['zh', 'en'] as const)(
    'shows the city summary in %s: league tables, centers not supervised, distribution, warnings, standing and suppressed addresses, within the screen',
    async (lang) => {
      // Prepare: the street center had no counted response this period
      const model = citySummaryModel({ campaign: { ...fixtureCampaign, language: lang } });
      const rows = model.rows.map((r) =>
        r.center.id === 'C-XW-XJK'
          ? { ...r, score: { ...r.score, score: null, raters: 0, responses: 0, rank: null, rankOf: 0, grade: null } }
          : r,
      );
      const mail = renderCitySummary({ ...model, rows });
      // Act
      const { page, requests } = await open(mail.html, screen);
      await page.screenshot({ path: `${SCREENSHOTS}/email-city-summary-${lang}-${name}.png`, fullPage: true });
      // Assess
      expect(await page.getByTestId('kpi-rate').innerText()).toBe('83%');
      expect(await page.getByTestId('kpi-median').innerText()).toBe('86.2');
      const district = await page.getByTestId('league-district').locator('tr').allInnerTexts();
      expect(district.slice(1).map((row) => row.split(/\s+/)[0])).toEqual(['1', '2', '3']);
      expect(district[1]).toContain(
        lang === 'zh' ? '秦淮区政务服务中心' : 'Qinhuai District Government Service Center',
      );
      expect(await page.getByTestId('unsupervised').innerText()).toContain(
        lang === 'zh' ? '新街口街道便民服务中心' : 'Xinjiekou Street Convenience Service Center',
      );
      expect(await page.getByTestId('improved').innerText()).toContain('+3.2');
      expect(await page.getByTestId('overdue').innerText()).toContain('2026-12-01');
      expect(await page.getByTestId('standing').locator('tr').nth(1).innerText()).toContain('张明');
      expect(await page.getByTestId('suppressed').innerText()).toContain('c-xw-xjk@example.gov.cn');
      expect(await page.locator('script, img, iframe').count()).toBe(0);
      expect(requests).toEqual([]);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.context().close();
      expect(await accessibilityProblems(mail.html, screen)).toEqual([]);
    },
  );

  it.each(['zh', 'en'] as const)(
    'shows the notices in %s: invitation, reminder, returned, fact-check and failure, within the screen',
    async (lang) => {
      // Prepare
      const def = smallCampaign();
      const [supervisor] = def.supervisors;
      const [center] = def.centers;
      if (!supervisor || !center) throw new Error('fixture changed');
      const person = { ...supervisor, language: lang };
      const url = `https://survey.example.gov.cn/s/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ?lang=${lang}`;
      const links = def.centers.map((c) => ({ center: c, activity: 'experiential' as const, url }));
      const { deadline } = def.campaign.schedule;
      const mails: [string, RenderedMail][] = [
        ['invitation', renderInvitation(def.campaign, person, links, deadline)],
        ['reminder', renderReminder(def.campaign, person, links.slice(0, 1), deadline)],
        [
          'returned',
          renderReturnedNotice({
            campaign: def.campaign,
            supervisor: person,
            link: links[0] as (typeof links)[0],
            comment: '请补充窗口排队时长。',
            until: deadline,
          }),
        ],
        [
          'fact-check',
          renderFactCheckNotice({
            campaign: def.campaign,
            center: inLanguage(center, lang),
            items: [{ category: 'waiting-time', severity: 'serious', description: '排队超过一小时' }],
            url: 'https://survey.example.gov.cn/r/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ',
            until: deadline,
          }),
        ],
        [
          'failure',
          renderFailureNotice({ ...def.campaign, language: lang }, 'TransientError', 'DynamoDB throttled Score'),
        ],
      ];
      for (const [kind, mail] of mails) {
        // Act
        const { page, requests } = await open(mail.html, screen);
        await page.screenshot({ path: `${SCREENSHOTS}/email-${kind}-${lang}-${name}.png`, fullPage: true });
        // Assess
        expect(await page.getAttribute('html', 'lang'), kind).toBe(lang === 'zh' ? 'zh-CN' : 'en');
        expect(requests, kind).toEqual([]);
        expect(await overflow(page), kind).toBeLessThanOrEqual(0);
        await page.context().close();
        expect(await accessibilityProblems(mail.html, screen), kind).toEqual([]);
      }
    },
  );

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
    const { page, requests } = await open(html, screen);
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
