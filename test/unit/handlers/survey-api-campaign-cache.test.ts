import { SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deriveToken, hashToken } from '../../../functions/core/campaign/links.ts';
import { campaignMetaOf, givenSurveyItems, smallCampaign, tokenItemOf } from '../../fixtures/campaign.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

const def = smallCampaign();
const token = deriveToken('unit-test-link-secret-0123456789abcdef', def.campaign.id, 'A1');
const metaKey = { PK: `CAMPAIGN#${def.campaign.id}`, SK: 'META' };
const meta = (status: 'open' | 'closed') => campaignMetaOf(def, { status });

const submit = (attitude: number): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: 'POST /s/{token}',
  rawPath: `/s/${token}`,
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  pathParameters: { token },
  requestContext: {
    http: { method: 'POST', path: `/s/${token}`, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 't' },
  } as APIGatewayProxyEventV2['requestContext'],
  body: JSON.stringify({ badge: true, attitude }),
  isBase64Encoded: false,
});

const metaReads = () => ddb.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.SK === 'META').length;

let routeSurvey: (event: APIGatewayProxyEventV2) => Promise<{ statusCode?: number }>;
const start = Date.parse('2026-12-10T09:00:00Z');

beforeAll(async () => {
  // The handler reads its cache time at load (this file runs in its own process).
  vi.stubEnv('CAMPAIGN_CACHE_SECONDS', '5');
  ({ routeSurvey } = await import('../../../functions/survey-api.ts'));
});
afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(start);
  ddb.reset();
  sfn.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  // The review queue's entries of each submission.
  ddb.on(BatchWriteCommand).resolves({});
  ddb
    .on(GetCommand, { Key: { PK: `TOKEN#${hashToken(token)}`, SK: 'TOKEN' } })
    .resolves({ Item: tokenItemOf(def, token) });
  givenSurveyItems(ddb, def);
  ddb.on(UpdateCommand).resolves({ Attributes: { version: 2 } });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Writes of the response itself: the review queue's entries and counts are written apart. */
const responseWrites = () =>
  ddb.commandCalls(UpdateCommand).filter((c) => String(c.args[0].input.Key?.SK ?? '').startsWith('RESPONSE#'));

describe('the campaign status a survey container keeps', () => {
  it('is read once for the submissions within its cache time, so an edit costs one write of the response (and its queue entries)', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: metaKey }).resolves({ Item: meta('open') });
    // Act
    const statuses = [];
    for (let i = 1; i <= 3; i++) {
      statuses.push((await routeSurvey(submit(i))).statusCode);
      vi.setSystemTime(start + i * 1_000);
    }
    // Assess
    expect(statuses).toEqual([200, 200, 200]);
    expect(metaReads()).toBe(1);
    expect(responseWrites()).toHaveLength(3);
  });

  it('is read again after its cache time, and a close seen then refuses answers with 410', async () => {
    // Prepare: this container read the campaign while open, then the campaign closed.
    ddb.on(GetCommand, { Key: metaKey }).resolves({ Item: meta('open') });
    await routeSurvey(submit(4));
    ddb.on(GetCommand, { Key: metaKey }).resolves({ Item: meta('closed') });
    const writesBefore = responseWrites().length;
    // Act
    vi.setSystemTime(start + 5_001);
    const res = await routeSurvey(submit(5));
    // Assess
    expect(res.statusCode).toBe(410);
    expect(responseWrites()).toHaveLength(writesBefore);
  });

  it('is not kept when reading it failed', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: metaKey }).rejectsOnce(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    vi.setSystemTime(start + 60_000);
    // Act
    const failed = await routeSurvey(submit(3));
    ddb.on(GetCommand, { Key: metaKey }).resolves({ Item: meta('open') });
    const retried = await routeSurvey(submit(3));
    // Assess
    expect(failed.statusCode).toBe(503);
    expect(retried.statusCode).toBe(200);
  });
});
