import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignMeta } from '../../../functions/core/campaign/lifecycle.ts';
import { deriveToken } from '../../../functions/core/campaign/links.ts';
import { routeSurvey } from '../../../functions/survey-api.ts';
import { campaignMetaOf, givenSurveyItems, smallCampaign, tokenItemOf } from '../../fixtures/campaign.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

const def = smallCampaign();
const token = deriveToken('unit-test-link-secret-0123456789abcdef', def.campaign.id, 'A1');
const tokenItem = tokenItemOf(def, token);
const meta = (over: Partial<CampaignMeta> = {}) => campaignMetaOf(def, { answered: 3, taskToken: 'tt-1', ...over });

const event = (
  method: string,
  path: string,
  init: { body?: string; type?: string; accept?: string; language?: string; query?: Record<string, string> } = {},
): APIGatewayProxyEventV2 => {
  const parts = path.split('/');
  return {
    version: '2.0',
    routeKey: `${method} /s/{token}`,
    rawPath: path,
    rawQueryString: '',
    headers: {
      ...(init.type ? { 'content-type': init.type } : {}),
      ...(init.accept ? { accept: init.accept } : {}),
      ...(init.language ? { 'accept-language': init.language } : {}),
    },
    queryStringParameters: init.query,
    pathParameters: { token: parts[2] ?? '', ...(parts[3] ? { proxy: parts.slice(3).join('/') } : {}) },
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 't' },
    } as APIGatewayProxyEventV2['requestContext'],
    body: init.body,
    isBase64Encoded: false,
  };
};

const writes = () => [...ddb.commandCalls(PutCommand), ...ddb.commandCalls(UpdateCommand)];
/** Writes of the response itself: the review queue's entries and counts are written apart (`#QUEUE`). */
const responseWrites = () =>
  writes().filter((c) => {
    const input = c.args[0].input as { Key?: { PK?: unknown }; Item?: { PK?: unknown } };
    return !String(input.Key?.PK ?? input.Item?.PK ?? '').endsWith('#QUEUE');
  });

const givenOpenCampaign = (metaOver: Record<string, unknown> = {}) => {
  ddb.on(GetCommand, { Key: { PK: tokenItem.PK, SK: 'TOKEN' } }).resolves({ Item: tokenItem });
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}`, SK: 'META' } }).resolves({ Item: meta(metaOver) });
  givenSurveyItems(ddb, def);
};

/** The response's UpdateItem stores `version`: it answers with the version it replaced (none for the first). */
const givenResponseVersion = (version: number) =>
  ddb
    .on(UpdateCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}#S03`, SK: 'RESPONSE#A1' } })
    .resolves(version > 1 ? { Attributes: { version: version - 1 } } : {});

/**
 * An earlier attempt already stored the submission as the last of `history` (oldest first): the
 * response's UpdateItem fails its condition and the item read back holds that version.
 */
const givenAlreadyStored = (
  history: { submittedAt: string; answers: Record<string, unknown>; submissionId: string }[],
) => {
  const latest = history.at(-1);
  ddb
    .on(UpdateCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}#S03`, SK: 'RESPONSE#A1' } })
    .rejects(new ConditionalCheckFailedException({ message: 'seen', $metadata: {} }));
  ddb
    .on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}#S03`, SK: 'RESPONSE#A1' } })
    .resolves({ Item: { ...tokenItem, assignmentId: 'A1', version: history.length, ...latest, history } });
};

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(BatchWriteCommand).resolves({});
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

  it('stores a valid submission as version 1 in one write and shows the confirmation', async () => {
    // Prepare
    givenOpenCampaign();
    givenResponseVersion(1);
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, {
        type: 'application/x-www-form-urlencoded',
        body: form({ badge: 'yes', attitude: '4', submissionId: 'sub-00000001' }),
      }),
    );
    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.headers?.location).toBe(`${token}?lang=zh&view=confirmation`);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { PK: `CAMPAIGN#${def.campaign.id}#S03`, SK: 'RESPONSE#A1' },
      ConditionExpression: expect.stringContaining('NOT contains(submissionIds, :sid)'),
      ExpressionAttributeValues: expect.objectContaining({
        ':ans': { badge: true, attitude: 4 },
        ':entry': [expect.objectContaining({ answers: { badge: true, attitude: 4 }, submissionId: 'sub-00000001' })],
      }),
    });
    expect(responseWrites()).toHaveLength(1);
    // Then listed in the review queue, pending, under its four keys: the city key put only where there was
    // none, which moves the district's pending count by one; the other three in a batch.
    const queue = `CAMPAIGN#${def.campaign.id}#QUEUE`;
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ PK: queue, SK: 'A#0n#C1#A1', status: 'pending', version: 1 }),
      ConditionExpression: 'attribute_not_exists(SK)',
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { PK: queue, SK: expect.stringMatching(/^N#.+#0n$/) },
      ExpressionAttributeValues: expect.objectContaining({ ':n': 1 }),
    });
    const listed = ddb
      .commandCalls(BatchWriteCommand)
      .flatMap((c) => Object.values(c.args[0].input.RequestItems ?? {}).flat());
    expect(listed.map((r) => r.PutRequest?.Item?.SK).sort()).toEqual([
      expect.stringMatching(/^C#C1#A1$/),
      expect.stringMatching(/^D#.+#0n#C1#A1$/),
      'P#S1#A1',
    ]);
    expect(listed[0]?.PutRequest?.Item).toMatchObject({ PK: queue, status: 'pending', version: 1 });
  });

  it('answers an edit with the version after the one it replaced', async () => {
    // Prepare: the response holds versions 1 and 2
    givenOpenCampaign();
    givenResponseVersion(3);
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: true, attitude: 2 }) }),
    );
    // Assess
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ saved: true, version: 3 });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { PK: `CAMPAIGN#${def.campaign.id}#S03`, SK: 'RESPONSE#A1' },
      ReturnValues: 'UPDATED_OLD',
    });
  });

  it('leaves counting and waking the workflow to the answer counter, even for the last open assignment', async () => {
    // Prepare: this answer completes the campaign
    givenOpenCampaign({ answered: 4 });
    givenResponseVersion(1);
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: true, attitude: 5 }) }),
    );
    // Assess: the response is its only write (the review queue's aside); the table's stream carries it to count-answers
    expect(res.statusCode).toBe(200);
    expect(responseWrites()).toHaveLength(1);
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, {
      Key: { PK: `CAMPAIGN#${def.campaign.id}#S03`, SK: 'ASSIGNMENT#S1#A1' },
    });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('rejects invalid answers with 400 naming each field, storing nothing', async () => {
    // Prepare
    givenOpenCampaign();
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, {
        type: 'application/json',
        body: JSON.stringify({ badge: 'perhaps', attitude: 9, bogus: 1 }),
      }),
    );
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
    const res = await routeSurvey(
      event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: true, attitude: 5 }) }),
    );
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
    const huge = await routeSurvey(
      event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ note: 'x'.repeat(70_000) }) }),
    );
    // Assess
    expect(wrongType.statusCode).toBe(415);
    expect(huge.statusCode).toBe(413);
    expect(writes()).toHaveLength(0);
  });

  it('answers a retried submission with the version it already got, storing nothing twice', async () => {
    // Prepare: the submission was stored as version 2, and listed for review, by an earlier attempt
    givenOpenCampaign();
    ddb
      .on(PutCommand, { ConditionExpression: 'attribute_not_exists(SK)' })
      .rejects(new ConditionalCheckFailedException({ message: 'listed already', $metadata: {} }));
    givenAlreadyStored([
      { submittedAt: '2026-12-01T00:00:00Z', answers: { badge: false, attitude: 1 }, submissionId: 'first-0001' },
      { submittedAt: '2026-12-02T00:00:00Z', answers: { badge: true, attitude: 5 }, submissionId: 'retry-0001' },
    ]);
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, {
        type: 'application/json',
        body: JSON.stringify({ badge: true, attitude: 5, submissionId: 'retry-0001' }),
      }),
    );
    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ saved: true, version: 2 });
    // No second version, and no review count moved: the queue's city key was there already.
    expect(responseWrites().filter((c) => c.args[0].input.ReturnValues === 'UPDATED_OLD')).toHaveLength(1);
    expect(ddb.commandCalls(UpdateCommand).filter((c) => String(c.args[0].input.Key?.SK).startsWith('N#'))).toEqual([]);
  });

  it('answers 503 with Retry-After when the store is unavailable', async () => {
    // Prepare
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
    ddb.on(GetCommand).rejects(throttled);
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: true, attitude: 5 }) }),
    );
    // Assess
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(res.body).not.toContain('ProvisionedThroughput');
  });
});

const latestItem = (over: Record<string, unknown> = {}) => ({
  PK: `CAMPAIGN#${def.campaign.id}#S03`,
  SK: 'RESPONSE#A1',
  campaignId: def.campaign.id,
  assignmentId: 'A1',
  supervisorId: 'S1',
  centerId: 'C1',
  activity: 'experiential',
  version: 2,
  submittedAt: '2026-12-02T01:00:00Z',
  answers: { badge: true, attitude: 2 },
  submissionId: 'sub-00000002',
  ...over,
});
const givenLatest = (over: Record<string, unknown> = {}) =>
  ddb
    .on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}#S03`, SK: 'RESPONSE#A1' } })
    .resolves({ Item: latestItem(over) });
const givenDraft = (draft: Record<string, unknown>) =>
  ddb
    .on(GetCommand, { Key: { PK: `CAMPAIGN#${def.campaign.id}#S03`, SK: 'DRAFT#A1' } })
    .resolves({ Item: { problems: [], ...draft } });
/** The values of the checked radios of one question in a rendered page. */
const checked = (body: string | undefined, name: string) =>
  [...(body ?? '').matchAll(/<input type="radio" name="([^"]+)" value="([^"]+)" checked>/g)]
    .filter((m) => m[1] === name)
    .map((m) => m[2]);

describe('the survey page', () => {
  it('speaks English when Accept-Language prefers it, and ?lang= overrides the browser', async () => {
    // Prepare
    givenOpenCampaign();
    // Act
    const english = await routeSurvey(event('GET', `/s/${token}`, { language: 'en-GB,en;q=0.9,zh-CN;q=0.5' }));
    const chinese = await routeSurvey(event('GET', `/s/${token}`, { language: 'zh-CN,zh;q=0.9,en;q=0.8' }));
    const overridden = await routeSurvey(event('GET', `/s/${token}`, { language: 'en', query: { lang: 'zh' } }));
    // Assess
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('Xuanwu District Center');
    expect(chinese.body).toContain('<html lang="zh-CN">');
    expect(overridden.body).toContain('<html lang="zh-CN">');
  });

  it('restores a draft saved after the latest submission', async () => {
    // Prepare
    givenOpenCampaign();
    givenLatest();
    givenDraft({
      answers: { attitude: '5' },
      problems: [{ category: 'signage', description: '指示牌缺失' }],
      savedAt: '2026-12-03T00:00:00Z',
    });
    // Act
    const res = await routeSurvey(event('GET', `/s/${token}`));
    // Assess
    expect(checked(res.body, 'attitude')).toEqual(['5']);
    expect(res.body).toContain('已恢复您');
    expect(res.body).toContain('指示牌缺失');
  });

  it('ignores a draft older than the latest submission', async () => {
    // Prepare
    givenOpenCampaign();
    givenLatest();
    givenDraft({ answers: { attitude: '5' }, savedAt: '2026-12-01T00:00:00Z' });
    // Act
    const res = await routeSurvey(event('GET', `/s/${token}`));
    // Assess
    expect(checked(res.body, 'attitude')).toEqual(['2']);
    expect(res.body).not.toContain('已恢复您');
  });

  it('confirms a submission with its summary, the deadline and every version', async () => {
    // Prepare
    givenOpenCampaign();
    const problems = [{ category: 'waiting-time', description: '等候 50 分钟', severity: 'serious' }];
    givenLatest({
      problems,
      history: [
        { submittedAt: '2026-12-01T01:00:00Z', answers: { badge: false, attitude: 1 }, submissionId: 'sub-00000001' },
        {
          submittedAt: '2026-12-02T01:00:00Z',
          answers: { badge: true, attitude: 2 },
          problems,
          submissionId: 'sub-00000002',
        },
      ],
    });
    // Act
    const res = await routeSurvey(event('GET', `/s/${token}`, { query: { view: 'confirmation' } }));
    // Assess
    expect(res.body).toContain('答卷已提交（第 2 版）');
    expect(res.body).toContain('截止时间 2099-12-15 08:00 前可随时修改');
    expect(res.body).toContain('2 / 5 · 不满意');
    expect(res.body).toContain('等候时间过长 · 较重');
    expect(res.body).toContain('第 1 版');
    expect(res.body).not.toContain('<form');
  });

  it('shows the answers read-only, and says so, once the campaign has closed', async () => {
    // Prepare
    givenOpenCampaign({ status: 'closed' });
    givenLatest();
    givenDraft({ answers: { attitude: '5' }, savedAt: '2026-12-03T00:00:00Z' });
    // Act
    const res = await routeSurvey(event('GET', `/s/${token}`));
    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('本次督查活动已结束');
    expect(res.body).toContain('2 / 5 · 不满意');
    expect(res.body).not.toMatch(/<form|<input|<textarea|<select/);
  });

  it('escapes free text wherever it is shown', async () => {
    // Prepare
    givenOpenCampaign();
    givenLatest({
      answers: { badge: true, attitude: 2, note: '<script>alert(1)</script>' },
      problems: [{ category: 'other', description: '<img src=x onerror=alert(2)>', severity: 'minor' }],
    });
    // Act
    const form = await routeSurvey(event('GET', `/s/${token}`));
    const confirmation = await routeSurvey(event('GET', `/s/${token}`, { query: { view: 'confirmation' } }));
    // Assess
    for (const res of [form, confirmation]) {
      expect(res.body).not.toContain('<script>alert(1)');
      expect(res.body).not.toContain('<img src=x');
      expect(res.body).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    }
  });

  it('lets only its own inline script and style run, by their hashes', async () => {
    // Prepare
    givenOpenCampaign();
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    // Act
    const res = await routeSurvey(event('GET', `/s/${token}`));
    // Assess
    const csp = res.headers?.['content-security-policy'] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(res.body ?? '')?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.body ?? '')?.[1] ?? '';
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('drafts', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  it('saves a draft posted by the plain form and comes back to the page', async () => {
    // Prepare
    givenOpenCampaign();
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, {
        type: 'application/x-www-form-urlencoded',
        body: form({ attitude: '3', 'problems.0.description': '排队混乱', intent: 'draft' }),
      }),
    );
    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.headers?.location).toBe(`${token}?lang=zh&draft=saved`);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        SK: 'DRAFT#A1',
        answers: { attitude: '3' },
        problems: [{ description: '排队混乱' }],
      }),
    });
    expect(
      ddb.commandCalls(PutCommand).filter((c) => String(c.args[0].input.Item?.SK).startsWith('RESPONSE')),
    ).toHaveLength(0);
  });

  it('removes a problem row from the draft when asked to', async () => {
    // Prepare
    givenOpenCampaign();
    // Act
    await routeSurvey(
      event('POST', `/s/${token}`, {
        type: 'application/x-www-form-urlencoded',
        body: form({
          'problems.0.description': 'first',
          'problems.1.description': 'second',
          intent: 'remove-problem-0',
        }),
      }),
    );
    // Assess
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ SK: 'DRAFT#A1', problems: [{ description: 'second' }] }),
    });
  });

  it('saves a draft sent as JSON by the page script', async () => {
    // Prepare
    givenOpenCampaign();
    // Act
    const res = await routeSurvey(
      event('PUT', `/s/${token}/draft`, {
        type: 'application/json',
        body: JSON.stringify({ badge: 'yes', problems: [] }),
      }),
    );
    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ saved: 'draft' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ SK: 'DRAFT#A1', answers: { badge: 'yes' } }),
    });
  });

  it('stores the problems found with the submitted answers', async () => {
    // Prepare
    givenOpenCampaign();
    givenResponseVersion(1);
    const problems = [{ category: 'queue-order', description: '插队', severity: 'minor' }];
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, {
        type: 'application/json',
        body: JSON.stringify({ badge: true, attitude: 4, problems }),
      }),
    );
    // Assess
    expect(res.statusCode).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { PK: `CAMPAIGN#${def.campaign.id}#S03`, SK: 'RESPONSE#A1' },
      ExpressionAttributeValues: expect.objectContaining({
        ':p': problems,
        ':entry': [expect.objectContaining({ problems })],
      }),
    });
  });

  it('rejects a JSON body that names a field twice, storing nothing', async () => {
    // Prepare
    givenOpenCampaign();
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, { type: 'application/json', body: '{"badge":true,"attitude":1,"attitude":5}' }),
    );
    // Assess
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ error: 'duplicateKey', errors: [{ field: 'attitude' }] });
    expect(writes()).toHaveLength(0);
  });
});

describe('photos on the survey page', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  /** The response's photos as its shard's Query lists them. */
  const givenPhotos = (photos: { problem: number | string; state: string }[]) =>
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `CAMPAIGN#${def.campaign.id}#S03` } }).resolves({
      Items: photos.map((p, k) => ({
        photoId: `A1.03.0123456789abcde${k}`,
        campaignId: def.campaign.id,
        assignmentId: 'A1',
        centerId: 'C1',
        supervisorId: 'S1',
        createdAt: '2026-12-03T01:00:00.000Z',
        slotExpiresAt: '2026-12-03T01:10:00.000Z',
        updatedAt: '2026-12-03T01:00:05.000Z',
        ...p,
      })),
    });

  it('lets the form show and send photos to the evidence bucket only, and lists each problem photo', async () => {
    // Prepare
    givenOpenCampaign();
    givenPhotos([{ problem: 0, state: 'checking' }]);
    // Act
    const res = await routeSurvey(event('GET', `/s/${token}`));
    // Assess
    const csp = res.headers?.['content-security-policy'] ?? '';
    expect(csp).toContain("img-src 'self' data: blob: https://test-evidence.s3.us-east-1.amazonaws.com;");
    expect(csp).toContain("connect-src 'self' https://test-evidence.s3.us-east-1.amazonaws.com;");
    expect(csp).toContain("form-action 'self';");
    expect(res.body).toContain('data-photo="A1.03.0123456789abcde0" data-state="checking"');
  });

  it('saves the draft of a plain form before answering with the upload page of the problem', async () => {
    // Prepare
    givenOpenCampaign();
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, {
        type: 'application/x-www-form-urlencoded',
        body: form({ 'problems.0.description': '指示牌缺失', intent: 'photo-0' }),
      }),
    );
    // Assess
    expect(res.statusCode).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ SK: 'DRAFT#A1', problems: [{ description: '指示牌缺失' }] }),
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ assignmentId: 'A1', problem: '0', state: 'uploading' }),
    });
    expect(res.body).toContain('为问题 1 上传照片');
    expect(res.body).toMatch(
      /<form class="card" method="post" action="https:\/\/test-evidence\.s3\.us-east-1\.amazonaws\.com\/"/,
    );
    expect(res.headers?.['content-security-policy']).toContain(
      "form-action 'self' https://test-evidence.s3.us-east-1.amazonaws.com",
    );
  });

  it('asks the plain form to confirm removing a row with photos, then removes it with its photos only', async () => {
    // Prepare: two rows with keys; a photo of each, the second row's ready
    givenOpenCampaign();
    givenPhotos([
      { problem: 'kfirst000000000', state: 'checking' },
      { problem: 'ksecond00000000', state: 'ready' },
    ]);
    const post = (intent: string) =>
      routeSurvey(
        event('POST', `/s/${token}`, {
          type: 'application/x-www-form-urlencoded',
          body: form({
            'problems.0.description': 'first',
            'problems.0.key': 'kfirst000000000',
            'problems.1.description': 'second',
            'problems.1.key': 'ksecond00000000',
            intent,
          }),
        }),
      );
    // Act
    const asked = await post('remove-problem-0');
    const discardsAsked = ddb.commandCalls(UpdateCommand).length;
    const confirmed = await post('remove-problem-0-confirmed');
    // Assess
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('value="remove-problem-0-confirmed"');
    expect(asked.body).toContain('问题 1 附有 1 张照片，删除此问题将一并删除这些照片。确定删除？');
    expect(discardsAsked).toBe(0);
    const drafts = ddb
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input.Item)
      .filter((item) => item?.SK === 'DRAFT#A1');
    expect(drafts.map((d) => d?.problems)).toEqual([
      [
        { description: 'first', key: 'kfirst000000000' },
        { description: 'second', key: 'ksecond00000000' },
      ],
      [{ description: 'second', key: 'ksecond00000000' }],
    ]);
    expect(confirmed.statusCode).toBe(303);
    // The removed row's photo is discarded (conditionally, once) and its place given back; the other stays.
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatchObject({
      Key: { SK: 'PHOTO#A1#A1.03.0123456789abcde0' },
      ExpressionAttributeValues: expect.objectContaining({ ':a0': 'discarded' }),
    });
    expect(updates[1]).toMatchObject({
      UpdateExpression: 'ADD #total :minus, #problem :minus',
      ExpressionAttributeNames: { '#total': 'total', '#problem': 'pkfirst000000000' },
    });
  });

  it('discards the photos of the rows the page script removed, unless the draft still has the row', async () => {
    // Prepare
    givenOpenCampaign();
    givenPhotos([
      { problem: 'kgone0000000000', state: 'ready' },
      { problem: 'kkept0000000000', state: 'ready' },
    ]);
    // Act
    const res = await routeSurvey(
      event('PUT', `/s/${token}/draft`, {
        type: 'application/json',
        body: JSON.stringify({
          problems: [{ description: 'kept', key: 'kkept0000000000' }],
          removedProblems: ['kgone0000000000', 'kkept0000000000'],
        }),
      }),
    );
    // Assess
    expect(res.statusCode).toBe(200);
    const discarded = ddb
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input)
      .filter((u) => u.ExpressionAttributeValues?.[':a0'] === 'discarded');
    expect(discarded.map((u) => u.Key?.SK)).toEqual(['PHOTO#A1#A1.03.0123456789abcde0']);
  });

  it('refuses a draft whose rows share a key, or name removed rows that are no keys, storing nothing', async () => {
    // Prepare
    givenOpenCampaign();
    const put = (body: object) =>
      routeSurvey(event('PUT', `/s/${token}/draft`, { type: 'application/json', body: JSON.stringify(body) }));
    // Act
    const twice = await put({
      problems: [
        { description: 'a', key: 'ksame0000000000' },
        { description: 'b', key: 'ksame0000000000' },
      ],
    });
    const notKeys = await put({ problems: [], removedProblems: ['<script>'] });
    // Assess
    expect(twice.statusCode).toBe(400);
    expect(JSON.parse(twice.body ?? '{}').errors).toEqual([expect.objectContaining({ field: 'problems.1.key' })]);
    expect(notKeys.statusCode).toBe(400);
    expect(notKeys.body).toContain('removedProblems');
    expect(writes()).toHaveLength(0);
  });

  it('refuses a photo of a problem beyond the last row, storing nothing', async () => {
    // Prepare
    givenOpenCampaign();
    // Act
    const res = await routeSurvey(
      event('POST', `/s/${token}`, {
        type: 'application/x-www-form-urlencoded',
        body: form({ intent: 'photo-20' }),
      }),
    );
    // Assess
    expect(res.statusCode).toBe(400);
    expect(writes()).toHaveLength(0);
  });
});

describe('the link after the results are published', () => {
  const day = 86_400_000;
  const publishedDaysAgo = (days: number) => ({
    status: 'published',
    publishedAt: new Date(Date.now() - days * day).toISOString(),
  });

  it('still shows the answers until 30 days after publication', async () => {
    // Prepare
    givenOpenCampaign(publishedDaysAgo(29));
    givenLatest();
    // Act
    const res = await routeSurvey(event('GET', `/s/${token}`));
    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('2 / 5 · 不满意');
  });

  it('answers 410 afterwards, with a page in Chinese and English naming the organizers to ask and the usual headers', async () => {
    // Prepare
    givenOpenCampaign(publishedDaysAgo(31));
    givenLatest();
    // Act
    const res = await routeSurvey(event('GET', `/s/${token}`));
    // Assess
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('链接已过期');
    expect(res.body).toContain('Link expired');
    expect(res.body).toContain('organizer@example.gov.cn');
    expect(res.body).not.toContain('不满意');
    expect(res.headers).toMatchObject({
      'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
  });

  it('says the same as JSON when asked, and refuses a write without storing anything', async () => {
    // Prepare
    givenOpenCampaign(publishedDaysAgo(31));
    givenLatest();
    // Act
    const read = await routeSurvey(event('GET', `/s/${token}`, { accept: 'application/json' }));
    const write = await routeSurvey(
      event('POST', `/s/${token}`, { type: 'application/json', body: JSON.stringify({ badge: true, attitude: 5 }) }),
    );
    // Assess
    expect(read.statusCode).toBe(410);
    expect(JSON.parse(read.body ?? '{}')).toMatchObject({
      error: 'expired',
      contact: 'organizer@example.gov.cn',
      message: expect.stringContaining('contact the organizers'),
    });
    expect(JSON.parse(read.body ?? '{}')).not.toHaveProperty('answers');
    expect(write.statusCode).toBe(410);
    expect(JSON.parse(write.body ?? '{}')).toMatchObject({ error: 'expired' });
    expect(writes()).toHaveLength(0);
  });
});
