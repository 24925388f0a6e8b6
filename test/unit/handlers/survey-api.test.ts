import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routeSurvey } from '../../../functions/survey-api.ts';
import { deriveToken, hashToken } from '../../../functions/core/links.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

const def = smallCampaign();
const token = deriveToken('unit-test-link-secret-0123456789abcdef', def.campaign.id, 'A1');
const tokenItem = { PK: `TOKEN#${hashToken(token)}`, SK: 'TOKEN', id: 'A1', campaignId: def.campaign.id, supervisorId: 'S1', centerId: 'C1', activity: 'experiential', shard: 3 };
const meta = (over: Record<string, unknown> = {}) => ({
  campaign: def.campaign, status: 'open', definitionHash: 'h', loaded: true, createdAt: '2026-12-01T00:00:00Z',
  deadline: def.campaign.schedule.deadline, total: 4, answered: 3, supervisors: 2, centers: 2, remindersSent: 0, taskToken: 'tt-1', ...over,
});

const event = (method: string, path: string, init: { body?: string; type?: string; accept?: string; query?: Record<string, string> } = {}): APIGatewayProxyEventV2 => {
  const parts = path.split('/');
  return {
    version: '2.0', routeKey: `${method} /s/{token}`, rawPath: path, rawQueryString: '',
    headers: { ...(init.type ? { 'content-type': init.type } : {}), ...(init.accept ? { accept: init.accept } : {}) },
    queryStringParameters: init.query,
    pathParameters: { token: parts[2] ?? '' },
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 't' } } as APIGatewayProxyEventV2['requestContext'],
    body: init.body, isBase64Encoded: false,
  };
};

const writes = () => [...ddb.commandCalls(PutCommand), ...ddb.commandCalls(UpdateCommand)];

const givenOpenCampaign = (metaOver: Record<string, unknown> = {}) => {
  ddb.on(GetCommand, { Key: { PK: tokenItem.PK, SK: 'TOKEN' } }).resolves({ Item: tokenItem });
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}`, SK: 'META' } }).resolves({ Item: meta(metaOver) });
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}`, SK: 'QUESTIONNAIRE' } }).resolves({ Item: { questionnaire: def.questionnaire } });
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}`, SK: 'CENTER#C1' } }).resolves({ Item: { center: def.centers[0] } });
};

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('GET /s/{token}', () => {
  it('shows the questionnaire for a known token, in Chinese by default', async () => {
    // Prepare
    givenOpenCampaign();
    // Act
    const res = await routeSurvey(event('GET', `/s/${token}`));
    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('测试督查月');
    expect(res.body).toContain('玄武区政务服务中心');
    expect(res.body).toContain('name="attitude"');
    expect(res.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('answers a malformed token exactly like an unknown one', async () => {
    // Act
    const malformed = await routeSurvey(event('GET', '/s/not-a-token'));
    const unknown = await routeSurvey(event('GET', `/s/${'x'.repeat(43)}`));
    // Assess
    expect(malformed.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(malformed.body).toBe(unknown.body);
  });
});

describe('POST /s/{token}', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  it('stores a valid submission as version 1 and counts the assignment answered', async () => {
    // Prepare
    givenOpenCampaign();
    ddb.on(UpdateCommand).resolves({ Attributes: meta({ answered: 4 }) });
    // Act
    const res = await routeSurvey(event('POST', `/s/${token}`, { type: 'application/x-www-form-urlencoded', body: form({ badge: 'yes', attitude: '4', submissionId: 'sub-00000001' }) }));
    // Assess
    expect(res.statusCode).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ SK: 'RESPONSEV#A1#000001', version: 1, answers: { badge: true, attitude: 4 } }),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ SK: 'RESPONSE#A1', version: 1 }) });
  });

  it('wakes the workflow when the last open assignment is answered', async () => {
    // Prepare
    givenOpenCampaign();
    ddb.on(UpdateCommand).resolves({ Attributes: meta({ answered: 4 }) });
    // Act
    await routeSurvey(event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: true, attitude: 5 }) }));
    // Assess
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'tt-1' });
  });

  it('does not wake the workflow while other assignments are open', async () => {
    // Prepare
    givenOpenCampaign();
    ddb.on(UpdateCommand).resolves({ Attributes: meta({ answered: 2 }) });
    // Act
    await routeSurvey(event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: true, attitude: 5 }) }));
    // Assess
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('rejects invalid answers with 400 naming each field, storing nothing', async () => {
    // Prepare
    givenOpenCampaign();
    // Act
    const res = await routeSurvey(event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: 'perhaps', attitude: 9, bogus: 1 }) }));
    // Assess
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body ?? '{}') as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field).sort()).toEqual(['attitude', 'badge', 'bogus']);
    expect(writes()).toHaveLength(0);
  });

  it('refuses answers after the campaign closed with 410, storing nothing', async () => {
    // Prepare
    givenOpenCampaign({ status: 'closed' });
    // Act
    const res = await routeSurvey(event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: true, attitude: 5 }) }));
    // Assess
    expect(res.statusCode).toBe(410);
    expect(writes()).toHaveLength(0);
  });

  it('answers 404 for an unknown token, storing nothing', async () => {
    // Act
    const res = await routeSurvey(event('POST', `/s/${'y'.repeat(43)}`, { type: 'application/json', body: '{}' }));
    // Assess
    expect(res.statusCode).toBe(404);
    expect(writes()).toHaveLength(0);
  });

  it('refuses a wrong content type with 415 and an oversize body with 413', async () => {
    // Act
    const wrongType = await routeSurvey(event('POST', `/s/${token}`, { type: 'text/plain', body: 'hi' }));
    const huge = await routeSurvey(event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ note: 'x'.repeat(70_000) }) }));
    // Assess
    expect(wrongType.statusCode).toBe(415);
    expect(huge.statusCode).toBe(413);
    expect(writes()).toHaveLength(0);
  });

  it('keeps both versions when two edits race: the loser retries as the next version', async () => {
    // Prepare
    givenOpenCampaign();
    ddb.on(QueryCommand).resolvesOnce({ Items: [] }).resolves({
      Items: [{ campaignId: def.campaign.id, assignmentId: 'A1', supervisorId: 'S1', centerId: 'C1', activity: 'experiential', version: 1, submittedAt: '2026-12-02T00:00:00Z', answers: { badge: false, attitude: 1 }, submissionId: 'other-000001' }],
    });
    ddb.on(PutCommand, { ConditionExpression: 'attribute_not_exists(PK)' })
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }))
      .resolves({});
    ddb.on(UpdateCommand).resolves({ Attributes: meta() });
    // Act
    const res = await routeSurvey(event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: true, attitude: 5 }) }));
    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ saved: true, version: 2 });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ SK: 'RESPONSEV#A1#000002' }) });
  });

  it('answers 503 with Retry-After when the store is unavailable', async () => {
    // Prepare
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
    ddb.on(GetCommand).rejects(throttled);
    // Act
    const res = await routeSurvey(event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: true, attitude: 5 }) }));
    // Assess
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(res.body).not.toContain('ProvisionedThroughput');
  });
});
