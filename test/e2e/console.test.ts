import { mkdir, readFile } from 'node:fs/promises';
import type { SFNClient } from '@aws-sdk/client-sfn';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../functions/adapters/table/assignments.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { REPORT_COLUMNS } from '../../functions/core/scoring/report.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { totpCode } from '../../local/totp.ts';
import { launchChromium } from '../support/browser.ts';
import { createAccountWithTemporaryPassword } from '../support/console-accounts.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import {
  codeOf,
  DESKTOP,
  newContext as newBrowserContext,
  openPage,
  PHONE,
  passwordOf as passwordOfAccount,
  scrollsSideways,
  seriousViolations,
  signIn,
  submitCode,
  submitSignIn,
} from '../support/pages.ts';
import { waitFor } from '../support/wait.ts';
import {
  answerWithProblems,
  closeCampaign,
  launchAndAnswerTwo,
  type TwoAnswered,
  threeCenterCampaign,
} from './survey-cloud.ts';

/**
 * The organizer console in Chromium, on the embedded cloud: signed in through its own sign-in page
 * with the demo accounts of the local user pool (cognito-local), every page checked with axe on a
 * phone and on a desktop.
 */

const SCREENSHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;
let browser: Browser;

/** A launched campaign with one 玄武区 and one 秦淮区 assignment answered and one 秦淮区 assignment open. */
type Answered = TwoAnswered & { id: string };

const launchAndAnswer = async (id: string, reviewDays = 0): Promise<Answered> => ({
  id,
  ...(await launchAndAnswerTwo({ cloud, store, sfn }, threeCenterCampaign(id, { review: reviewDays }))),
});

const centerName = (campaign: Answered, token: TokenRecord): string =>
  campaign.definition.centers.find((c) => c.id === token.centerId)?.name.zh ?? '';

/** The campaign the progress, review and coordinator tests look at; results use one of their own. */
let shared: Answered;

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients({ campaignCacheSeconds: 0, console: true }));
  browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
  shared = await launchAndAnswer('console-e2e');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
});

const passwordOf = (username: string): string => passwordOfAccount(cloud, username);
const newContext = (viewport: typeof PHONE) => newBrowserContext(browser, cloud, viewport);

/**
 * Screenshots the page on a phone and on a desktop and runs axe at each size: what it finds, and
 * whether the phone layout scrolls sideways. The page keeps the viewport it had.
 */
const checkPage = async (page: Page, name: string): Promise<string[]> => {
  const before = page.viewportSize();
  const found: string[] = [];
  for (const [label, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${SCREENSHOTS}/console-${name}-${label}.png`, fullPage: true });
    found.push(...(await seriousViolations(page)).map((v) => `${label}: ${v}`));
    if (label === 'phone' && (await scrollsSideways(page))) found.push('phone: the page scrolls sideways');
  }
  if (before) await page.setViewportSize(before);
  return found;
};

const campaignPath = (id: string) => `/console/campaigns/${id}`;
/** The campaign's link in the campaigns list (every test campaign has the same title). */
const campaignLink = (page: Page, id: string) => page.locator(`main a[href="${campaignPath(id)}?lang=zh"]`);

describe('the organizer console in a browser', { timeout: 180_000 }, () => {
  it('signs an organizer in on a phone: a wrong password is refused with a message, the right one opens the campaigns list', async () => {
    // Prepare
    const context = await newContext(PHONE);
    const { page, problems } = await openPage(context, [401]);

    // Act: a visitor without a session is sent to sign in
    const first = await page.goto('/console');
    await page.waitForURL(/\/console\/sign-in\?lang=zh$/);
    const signInPage = await checkPage(page, '1-sign-in');
    await page.getByLabel('用户名').fill('organizer');
    await page.getByLabel('密码').fill(`${passwordOf('organizer')}-wrong`);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/console/sign-in')),
      page.getByRole('button', { name: '登录' }).click(),
    ]);
    await page.getByRole('alert').waitFor();
    const error = await page.getByRole('alert').textContent();
    const keptUsername = await page.getByLabel('用户名').inputValue();
    const refusedPage = await checkPage(page, '2-sign-in-refused');
    await page.getByLabel('密码').fill(passwordOf('organizer'));
    await page.getByRole('button', { name: '登录' }).click();
    // An organizer signs in with two steps: the code of their authenticator app follows the password.
    await page.getByRole('heading', { name: '输入验证码', level: 1 }).waitFor();
    const cookiesBeforeCode = await context.cookies();
    const codePage = await checkPage(page, '2b-code');
    await submitCode(page, codeOf(cloud, 'organizer') ?? '');
    await page.waitForURL(/\/console\?lang=zh$/);
    const cookies = await context.cookies();
    // On a phone the list's head is hidden: each cell names its column itself.
    const columnShown = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('main td.num'), '::before').content",
    );
    const listPage = await checkPage(page, '3-campaigns');

    // Assess
    expect(first?.request().redirectedFrom()?.url()).toBe(`${cloud.urls.api}/console`);
    expect(signInPage).toEqual([]);
    expect(refused.status()).toBe(401);
    expect(error).toContain('用户名或密码不正确');
    expect(keptUsername).toBe('organizer');
    expect(refusedPage).toEqual([]);
    expect(cookiesBeforeCode).toEqual([]);
    expect(codePage).toEqual([]);
    expect(cookies).toEqual([
      expect.objectContaining({ name: 'console_session', path: '/console', httpOnly: true, sameSite: 'Strict' }),
    ]);
    expect(await page.locator('h1').textContent()).toBe('督查活动');
    expect(await page.locator('header .who').textContent()).toContain('organizer · 市级组织方');
    const row = page.getByRole('row').filter({ has: page.getByText(shared.id, { exact: true }) });
    expect(await row.getByRole('link').textContent()).toBe(shared.definition.campaign.title.zh);
    expect(await row.textContent()).toContain('收集中');
    expect(await row.textContent()).toContain('2/3');
    expect(columnShown).toBe('"已答"');
    expect(listPage).toEqual([]);

    // Act: sign out; the console asks to sign in again
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/console\/sign-in/);
    await page.goto('/console');
    await page.waitForURL(/\/console\/sign-in/);

    // Assess
    expect((await context.cookies()).filter((c) => c.name === 'console_session')).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('has a new account choose its own password at its first sign-in on a phone, in English and in Chinese', async () => {
    // Prepare: an account an administrator created with a temporary password
    await createAccountWithTemporaryPassword(cloud, {
      username: 'first-time-leader',
      role: 'leader',
      temporaryPassword: 'Temporary-pass-1',
    });
    const context = await newContext(PHONE);
    const { page, problems } = await openPage(context, [400]);

    // Act: sign in with the temporary password, mistype the second copy, then choose it properly
    await page.goto('/console/sign-in?lang=en');
    await page.getByLabel('Username').fill('first-time-leader');
    await page.getByLabel('Password').fill('Temporary-pass-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password', level: 1 }).waitFor();
    const englishPage = await checkPage(page, '1b-new-password-en');
    const switches = await page.getByRole('link', { name: '中文' }).count();
    await page.goto('/console/sign-in?lang=zh');
    await submitSignIn(page, 'first-time-leader', 'Temporary-pass-1');
    await page.getByRole('heading', { name: '设置新密码', level: 1 }).waitFor();
    const chinesePage = await checkPage(page, '1c-new-password');
    const choose = async (password: string, again: string) => {
      await page.getByLabel('新密码', { exact: true }).fill(password);
      await page.getByLabel('再次输入新密码').fill(again);
      await page.getByRole('button', { name: '设置并登录' }).click();
    };
    await choose('Chosen-Password-2026!', 'Chosen-Password-2027!');
    const mismatch = await page.getByRole('alert').textContent();
    const mismatchPage = await checkPage(page, '1d-new-password-mismatch');
    await choose('Chosen-Password-2026!', 'Chosen-Password-2026!');
    await page.waitForURL(/\/console\?lang=zh$/);

    // Assess
    expect(englishPage).toEqual([]);
    // The page answers a form: a language link would lose the challenge, so it has none.
    expect(switches).toBe(0);
    expect(chinesePage).toEqual([]);
    expect(mismatch).toBe('两次输入的新密码不一致。');
    expect(mismatchPage).toEqual([]);
    expect(await page.locator('h1').textContent()).toBe('督查活动');
    expect(await page.locator('header .who').textContent()).toContain('first-time-leader');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('has a new organizer set up an authenticator at the first sign-in, on a phone and a desktop, before any page opens', async () => {
    // Prepare: an organizer an administrator created with a temporary password
    await createAccountWithTemporaryPassword(cloud, {
      username: 'first-time-organizer',
      role: 'organizer',
      temporaryPassword: 'Temporary-pass-1',
    });
    const phone = await newContext(PHONE);
    const { page, problems } = await openPage(phone, [401]);

    // Act: new password, then the set-up page; a code from ten minutes ago is refused, the current one accepted
    await page.goto('/console/sign-in?lang=zh');
    await submitSignIn(page, 'first-time-organizer', 'Temporary-pass-1');
    await page.getByLabel('新密码', { exact: true }).fill('Chosen-Password-2026!');
    await page.getByLabel('再次输入新密码').fill('Chosen-Password-2026!');
    await page.getByRole('button', { name: '设置并登录' }).click();
    await page.getByRole('heading', { name: '设置两步验证', level: 1 }).waitFor();
    const setUpPage = await checkPage(page, '1e-authenticator-set-up');
    const qr = await page.getByRole('img', { name: '身份验证器应用的二维码' }).boundingBox();
    const secret = ((await page.locator('#totp-key').textContent()) ?? '').replace(/\s/g, '');
    const cookiesBefore = await phone.cookies();
    await submitCode(page, totpCode(secret, new Date(Date.now() - 600_000)));
    const refused = await page.getByRole('alert').textContent();
    await submitCode(page, totpCode(secret));
    await page.waitForURL(/\/console\?lang=zh$/);
    // On a desktop in English, the same account now gives its code after the password.
    const desktop = await newContext(DESKTOP);
    const second = await openPage(desktop, []);
    await second.page.goto('/console/sign-in?lang=en');
    await second.page.getByLabel('Username').fill('first-time-organizer');
    await second.page.getByLabel('Password').fill('Chosen-Password-2026!');
    await second.page.getByRole('button', { name: 'Sign in' }).click();
    await second.page.getByRole('heading', { name: 'Enter your code', level: 1 }).waitFor();
    const codePageEn = await checkPage(second.page, '1f-code-en');
    await second.page.getByLabel('Code').fill(totpCode(secret, new Date(Date.now() + 30_000)));
    await second.page.getByRole('button', { name: 'Verify and sign in' }).click();
    await second.page.waitForURL(/\/console\?lang=en$/);

    // Assess
    expect(setUpPage).toEqual([]);
    expect(qr?.width).toBeGreaterThan(120);
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(cookiesBefore).toEqual([]);
    expect(refused).toContain('验证码不正确');
    expect(await page.locator('header .who').textContent()).toContain('first-time-organizer');
    expect(codePageEn).toEqual([]);
    expect(problems).toEqual([]);
    expect(second.problems).toEqual([]);
    await phone.close();
    await desktop.close();
  });

  it("shows a campaign's progress by district and level and who has yet to answer, in Chinese and in English", async () => {
    // Prepare
    const context = await newContext(PHONE);
    const { page, problems } = await openPage(context);
    await signIn(page, cloud, 'leader');

    // Act
    await campaignLink(page, shared.id).click();
    await page.waitForURL(new RegExp(`${campaignPath(shared.id)}\\?lang=zh$`));
    const overall = await page.locator('#h-overall').locator('..').textContent();
    const byDistrict = await page.locator('#h-district').locator('..').getByRole('row').allTextContents();
    const byLevel = await page.locator('#h-level').locator('..').getByRole('row').allTextContents();
    const late = await page.locator('#h-late').locator('..').textContent();
    const zhPage = await checkPage(page, '4-progress');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en$/);
    const enPage = await checkPage(page, '5-progress-en');

    // Assess
    expect(overall).toContain('总体进度 · 全市');
    expect(overall).toContain('2/3 · 67%');
    expect(byDistrict.slice(1)).toHaveLength(2);
    expect(byDistrict).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^玄武区1\/1 \(100%\)/),
        expect.stringMatching(/^秦淮区1\/2 \(50%\)/),
      ]),
    );
    expect(byLevel.slice(1)).toEqual([expect.stringMatching(/^街道\/镇2\/3 \(67%\)/)]);
    expect(late).toContain('未答监督员 (1)');
    expect(late).toContain(shared.late);
    // A leader looks and changes nothing: no organizer's actions.
    expect(await page.locator('#h-actions').count()).toBe(0);
    expect(zhPage).toEqual([]);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('#h-overall').textContent()).toBe('Progress · Whole city');
    expect(await page.locator('#h-late').textContent()).toBe('Supervisors yet to answer (1)');
    expect(await page.getByRole('link', { name: 'Review responses' }).getAttribute('href')).toContain('lang=en');
    expect(enPage).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lets an organizer on a desktop return a response with a comment, then lists it as returned, audited', async () => {
    // Prepare
    const context = await newContext(DESKTOP);
    const { page, problems } = await openPage(context, [400]);
    await signIn(page, cloud, 'organizer');
    const name = centerName(shared, shared.qinhuai);
    await page.goto(`${campaignPath(shared.id)}?lang=zh`);
    await page.getByRole('link', { name: '审核答卷' }).click();
    await page.waitForURL(/\/review\?lang=zh$/);
    const queuePage = await checkPage(page, '6-review-queue');
    const card = () => page.getByRole('article', { name });

    // Act: returning without a comment is stopped by the browser, saying so in Chinese, and nothing is sent
    let posted = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST') posted++;
    });
    await card().getByRole('button', { name: '退回修改' }).click();
    const browserMessage = String(
      await page.evaluate(`document.querySelector('#comment-${shared.qinhuai.id}').validationMessage`),
    );
    const postedByClick = posted;
    // Without the script (the form sent as it is), the server refuses it and shows the same queue again,
    // the message beside the field.
    const [withoutComment] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/review/')),
      page.evaluate(`(() => {
        const form = document.querySelector('#r-${shared.qinhuai.id} form');
        const decision = document.createElement('input');
        decision.type = 'hidden';
        decision.name = 'decision';
        decision.value = 'return';
        form.append(decision);
        form.submit();
      })()`),
    ]);
    await page.waitForLoadState();
    const refusal = await card().textContent();
    const refusalPage = await checkPage(page, '7-review-refused');
    const afterRefusal = (await store.reviews.listReviews(shared.id)).get(shared.qinhuai.id);
    await card().getByLabel('意见（退回或作废时必填）').fill('请补充窗口照片');
    await card().getByRole('button', { name: '退回修改' }).click();
    await page.waitForURL(/done=/);
    const notice = await page.getByRole('status').textContent();
    const pendingNames = await page.getByRole('article').allTextContents();
    await page.getByRole('link', { name: /^全部/ }).click();
    await page.waitForURL(/status=all/);
    const decided = await card().textContent();
    const allPage = await checkPage(page, '8-review-all');
    await page.goto(`${campaignPath(shared.id)}/audit?lang=zh`);
    const audit = await page.getByRole('row').allTextContents();
    const auditPage = await checkPage(page, '9-audit');

    // Assess
    expect(queuePage).toEqual([]);
    expect(browserMessage).toBe('退回或作废时请填写意见，告诉监督员原因。');
    expect(postedByClick).toBe(0);
    expect(withoutComment.status()).toBe(400);
    expect(refusal).toContain('退回修改或作废时须填写意见');
    expect(afterRefusal).toBeUndefined();
    expect(refusalPage).toEqual([]);
    expect(notice).toBe('已退回，并已邮件通知监督员按意见修改。');
    expect(pendingNames.some((text) => text.includes(name))).toBe(false);
    expect(decided).toContain('已退回修改');
    expect(decided).toContain('上次决定: 已退回修改 · organizer');
    expect(decided).toContain('“请补充窗口照片”');
    expect(allPage).toEqual([]);
    expect((await store.reviews.listReviews(shared.id)).get(shared.qinhuai.id)).toMatchObject({
      status: 'returned',
      comment: '请补充窗口照片',
      reviewer: { username: 'organizer' },
    });
    expect(audit).toContainEqual(expect.stringMatching(/organizer.*review\.returned/));
    expect(auditPage).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the coordinator of 玄武区 only 玄武区, and refuses their decision on a 秦淮区 response', async () => {
    // Prepare
    const context = await newContext(PHONE);
    const { page, problems } = await openPage(context, [403]);
    await signIn(page, cloud, 'coordinator-xuanwu');

    // Act: progress and review queue of their district
    await campaignLink(page, shared.id).click();
    await page.waitForURL(new RegExp(`${campaignPath(shared.id)}\\?lang=zh$`));
    const progress = (await page.locator('main').textContent()) ?? '';
    const progressPage = await checkPage(page, '10-coordinator-progress');
    await page.getByRole('link', { name: '审核答卷' }).click();
    await page.waitForURL(/\/review\?lang=zh$/);
    const queue = (await page.locator('main').textContent()) ?? '';
    const cards = await page.getByRole('article').count();
    const queuePage = await checkPage(page, '11-coordinator-review');
    // A decision on another district's response, posted from the console's own page as a form would be.
    const action = `${campaignPath(shared.id)}/review/${shared.qinhuai.id}?lang=zh`;
    const fields = { decision: 'approve', version: '1', supervisor: shared.qinhuai.supervisorId };
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(action)),
      page.evaluate(`(() => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = ${JSON.stringify(action)};
        for (const [name, value] of Object.entries(${JSON.stringify(fields)})) {
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      })()`),
    ]);
    await page.getByRole('heading', { name: '无权操作', level: 1 }).waitFor();
    const refusal = await page.locator('main').textContent();
    const refusalPage = await checkPage(page, '12-coordinator-refused');

    // Assess
    expect(progress).toContain('仅显示 玄武区 的场所');
    expect(progress).toContain('1/1 · 100%');
    expect(progress).not.toContain('秦淮区');
    expect(await page.getByRole('link', { name: '操作日志' }).count()).toBe(0);
    expect(progressPage).toEqual([]);
    expect(cards).toBe(1);
    expect(queue).toContain(centerName(shared, shared.xuanwu));
    expect(queue).not.toContain('秦淮区');
    expect(queuePage).toEqual([]);
    expect(refused.status()).toBe(403);
    expect(refusal).toContain('无权操作');
    expect(refusalPage).toEqual([]);
    expect((await store.reviews.listReviews(shared.id)).get(shared.qinhuai.id)?.reviewer.username).not.toBe(
      'coordinator-xuanwu',
    );
    expect((await store.audit.listAudit(shared.id)).map((a) => a.actor.username)).not.toContain('coordinator-xuanwu');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('closes a campaign from the console, finishes its review and shows the results: chart, a center, XLSX and CSV', async () => {
    // Prepare
    const campaign = await launchAndAnswer('console-e2e-results', 2);
    await answerWithProblems(campaign.links.qinhuai, 'e2e-results-problems', [
      { category: 'signage', severity: 'serious', description: '二楼办事指引牌与实际窗口编号不一致。' },
    ]);
    const context = await newContext(DESKTOP);
    const { page, problems } = await openPage(context);
    await signIn(page, cloud, 'organizer');
    await page.goto(`${campaignPath(campaign.id)}?lang=zh`);
    const actionsPage = await checkPage(page, '13-organizer-actions');

    // Act: close now, confirmed
    await page.getByLabel('确认现在截止：停止收集答卷并开始评分').check();
    await page.getByRole('button', { name: '立即截止' }).click();
    await page.waitForURL(/done=close/);
    const closing = await page.getByRole('status').textContent();
    // The workflow closes the campaign and holds it in review for its two working days.
    await waitFor('the review', async () =>
      (await store.campaigns.getMeta(campaign.id)).status === 'reviewing' ? true : undefined,
    );
    await page.goto(`${campaignPath(campaign.id)}?lang=zh`);
    const reviewPage = await checkPage(page, '14-in-review');
    await page.getByRole('button', { name: '结束审核并评分' }).click();
    await page.waitForURL(/done=finish-review/);
    const execution = await cloud.runner.waitForExecution(campaign.executionArn);
    await page.reload();
    await page.getByRole('link', { name: '评分结果' }).click();
    await page.waitForURL(/\/results\?lang=zh$/);
    const chart = page.getByRole('img', { name: '各层级平均得分及 90% 区间' });
    const chartShown = await chart.isVisible();
    const dots = await page.locator('#h-extremes ~ .figure svg circle').count();
    const rows = await page.getByRole('row').allTextContents();
    const resultsPage = await checkPage(page, '15-results');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载 CSV' }).click(),
    ]);
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载 Excel' }).click(),
    ]);
    const csvText = await readFile(await csv.path(), 'utf8');
    const workbook = new ExcelJS.Workbook();
    const xlsxBytes = await readFile(await xlsx.path());
    await workbook.xlsx.load(xlsxBytes as unknown as ExcelJS.Buffer);
    const scoredName = centerName(campaign, campaign.qinhuai);
    // The per-center table's link (the best and worst lists link the center too).
    await page.locator('#h-centers ~ table').getByRole('link', { name: scoredName }).click();
    await page.waitForURL(/\/centers\//);
    const problemsFound = (await page.locator('section[aria-labelledby="h-findings"]').textContent()) ?? '';
    const centerZh = await checkPage(page, '16-center-zh');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en$/);
    const center = (await page.locator('main').textContent()) ?? '';
    const centerPage = await checkPage(page, '16-center-en');

    // Assess
    expect(actionsPage).toEqual([]);
    expect(closing).toContain('已要求截止');
    expect(reviewPage).toEqual([]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(await store.campaigns.getMeta(campaign.id)).toMatchObject({ closedReason: 'closed-by-organizer' });
    expect(chartShown).toBe(true);
    // A dot for each center with a score among the best and the worst: the two answered ones.
    expect(dots).toBe(2);
    expect(rows.filter((row) => row.includes('秦淮区') || row.includes('玄武区'))).toHaveLength(3);
    expect(resultsPage).toEqual([]);
    expect(csv.suggestedFilename()).toBe(`results-${campaign.id}.csv`);
    const [header, ...lines] = csvText.split('\r\n').filter(Boolean);
    expect(header).toBe(`\ufeff${REPORT_COLUMNS.map((c) => c.header).join(',')}`);
    expect(header?.startsWith('\ufeff级别 level,排名 rank')).toBe(true);
    expect(lines).toHaveLength(3);
    expect(xlsx.suggestedFilename()).toBe(`results-${campaign.id}.xlsx`);
    expect(xlsxBytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const sheetText = workbook.worksheets.map((sheet) => JSON.stringify(sheet.getSheetValues())).join('\n');
    expect(sheetText).toContain(scoredName);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe(
      campaign.definition.centers.find((c) => c.id === campaign.qinhuai.centerId)?.name.en,
    );
    expect(center).toContain('Raters1');
    expect(problemsFound).toContain('二楼办事指引牌与实际窗口编号不一致。');
    expect(problemsFound).toMatch(/待整改|已逾期/);
    expect(problemsFound).toContain('整改期限');
    expect(centerZh).toEqual([]);
    expect(center).toContain('Problems found');
    expect(center).toContain('Due');
    expect(centerPage).toEqual([]);
    const downloads = (await store.audit.listAudit(campaign.id)).map((a) => a.action);
    expect(downloads).toEqual(
      expect.arrayContaining(['campaign.close', 'review.finish', 'download.csv', 'download.xlsx']),
    );
    expect(problems).toEqual([]);
    await context.close();
  });
  it('holds the scored results as a draft the organizer signs off with 发布 Publish, said on the progress and results pages in Chinese and English', async () => {
    // Prepare: a campaign that does not publish on its own, closed and scored
    const id = 'console-e2e-sign-off';
    const launched = await launchAndAnswerTwo({ cloud, store, sfn }, threeCenterCampaign(id, { autoPublish: false }));
    await closeCampaign(store, id);
    await waitFor('the draft results', async () => {
      const meta = await store.campaigns.getMeta(id);
      return meta.status === 'awaiting-sign-off' && meta.taskToken ? true : undefined;
    });
    const context = await newContext(PHONE);
    const { page, problems } = await openPage(context);
    await signIn(page, cloud, 'organizer');

    // Act: the draft on the progress and results pages in both languages, then Publish from the results page
    await page.goto(`${campaignPath(id)}?lang=zh`);
    const progressZh = await checkPage(page, '17-sign-off-progress-zh');
    const badge = await page.locator('.badge').first().textContent();
    await page.goto(`${campaignPath(id)}?lang=en`);
    const progressEn = await checkPage(page, '18-sign-off-progress-en');
    await page.goto(`${campaignPath(id)}/results?lang=en`);
    const resultsEn = await checkPage(page, '19-sign-off-results-en');
    await page.goto(`${campaignPath(id)}/results?lang=zh`);
    const resultsZh = await checkPage(page, '20-sign-off-results-zh');
    const draft = (await page.getByRole('region', { name: '草稿结果 · 待签发' }).textContent()) ?? '';
    await page.getByLabel('我已核对结果，确认签发并发送评分通报').check();
    await page.getByRole('button', { name: '发布' }).click();
    await page.waitForURL(/done=publish/);
    const notice = await page.getByRole('status').textContent();
    const execution = await cloud.runner.waitForExecution(launched.executionArn);
    await page.reload();
    const afterwards = await checkPage(page, '21-published');

    // Assess
    expect([...progressZh, ...progressEn, ...resultsEn, ...resultsZh, ...afterwards]).toEqual([]);
    expect(badge).toBe('待签发');
    expect(draft).toContain('结果尚未发给各场所');
    expect(notice).toContain('已签发');
    expect(execution.status).toBe('SUCCEEDED');
    expect(await store.campaigns.getMeta(id)).toMatchObject({ status: 'published', signedOffBy: 'organizer' });
    expect(await page.locator('.badge').first().textContent()).toBe('已通报');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('pages and filters the review queue on a phone and a desktop, in Chinese and in English', async () => {
    // Prepare: the two answered responses and 60 more listed in the queue (their answers never given)
    const campaign = await launchAndAnswer('console-e2e-queue');
    const centers = campaign.definition.centers;
    await store.reviewQueue.indexResponses(
      campaign.definition.questionnaire,
      Array.from({ length: 60 }, (_, i) => {
        const center = centers[i % centers.length] ?? (centers[0] as (typeof centers)[number]);
        return {
          center,
          response: {
            campaignId: campaign.id,
            assignmentId: `Z${String(i).padStart(3, '0')}`,
            supervisorId: campaign.xuanwu.supervisorId,
            centerId: center.id,
            activity: 'experiential' as const,
            version: 1,
            submittedAt: '2026-12-01T02:00:00.000Z',
            answers: {},
          },
        };
      }),
    );
    const context = await newContext(PHONE);
    const { page, problems } = await openPage(context, [400]);
    await signIn(page, cloud, 'organizer');

    // Act: the first page, the next one, a filter, a refused filter, in both languages
    await page.goto(`${campaignPath(campaign.id)}/review?lang=zh&status=all`);
    const firstCards = await page.getByRole('article').count();
    const firstPage = await checkPage(page, '22-queue-page-1-zh');
    await page.getByRole('link', { name: '下一页 →' }).click();
    await page.waitForURL(/after=/);
    const secondCards = await page.getByRole('article').count();
    const secondPage = await checkPage(page, '23-queue-page-2-zh');
    await page.getByRole('link', { name: '← 上一页' }).click();
    await page.waitForURL(/before=/);
    const backCards = await page.getByRole('article').count();
    await page.goto(`${campaignPath(campaign.id)}/review?lang=en`);
    await page.getByLabel('District').fill('秦淮区');
    await page.getByLabel('Status').selectOption('all');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/district=/);
    const filteredText = (await page.locator('main').textContent()) ?? '';
    const filteredPage = await checkPage(page, '24-queue-filtered-en');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('level=province')),
      page.goto(`${campaignPath(campaign.id)}/review?lang=en&level=province`),
    ]);
    const refusedText = (await page.locator('main').textContent()) ?? '';
    const refusedPage = await checkPage(page, '25-queue-refused-en');

    // Assess
    expect(firstPage).toEqual([]);
    // Only the two answered responses have answers to show, each on one page only.
    expect(firstCards + secondCards).toBe(2);
    expect(secondPage).toEqual([]);
    expect(backCards).toBe(firstCards);
    const englishName = (t: TokenRecord) => campaign.definition.centers.find((c) => c.id === t.centerId)?.name.en ?? '';
    expect(filteredText).toContain(englishName(campaign.qinhuai));
    expect(filteredText).not.toContain(englishName(campaign.xuanwu));
    expect(filteredPage).toEqual([]);
    expect(refused.status()).toBe(400);
    expect(refusedText).toContain('Level must be municipal, district, street or community.');
    expect(refusedPage).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
