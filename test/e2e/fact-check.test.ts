import { mkdir } from 'node:fs/promises';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../functions/adapters/table/assignments.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { mailKindOf, readOutbox } from '../../local/ses-outbox.ts';
import { phoneJpeg } from '../fixtures/photos/images.ts';
import { launchChromium } from '../support/browser.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import {
  DESKTOP,
  newContext as newBrowserContext,
  openPage,
  PHONE,
  scrollsSideways,
  seriousViolations,
  signIn,
} from '../support/pages.ts';
import { waitFor } from '../support/wait.ts';
import { answerWithProblems, launchAndAnswerTwo, type TwoAnswered, threeCenterCampaign } from './survey-cloud.ts';

/**
 * A campaign through fact-check in Chromium, on the embedded cloud: the organizer closes it in the
 * console, the official of a center disputes a draft finding from the link in their email on a
 * phone, the organizer withdraws it on a desktop and ends fact-check, and the published campaign
 * never makes the withdrawn finding a rectification item.
 */

const SCREENSHOTS = 'test-results/screenshots';
const ID = 'fact-check-e2e';

const WAITING = '排队超过一小时';
const DISPUTED = '窗口人员玩手机';
const FOUND_AT_XUANWU = '自助终端黑屏';
const REASON = '当天该窗口人员在处理系统故障，并非玩手机，有监控为证。';
const NOTE = '经核实，监控显示在处理故障';

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;
let browser: Browser;

/** The launched campaign (one working day of fact-check), answered with problems at one 玄武区 and one 秦淮区 center. */
type Launched = Omit<TwoAnswered, 'late'>;

/** A supervisor's photo of a problem, posted as the survey's contract says and waited for until ready. */
const photograph = async (link: string, problem: number): Promise<void> => {
  const slot = (await (
    await fetch(`${link}/photos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ problem }),
    })
  ).json()) as { upload: { url: string; fields: Record<string, string> }; status: string };
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.upload.fields)) form.append(name, value);
  form.append('Content-Type', 'image/jpeg');
  form.append('file', new Blob([await phoneJpeg(1200, 900)], { type: 'image/jpeg' }), 'photo.jpg');
  await (await fetch(slot.upload.url, { method: 'POST', body: form })).arrayBuffer();
  await waitFor('the photo ready', async () => {
    const status = (await (
      await fetch(new URL(slot.status, link), { headers: { accept: 'application/json' } })
    ).json()) as { state: string };
    return status.state === 'ready' ? true : undefined;
  });
};

/** Whether an image on the page has loaded (the page's policy let it). */
const loaded = (image: Locator): Promise<boolean> =>
  image.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0);

const launchAndAnswer = async (id: string): Promise<Launched> => {
  const launched = await launchAndAnswerTwo({ cloud, store, sfn }, threeCenterCampaign(id, { factCheck: 1 }));
  await photograph(launched.links.qinhuai, 0);
  await answerWithProblems(launched.links.xuanwu, 'problems-xuanwu', [
    { category: 'facilities', severity: 'minor', description: FOUND_AT_XUANWU },
  ]);
  await answerWithProblems(launched.links.qinhuai, 'problems-qinhuai', [
    { category: 'waiting-time', severity: 'serious', description: WAITING },
    { category: 'staff-conduct', severity: 'minor', description: DISPUTED },
  ]);
  return launched;
};

let campaign: Launched;

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients({ campaignCacheSeconds: 0, console: true }));
  browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
  campaign = await launchAndAnswer(ID);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
});

const newContext = (viewport: typeof PHONE) => newBrowserContext(browser, cloud, viewport);

/** Screenshots the page as it is and runs axe; on a phone, also whether it scrolls sideways. */
const checkPage = async (page: Page, name: string): Promise<string[]> => {
  await page.screenshot({ path: `${SCREENSHOTS}/fact-check-${name}.png`, fullPage: true });
  const found = await seriousViolations(page);
  if (page.viewportSize()?.width === PHONE.width && (await scrollsSideways(page)))
    found.push('the page scrolls sideways on a phone');
  return found;
};

const campaignPath = `/console/campaigns/${ID}`;
const centerOf = (token: TokenRecord) => {
  const center = campaign.definition.centers.find((c) => c.id === token.centerId);
  if (!center) throw new Error(`no center ${token.centerId}`);
  return center;
};

/** The official's personal link, as the fact-check email carries it; set once the notices are out. */
let officialLink: string | undefined;

describe('fact-check in a browser', { timeout: 180_000 }, () => {
  it("holds a campaign closed in the console for fact-check, and lets a center's official dispute a draft finding on a phone", async () => {
    // Prepare
    const qinhuai = centerOf(campaign.qinhuai);
    const organizer = await newContext(DESKTOP);
    const consoleTab = await openPage(organizer);
    await signIn(consoleTab.page, cloud, 'organizer');
    await consoleTab.page.goto(`${campaignPath}?lang=zh`);

    // Act: the organizer closes the campaign now, confirmed; the workflow opens fact-check
    await consoleTab.page.getByLabel('确认现在截止：停止收集答卷并开始评分').check();
    await consoleTab.page.getByRole('button', { name: '立即截止' }).click();
    await consoleTab.page.waitForURL(/done=close/);
    const meta = await waitFor('the fact-check', async () => {
      const m = await store.campaigns.getMeta(ID);
      return m.status === 'fact-checking' && m.taskToken ? m : undefined;
    });
    const notices = await waitFor('the fact-check notices', async () => {
      const sent = (await readOutbox(cloud.urls.ses)).filter(
        (e) => mailKindOf(e) === 'fact-check' && (e.destination.to[0] ?? '').endsWith(`-${ID}@example.gov.cn`),
      );
      return sent.length >= 2 ? sent : undefined;
    });
    const notice = notices.find((e) => e.subject.includes(qinhuai.name.zh));
    officialLink = /https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/.exec(notice?.body.text ?? '')?.[0];
    await consoleTab.page.reload();
    const status = await consoleTab.page.locator('#h-overall').locator('..').locator('.badge').textContent();
    await organizer.close();

    // Assess
    expect(meta.factCheckUntil).toBeDefined();
    expect(notices.map((e) => e.subject)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(qinhuai.name.zh),
        expect.stringContaining(centerOf(campaign.xuanwu).name.zh),
      ]),
    );
    expect(notice?.destination.to).toEqual([qinhuai.official.email]);
    expect(officialLink).toBeDefined();
    expect(status).toBe('事实核查中');
    expect(consoleTab.problems).toEqual([]);

    // Act: the official opens the link on a phone and sends a reason too short to say anything
    if (!officialLink) throw new Error('the fact-check email carries no link');
    const phone = await newContext(PHONE);
    const { page, problems } = await openPage(phone, [400]);
    await page.goto(officialLink);
    const html = await page.content();
    // Each draft finding is a region of its own; the center has no rectification items yet.
    const findings = await page.getByRole('region').count();
    const disputed = () => page.getByRole('region').filter({ hasText: DISPUTED });
    const other = () => page.getByRole('region').filter({ hasText: WAITING });
    const openPageShot = await checkPage(page, '1-official');
    await disputed().getByLabel('申诉理由').fill('不');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === officialLink),
      // The refusal is a page of its own: read it once it has loaded, not the one it replaces.
      page.waitForEvent('load'),
      disputed()
        .getByRole('button', { name: /提出申诉/ })
        .click(),
    ]);
    const field = disputed().getByLabel('申诉理由');
    const invalid = await field.getAttribute('aria-invalid');
    const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
    const errorBeside = await disputed().locator(`[id="${describedBy}"]`).textContent();
    const kept = await field.inputValue();
    const afterRefusal = await store.factCheck.listDisputes(ID, qinhuai.id);
    const refusedShot = await checkPage(page, '2-official-refused');

    // Assess
    expect(html).toContain(DISPUTED);
    expect(html).toContain(WAITING);
    expect(html).not.toContain(FOUND_AT_XUANWU);
    for (const supervisor of campaign.definition.supervisors) {
      expect(html).not.toContain(supervisor.name);
      expect(html).not.toContain(supervisor.email);
    }
    expect(findings).toBe(2);
    expect(await page.getByRole('heading', { name: /事实核查/ }).count()).toBe(1);
    expect(openPageShot).toEqual([]);
    // The photographed finding shows its photo (loaded through the page's policy), the other none.
    const photo = other().getByRole('img', { name: '问题照片 1 · Photo 1 of the problem' });
    expect(await loaded(photo)).toBe(true);
    expect(await disputed().getByRole('img').count()).toBe(0);
    expect(refused.status()).toBe(400);
    expect(invalid).toBe('true');
    expect(errorBeside).toContain('请说明该结论不符的理由');
    expect(kept).toBe('不');
    // The other finding's field is left as it was.
    expect(await other().getByLabel('申诉理由').getAttribute('aria-invalid')).toBeNull();
    expect(afterRefusal).toEqual([]);
    expect(refusedShot).toEqual([]);

    // Act: a proper reason
    await disputed().getByLabel('申诉理由').fill(REASON);
    await Promise.all([
      page.waitForURL(/disputed=/),
      disputed()
        .getByRole('button', { name: /提出申诉/ })
        .click(),
    ]);
    const received = await page.getByRole('status').textContent();
    const card = (await disputed().textContent()) ?? '';
    const fieldsLeft = await disputed().getByRole('textbox').count();
    const otherFields = await other().getByRole('textbox').count();
    const disputes = await store.factCheck.listDisputes(ID, qinhuai.id);
    const disputedShot = await checkPage(page, '3-official-disputed');

    // Assess
    expect(received).toContain('已收到申诉，组织方将逐项复核。');
    expect(card).toContain('待裁定 · Awaiting a ruling');
    expect(card).toContain(REASON);
    expect(fieldsLeft).toBe(0);
    expect(otherFields).toBe(1);
    expect(disputes).toEqual([expect.objectContaining({ state: 'open', reason: REASON })]);
    expect(disputedShot).toEqual([]);
    expect(problems).toEqual([]);
    await phone.close();
  });

  it('lets the organizer withdraw the disputed finding on a desktop and publish without it; the same link then shows the rectification items', async () => {
    // Prepare
    if (!officialLink) throw new Error("the previous test's fact-check link is missing");
    const qinhuai = centerOf(campaign.qinhuai);
    const [dispute] = await store.factCheck.listDisputes(ID, qinhuai.id);
    if (dispute?.state !== 'open') throw new Error("the previous test's dispute is missing");
    const context = await newContext(DESKTOP);
    const { page, problems } = await openPage(context);
    await signIn(page, cloud, 'organizer');
    await page.goto(`${campaignPath}?lang=zh`);

    // Act: the disputes page, then the ruling with a note
    await page.getByRole('link', { name: '申诉复核' }).click();
    await page.waitForURL(/\/disputes\?lang=zh$/);
    const card = () => page.getByRole('article', { name: qinhuai.name.zh });
    const finish = () => page.getByRole('button', { name: '结束核查并评分' });
    const before = (await card().textContent()) ?? '';
    const finishWhileOpen = await finish().isDisabled();
    const openShot = await checkPage(page, '4-disputes');
    await card().getByLabel('复核意见').fill(NOTE);
    await Promise.all([page.waitForURL(/done=ruled/), card().getByRole('button', { name: '撤销该问题' }).click()]);
    const ruledNotice = await page.getByRole('status').textContent();
    const ruled = (await card().textContent()) ?? '';
    const finishWhenRuled = await finish().isEnabled();
    const ruledShot = await checkPage(page, '5-disputes-ruled');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/disputes\?lang=en$/);
    const enHeading = await page.locator('h1').textContent();
    const enCard = (await page.getByRole('article', { name: qinhuai.name.en }).textContent()) ?? '';
    const enSummary = await page.locator('main').textContent();
    const enShot = await checkPage(page, '6-disputes-en');

    // Assess
    expect(before).toContain('待裁定');
    expect(before).toContain(DISPUTED);
    expect(before).toContain(REASON);
    expect(finishWhileOpen).toBe(true);
    expect(openShot).toEqual([]);
    expect(ruledNotice).toBe('已记录裁定。');
    expect(ruled).toContain('已撤销该问题');
    expect(ruled).toContain(`organizer · `);
    expect(ruled).toContain(`“${NOTE}”`);
    expect(await card().getByRole('button').count()).toBe(0);
    expect(finishWhenRuled).toBe(true);
    expect(ruledShot).toEqual([]);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(enHeading).toBe(`Disputes: ${campaign.definition.campaign.title.en}`);
    expect(enCard).toContain('Finding withdrawn');
    expect(enCard).toContain(REASON);
    expect(enSummary).toContain('1 dispute, 0 awaiting a ruling.');
    expect(enCard).toContain(`Staff presence, badge or attitude · Minor: ${DISPUTED}`);
    expect(enCard).toContain(`Reason: ${REASON}`);
    expect(await page.getByRole('button', { name: 'End fact-check and score' }).isEnabled()).toBe(true);
    expect(enShot).toEqual([]);

    // Act: back in Chinese, end fact-check; the workflow scores and publishes
    await page.getByRole('link', { name: '中文' }).click();
    await page.waitForURL(/\/disputes\?lang=zh$/);
    await finish().click();
    await page.waitForURL(/done=finish-fact-check/);
    const finished = await page.getByRole('status').textContent();
    const execution = await cloud.runner.waitForExecution(campaign.executionArn);
    const series = campaign.definition.campaign.series;
    const items = (await store.rectification.listRectificationItems(series, qinhuai.id)).map((i) => i.description);
    const xuanwuItems = (await store.rectification.listRectificationItems(series, campaign.xuanwu.centerId)).map(
      (i) => i.description,
    );
    const audit = (await store.audit.listAudit(ID)).map((a) => a.action);
    await context.close();

    // Assess
    expect(finished).toBe('事实核查已结束，开始评分。');
    expect(execution.status).toBe('SUCCEEDED');
    expect((await store.campaigns.getMeta(ID)).status).toBe('published');
    expect(items).toEqual([WAITING]);
    expect(xuanwuItems).toEqual([FOUND_AT_XUANWU]);
    expect(audit).toEqual(
      expect.arrayContaining(['campaign.close', 'dispute.open', 'dispute.withdrawn', 'fact-check.finish']),
    );
    expect(problems).toEqual([]);

    // Act: the official opens the same link again, on a phone
    const phone = await newContext(PHONE);
    const official = await openPage(phone);
    const response = await official.page.goto(officialLink);
    const item = official.page.getByRole('region').filter({ hasText: WAITING });
    const itemHeading = await item.getByRole('heading').textContent();
    const itemText = (await item.textContent()) ?? '';
    const html = await official.page.content();
    const afterShot = await checkPage(official.page, '7-official-published');

    // Assess
    expect(response?.status()).toBe(200);
    expect(itemHeading).toBe('等候时间过长 Waiting too long');
    expect(itemText).toContain('待整改 · Open');
    expect(await item.getByLabel('整改说明').count()).toBe(1);
    expect(html).not.toContain(DISPUTED);
    expect(await official.page.getByRole('heading', { name: /事实核查/ }).count()).toBe(0);
    expect(afterShot).toEqual([]);
    expect(await loaded(item.getByRole('img', { name: '问题照片 1 · Photo 1 of the problem' }))).toBe(true);

    // Act: the official answers with a photo of the fix, taken with the phone's camera
    const [chooser] = await Promise.all([
      official.page.waitForEvent('filechooser'),
      item.getByRole('button', { name: /添加整改照片/ }).click(),
    ]);
    await Promise.all([
      official.page.waitForURL(/[?&]photo=/, { timeout: 60_000 }),
      chooser.setFiles({ name: 'fix.jpg', mimeType: 'image/jpeg', buffer: await phoneJpeg(1200, 900) }),
    ]);
    const fixed = official.page.getByRole('region').filter({ hasText: WAITING });
    const fixPhoto = fixed.getByRole('img', { name: '整改照片 1 · Photo 1 of the fix' });
    await fixPhoto.waitFor();
    const fixShot = await checkPage(official.page, '8-official-fix-photo');

    // Assess
    expect(await loaded(fixPhoto)).toBe(true);
    expect(await official.page.getByText('照片已上传').count()).toBe(1);
    expect(fixShot).toEqual([]);
    expect(official.problems).toEqual([]);
    await phone.close();
  });
});
