import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { addWorkingDays, chinaDate } from '../../functions/core/campaign/working-days.ts';
import {
  RECHECK_PREFIX,
  type RectificationItem,
  rectificationItemId,
} from '../../functions/core/findings/rectification.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { mailKindOf, type OutboxEmail } from '../../local/ses-outbox.ts';
import { HOSTILE } from '../fixtures/summaries.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { waitFor } from '../support/wait.ts';
import {
  launchAndOpenLinks,
  rectificationLinkOf,
  type SurveyView,
  streetCampaign,
  submit,
  waitForPublication,
} from './publication-steps.ts';

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;
const seen = new Set<string>();
const SERIES = 'loop';

const summaryTo = (emails: readonly OutboxEmail[], to: string) =>
  emails.find((e) => mailKindOf(e) === 'summary' && e.destination.to[0] === to);

const linkAt = (links: readonly SurveyView[], centerId: string): SurveyView => {
  const link = links.find((l) => l.centerId === centerId);
  if (!link) throw new Error(`no assignment at ${centerId}`);
  return link;
};

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients());
});

afterAll(async () => {
  await cloud?.close();
});

describe('the rectification loop across two campaigns of a city', () => {
  it("turns problems into items, takes the official's report, re-checks them next month, confirms or reopens them", async () => {
    // Prepare: October's campaign; its supervisors find three problems at the two centers
    const october = streetCampaign(SERIES, '2026-10');
    const [c1, c2] = october.centers as [(typeof october.centers)[number], (typeof october.centers)[number]];
    const first = await launchAndOpenLinks({ cloud, store, sfn }, october, seen);
    expect(
      await submit(
        linkAt(first.links, 'C1').url,
        { badge: 'no', attitude: 2, note: '窗口前排队混乱，电话 13912345678' },
        [
          { category: 'waiting-time', description: '取号后等候 50 分钟', severity: 'serious' },
          { category: 'extra-documents', description: `要求清单外材料${HOSTILE}`, severity: 'critical' },
        ],
      ),
    ).toBe(200);
    expect(
      await submit(linkAt(first.links, 'C2').url, { badge: 'yes', attitude: 4 }, [
        { category: 'signage', description: '导视标识不清', severity: 'minor' },
      ]),
    ).toBe(200);

    // Act 1: every assignment is answered, so the campaign closes, is scored and published at once
    const published = await waitForPublication({ cloud }, first.executionArn, seen);

    // Assess 1: items with due dates 15 working days out, in the officials' summaries with their link
    expect(published.status).toBe('SUCCEEDED');
    const due = addWorkingDays(chinaDate(new Date()), 15);
    const items = await store.rectification.listRectificationItems(SERIES);
    expect(items.map((i) => [i.centerId, i.category, i.state, i.dueDate]).sort()).toEqual([
      ['C1', 'extra-documents', 'open', due],
      ['C1', 'waiting-time', 'open', due],
      ['C2', 'signage', 'open', due],
    ]);
    const summary1 = summaryTo(published.emails, c1.official.email);
    expect(summary1?.body.html).toContain('取号后等候 50 分钟');
    expect(summary1?.body.html).toContain(`整改期限 <strong data-testid="due">${due}</strong>`);
    expect(summary1?.body.html).not.toContain(HOSTILE);
    expect(summary1?.body.html).toContain('［电话已隐去］');
    const respond = rectificationLinkOf(summary1 as OutboxEmail);
    expect(respond).toBeDefined();
    // Ids keyed per campaign: nobody computes them from the campaign and its assignment ids
    for (const item of items)
      expect([0, 1].map((n) => rectificationItemId(item.campaignId, item.assignmentId, n))).not.toContain(item.id);
    const asJson = await (await fetch(respond as string, { headers: { accept: 'application/json' } })).text();
    expect(asJson).toContain('"foundOn"');
    expect(asJson).not.toMatch(/T\d\d:\d\d/);

    // Act 2: the official of C1 opens the link and reports the waiting-time item fixed
    const page = await fetch(respond as string);
    const waiting = items.find((i) => i.category === 'waiting-time') as RectificationItem;
    const documents = items.find((i) => i.category === 'extra-documents') as RectificationItem;
    const signage = items.find((i) => i.category === 'signage') as RectificationItem;
    const report = await fetch(respond as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ item: waiting.id, note: '高峰期增开两个窗口，启用预约取号。' }).toString(),
      redirect: 'manual',
    });
    const after = await (await fetch(`${respond}?done=${waiting.id}`)).text();

    // Assess 2
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('取号后等候 50 分钟');
    expect(html).not.toContain('导视标识不清');
    expect(report.status).toBe(303);
    expect(after).toContain('已收到整改报告');
    expect(after).toContain('高峰期增开两个窗口，启用预约取号。');
    expect((await store.rectification.getRectificationItem(SERIES, 'C1', waiting.id))?.state).toBe('reported-fixed');

    // Act 3: November's campaign of the same city; three weeks have passed for C2's item
    const november = streetCampaign(SERIES, '2026-11');
    const second = await launchAndOpenLinks({ cloud, store, sfn }, november, seen);
    await backdate(signage, '2026-10-30');
    const atC1 = linkAt(second.links, 'C1');
    const atC2 = linkAt(second.links, 'C2');

    // Assess 3: re-check questions are asked at their own center only
    const recheckIds = (view: SurveyView) =>
      view.questionnaire.sections
        .flatMap((s) => s.questions)
        .map((q) => q.id)
        .filter((id) => id.startsWith(RECHECK_PREFIX));
    expect(recheckIds(atC1).sort()).toEqual(
      [`${RECHECK_PREFIX}${documents.id}`, `${RECHECK_PREFIX}${waiting.id}`].sort(),
    );
    expect(recheckIds(atC2)).toEqual([`${RECHECK_PREFIX}${signage.id}`]);
    const surveyPage = await (await fetch(atC1.url)).text();
    expect(surveyPage).toContain('整改复查');
    expect(surveyPage).toContain('取号后等候 50 分钟');
    // Beside the re-check, what C1's official reported, read fresh from the items.
    expect(surveyPage).toContain('高峰期增开两个窗口，启用预约取号。');
    expect(surveyPage).toContain('已报整改');
    expect(surveyPage).not.toContain('导视标识不清');

    // Act 4: the supervisor at C1 sees the waiting time fixed but the extra documents still asked for;
    // the supervisor at C2 cannot tell (not applicable)
    expect(
      await submit(atC1.url, {
        badge: 'yes',
        attitude: 4,
        [`${RECHECK_PREFIX}${waiting.id}`]: 'yes',
        [`${RECHECK_PREFIX}${documents.id}`]: 'no',
      }),
    ).toBe(200);
    expect(await submit(atC2.url, { badge: 'yes', attitude: 5, [`${RECHECK_PREFIX}${signage.id}`]: 'na' })).toBe(200);
    const publishedAgain = await waitForPublication({ cloud }, second.executionArn, seen);

    // Assess 4: confirmed, reopened with a new period, overdue; the summaries count them
    expect(publishedAgain.status).toBe('SUCCEEDED');
    const now = await store.rectification.listRectificationItems(SERIES);
    const byId = new Map(now.map((i) => [i.id, i]));
    expect(byId.get(waiting.id)).toMatchObject({
      state: 'confirmed',
      lastRecheck: { campaignId: november.campaign.id, fixed: 1, notFixed: 0 },
    });
    expect(byId.get(documents.id)).toMatchObject({ state: 'open', reopened: 1, dueDate: due });
    expect(byId.get(signage.id)).toMatchObject({ state: 'open', reopened: 0, dueDate: '2026-10-30' });
    const summaryC1 = summaryTo(publishedAgain.emails, c1.official.email)?.body.html ?? '';
    expect(summaryC1).toContain('待整改 1 · 已逾期 0 · 已报整改 0 · 复查销号 1');
    expect(summaryC1).toContain('复查未通过');
    expect(summaryC1).toMatch(/较上月上升 ▲ \d+\.\d 分/);
    const summaryC2 = summaryTo(publishedAgain.emails, c2.official.email)?.body.html ?? '';
    expect(summaryC2).toContain('待整改 0 · 已逾期 1');
    expect(summaryC2).toMatch(/>已逾期<\/span>/);
    const city = publishedAgain.emails.find((e) => mailKindOf(e) === 'city-summary');
    expect(city?.body.html).toContain('data-testid="overdue"');
    expect(city?.body.html).toContain('2026-10-30');
    expect(city?.body.html).toContain('整改事项 待整改 1 · 已逾期 1 · 已报整改 0 · 复查销号 1');

    // Act 5: 31 days after October's results were published (its recorded publication moved back)
    expect((await store.campaigns.getMeta(october.campaign.id)).publishedAt).toBeDefined();
    await updateItem(
      { PK: `CAMPAIGN#${october.campaign.id}`, SK: 'META' },
      'SET publishedAt = :p',
      new Date(Date.now() - 31 * 86_400_000).toISOString(),
    );
    const octoberSurvey = linkAt(first.links, 'C1').url;
    const expired = await waitFor(
      'the October survey link to expire',
      async () => {
        const res = await fetch(octoberSurvey);
        return res.status === 410 ? res : undefined;
      },
      10_000,
    );

    // Assess 5: the survey link says whom to ask; the official's link of October, one item still open, works
    const expiredPage = await expired.text();
    expect(expiredPage).toContain('链接已过期');
    expect(expiredPage).toContain(october.campaign.organizers[0]);
    expect(expired.headers.get('strict-transport-security')).toContain('max-age=');
    expect(expired.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(respond as string)).status).toBe(200);
  });
});

/** Sets one attribute of an item directly in the table, as if time had passed. */
const updateItem = async (Key: { PK: string; SK: string }, UpdateExpression: string, value: string) => {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: cloud.urls.dynamodb,
      region: cloud.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  try {
    await db.send(
      new UpdateCommand({
        TableName: cloud.tableName,
        Key,
        UpdateExpression,
        ExpressionAttributeValues: { ':p': value },
      }),
    );
  } finally {
    db.destroy();
  }
};

/** Moves an item's due date into the past, as if weeks had gone by. */
const backdate = (item: RectificationItem, dueDate: string) =>
  updateItem({ PK: `RECT#${item.series}`, SK: `${item.centerId}#${item.id}` }, 'SET dueDate = :p', dueDate);
