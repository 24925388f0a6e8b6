import type { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import type { RectificationItem } from '../../functions/core/findings/rectification.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { mailKindOf, type OutboxEmail } from '../../local/ses-outbox.ts';
import { totpCode } from '../../local/totp.ts';
import { phoneJpeg } from '../fixtures/photos/images.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { waitFor } from '../support/wait.ts';
import {
  launchAndOpenLinks,
  rectificationLinkOf,
  streetCampaign,
  submit,
  waitForPublication,
} from './publication-steps.ts';

/**
 * Photos where findings are judged, on the embedded cloud: a supervisor photographs a problem, the
 * official's summary counts the photos and links to them, the official sees them on the /r/ page and
 * answers with a photo of the fix, which check-photo stores; the console's center page and next month's
 * re-check show both, and no function was refused anything on the way.
 */

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;
const seen = new Set<string>();
const SERIES = 'fixphotos';

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients({ campaignCacheSeconds: 0, console: true }));
});

afterAll(async () => {
  await cloud?.close();
});

interface Slot {
  upload: { url: string; fields: Record<string, string> };
  status: string;
}

/** Posts a photo to the bucket with a slot's presigned fields, as a phone's browser does. */
const postFile = async (slot: Slot, bytes: Uint8Array): Promise<number> => {
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.upload.fields)) form.append(name, value);
  form.append('Content-Type', 'image/jpeg');
  form.append('file', new Blob([bytes], { type: 'image/jpeg' }), 'photo.jpg');
  const res = await fetch(slot.upload.url, { method: 'POST', body: form });
  await res.arrayBuffer();
  return res.status;
};

const json = { 'content-type': 'application/json', accept: 'application/json' };

/** Signs a demo console account in over HTTP: its password, then its authenticator's code when it has one. */
const consoleCookie = async (username: string): Promise<string> => {
  const account = cloud.consoleAccounts.find((a) => a.username === username);
  if (!account) throw new Error(`no demo account ${username}`);
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${cloud.urls.api}${path}?lang=zh`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: cloud.urls.api },
      body: new URLSearchParams(form).toString(),
    });
  let res = await post('/console/sign-in', { username, password: account.password });
  if (res.status === 200 && account.totpSecret) {
    const html = await res.text();
    const hidden = Object.fromEntries(
      [...html.matchAll(/type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
        m[1] ?? '',
        (m[2] ?? '').replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))),
      ]),
    );
    res = await post('/console/mfa', { ...hidden, code: totpCode(account.totpSecret) });
  }
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`${username} was not signed in (${res.status})`);
  return cookie;
};

describe('photos of findings and of fixes on the embedded cloud', () => {
  it('takes a problem photo to the official, their photo of the fix to the console and the re-check', async () => {
    // Prepare: a supervisor photographs the problem they report at C1
    const october = streetCampaign(SERIES, '2026-10');
    const first = await launchAndOpenLinks({ cloud, store, sfn }, october, seen);
    const atC1 = first.links.find((l) => l.centerId === 'C1')?.url ?? '';
    const atC2 = first.links.find((l) => l.centerId === 'C2')?.url ?? '';
    const slotRes = await fetch(`${atC1}/photos`, { method: 'POST', headers: json, body: '{"problem":0}' });
    const slot = (await slotRes.json()) as Slot;
    expect(await postFile(slot, await phoneJpeg(1600, 1200))).toBe(204);
    await waitFor('the problem photo ready', async () => {
      const res = await fetch(new URL(slot.status, atC1), { headers: { accept: 'application/json' } });
      return ((await res.json()) as { state: string }).state === 'ready' ? true : undefined;
    });
    expect(
      await submit(atC1, { badge: 'no', attitude: 2 }, [
        { category: 'signage', description: '二楼指引牌与窗口编号不一致', severity: 'minor' },
      ]),
    ).toBe(200);
    expect(await submit(atC2, { badge: 'yes', attitude: 4 })).toBe(200);

    // Act 1: published; the official of C1 reads the summary and opens the page
    const published = await waitForPublication({ cloud }, first.executionArn, seen);
    const [item] = await store.rectification.listRectificationItems(SERIES, 'C1');
    const summary = published.emails.find(
      (e) => mailKindOf(e) === 'summary' && e.destination.to[0] === october.centers[0]?.official.email,
    ) as OutboxEmail;
    const respond = rectificationLinkOf(summary) ?? '';
    const page = await fetch(respond);
    const html = await page.text();

    // Assess 1: the mail counts the photo and links to the item's card, never to the bucket
    expect(published.status).toBe('SUCCEEDED');
    expect(item).toBeDefined();
    const { id, assignmentId, supervisorId } = item as RectificationItem;
    expect(summary.body.text).toContain(`现场照片 1 张：${respond}#item-${id}`);
    expect(summary.body.html).not.toMatch(/X-Amz-|evidence\//);
    // The page shows the photo through a read URL, and nothing that names who took it
    const s3 = new URL(cloud.urls.s3 ?? '').origin;
    expect(page.headers.get('content-security-policy')).toContain(`img-src data: ${s3}`);
    expect(html).toContain('alt="问题照片 1 · Photo 1 of the problem"');
    expect(html).toMatch(new RegExp(`<img src="${s3.replace(/[.]/g, '\\.')}/[^"]+/thumb/`));
    expect(html).not.toContain(assignmentId);
    expect(html).not.toContain(supervisorId);

    // Act 2: the official answers with a photo of the fix
    const fixRes = await fetch(`${respond}/items/${id}/photos`, { method: 'POST', headers: json, body: '{}' });
    const fixSlot = (await fixRes.json()) as Slot;
    const posted = await postFile(fixSlot, await phoneJpeg(1200, 900));
    const fixed = await waitFor('the photo of the fix ready', async () => {
      const res = await fetch(new URL(fixSlot.status, respond), { headers: { accept: 'application/json' } });
      const body = (await res.json()) as { photos: { state: string; url?: string }[] };
      return body.photos[0]?.state === 'ready' ? body.photos[0] : undefined;
    });

    // Assess 2: stored under fix/, readable, and on the official's page
    expect(fixRes.status).toBe(201);
    expect(fixSlot.upload.fields.key).toMatch(new RegExp(`^incoming/${october.campaign.id}/fix/C1/${id}\\.`));
    expect(posted).toBe(204);
    expect(fixed.url).toContain(`/evidence/${october.campaign.id}/C1/fix/`);
    expect((await fetch(fixed.url ?? '')).status).toBe(200);
    expect(await (await fetch(respond)).text()).toContain('alt="整改照片 1 · Photo 1 of the fix"');

    // Act 3: the organizer opens the center's page in the console
    const cookie = await consoleCookie('organizer');
    const center = await fetch(`${cloud.urls.api}/console/campaigns/${october.campaign.id}/centers/C1?lang=en`, {
      headers: { cookie },
    });
    const centerHtml = await center.text();

    // Assess 3: before beside after
    expect(center.status).toBe(200);
    expect(center.headers.get('content-security-policy')).toContain(s3);
    expect(centerHtml).toContain('alt="Photo 1 of the problem"');
    expect(centerHtml).toContain('alt="Photo 1 of the fix"');

    // Act 4: November's supervisor at C1 opens the survey with its re-check
    const november = streetCampaign(SERIES, '2026-11');
    const second = await launchAndOpenLinks({ cloud, store, sfn }, november, seen);
    const recheck = await fetch(second.links.find((l) => l.centerId === 'C1')?.url ?? '');
    const recheckHtml = await recheck.text();

    // Assess 4: the re-check shows both, and nobody was refused anything on the way
    // The questionnaire's own policy: images (and its photo uploads) from the bucket's origin.
    const imgSrc = /(?:^|; )img-src ([^;]*)/.exec(recheck.headers.get('content-security-policy') ?? '')?.[1];
    expect(imgSrc?.split(' ')).toContain(s3);
    expect(recheckHtml).toContain('alt="问题照片 1"');
    expect(recheckHtml).toContain('alt="整改照片 1"');
    expect(cloud.iam.denied()).toEqual([]);
  }, 300_000);
});
