import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shardOf, shardPk } from '../../../functions/adapters/table/keys.ts';
import { hashToken } from '../../../functions/core/campaign/links.ts';
import { deriveRectificationToken, type RectificationItem } from '../../../functions/core/findings/rectification.ts';
import { escapeHtml } from '../../../functions/core/i18n.ts';
import { routeRectification } from '../../../functions/rectification-api.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';
import { HOSTILE } from '../../fixtures/summaries.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const def = smallCampaign();
const token = deriveRectificationToken('unit-test-link-secret-0123456789abcdef', def.campaign.id, 'C1');

const item = (id: string, over: Partial<RectificationItem> = {}): RectificationItem => ({
  id,
  series: 'test',
  campaignId: def.campaign.id,
  month: '2026-12',
  centerId: 'C1',
  category: 'waiting-time',
  description: `等候 50 分钟${HOSTILE}`,
  severity: 'serious',
  supervisorId: 'S-SECRET',
  assignmentId: 'A-SECRET',
  foundAt: '2026-12-05T00:00:00.000Z',
  notifiedOn: '2026-12-16',
  dueDate: '2099-01-06',
  state: 'open',
  reopened: 0,
  history: [],
  revision: 3,
  ...over,
});

const event = (
  method: string,
  init: { body?: string; type?: string; accept?: string; token?: string; query?: Record<string, string> } = {},
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: `${method} /r/{token}`,
    rawPath: `/r/${init.token ?? token}`,
    rawQueryString: '',
    headers: {
      ...(init.type ? { 'content-type': init.type } : {}),
      ...(init.accept ? { accept: init.accept } : {}),
    },
    queryStringParameters: init.query,
    pathParameters: { token: init.token ?? token },
    requestContext: { http: { method, path: `/r/${init.token ?? token}` } },
    body: init.body,
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

/** Photos (of findings, of fixes): none; again after each test's own Query mock, which replaces this one. */
const withoutPhotos = () =>
  ddb.on(QueryCommand, { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)' }).resolves({ Items: [] });

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

beforeEach(() => {
  vi.stubEnv('EVIDENCE_BUCKET', 'evidence-bucket');
  ddb.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: { PK: `RTOKEN#${hashToken(token)}`, SK: 'RTOKEN' } }).resolves({
    Item: { series: 'test', campaignId: def.campaign.id, centerId: 'C1' },
  });
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}`, SK: 'META' } }).resolves({
    Item: {
      campaign: def.campaign,
      status: 'published',
      definitionHash: 'h',
      loaded: true,
      createdAt: 'x',
      deadline: def.campaign.schedule.deadline,
    },
  });
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}`, SK: 'CENTER#C1' } }).resolves({
    Item: { center: def.centers[0] },
  });
  ddb.on(GetCommand, { Key: { PK: 'RECT#test', SK: 'C1#R1' } }).resolves({ Item: item('R1') });
  ddb.on(GetCommand, { Key: { PK: 'RECT#test', SK: 'C1#R2' } }).resolves({ Item: item('R2', { state: 'confirmed' }) });
  ddb.on(QueryCommand).resolves({ Items: [item('R1'), item('R2', { state: 'confirmed' })] });
  withoutPhotos();
  ddb.on(PutCommand).resolves({});
});
afterEach(() => ddb.reset());

describe('the rectification page', () => {
  it("lists the center's items with their due dates and a form each, escaping the text", async () => {
    // Act
    const res = await routeRectification(event('GET'));
    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.body).toContain('玄武区政务服务中心');
    expect(res.body).toContain('2099-01-06');
    expect(res.body).toContain('name="note"');
    expect(res.body).not.toContain(HOSTILE);
    // The page's own photo script, allowed by its hash, and nothing a description could add.
    expect(res.body?.match(/<script/g)).toHaveLength(1);
    expect(res.body).not.toMatch(/onerror=/);
    expect(res.body).not.toContain('S-SECRET');
  });

  it('answers a malformed token exactly like an unknown one', async () => {
    // Act
    const malformed = await routeRectification(event('GET', { token: 'abc' }));
    const unknown = await routeRectification(event('GET', { token: 'A'.repeat(43) }));
    // Assess
    expect(malformed.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(malformed.body).toBe(unknown.body);
  });

  it('gives the items as JSON without who found them', async () => {
    // Act
    const res = await routeRectification(event('GET', { accept: 'application/json' }));
    // Assess
    const body = JSON.parse(res.body ?? '{}') as { items: Record<string, unknown>[] };
    expect(body.items).toHaveLength(2);
    expect(res.body).not.toContain('S-SECRET');
    expect(res.body).not.toContain('A-SECRET');
  });
});

describe('what the official receives cannot single out a supervisor', () => {
  it('gives the items as JSON in the order of their ids, with dates and no times', async () => {
    // Prepare: found by two visits, the later one first in the table's order
    ddb.on(QueryCommand).resolves({
      Items: [
        item('R2', {
          foundAt: '2026-12-05T09:41:17.532Z',
          history: [{ at: '2026-12-05T09:41:17.532Z', event: 'found' }],
          report: { note: '已整改', at: '2026-12-20T17:05:09.001Z' },
          state: 'reported-fixed',
        }),
        item('R1', {
          foundAt: '2026-12-05T01:02:03.004Z',
          history: [{ at: '2026-12-05T01:02:03.004Z', event: 'found' }],
        }),
      ],
    });
    withoutPhotos();
    // Act
    const res = await routeRectification(event('GET', { accept: 'application/json' }));
    // Assess
    const body = JSON.parse(res.body ?? '{}') as { items: Record<string, unknown>[] };
    expect(body.items.map((i) => i.id)).toEqual(['R1', 'R2']);
    expect(body.items.map((i) => i.foundOn)).toEqual(['2026-12-05', '2026-12-05']);
    expect(body.items[1]?.report).toEqual({ note: '已整改', on: '2026-12-21' });
    expect(res.body).not.toMatch(/T\d\d:\d\d/);
  });

  it('shows the day an item was reported fixed, in China, without the time', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({
      Items: [item('R1', { state: 'reported-fixed', report: { note: '已整改', at: '2026-12-20T17:05:09.001Z' } })],
    });
    withoutPhotos();
    // Act
    const res = await routeRectification(event('GET'));
    // Assess
    expect(res.body).toContain('已报整改（2026-12-21）');
    expect(res.body).not.toMatch(/\d\d:\d\d:\d\d|T\d\d:\d\d/);
  });

  it('lists the draft findings for fact-check in the order of their ids, without when they were found', async () => {
    // Prepare: in fact-check; the findings as two visits left them, the later first
    const until = new Date(Date.now() + 86_400_000).toISOString();
    ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}`, SK: 'META' } }).resolves({
      Item: {
        campaign: def.campaign,
        status: 'fact-checking',
        factCheckUntil: until,
        definitionHash: 'h',
        loaded: true,
        createdAt: 'x',
        deadline: def.campaign.schedule.deadline,
      },
    });
    const finding = (id: string, description: string, foundAt: string) => ({
      campaignId: def.campaign.id,
      centerId: 'C1',
      id,
      category: 'signage',
      severity: 'minor',
      description,
      foundAt,
    });
    ddb.on(QueryCommand).resolves({ Items: [] });
    withoutPhotos();
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `CAMPAIGN#${def.campaign.id}`, ':p': 'FACTCHECK#C1#' } })
      .resolves({
        Items: [
          finding('Rb', '下午来访：导视不清', '2026-12-05T08:47:12.345Z'),
          finding('Ra', '上午来访：无人值守', '2026-12-05T01:12:13.456Z'),
        ],
      });
    // Act
    const res = await routeRectification(event('GET'));
    // Assess
    const body = res.body ?? '';
    expect(res.statusCode).toBe(200);
    expect(body.indexOf('上午来访：无人值守')).toBeGreaterThan(-1);
    expect(body.indexOf('上午来访：无人值守')).toBeLessThan(body.indexOf('下午来访：导视不清'));
    expect(body).not.toContain('08:47');
    expect(body).not.toContain('09:12');
    expect(body).not.toContain('2026-12-05');
  });
});

describe('the link once its items are closed', () => {
  const day = 86_400_000;
  const ago = (days: number) => new Date(Date.now() - days * day).toISOString();
  /** The campaign published, and every item of the center confirmed fixed `closedDaysAgo` days ago. */
  const givenAllClosed = (closedDaysAgo: number) => {
    ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}`, SK: 'META' } }).resolves({
      Item: {
        campaign: def.campaign,
        status: 'published',
        publishedAt: ago(200),
        definitionHash: 'h',
        loaded: true,
        createdAt: 'x',
        deadline: def.campaign.schedule.deadline,
      },
    });
    const confirmed = (id: string) =>
      item(id, {
        state: 'confirmed',
        lastRecheck: { campaignId: 'next', at: ago(closedDaysAgo), fixed: 2, notFixed: 0, outcome: 'confirmed' },
        history: [{ at: ago(closedDaysAgo), event: 'confirmed', campaignId: 'next' }],
      });
    ddb.on(QueryCommand).resolves({ Items: [confirmed('R1'), confirmed('R2')] });
    withoutPhotos();
  };

  it('still works within 90 days of the last item closed', async () => {
    // Prepare
    givenAllClosed(89);
    // Act
    const res = await routeRectification(event('GET'));
    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('复查确认已整改');
  });

  it('answers 410 afterwards, with a page in Chinese and English naming the organizers to ask and the usual headers', async () => {
    // Prepare
    givenAllClosed(91);
    // Act
    const res = await routeRectification(event('GET'));
    // Assess
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('链接已过期');
    expect(res.body).toContain('Link expired');
    expect(res.body).toContain('organizer@example.gov.cn');
    expect(res.body).not.toContain('等候 50 分钟');
    expect(res.headers).toMatchObject({
      'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
  });

  it('says the same as JSON when asked, and refuses a report without storing anything', async () => {
    // Prepare
    givenAllClosed(91);
    // Act
    const read = await routeRectification(event('GET', { accept: 'application/json' }));
    const report = await routeRectification(
      event('POST', { type: 'application/json', body: JSON.stringify({ item: 'R1', note: '已整改' }) }),
    );
    // Assess
    expect(read.statusCode).toBe(410);
    expect(JSON.parse(read.body ?? '{}')).toMatchObject({
      error: 'expired',
      contact: 'organizer@example.gov.cn',
      message: expect.stringContaining('请联系组织方'),
    });
    expect(JSON.parse(read.body ?? '{}')).not.toHaveProperty('items');
    expect(report.statusCode).toBe(410);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });
});

describe('reporting an item fixed', () => {
  it('records the note and moves the item to reported fixed, only if nobody changed it meanwhile', async () => {
    // Act
    const res = await routeRectification(
      event('POST', { type: 'application/x-www-form-urlencoded', body: form({ item: 'R1', note: ' 增开 2 个窗口 ' }) }),
    );
    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.headers?.location).toBe(`${token}?done=R1#item-R1`);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        PK: 'RECT#test',
        SK: 'C1#R1',
        state: 'reported-fixed',
        report: expect.objectContaining({ note: '增开 2 个窗口' }),
        revision: 4,
      }),
      ConditionExpression: 'revision = :r',
      ExpressionAttributeValues: { ':r': 3 },
    });
  });

  it('accepts JSON and answers with the new state', async () => {
    // Act
    const res = await routeRectification(
      event('POST', { type: 'application/json', body: JSON.stringify({ item: 'R1', note: '已整改' }) }),
    );
    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ item: 'R1', state: 'reported-fixed' });
  });

  it('asks for a note when none is given, next to the item, and stores nothing', async () => {
    // Act
    const res = await routeRectification(
      event('POST', { type: 'application/x-www-form-urlencoded', body: form({ item: 'R1', note: '   ' }) }),
    );
    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请填写整改说明。');
    expect(res.body).toContain('aria-invalid="true"');
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it.each([
    ['a note of more than 1,000 characters', { item: 'R1', note: 'x'.repeat(1001) }, 400],
    ['control characters', { item: 'R1', note: 'a\u0007b' }, 400],
    ['an unknown field', { item: 'R1', note: 'ok', extra: '1' }, 400],
    ['an item of another center', { item: 'R9', note: 'ok' }, 404],
    ['an item already confirmed fixed', { item: 'R2', note: 'ok' }, 409],
  ])('refuses %s', async (_what, body, status) => {
    // Act
    const res = await routeRectification(event('POST', { type: 'application/json', body: JSON.stringify(body) }));
    // Assess
    expect(res.statusCode).toBe(status);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('refuses other content types, oversized and malformed bodies without reading the item', async () => {
    // Act
    const plain = await routeRectification(event('POST', { type: 'text/plain', body: 'note=x' }));
    const huge = await routeRectification(
      event('POST', { type: 'application/json', body: JSON.stringify({ item: 'R1', note: 'x'.repeat(20_000) }) }),
    );
    const broken = await routeRectification(event('POST', { type: 'application/json', body: '{"item":' }));
    const twice = await routeRectification(
      event('POST', { type: 'application/x-www-form-urlencoded', body: 'item=R1&note=a&note=b' }),
    );
    // Assess
    expect([plain.statusCode, huge.statusCode, broken.statusCode, twice.statusCode]).toEqual([415, 413, 400, 400]);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('says to try again when the item changed at the same moment', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'changed', $metadata: {} }));
    // Act
    const res = await routeRectification(
      event('POST', { type: 'application/json', body: JSON.stringify({ item: 'R1', note: '已整改' }) }),
    );
    // Assess
    expect(res.statusCode).toBe(409);
    expect(res.body).not.toMatch(/ConditionalCheckFailed|at .*\.ts/);
  });

  it('refuses other methods', async () => {
    // Act
    const res = await routeRectification(event('DELETE'));
    // Assess
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe('GET, HEAD, POST');
  });
});

describe('photos of a fix', () => {
  const photoEvent = (method: string, itemId: string, init: { accept?: string; type?: string; body?: string } = {}) =>
    ({
      ...event(method, init),
      routeKey: `${method} /r/{token}/{proxy+}`,
      rawPath: `/r/${token}/items/${itemId}/photos`,
      pathParameters: { token, proxy: `items/${itemId}/photos` },
      requestContext: { http: { method, path: `/r/${token}/items/${itemId}/photos` } },
      headers: { host: 'survey.example.gov.cn', ...event(method, init).headers },
    }) as unknown as APIGatewayProxyEventV2;

  it('gives a script a presigned POST into incoming/<campaign>/fix/<center>/ and records the photo', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    // Act
    const res = await routeRectification(
      photoEvent('POST', 'R1', { accept: 'application/json', type: 'application/json', body: '{}' }),
    );
    // Assess
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body ?? '{}');
    expect(body.upload.fields.key).toMatch(new RegExp(`^incoming/${def.campaign.id}/fix/C1/R1\\.[a-f0-9]{24}$`));
    expect(body.status).toBe(`/r/${token}/items/R1/photos`);
    expect(ddb).toReceiveCommandWith(UpdateCommand, {
      Key: { PK: `CAMPAIGN#${def.campaign.id}#FIX`, SK: 'FIXCOUNT#C1#R1' },
    });
    expect(ddb).toReceiveCommandWith(PutCommand, {
      Item: expect.objectContaining({ PK: `CAMPAIGN#${def.campaign.id}#FIX`, itemId: 'R1', state: 'uploading' }),
    });
  });

  it('gives a plain form a page posting to the bucket only, which sends the official back to the item', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    // Act
    const res = await routeRectification(
      photoEvent('POST', 'R1', { type: 'application/x-www-form-urlencoded', body: '' }),
    );
    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-security-policy']).toContain(
      "form-action 'self' https://evidence-bucket.s3.us-east-1.amazonaws.com",
    );
    expect(res.body).toContain('type="file"');
    expect(res.body).toContain(escapeHtml(`https://survey.example.gov.cn/r/${token}?photo=R1#item-R1`));
  });

  it('refuses a seventh photo of an item, and any photo of an item closed on re-check or of another center', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'full', $metadata: {} }));
    const json = { accept: 'application/json', type: 'application/json', body: '{}' };
    // Act
    const full = await routeRectification(photoEvent('POST', 'R1', json));
    const closed = await routeRectification(photoEvent('POST', 'R2', json));
    const other = await routeRectification(photoEvent('POST', 'R9', json));
    // Assess
    expect(full.statusCode).toBe(409);
    expect(JSON.parse(full.body ?? '{}').error).toBe('item-full');
    expect(closed.statusCode).toBe(409);
    expect(other.statusCode).toBe(404);
    expect(ddb).not.toReceiveCommand(PutCommand);
  });

  it('shows the photos as found and of the fix through read URLs that name no supervisor, and lets the page load them', async () => {
    // Prepare: R1 was problem 0 of A-SECRET's response, photographed once; its fix photographed once
    ddb.on(QueryCommand).resolves({ Items: [item('R1', { problem: 0 })] });
    ddb
      .on(QueryCommand, {
        ExpressionAttributeValues: {
          ':pk': shardPk(def.campaign.id, shardOf('S-SECRET')),
          ':prefix': 'PHOTO#A-SECRET#',
        },
      })
      .resolves({
        Items: [
          {
            photoId: 'A-SECRET.05.0123456789abcdef',
            campaignId: def.campaign.id,
            assignmentId: 'A-SECRET',
            centerId: 'C1',
            supervisorId: 'S-SECRET',
            problem: 0,
            state: 'ready',
            createdAt: '2026-12-05T00:00:00Z',
            slotExpiresAt: '2026-12-05T00:10:00Z',
            updatedAt: '2026-12-05T00:01:00Z',
            capturedAt: '2026-12-05T09:31:07',
          },
        ],
      });
    ddb
      .on(QueryCommand, {
        ExpressionAttributeValues: { ':pk': `CAMPAIGN#${def.campaign.id}#FIX`, ':prefix': 'FIX#C1#' },
      })
      .resolves({
        Items: [
          {
            photoId: 'R1.0123456789abcdef',
            campaignId: def.campaign.id,
            centerId: 'C1',
            itemId: 'R1',
            state: 'ready',
            createdAt: '2026-12-20T00:00:00Z',
            slotExpiresAt: '2026-12-20T00:10:00Z',
            updatedAt: '2026-12-20T00:01:00Z',
          },
        ],
      });
    // Act
    const res = await routeRectification(event('GET'));
    // Assess
    expect(res.statusCode).toBe(200);
    const csp = res.headers?.['content-security-policy'] ?? '';
    expect(csp).toContain('img-src data: https://evidence-bucket.s3.us-east-1.amazonaws.com');
    expect(csp).toContain("connect-src 'self' https://evidence-bucket.s3.us-east-1.amazonaws.com");
    expect(res.body).toContain('alt="问题照片 1 · Photo 1 of the problem"');
    expect(res.body).toContain('alt="整改照片 1 · Photo 1 of the fix"');
    expect(res.body).toContain('/fix/R1.0123456789abcdef.jpg');
    expect(res.body).not.toMatch(/A-SECRET|S-SECRET|09:31/);
  });
});
