import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Questionnaire } from '../../functions/core/model.ts';
import { SURVEY_CSP } from '../../functions/core/render/survey/assets.ts';
import { renderSurveyPage } from '../../functions/core/render/survey/page.ts';
import { smallCampaign } from '../fixtures/campaign.ts';
import { launchChromium } from '../support/browser.ts';

/** The wait is asked only after a ticket; its explanation only after a long wait. */
const questionnaire = Questionnaire.parse({
  id: 'conditions',
  title: { zh: '条件', en: 'Conditions' },
  sections: [
    {
      dimension: 'facilitation',
      title: { zh: '便利化', en: 'Facilitation' },
      questions: [
        {
          id: 'q-ticket',
          kind: 'choice',
          dimension: 'facilitation',
          title: { zh: '是否取号', en: 'Did you take a ticket?' },
          indicator: 'ticket',
          options: [
            { value: 'machine', label: { zh: '机器取号', en: 'At the machine' }, score: 100 },
            { value: 'none', label: { zh: '未取号', en: 'No ticket' }, score: 100 },
          ],
        },
        {
          id: 'q-wait',
          kind: 'number',
          dimension: 'facilitation',
          title: { zh: '等候分钟数', en: 'Minutes waited' },
          unit: { zh: '分钟', en: 'minutes' },
          best: 5,
          worst: 60,
          indicator: 'wait',
          condition: "{q-ticket} = 'machine'",
        },
        {
          id: 'q-explained',
          kind: 'yesno',
          dimension: 'facilitation',
          title: { zh: '是否解释等候原因', en: 'Was the wait explained?' },
          indicator: 'explained',
          condition: "{q-ticket} = 'machine' and {q-wait} > 30",
        },
      ],
    },
  ],
});

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens the form as the survey API serves it, with its Content-Security-Policy. */
const openForm = async (): Promise<Page> => {
  const center = smallCampaign().centers[0];
  if (!center) throw new Error('the fixture has centers');
  const html = renderSurveyPage({
    lang: 'zh',
    view: 'form',
    campaign: { title: { zh: '督查月', en: 'Supervision month' } },
    window: { opens: '2026-12-01T00:00:00Z', deadline: '2099-12-15T10:00:00Z' },
    center,
    activity: 'unannounced',
    questionnaire,
    answers: {},
    problems: [],
    errors: [],
    submissionId: 'sub-00000001',
    openedAt: '2026-12-03T01:00:00.000Z',
    token: 'x'.repeat(43),
  });
  const page = await browser.newPage();
  await page.route('**/*', (route) =>
    route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': SURVEY_CSP },
      body: html,
    }),
  );
  await page.goto(`https://survey.example.gov.cn/s/${'x'.repeat(43)}`);
  return page;
};

/** What the page shows of the conditional questions, and its progress line. */
const shown = async (page: Page) => ({
  wait: await page.locator('#q-q-wait').isVisible(),
  explained: await page.locator('#f-q-explained').isVisible(),
  notes: await page.locator('.cond:visible').count(),
  progress: await page.locator('#progress').textContent(),
});

describe('questions asked only when an earlier answer says so', () => {
  it('are hidden until their condition holds, and hidden again with their answer left unsent', async () => {
    // Prepare
    const page = await openForm();

    // Act
    const before = await shown(page);
    await page.check('input[name="q-ticket"][value="machine"]');
    const afterTicket = await shown(page);
    await page.fill('input[name="q-wait"]', '45');
    const afterLongWait = await shown(page);
    await page.check('input[name="q-ticket"][value="none"]');
    const afterNoTicket = await shown(page);
    // A string, evaluated in the page: Node's types know no DOM.
    const sent = await page.evaluate<string[]>("Array.from(new FormData(document.getElementById('survey')).keys())");

    // Assess
    expect(before).toEqual({ wait: false, explained: false, notes: 0, progress: '已答 0/1 题' });
    expect(afterTicket).toMatchObject({ wait: true, explained: false, progress: '已答 1/2 题' });
    expect(afterLongWait).toMatchObject({ wait: true, explained: true, progress: '已答 2/3 题' });
    expect(afterNoTicket).toMatchObject({ wait: false, explained: false, progress: '已答 1/1 题' });
    expect(sent).not.toContain('q-wait');
    await page.close();
  });

  it('are required only while shown', async () => {
    // Prepare
    const page = await openForm();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.postData() ?? '');
    });
    await page.check('input[name="q-ticket"][value="machine"]');
    await page.fill('input[name="q-wait"]', '45');

    // Act
    await page.click('button[value="submit"]');
    const whileShown = await page.locator('.err').evaluateAll((errors) => errors.map((e) => e.id));
    await page.fill('input[name="q-wait"]', '10');
    await Promise.all([page.waitForRequest((r) => r.method() === 'POST'), page.click('button[value="submit"]')]);

    // Assess
    expect(whileShown).toEqual(['e-q-explained']);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain('q-wait=10');
    expect(posts[0]).not.toContain('q-explained');
    await page.close();
  });
});
