import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetSendQuotaCommand, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendMailBatch } from '../../../functions/send-mail.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);
const def = smallCampaign();
const pk = `CAMPAIGN#${def.campaign.id}`;

beforeEach(() => {
  ddb.reset();
  ses.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: { PK: pk, SK: 'META' } }).resolves({
    Item: {
      campaign: def.campaign,
      status: 'open',
      definitionHash: 'h',
      loaded: true,
      createdAt: 'x',
      deadline: def.campaign.schedule.deadline,
      total: 2,
      answered: 0,
    },
  });
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': pk, ':first': 'SUPERVISOR#S1', ':last': 'SUPERVISOR#S1' } })
    .resolves({ Items: [{ supervisor: def.supervisors[0] }] });
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': pk, ':p': 'CENTER#' } })
    .resolves({ Items: def.centers.map((center) => ({ center })) });
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':p': 'ASSIGNMENT#S1#' } }).resolves({
    Items: [
      { id: 'A1', campaignId: def.campaign.id, supervisorId: 'S1', centerId: 'C1', activity: 'experiential' },
      {
        id: 'A2',
        campaignId: def.campaign.id,
        supervisorId: 'S1',
        centerId: 'C2',
        activity: 'unannounced',
        answeredAt: '2026-12-02T00:00:00Z',
      },
    ],
  });
  ddb.on(UpdateCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  // No MAX_SEND_RATE here, as on AWS by default: the mailer paces by the account's quota.
  ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 0 });
});
afterEach(() => {
  ddb.reset();
  ses.reset();
});

describe('sendMailBatch', () => {
  it('sends one invitation listing every assignment of the supervisor, with personal links', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    // Act
    const result = await sendMailBatch({
      campaignId: def.campaign.id,
      kind: 'invitation',
      round: 0,
      batch: { index: 0, first: 'S1', last: 'S1', count: 1 },
    });
    // Assess
    expect(result).toEqual({ sent: 1, skipped: 0, suppressed: 0, failed: 0, remaining: 0 });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    const text = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Message?.Body?.Text?.Data ?? '';
    expect(text.match(/https:\/\/survey\.example\.gov\.cn\/s\/[A-Za-z0-9_-]{43}\?lang=zh/g)).toHaveLength(2);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ SK: 'invitation#0#S1', state: 'sending' }),
      // A claim left unsent by a killed invocation is taken over once its lease has passed.
      ConditionExpression: 'attribute_not_exists(PK) OR (#st = :sending AND leaseUntil < :at)',
    });
  });

  it("writes a supervisor's invitation in their language, with links that open the survey in it", async () => {
    // Prepare: the supervisor reads English
    ddb.on(PutCommand).resolves({});
    ddb
      .on(QueryCommand, {
        ExpressionAttributeValues: { ':pk': pk, ':first': 'SUPERVISOR#S1', ':last': 'SUPERVISOR#S1' },
      })
      .resolves({ Items: [{ supervisor: { ...def.supervisors[0], language: 'en' } }] });
    // Act
    await sendMailBatch({
      campaignId: def.campaign.id,
      kind: 'invitation',
      round: 0,
      batch: { index: 0, first: 'S1', last: 'S1', count: 1 },
    });
    // Assess
    const message = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Message;
    const text = message?.Body?.Text?.Data ?? '';
    expect(message?.Subject?.Data).toBe(`${def.campaign.title.en}: 2 assignments for you`);
    expect(text.match(/https:\/\/survey\.example\.gov\.cn\/s\/[A-Za-z0-9_-]{43}\?lang=en/g)).toHaveLength(2);
    expect(message?.Body?.Html?.Data).toContain('<html lang="en">');
  });

  it('reminds only about unanswered assignments', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    // Act
    await sendMailBatch({
      campaignId: def.campaign.id,
      kind: 'reminder',
      round: 1,
      batch: { index: 0, first: 'S1', last: 'S1', count: 1 },
    });
    // Assess
    const text = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Message?.Body?.Text?.Data ?? '';
    expect(text).toContain('玄武区政务服务中心');
    expect(text).not.toContain('秦淮区政务服务中心');
  });

  it('sends nothing when an earlier attempt already claimed the email (no duplicate on retry)', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'claimed', $metadata: {} }));
    // Act
    const result = await sendMailBatch({
      campaignId: def.campaign.id,
      kind: 'invitation',
      round: 0,
      batch: { index: 0, first: 'S1', last: 'S1', count: 1 },
    });
    // Assess
    expect(result).toEqual({ sent: 0, skipped: 1, suppressed: 0, failed: 0, remaining: 0 });
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
  });

  it('skips a suppressed address and records it as suppressed', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb
      .on(GetCommand, { Key: { PK: 'SUPPRESSED', SK: 'zhang@example.com' } })
      .resolves({ Item: { PK: 'SUPPRESSED', SK: 'zhang@example.com' } });
    // Act
    const result = await sendMailBatch({
      campaignId: def.campaign.id,
      kind: 'invitation',
      round: 0,
      batch: { index: 0, first: 'S1', last: 'S1', count: 1 },
    });
    // Assess
    expect(result).toEqual({ sent: 0, skipped: 0, suppressed: 1, failed: 0, remaining: 0 });
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':s': 'suppressed' }),
    });
  });

  it('records a rejected address as failed and goes on', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Address blacklisted'), { name: 'MessageRejected' }));
    // Act
    const result = await sendMailBatch({
      campaignId: def.campaign.id,
      kind: 'invitation',
      round: 0,
      batch: { index: 0, first: 'S1', last: 'S1', count: 1 },
    });
    // Assess
    expect(result.failed).toBe(1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':s': 'failed' }),
    });
  });
});

describe('sendMailBatch near its timeout and on failure', () => {
  const batch = { index: 0, first: 'S1', last: 'S1', count: 1 };
  /** send-mail as a new container loads it: the SES quota it keeps is read afresh. */
  const freshSendMailBatch = async () => {
    vi.resetModules();
    return (await import('../../../functions/send-mail.ts')).sendMailBatch;
  };

  it("sends an invocation's first email even with little time left, so every invocation makes progress", async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const remainingMs = () => 5_000;
    // Act
    const result = await sendMailBatch(
      { campaignId: def.campaign.id, kind: 'invitation', round: 0, batch },
      { remainingMs },
    );
    // Assess
    expect(result).toEqual({ sent: 1, skipped: 0, suppressed: 0, failed: 0, remaining: 0 });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ SK: 'invitation#0#S1', leaseUntil: expect.any(String) }),
    });
  });

  it('records on the campaign why the batch failed for good, then fails with the same error', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 14, Max24HourSend: 200, SentLast24Hours: 200 });
    const sendMailBatch = await freshSendMailBatch();
    // Act
    const sending = sendMailBatch({ campaignId: def.campaign.id, kind: 'reminder', round: 1, batch });
    // Assess
    await expect(sending).rejects.toMatchObject({ name: 'DailyQuotaExceeded' });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { PK: pk, SK: 'META' },
      UpdateExpression: 'SET mailFailure = :f',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: {
        ':f': expect.objectContaining({
          error: 'DailyQuotaExceeded',
          cause: expect.stringContaining('room for 0 more emails (200 of 200 sent'),
          kind: 'reminder',
          round: 1,
          batch,
        }),
      },
    });
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
  });

  it('records nothing for a transient failure, which the workflow retries', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ses.on(GetSendQuotaCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const sendMailBatch = await freshSendMailBatch();
    // Act
    const sending = sendMailBatch({ campaignId: def.campaign.id, kind: 'invitation', round: 0, batch });
    // Assess
    await expect(sending).rejects.toMatchObject({ name: 'TransientError' });
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'SET mailFailure = :f' });
  });
});
