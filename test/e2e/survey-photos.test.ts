import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { REFUSAL_TEXT } from '../../functions/core/evidence/photos.ts';
import type { Lang } from '../../functions/core/i18n.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { phoneJpeg, smallPng } from '../fixtures/photos/images.ts';
import { launchChromium } from '../support/browser.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { DESKTOP, openPage, PHONE, seriousViolations } from '../support/pages.ts';
import { closeCampaign, launchWithLinks, surveyCampaign } from './survey-cloud.ts';

/**
 * Photos of the problems found, attached on the survey page on a phone: with the script (camera or
 * gallery, kept on the phone while offline and sent once online, a refusal said in the page), and as a
 * plain form through the upload page S3 sends the browser back from. One cloud, one campaign.
 */

const SHOTS = '/tmp/shots/survey-photos';
// Photos go through S3, its notification and the checker: give them time on a busy machine.
const POLL = { timeout: 45_000, intervals: [250, 500, 1000] };

let cloud: EmbeddedCloud;
let store: Tables;
let browser: Browser;
let links: string[] = [];
const campaignId = 'e2e-photos';

beforeAll(async () => {
  const clients = await startCloudAndClients({ campaignCacheSeconds: 0 });
  ({ cloud, store } = clients);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  ({ links } = await launchWithLinks(clients, surveyCampaign(campaignId)));
});

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
});

const contextOf = async (lang: Lang, viewport = PHONE, javaScriptEnabled = true): Promise<BrowserContext> => {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: viewport === PHONE ? 2 : 1,
    locale: lang === 'zh' ? 'zh-CN' : 'en-US',
    javaScriptEnabled,
  });
  context.setDefaultTimeout(15_000);
  return context;
};

const shoot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

/** The photo block of problem row `i` (0-based, as the rows stand now). */
const blockOf = (i: number) => `#problem-${i} .photos`;
/** The photo items of problem row `i`. */
const photosOf = (page: Page, i: number) => page.locator(`${blockOf(i)} .ph-list li`);

/** How many thumbnails of row `i` the browser has really loaded from the bucket. */
const loadedThumbs = (page: Page, i: number) =>
  // A string, evaluated in the page: Node's types know no images.
  page.evaluate<number>(
    `[...document.querySelectorAll('#problem-${i} .photos .ph.ready img, main .summary .ph.ready img')].filter((img) => img.complete && img.naturalWidth > 0).length`,
  );

/** How many photos wait on the phone (IndexedDB) to be sent. */
const keptOnPhone = (page: Page) =>
  page.evaluate<number>(`new Promise((ok) => {
    const req = indexedDB.open('survey-photos', 1);
    req.onsuccess = () => {
      const all = req.result.transaction('queue').objectStore('queue').getAll();
      all.onsuccess = () => ok(all.result.length);
    };
  })`);

const jpeg = async (name: string) => ({ name, mimeType: 'image/jpeg', buffer: await phoneJpeg(800, 600) });

describe('photos on the survey page', { timeout: 240_000 }, () => {
  it('attaches photos with the script: ready with thumbnails, kept while offline and sent once online, refusals said', async () => {
    // Prepare
    const link = links[0] ?? '';
    const context = await contextOf('zh');
    const { page, problems } = await openPage(context);
    await page.goto(link);
    await page.getByLabel('问题类别').first().selectOption('waiting-time');
    await page.getByLabel('具体情况').first().fill('取号后等候 50 分钟');

    // Act: two photos from the camera or the gallery for the first problem
    const picker = page.locator('#problem-0 .photos input[type=file]');
    expect(await picker.count()).toBe(1);
    expect(await page.locator('#problem-0 .photos .ph-add').isHidden()).toBe(true);
    await picker.setInputFiles([
      await jpeg('a.jpg'),
      { name: 'b.png', mimeType: 'image/png', buffer: await smallPng() },
    ]);

    // Assess: both reach ready, their thumbnails loaded from the bucket under the page's policy
    await expect.poll(() => loadedThumbs(page, 0), POLL).toBe(2);
    const href = (await page.locator('#problem-0 .photos .ph.ready a').first().getAttribute('href')) ?? '';
    expect((await fetch(href)).status).toBe(200);
    await shoot(page, 'zh-phone-ready');

    // Act: offline, a third photo is chosen; it waits on the phone, and the page is left
    await context.setOffline(true);
    await picker.setInputFiles([await jpeg('c.jpg')]);
    await expect.poll(() => photosOf(page, 0).nth(2).textContent(), POLL).toContain('等待上传（网络不可用）');
    await shoot(page, 'zh-phone-offline-waiting');
    expect(await keptOnPhone(page)).toBe(1);
    await page.goto('about:blank');

    // Assess: back online, the link opened again sends the photo kept on the phone
    await context.setOffline(false);
    await page.goto(link);
    await expect.poll(() => loadedThumbs(page, 0), POLL).toBe(3);
    expect(await keptOnPhone(page)).toBe(0);

    // Act: offline again, a fourth photo waits; the connection comes back while the page is open
    await context.setOffline(true);
    await page.locator('#problem-0 .photos input[type=file]').setInputFiles([await jpeg('e.jpg')]);
    await expect.poll(() => photosOf(page, 0).nth(3).textContent(), POLL).toContain('等待上传（网络不可用）');
    await context.setOffline(false);

    // Assess: sent on the 'online' event, then ready
    await expect.poll(() => loadedThumbs(page, 0), POLL).toBe(4);

    // Act: a text file named .jpg, for the second problem. A draft restored from the phone (the offline
    // photo's change was saved there) shows its filled rows only: the second is added as a supervisor would.
    if ((await page.locator('#problem-1').count()) === 0) await page.locator('#add-problem').click();
    await page.getByLabel('问题类别').nth(1).selectOption('facilities');
    await page
      .locator('#problem-1 .photos input[type=file]')
      .setInputFiles([
        { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo at all\n'.repeat(40)) },
      ]);

    // Assess: refused, the reason said in the page's language
    await expect
      .poll(() => page.locator('#problem-1 .photos .ph.refused').textContent(), POLL)
      .toContain(REFUSAL_TEXT['not-an-image'].zh);
    await page.locator('#problem-1 .photos').scrollIntoViewIfNeeded();
    await shoot(page, 'zh-phone-refused');
    expect(await seriousViolations(page)).toEqual([]);

    // Removing a row with photos asks first; declined, nothing changes.
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.locator('#problem-0 button.remove').click();
    expect(asked).toEqual(['问题 1 附有 4 张照片，删除此问题将一并删除这些照片。确定删除？']);
    expect(await page.locator('#p0-description').inputValue()).toBe('取号后等候 50 分钟');
    expect(await photosOf(page, 0).count()).toBe(4);

    // Another visit: the photos are listed by the server under their problems
    const fresh = await openPage(context);
    await fresh.page.goto(link);
    await expect.poll(() => fresh.page.locator('#problem-0 .photos .ph.ready').count(), POLL).toBe(4);
    expect(await fresh.page.locator('#problem-1 .photos .ph.refused').count()).toBe(1);
    await fresh.page.close();

    // Act: a photo of a third problem, then the first problem removed, its removal accepted
    await page.locator('#add-problem').click();
    await page.getByLabel('问题类别').nth(2).selectOption('signage');
    await page.getByLabel('具体情况').nth(2).fill('指示牌缺失');
    await page.locator(`${blockOf(2)} input[type=file]`).setInputFiles([await jpeg('f.jpg')]);
    await expect.poll(() => loadedThumbs(page, 2), POLL).toBe(1);
    page.once('dialog', (d) => void d.accept());
    const saved = page.waitForResponse((r) => r.url().includes('/draft') && r.request().method() === 'PUT', POLL);
    await page.locator('#problem-0 button.remove').click();

    // Assess: every row moved up with its own photos; the removed row's photos are gone, here and for
    // the server once the draft is saved (a new visit lists them nowhere)
    expect(await page.locator('#p0-category').inputValue()).toBe('facilities');
    expect(await page.locator('#problem-0 .photos .ph.refused').count()).toBe(1);
    expect(await page.locator('#p1-description').inputValue()).toBe('指示牌缺失');
    await expect.poll(() => loadedThumbs(page, 1), POLL).toBe(1);
    expect(await photosOf(page, 1).first().locator('img').getAttribute('alt')).toContain('问题 2 的照片 1');
    expect((await saved).status()).toBe(200);
    expect(await page.locator('input[name=removedProblems]').inputValue()).toBe('');
    const after = await openPage(context);
    await after.page.goto(link);
    expect(await after.page.locator('#p0-category').inputValue()).toBe('facilities');
    expect(await after.page.locator('#problem-0 .photos .ph.refused').count()).toBe(1);
    expect(await after.page.locator('#problem-1 .photos .ph.ready').count()).toBe(1);
    expect(await after.page.locator('.photos .ph.ready').count()).toBe(1);
    await shoot(after.page, 'zh-phone-after-remove');
    await after.page.close();
    expect(problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
    await context.close();
  });

  it.each([
    ['en', PHONE, 'en-phone'],
    ['zh', DESKTOP, 'zh-desktop'],
    ['en', DESKTOP, 'en-desktop'],
  ] as const)('shows the photos in %s at %o, without accessibility faults', async (lang, viewport, name) => {
    // Act
    const context = await contextOf(lang, viewport);
    const { page, problems } = await openPage(context);
    await page.goto(links[0] ?? '');
    await expect.poll(() => loadedThumbs(page, 1), POLL).toBe(1);
    await shoot(page, name);

    // Assess
    expect(await page.locator('#problem-0 .photos .ph.refused').textContent()).toContain(
      REFUSAL_TEXT['not-an-image'][lang],
    );
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('uploads without script through the plain form and comes back to the page with the photo listed', async () => {
    // Prepare
    const link = links[1] ?? '';
    const context = await contextOf('zh', PHONE, false);
    const { page, problems } = await openPage(context);
    await page.goto(link);
    await page.getByLabel('问题类别').first().selectOption('signage');
    await page.getByLabel('具体情况').first().fill('指示牌缺失');

    // Act: the row's button saves the draft and opens the upload page; the file goes to the bucket
    await page.locator('#problem-0 .photos .ph-add').click();
    await page.getByRole('heading', { name: '为问题 1 上传照片' }).waitFor();
    await shoot(page, 'zh-nojs-upload-page');
    await page.locator('#file').setInputFiles([await jpeg('d.jpg')]);
    await page.getByRole('button', { name: '上传' }).click();
    await page.waitForURL(/[?&]photo=.*#ph-k[0-9a-f]{15}$/);

    // Assess: back at the problem, the typed text kept, the photo listed (checking, then ready on reload)
    expect(await page.locator('#p0-description').inputValue()).toBe('指示牌缺失');
    expect(await photosOf(page, 0).count()).toBe(1);
    expect(await photosOf(page, 0).first().textContent()).toMatch(/已收到，正在检查…|问题 1 的照片 1/);
    await shoot(page, 'zh-nojs-back');
    await expect
      .poll(async () => {
        await page.reload();
        return page.locator('#problem-0 .photos .ph.ready img').count();
      }, POLL)
      .toBe(1);
    // Nothing can be evaluated in a page without script: the thumbnail is fetched as the page names it.
    const thumb = (await page.locator('#problem-0 .photos .ph.ready img').getAttribute('src')) ?? '';
    const fetched = await fetch(thumb);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('image/jpeg');

    // Removing the row of a photo asks first, in the page itself, and keeps what was typed meanwhile.
    await page.locator('#problem-0 button.remove').click();
    await page.locator('#p0-confirm').waitFor();
    expect(await page.locator('#p0-confirm').textContent()).toContain(
      '问题 1 附有 1 张照片，删除此问题将一并删除这些照片。确定删除？',
    );
    expect(await page.locator('#p0-description').inputValue()).toBe('指示牌缺失');
    await page.locator('#p0-confirm').scrollIntoViewIfNeeded();
    await shoot(page, 'zh-nojs-remove-confirm');

    // Confirmed: the row goes with its photo; the page lists no photo any more
    await page.locator('#p0-confirm button').click();
    await page.waitForURL(/draft=saved/);
    expect(await page.locator('#p0-description').inputValue()).toBe('');
    expect(await page.locator('.photos .ph-list li').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sends a photo once, whatever the page does: two tabs on one link, a page gone before the phone let go', async () => {
    // Prepare: a problem on the second link (its last row was removed above); every slot the server was asked for counted
    const link = links[1] ?? '';
    const context = await contextOf('en');
    let slots = 0;
    context.on('requestfinished', (r) => {
      if (r.method() === 'POST' && /\/s\/[^/]+\/photos$/.test(r.url())) slots++;
    });
    const first = await openPage(context);
    await first.page.goto(link);
    await first.page.getByLabel('Category').first().selectOption('signage');
    const draft = first.page.waitForResponse((r) => r.url().includes('/draft') && r.request().method() === 'PUT');
    await first.page.getByLabel('What happened').first().fill('No sign to the hall');
    expect((await draft).status()).toBe(200);

    // Act: the first tab cannot reach the server for a slot; its photo waits on the phone. A second tab opens the link.
    await first.page.route(/\/photos$/, (route) => route.abort('internetdisconnected'));
    await first.page.locator(`${blockOf(0)} input[type=file]`).setInputFiles([await jpeg('g.jpg')]);
    await expect.poll(() => keptOnPhone(first.page), POLL).toBe(1);
    const second = await openPage(context);
    await second.page.goto(link);

    // Assess: the second tab sent it; the first, back online, finds it sent and sends nothing
    await expect.poll(() => loadedThumbs(second.page, 0), POLL).toBe(1);
    await first.page.unroute(/\/photos$/);
    await first.page.evaluate("window.dispatchEvent(new Event('online'))");
    await expect.poll(() => photosOf(first.page, 0).filter({ hasText: 'Waiting' }).count(), POLL).toBe(0);
    expect(await keptOnPhone(first.page)).toBe(0);
    expect(slots).toBe(1);
    // What happened was said to screen readers.
    expect(await second.page.locator('form [role=status].vh').textContent()).toBe('Photo of problem 1 kept');

    // Act: a photo reaches the bucket, but the page hears a failure and is closed before it let go of it
    const toBucket = (url: URL) => url.host !== new URL(link).host;
    await second.page.route(toBucket, async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      // Delivered to the bucket; the browser hears a failure (with the bucket's own CORS headers).
      const response = await route.fetch();
      await route.fulfill({ response, status: 500, body: 'failed on the way back' });
    });
    await second.page.locator(`${blockOf(0)} input[type=file]`).setInputFiles([await jpeg('h.jpg')]);
    await expect
      .poll(() => second.page.locator(`${blockOf(0)} .ph.local`).textContent(), POLL)
      .toContain('The upload failed; it will be tried again');
    expect(await keptOnPhone(second.page)).toBe(1);
    await second.page.close();
    await first.page.close();

    // Assess: opened again, the link finds the photo arrived, lets go of it, and asks for no slot
    const third = await openPage(context);
    await third.page.goto(link);
    await expect.poll(() => loadedThumbs(third.page, 0), POLL).toBe(2);
    await expect.poll(() => keptOnPhone(third.page), POLL).toBe(0);
    expect(slots).toBe(2);
    expect(await photosOf(third.page, 0).count()).toBe(2);
    expect([...first.problems, ...second.problems, ...third.problems].filter((p) => !/ERR_|500/.test(p))).toEqual([]);
    await context.close();
  });

  it('shows the photos read-only once the campaign has closed', async () => {
    // Prepare
    await closeCampaign(store, campaignId);
    const context = await contextOf('zh');
    const { page, problems } = await openPage(context);

    // Act
    await page.goto(links[0] ?? '');

    // Assess: nothing of the draft was submitted, so the photos are listed apart, read-only
    await expect.poll(() => loadedThumbs(page, 0), POLL).toBe(1);
    expect(await page.locator('main input, main button').count()).toBe(0);
    await shoot(page, 'zh-phone-closed');
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
