import { mkdir } from 'node:fs/promises';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { hashToken } from '../../functions/core/campaign/links.ts';
import type { Lang } from '../../functions/core/i18n.ts';
import type { Question } from '../../functions/core/model.ts';
import { questionsFor } from '../../functions/core/responses/answers.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { launchChromium } from '../support/browser.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { seriousViolations } from '../support/pages.ts';
import { closeCampaign, launchWithLinks, surveyCampaign } from './survey-cloud.ts';

const SCREENSHOTS = 'test-results/screenshots';
// Debounced saves and a busy machine: give what the page shows time to settle.
const POLL = { timeout: 30_000 };

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;
let browser: Browser;

beforeAll(async () => {
  // Pages read the campaign's status on every request, so a close shows at the next load (the few
  // seconds a server may keep it are covered by the close-window test).
  ({ cloud, store, sfn } = await startCloudAndClients({ campaignCacheSeconds: 0 }));
  browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
});

/** What the page says, per language, as the tests look for it. */
const SAYS = {
  zh: {
    htmlLang: 'zh-CN',
    level: '街道/镇',
    window: '监督时间',
    yes: '是',
    no: '否',
    saved: '草稿已自动保存',
    restored: '已恢复您',
    missing: /还有 \d+ 道必答题未作答/,
    required: '此题为必答题',
    submit: '提交答卷',
    resubmit: '提交修改',
    submitted: (v: number) => `答卷已提交（第 ${v} 版）`,
    deadline: '截止时间',
    edit: '修改答卷',
    closed: '本次督查活动已结束',
    readOnly: '只读',
    category: '问题类别',
    description: '具体情况',
    severity: '严重程度',
    serious: '较重',
    categoryLabel: '等候时间过长',
    switchTo: 'English',
  },
  en: {
    htmlLang: 'en',
    level: 'Street / township',
    window: 'Visit window',
    yes: 'Yes',
    no: 'No',
    saved: 'Draft saved',
    restored: 'Restored your draft',
    missing: /Required questions not answered yet: \d+/,
    required: 'this question is required',
    submit: 'Submit',
    resubmit: 'Submit changes',
    submitted: (v: number) => `Answers submitted (version ${v})`,
    deadline: 'You may change your answers until',
    edit: 'Edit answers',
    closed: 'This campaign has closed',
    readOnly: 'read-only',
    category: 'Category',
    description: 'What happened',
    severity: 'Severity',
    serious: 'Serious',
    categoryLabel: 'Waiting too long',
    switchTo: '中文',
  },
} as const;

const phone = async (lang: Lang, javaScriptEnabled = true): Promise<BrowserContext> => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: lang === 'zh' ? 'zh-CN' : 'en-US',
    javaScriptEnabled,
  });
  // Fail a stuck step with its own message well before the test's time limit.
  context.setDefaultTimeout(10_000);
  return context;
};

/** Opens a page that fails the test on script errors, CSP violations and dialogs (an injected alert). */
const openPage = async (context: BrowserContext) => {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A 400 page is the expected answer to an invalid submission; anything else (a CSP refusal) is not.
    if (m.type() === 'error' && !m.text().includes('status of 400')) problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { page, problems };
};

const shoot = (page: Page, name: string) => page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });

/**
 * Widths, at 40px in the page's own font stack, of a Chinese character and of a private-use one.
 * A CJK font draws 督 one em wide; a machine without one draws it as the same box as U+E000.
 */
const hanWidths = (page: Page) =>
  // A string, evaluated in the page: Node's types know no canvas.
  page.evaluate<{ han: number; box: number } | undefined>(`(() => {
    const context = document.createElement('canvas').getContext('2d');
    if (!context) return undefined;
    context.font = '40px ' + getComputedStyle(document.body).fontFamily;
    return { han: context.measureText('督').width, box: context.measureText('\\u{E000}').width };
  })()`);

const group = (page: Page, q: Question, lang: Lang) => page.getByRole('radiogroup', { name: q.title[lang] });

/** Answers one question through its label, the way a supervisor taps or types. */
const answer = async (page: Page, q: Question, lang: Lang, variant: number) => {
  switch (q.kind) {
    case 'rating':
      return group(page, q, lang)
        .getByRole('radio', { name: new RegExp(`^${((variant + 3) % 5) + 1}\\b`) })
        .check();
    case 'yesno':
      return group(page, q, lang)
        .getByRole('radio', { name: variant % 2 === 0 ? SAYS[lang].yes : SAYS[lang].no, exact: true })
        .check();
    case 'choice': {
      const option = q.options[variant % q.options.length];
      return option ? group(page, q, lang).getByRole('radio', { name: option.label[lang] }).check() : undefined;
    }
    case 'number':
      return page.getByLabel(q.title[lang]).fill(String(Math.max(q.minValue, Math.min(q.maxValue, 3 + variant))));
    case 'text':
      return page.getByLabel(q.title[lang]).fill('<script>alert("x")</script> 叫号屏 & 指示牌 "A" 区');
  }
};

const tokenOf = (link: string) => link.slice(link.lastIndexOf('/') + 1);

/**
 * The whole journey of one supervisor on a phone: open the invitation link, answer part, reload and
 * find the draft, submit, edit and resubmit, and after the campaign closes see the answers read-only.
 */
const journey = async (lang: Lang, expect: ExpectStatic) => {
  const says = SAYS[lang];
  const definition = surveyCampaign(`e2e-${lang}`);
  const { links } = await launchWithLinks({ cloud, store, sfn }, definition);
  const link = links[0] ?? '';
  const token = await store.assignments.getToken(hashToken(tokenOf(link)));
  expect(token).toBeDefined();
  const questions = questionsFor(definition.questionnaire, token?.activity ?? 'experiential');
  const required = questions.filter((q) => q.required);
  const context = await phone(lang);
  const { page, problems } = await openPage(context);

  // Opened from the invitation: the language follows Accept-Language; the header tells where and how.
  await page.goto(link);
  expect(await page.getAttribute('html', 'lang')).toBe(says.htmlLang);
  const center = definition.centers.find((c) => c.id === token?.centerId);
  await expect.poll(() => page.locator('h1').textContent(), POLL).toBe(definition.campaign.title[lang]);
  if (lang === 'zh') {
    // Chinese is drawn in a CJK font, not as boxes (the screenshots are read by people)
    const widths = await hanWidths(page);
    expect(widths?.han).toBeCloseTo(40, 0);
    expect(widths?.han).not.toBe(widths?.box);
  }
  const facts = (await page.locator('.center').textContent()) ?? '';
  expect(facts).toContain(center?.name[lang]);
  expect(facts).toContain(says.level);
  expect(facts).toContain(center?.address);
  expect(facts).toContain(says.window);
  expect(await page.locator('section.dim h2').count()).toBe(3);
  await shoot(page, `${lang}-1-form`);
  expect(await seriousViolations(page)).toEqual([]);

  // The language can be switched on the page and back.
  await page.locator('#lang-switch').click();
  await page.waitForURL(/lang=/);
  expect(await page.getAttribute('html', 'lang')).toBe(lang === 'zh' ? 'en' : 'zh-CN');
  await page.locator('#lang-switch').click();
  await page.waitForURL(new RegExp(`lang=${lang}`));
  expect(await page.getAttribute('html', 'lang')).toBe(says.htmlLang);

  // Answer the first half by keyboard and by tapping, record a problem; the draft saves itself.
  const [first, second] = questions;
  if (first?.kind !== 'yesno' || second?.kind !== 'yesno')
    throw new Error('the hall questionnaire starts with two yes/no questions');
  await group(page, first, lang).getByRole('radio', { name: says.yes, exact: true }).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  expect(await group(page, first, lang).getByRole('radio', { name: says.no, exact: true }).isChecked()).toBe(true);
  expect(await group(page, second, lang).getByRole('radio', { name: says.yes, exact: true }).isChecked()).toBe(true);
  const half = questions.slice(2, Math.ceil(questions.length / 2));
  for (const [i, q] of half.entries()) await answer(page, q, lang, i);
  await page.getByLabel(says.category).first().selectOption({ label: says.categoryLabel });
  await page.getByLabel(says.description).first().fill('取号后等候 50 分钟，<b>无人引导</b>');
  await page
    .getByRole('radiogroup', { name: says.severity })
    .first()
    .getByRole('radio', { name: says.serious })
    .check();
  await expect.poll(() => page.locator('#save-status').textContent(), POLL).toContain(says.saved);

  // Reload: the answers come back from the server-side draft.
  await page.reload();
  expect(await group(page, first, lang).getByRole('radio', { name: says.no, exact: true }).isChecked()).toBe(true);
  expect(await page.getByLabel(says.description).first().inputValue()).toBe('取号后等候 50 分钟，<b>无人引导</b>');
  // Another phone, with nothing stored locally, gets the same draft.
  const other = await phone(lang);
  const fresh = await other.newPage();
  await fresh.goto(link);
  expect(await fresh.locator('.notice').textContent()).toContain(says.restored);
  expect(await group(fresh, first, lang).getByRole('radio', { name: says.no, exact: true }).isChecked()).toBe(true);
  await other.close();
  await shoot(page, `${lang}-2-draft-restored`);

  // Submitting with required answers missing marks each of them beside the question.
  await page.getByRole('button', { name: says.submit, exact: true }).click();
  await expect.poll(() => page.locator('#save-status').textContent(), POLL).toMatch(says.missing);
  const unanswered = required.filter((q) => !half.includes(q) && q !== first && q !== second);
  expect(await page.locator('.err').count()).toBe(unanswered.length);
  const firstMissing = unanswered[0];
  if (!firstMissing) throw new Error('expected unanswered required questions');
  expect(await page.locator(`[data-q="${firstMissing.id}"] .err`).textContent()).toContain(says.required);
  await shoot(page, `${lang}-3-required-marked`);
  expect(await seriousViolations(page)).toEqual([]);

  // Answer the rest, one number out of range: the server says so beside the field and keeps every answer.
  const rest = questions.slice(half.length + 2);
  for (const [i, q] of rest.entries()) await answer(page, q, lang, i + 1);
  const number = rest.find((q) => q.kind === 'number');
  if (number?.kind !== 'number') throw new Error('expected a number question in the second half');
  await page.getByLabel(number.title[lang]).fill(String(number.maxValue + 1));
  await page.getByRole('button', { name: says.submit, exact: true }).click();
  await page.waitForSelector('#error-summary');
  expect(await page.locator(`[data-q="${number.id}"] .err`).textContent()).toContain(String(number.maxValue));
  expect(await page.locator('#error-summary li').count()).toBe(1);
  expect(await page.getByLabel(says.description).first().inputValue()).toBe('取号后等候 50 分钟，<b>无人引导</b>');
  await shoot(page, `${lang}-4-server-check`);
  expect(await seriousViolations(page)).toEqual([]);

  // Correct it and submit: a confirmation with the summary and the deadline.
  await page.getByLabel(number.title[lang]).fill(String(number.minValue + 2));
  await page.getByRole('button', { name: says.submit, exact: true }).click();
  await page.waitForURL(/view=confirmation/);
  expect(await page.locator('.notice h2').textContent()).toContain(says.submitted(1));
  expect(await page.locator('.notice').textContent()).toContain(says.deadline);
  const summary = (await page.locator('main').textContent()) ?? '';
  expect(summary).toContain('<script>alert("x")</script> 叫号屏 & 指示牌 "A" 区');
  expect(summary).toContain('取号后等候 50 分钟，<b>无人引导</b>');
  expect(summary).toContain(says.categoryLabel);
  expect(await page.locator('main script, main b').count()).toBe(0);
  await shoot(page, `${lang}-5-confirmation`);
  expect(await seriousViolations(page)).toEqual([]);

  // Edit and resubmit: a second version; the first is kept.
  await page.getByRole('link', { name: says.edit }).first().click();
  await page.waitForURL((url) => !url.search.includes('view='));
  expect(await group(page, first, lang).getByRole('radio', { name: says.no, exact: true }).isChecked()).toBe(true);
  await group(page, first, lang).getByRole('radio', { name: says.yes, exact: true }).check();
  await page.getByRole('button', { name: says.resubmit }).click();
  await page.waitForURL(/view=confirmation/);
  expect(await page.locator('.notice h2').textContent()).toContain(says.submitted(2));
  expect(await page.locator('.versions li').count()).toBe(2);
  const versions = token ? await store.responses.listResponseVersions(token) : [];
  expect(versions.map((v) => [v.version, v.answers[first.id]])).toEqual([
    [1, false],
    [2, true],
  ]);
  expect(versions[1]?.problems).toEqual([
    {
      category: 'waiting-time',
      description: '取号后等候 50 分钟，<b>无人引导</b>',
      severity: 'serious',
      // The row's key, made by the page: the photos of the problem follow it.
      key: expect.stringMatching(/^k[0-9a-f]{15}$/),
    },
  ]);

  // The campaign closes: the page shows the answers read-only and says so.
  await closeCampaign(store, definition.campaign.id);
  await page.goto(link);
  expect(await page.locator('.notice').textContent()).toContain(says.closed);
  expect(await page.locator('.notice').textContent()).toContain(says.readOnly);
  expect(await page.locator('form, input, textarea, select').count()).toBe(0);
  expect(await page.locator('main').textContent()).toContain(
    definition.centers.find((c) => c.id === token?.centerId)?.name[lang],
  );
  await shoot(page, `${lang}-6-closed-read-only`);
  expect(await seriousViolations(page)).toEqual([]);

  expect(problems).toEqual([]);
  await context.close();
};

// The three journeys use their own campaigns and browser contexts, so they run side by side.
// A journey takes seconds alone; the limit leaves room for a machine busy with other suites.
describe.concurrent('the survey page on a phone', { timeout: 120_000 }, () => {
  it('takes a supervisor in Chinese from invitation to draft, submission, edit and the closed campaign', async ({
    expect,
  }) => {
    await journey('zh', expect);
  });

  it('does the same in English, chosen by the browser language and switchable on the page', async ({ expect }) => {
    await journey('en', expect);
  });

  it('works as a plain form without JavaScript: draft, problems, errors beside the fields, submission', async ({
    expect,
  }) => {
    // Prepare
    const definition = surveyCampaign('e2e-nojs');
    const { links } = await launchWithLinks({ cloud, store, sfn }, definition);
    const link = links[1] ?? '';
    const token = await store.assignments.getToken(hashToken(tokenOf(link)));
    const questions = questionsFor(definition.questionnaire, token?.activity ?? 'experiential');
    const context = await phone('zh', false);
    const { page, problems } = await openPage(context);
    await page.goto(link);

    // Act: answer two questions and a problem, save the draft, add a second problem row
    const [first, second, third] = questions;
    if (!first || !second || !third) throw new Error('expected questions');
    await answer(page, first, 'zh', 0);
    await answer(page, third, 'zh', 1);
    await page.getByLabel('问题类别').first().selectOption('facilities');
    await page.getByLabel('具体情况').first().fill('自助终端黑屏');
    await page.getByRole('button', { name: '＋ 再记录一个问题' }).click();
    await page.waitForURL(/draft=saved/);
    const rowsAfterAdd = await page.locator('fieldset.problem').count();
    await page.reload();
    const restoredFirst = await group(page, first, 'zh').getByRole('radio', { name: '是', exact: true }).isChecked();
    await page.getByRole('button', { name: '提交答卷' }).click();
    const errors = await page.locator('.err').allTextContents();
    const summary = await page.locator('#error-summary').textContent();
    await shoot(page, 'nojs-server-errors');

    // Assess
    expect(rowsAfterAdd).toBe(2);
    expect(restoredFirst).toBe(true);
    expect(await page.getByLabel('具体情况').first().inputValue()).toBe('自助终端黑屏');
    // Every unanswered required question plus the problem's missing severity is marked beside its field.
    const missing = questions.filter((q) => q.required && q !== first && q !== third).length;
    expect(errors).toHaveLength(missing + 1);
    expect(errors).toContain('请选择严重程度');
    expect(summary).toContain(`有 ${missing + 1} 处需要修改`);
    expect(await page.locator(`[data-q="${second.id}"][aria-invalid="true"]`).count()).toBe(1);

    // Act: complete everything and submit
    for (const [i, q] of questions.entries()) await answer(page, q, 'zh', i);
    await page.getByRole('radiogroup', { name: '严重程度' }).first().getByRole('radio', { name: '一般' }).check();
    await page.getByRole('button', { name: '提交答卷' }).click();
    await page.waitForURL(/view=confirmation/);

    // Assess
    expect(await page.locator('.notice h2').textContent()).toContain('答卷已提交（第 1 版）');
    expect(await page.locator('main').textContent()).toContain('自助终端黑屏');
    expect(problems).toEqual([]);
    const latest = token ? await store.responses.getLatestResponse(token) : undefined;
    expect(latest?.problems).toEqual([
      {
        category: 'facilities',
        description: '自助终端黑屏',
        severity: 'minor',
        key: expect.stringMatching(/^k[0-9a-f]{15}$/),
      },
    ]);
    await context.close();
  });

  it('keeps answers typed without a connection on the phone and saves them once back online', async ({ expect }) => {
    // Prepare
    const definition = surveyCampaign('e2e-offline');
    const { links } = await launchWithLinks({ cloud, store, sfn }, definition);
    const link = links[0] ?? '';
    const token = await store.assignments.getToken(hashToken(tokenOf(link)));
    const [first] = questionsFor(definition.questionnaire, token?.activity ?? 'experiential');
    if (first?.kind !== 'yesno') throw new Error('the hall questionnaire starts with a yes/no question');
    const context = await phone('zh');
    const { page, problems } = await openPage(context);
    await page.goto(link);

    // Act: answer while offline and leave; come back online and open the link again. The page is
    // frozen before it closes, as a phone freezes a tab put away: a page being closed can still hear
    // a spurious 'online' from Chromium's network emulation and save by itself, which is not this journey.
    await context.setOffline(true);
    await group(page, first, 'zh').getByRole('radio', { name: '否', exact: true }).check();
    await expect.poll(() => page.locator('#save-status').textContent(), POLL).toContain('网络不可用');
    await shoot(page, 'zh-offline-kept-on-phone');
    await (await context.newCDPSession(page)).send('Page.setWebLifecycleState', { state: 'frozen' });
    await page.close();
    const before = token ? await store.responses.getDraft(token) : undefined;
    expect(before, 'nothing reached the server while offline').toBeUndefined();
    await context.setOffline(false);
    const { page: reopened, problems: laterProblems } = await openPage(context);
    await reopened.goto(link);
    // Once back online the answer reaches the server: saved by the reopened page from what the phone
    // kept, or (Chromium may let the page being left hear 'online' first) by that page itself.
    await expect
      .poll(async () => (token ? await store.responses.getDraft(token) : undefined)?.answers[first.id], POLL)
      .toBe('no');

    // Assess: the answer typed offline is on the reopened page and on the server
    await expect
      .poll(() => group(reopened, first, 'zh').getByRole('radio', { name: '否', exact: true }).isChecked(), POLL)
      .toBe(true);
    expect(problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
    expect(laterProblems).toEqual([]);
    await context.close();
  });
});
