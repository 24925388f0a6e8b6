import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleAuth, routeConsole } from '../../../functions/console-api.ts';
import { type ConsoleUser, Unauthorized } from '../../../functions/core/access/console-access.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

/** The console's handler on a mocked table: what it refuses and what it writes. */

const ddb = mockClient(DynamoDBDocumentClient);
const def = smallCampaign();
const id = def.campaign.id;

const USERS: Record<string, ConsoleUser> = {
  'session-organizer': { sub: 'sub-org', username: 'organizer', role: 'organizer' },
  'session-leader': { sub: 'sub-lead', username: 'leader', role: 'leader' },
};
const auth: ConsoleAuth = {
  // A session whose cookie is the token itself: the table-backed sessions are tested in console-sign-in.test.ts.
  open: async (signedIn) => ({ cookie: signedIn.idToken, user: await auth.verify(signedIn.idToken) }),
  close: async () => {},
  verify: async (token) => {
    const user = USERS[token];
    if (!user) throw new Unauthorized('token expired');
    return user;
  },
  signIn: async () => {
    throw new Unauthorized('not here');
  },
  completeNewPassword: async () => {
    throw new Unauthorized('not here');
  },
  answerMfa: async () => {
    throw new Unauthorized('not here');
  },
  identify: (idToken) => auth.verify(idToken),
  beginTotp: async () => {
    throw new Unauthorized('not here');
  },
  confirmTotp: async () => {
    throw new Unauthorized('not here');
  },
};

const request = (
  method: string,
  path: string,
  init: { session?: string; form?: Record<string, string>; query?: Record<string, string> } = {},
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: `${method} /console/{proxy+}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(init.query ?? {}).toString(),
    headers: {
      host: 'console.example.gov.cn',
      ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(method === 'POST' ? { origin: 'https://console.example.gov.cn' } : {}),
    },
    cookies: [`console_session=${init.session ?? 'session-organizer'}`],
    queryStringParameters: init.query,
    body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    isBase64Encoded: false,
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' } },
  }) as unknown as APIGatewayProxyEventV2;

const meta = (over: Record<string, unknown> = {}) => ({
  campaign: def.campaign,
  status: 'open',
  definitionHash: 'h',
  loaded: true,
  createdAt: '2026-12-01T00:00:00Z',
  deadline: def.campaign.schedule.deadline,
  ...over,
});

const NOW = () => new Date('2026-12-05T00:00:00Z');

beforeEach(() => {
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'META' } }).resolves({ Item: meta() });
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'QUESTIONNAIRE' } }).resolves({
    Item: { questionnaire: def.questionnaire },
  });
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(PutCommand).resolves({});
});
afterEach(() => ddb.reset());

describe("the console's deadline", () => {
  it.each(['2026-13-45T99:99', '2026-02-30T10:00', '2026-12-20T24:00', '2026-12-20T23:60'])(
    'refuses the impossible deadline %s with a 400 and a message beside the field, changing nothing',
    async (typed) => {
      // Prepare
      const event = request('POST', `/console/campaigns/${id}/extend`, {
        form: { deadline: typed },
        query: { lang: 'en' },
      });

      // Act
      const res = await routeConsole(event, auth, NOW);

      // Assess
      expect(res.statusCode).toBe(400);
      const body = String(res.body);
      expect(body).toMatch(/<p class="error" id="deadline-error">no such date or time[^<]*<\/p><input id="deadline"/);
      expect(body).toContain(`value="${typed}"`);
      expect(body).toContain('aria-describedby="deadline-error"');
      expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    },
  );

  it('says in Chinese too what is wrong with the deadline', async () => {
    // Prepare
    const event = request('POST', `/console/campaigns/${id}/extend`, {
      form: { deadline: '2026-13-45T99:99' },
      query: { lang: 'zh' },
    });

    // Act
    const res = await routeConsole(event, auth, NOW);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(String(res.body)).toContain('没有这个日期或时间');
  });
});

describe('the audit log', () => {
  it('is not written by a HEAD of the results download, only by a GET', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'META' } }).resolves({ Item: meta({ status: 'scored' }) });
    const path = `/console/campaigns/${id}/results.csv`;

    // Act
    const heads = await Promise.all(
      [1, 2, 3].map(() => routeConsole(request('HEAD', path, { session: 'session-leader' }), auth, NOW)),
    );
    const puts = ddb.commandCalls(PutCommand).length;
    const get = await routeConsole(request('GET', path, { session: 'session-leader' }), auth, NOW);

    // Assess
    expect(heads.map((h) => h.statusCode)).toEqual([200, 200, 200]);
    expect(get.statusCode).toBe(200);
    expect(puts).toBe(0);
    const audited = ddb.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.action);
    expect(audited).toEqual(['download.csv']);
  });

  it('reads one page of at most 100 entries with one limited Query, newest first, never the whole log', async () => {
    // Prepare
    const entry = (n: number) => ({
      PK: `AUDIT#${id}`,
      SK: `2026-12-05T00:00:${String(n).padStart(2, '0')}.000Z#e${n}`,
      campaignId: id,
      id: `e${n}`,
      at: `2026-12-05T00:00:${String(n).padStart(2, '0')}.000Z`,
      actor: { sub: 's', username: 'leader', role: 'leader' },
      action: 'download.csv',
      target: id,
      detail: {},
    });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `AUDIT#${id}` } }).resolves({
      Items: Array.from({ length: 51 }, (_, i) => entry(59 - i)),
      LastEvaluatedKey: { PK: `AUDIT#${id}`, SK: entry(9).SK },
    });

    // Act
    const res = await routeConsole(
      request('GET', `/console/campaigns/${id}/audit`, { query: { lang: 'en' } }),
      auth,
      NOW,
    );

    // Assess
    expect(res.statusCode).toBe(200);
    const queries = ddb
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.ExpressionAttributeValues?.[':pk'] === `AUDIT#${id}`);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.Limit).toBeLessThanOrEqual(101);
    expect(queries[0]?.ScanIndexForward).toBe(false);
    expect(queries[0]?.ExclusiveStartKey).toBeUndefined();
    const body = String(res.body);
    expect(body.match(/<tr><td/g)).toHaveLength(50);
    const older =
      /rel="next" href="([^"]+)"/.exec(body)?.[1]?.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))) ?? '';
    expect(older).toMatch(/after=/);
    expect(body).not.toContain('rel="prev"');
    expect(Buffer.from(new URL(older, 'https://x').searchParams.get('after') ?? '', 'base64url').toString()).toBe(
      entry(10).SK,
    );
  });

  it('starts the next page after the key in the link, and offers the way back to newer entries', async () => {
    // Prepare
    const key = '2026-12-05T00:00:10.000Z#e10';
    const after = Buffer.from(key).toString('base64url');

    // Act
    const res = await routeConsole(
      request('GET', `/console/campaigns/${id}/audit`, { query: { lang: 'en', after } }),
      auth,
      NOW,
    );
    const forged = await routeConsole(
      request('GET', `/console/campaigns/${id}/audit`, {
        query: { lang: 'en', after: Buffer.from('CAMPAIGN#other').toString('base64url') },
      }),
      auth,
      NOW,
    );

    // Assess
    expect(res.statusCode).toBe(200);
    expect(forged.statusCode).toBe(200);
    const starts = ddb
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.ExpressionAttributeValues?.[':pk'] === `AUDIT#${id}`)
      .map((input) => input.ExclusiveStartKey);
    expect(starts).toEqual([{ PK: `AUDIT#${id}`, SK: key }, undefined]);
  });
});

describe('the results page', () => {
  it.each([
    [{ page: '0' }, 'pages are counted from 1'],
    [{ page: 'two' }, 'page is a page number such as 2'],
    [{ level: 'province' }, 'level is one of municipal, district, street, community'],
  ])('refuses the filter %o with a 400 saying what to fix, reading no scores', async (query, message) => {
    // Prepare
    ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'META' } }).resolves({ Item: meta({ status: 'scored' }) });
    const event = request('GET', `/console/campaigns/${id}/results`, { query: { ...query, lang: 'en' } });

    // Act
    const res = await routeConsole(event, auth, NOW);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(String(res.body)).toContain(message);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('reads the scores and the centers with one Query each and shows a page of the table', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'META' } }).resolves({ Item: meta({ status: 'published' }) });
    const event = request('GET', `/console/campaigns/${id}/results`, { query: { level: 'street', lang: 'zh' } });

    // Act
    const res = await routeConsole(event, auth, NOW);

    // Assess
    expect(res.statusCode).toBe(200);
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':p']);
    expect(queries.sort()).toEqual(['CENTER#', 'SCORE#']);
    expect(ddb.commandCalls(QueryCommand).every((c) => !('IndexName' in c.args[0].input))).toBe(true);
  });

  it('reads the overview and the one page asked for by key, and no Query, once scoring made them', async () => {
    // Prepare: a city of 120 street centers (three pages), the second page asked for
    ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'META' } }).resolves({ Item: meta({ status: 'published' }) });
    const rowOf = (i: number) => ({
      center: { id: `C${i}`, name: { zh: `第${i}中心`, en: `Center ${i}` }, level: 'street', district: '玄武区' },
      score: { centerId: `C${i}`, score: 80, rank: i, grade: 'good', ci90: null, raters: 3 },
    });
    const summary = { centers: 120, scored: 120, mean: 80, ci90: null, min: 80, max: 80 };
    const results = `CAMPAIGN#${id}#RESULTS`;
    ddb.on(GetCommand, { Key: { PK: results, SK: 'O#*' } }).resolves({
      Item: {
        overview: {
          rows: 120,
          levels: [{ level: 'street', summary }],
          districts: [{ district: '玄武区', summary }],
          best: [rowOf(1)],
          worst: [rowOf(120)],
          districtNames: ['玄武区'],
          views: { '*|*': 120, 'street|*': 120, '*|玄武区': 120, 'street|玄武区': 120 },
        },
      },
    });
    ddb.on(GetCommand, { Key: { PK: results, SK: 'T#street#*#000002' } }).resolves({
      Item: { rows: Array.from({ length: 50 }, (_, i) => rowOf(51 + i)) },
    });
    const event = request('GET', `/console/campaigns/${id}/results`, {
      query: { level: 'street', page: '2', lang: 'en' },
    });

    // Act
    const res = await routeConsole(event, auth, NOW);

    // Assess
    expect(res.statusCode).toBe(200);
    const body = String(res.body);
    expect(body).toContain('120 centers, page 2 of 3 (51–100)');
    expect(body).toContain('Center 51');
    expect(body).toContain('Center 100');
    expect(body).not.toContain('Center 101<');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    const reads = ddb
      .commandCalls(GetCommand)
      .map((c) => c.args[0].input.Key?.SK)
      .filter((sk) => String(sk).startsWith('O#') || String(sk).startsWith('T#'));
    expect(reads).toEqual(['O#*', 'T#street#*#000002']);
  });
});
