import { createHash } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleAuth, routeConsole } from '../../../functions/console-api.ts';
import { Unauthorized } from '../../../functions/core/access/console-access.ts';
import { deriveToken, hashToken } from '../../../functions/core/campaign/links.ts';
import { deriveRectificationToken, type RectificationItem } from '../../../functions/core/findings/rectification.ts';
import { routeRectification } from '../../../functions/rectification-api.ts';
import { routeSurvey } from '../../../functions/survey-api.ts';
import { campaignMetaOf, givenSurveyItems, smallCampaign, tokenItemOf } from '../../fixtures/campaign.ts';

/** Every page the three web functions serve, error pages included, carries the same protections. */

const ddb = mockClient(DynamoDBDocumentClient);
const def = smallCampaign();
const id = def.campaign.id;
const SECRET = 'unit-test-link-secret-0123456789abcdef';
const surveyToken = deriveToken(SECRET, id, 'A1');
const rToken = deriveRectificationToken(SECRET, id, 'C1');

const event = (
  method: string,
  path: string,
  init: {
    pathParameters?: Record<string, string>;
    session?: string;
    accept?: string;
    body?: string;
    type?: string;
  } = {},
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'supervision.example.gov.cn',
      'x-forwarded-proto': 'https',
      ...(init.accept ? { accept: init.accept } : {}),
      ...(init.type ? { 'content-type': init.type } : {}),
      ...(method === 'POST' ? { origin: 'https://supervision.example.gov.cn' } : {}),
    },
    ...(init.session ? { cookies: [`console_session=${init.session}`] } : {}),
    pathParameters: init.pathParameters,
    body: init.body,
    isBase64Encoded: false,
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 't' } },
  }) as unknown as APIGatewayProxyEventV2;

const auth: ConsoleAuth = {
  // A session whose cookie is the token itself: the table-backed sessions are tested in console-sign-in.test.ts.
  open: async (signedIn) => ({ cookie: signedIn.idToken, user: await auth.verify(signedIn.idToken) }),
  close: async () => {},
  verify: async (token) => {
    if (token === 'organizer') return { sub: 's', username: 'organizer', role: 'organizer' };
    if (token === 'coordinator') return { sub: 'c', username: 'coordinator', role: 'coordinator', district: '玄武' };
    throw new Unauthorized('expired');
  },
  signIn: async () => {
    throw new Unauthorized('wrong password');
  },
  completeNewPassword: async () => {
    throw new Unauthorized('no');
  },
  answerMfa: async () => {
    throw new Unauthorized('no');
  },
  identify: (idToken) => auth.verify(idToken),
  beginTotp: async () => {
    throw new Unauthorized('no');
  },
  confirmTotp: async () => {
    throw new Unauthorized('no');
  },
};

const item: RectificationItem = {
  id: 'R1',
  series: 'test',
  campaignId: id,
  month: '2026-12',
  centerId: 'C1',
  category: 'waiting-time',
  description: '等候 50 分钟',
  severity: 'serious',
  supervisorId: 'S1',
  assignmentId: 'A1',
  foundAt: '2026-12-05T00:00:00.000Z',
  notifiedOn: '2026-12-16',
  dueDate: '2099-01-06',
  state: 'open',
  reopened: 0,
  history: [],
  revision: 0,
};

beforeEach(() => {
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'META' } }).resolves({ Item: campaignMetaOf(def) });
  const tokenItem = tokenItemOf(def, surveyToken);
  ddb.on(GetCommand, { Key: { PK: tokenItem.PK, SK: 'TOKEN' } }).resolves({ Item: tokenItem });
  givenSurveyItems(ddb, def);
  ddb.on(GetCommand, { Key: { PK: `RTOKEN#${hashToken(rToken)}`, SK: 'RTOKEN' } }).resolves({
    Item: { series: 'test', campaignId: id, centerId: 'C1' },
  });
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'RECT#test' } }).resolves({ Items: [item] });
  // The survey's JSON lists the response's photos: none here.
  ddb.on(QueryCommand).resolves({ Items: [] });
});
afterEach(() => ddb.reset());

const s = { pathParameters: { token: surveyToken } };
const r = { pathParameters: { token: rToken } };
const PAGES: [string, () => Promise<APIGatewayProxyStructuredResultV2>][] = [
  ['the survey form', () => routeSurvey(event('GET', `/s/${surveyToken}`, s))],
  ['the survey as JSON', () => routeSurvey(event('GET', `/s/${surveyToken}`, { ...s, accept: 'application/json' }))],
  ['an unknown survey link', () => routeSurvey(event('GET', '/s/x', { pathParameters: { token: 'x' } }))],
  ['a survey method not allowed', () => routeSurvey(event('DELETE', `/s/${surveyToken}`, s))],
  [
    'a survey submission refused',
    () => routeSurvey(event('POST', `/s/${surveyToken}`, { ...s, type: 'text/plain', body: 'x' })),
  ],
  ['the rectification page', () => routeRectification(event('GET', `/r/${rToken}`, r))],
  [
    'the rectification items as JSON',
    () => routeRectification(event('GET', `/r/${rToken}`, { ...r, accept: 'application/json' })),
  ],
  ['an unknown rectification link', () => routeRectification(event('GET', '/r/x', { pathParameters: { token: 'x' } }))],
  ['a rectification method not allowed', () => routeRectification(event('PUT', `/r/${rToken}`, r))],
  ['the console sign-in page', () => routeConsole(event('GET', '/console/sign-in'), auth)],
  ['a console redirect to sign in', () => routeConsole(event('GET', '/console'), auth)],
  ['the console campaign list', () => routeConsole(event('GET', '/console', { session: 'organizer' }), auth)],
  ['a console page not found', () => routeConsole(event('GET', '/console/nowhere', { session: 'organizer' }), auth)],
  [
    'a console page forbidden',
    () => routeConsole(event('GET', `/console/campaigns/${id}/audit`, { session: 'coordinator' }), auth),
  ],
];

const inlineHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('security headers', () => {
  it.each(PAGES)(
    'protects %s: HSTS for a year with subdomains, a policy without unsafe-inline, no inline styles',
    async (_, serve) => {
      // Act
      const res = await serve();

      // Assess
      const headers = Object.fromEntries(
        Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      const hsts = /max-age=(\d+)/.exec(headers['strict-transport-security'] ?? '');
      expect(Number(hsts?.[1])).toBeGreaterThanOrEqual(31_536_000);
      expect(headers['strict-transport-security']).toContain('includeSubDomains');
      const csp = headers['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(headers['x-content-type-options']).toBe('nosniff');
      const body = String(res.body ?? '');
      if ((headers['content-type'] ?? '').startsWith('text/html')) {
        expect(body).not.toMatch(/\sstyle=/i);
        expect(body).not.toMatch(/\son[a-z]+=/i);
        for (const [, css] of body.matchAll(/<style>([\s\S]*?)<\/style>/g))
          expect(csp).toContain(inlineHash(css ?? ''));
        for (const [, js] of body.matchAll(/<script>([\s\S]*?)<\/script>/g))
          expect(csp).toContain(inlineHash(js ?? ''));
      }
    },
  );

  it('covers pages of every function, answered and refused', async () => {
    // Act
    const statuses = await Promise.all(PAGES.map(([, serve]) => serve().then((res) => res.statusCode)));

    // Assess
    expect(new Set(statuses)).toEqual(new Set([200, 303, 403, 404, 405, 415]));
  });
});
