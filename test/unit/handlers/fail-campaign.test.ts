import { GetSendQuotaCommand, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailBatchFailure } from '../../../functions/core/campaign/workflow-contract.ts';
import { failCampaign } from '../../../functions/fail-campaign.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);
const def = smallCampaign();
const pk = `CAMPAIGN#${def.campaign.id}`;

const QUOTA_FAILURE: MailBatchFailure = {
  error: 'DailyQuotaExceeded',
  cause:
    "the account's SES 24-hour quota has room for 12 more emails (188 of 200 sent in the last 24 hours) but this batch would send 100: ask AWS to raise the sending quota, or send when the window allows",
  kind: 'invitation',
  round: 0,
  batch: { index: 3, first: 'S301', last: 'S400', count: 100 },
  at: '2026-12-01T02:03:04.000Z',
};

/** The campaign's control record, with the mail batch failure recorded on it. */
const metaWith = (mailFailure?: MailBatchFailure, language?: 'zh' | 'en') => ({
  Item: {
    campaign: { ...def.campaign, ...(language ? { language } : {}) } as typeof def.campaign,
    status: 'open',
    definitionHash: 'h',
    loaded: true,
    createdAt: 'x',
    deadline: def.campaign.schedule.deadline,
    ...(mailFailure ? { mailFailure } : {}),
  },
});

const mapFailed = {
  Error: 'States.ExceedToleratedFailureThreshold',
  Cause: 'The specified tolerated failure threshold was exceeded',
};

beforeEach(() => {
  // Nothing is suppressed unless a test says so.
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 0 });
});

afterEach(() => {
  ddb.reset();
  ses.reset();
});

describe('failCampaign', () => {
  it("explains a failed mail Map with the failing batch's own error and numbers, in the organizers' language", async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { PK: pk, SK: 'META' } }).resolves(metaWith(QUOTA_FAILURE));
    // Act
    const result = await failCampaign({ campaignId: def.campaign.id, error: mapFailed });
    // Assess
    expect(result.notified).toBe(def.campaign.organizers.length);
    const text = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Message?.Body?.Text?.Data ?? '';
    expect(text).toContain('DailyQuotaExceeded');
    expect(text).toContain('room for 12 more emails (188 of 200 sent');
    expect(text).toContain('失败的是邀请邮件第 4 批（100 位收件人，S301 至 S400）');
    expect(text).toContain('工作流报告的错误为 States.ExceedToleratedFailureThreshold');
    expect(text).not.toContain('The failing batch');
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { PK: pk, SK: 'META' },
      ExpressionAttributeValues: expect.objectContaining({
        ':s': 'failed',
        ':x0': { error: 'DailyQuotaExceeded', cause: QUOTA_FAILURE.cause },
      }),
    });
  });

  it('writes the failure notice in English when the campaign says its organizers read English', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { PK: pk, SK: 'META' } }).resolves(metaWith(QUOTA_FAILURE, 'en'));
    // Act
    await failCampaign({ campaignId: def.campaign.id, error: mapFailed });
    // Assess
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    const text = input?.Message?.Body?.Text?.Data ?? '';
    expect(input?.Message?.Subject?.Data).toBe(`Campaign failed: ${def.campaign.title.en}`);
    expect(text).toContain('The failing batch: invitation emails, batch 4 (100 recipients, S301 to S400)');
    expect(text).toContain('The workflow reported States.ExceedToleratedFailureThreshold');
    expect(text).not.toMatch(/\p{Script=Han}/u);
  });

  it('reports a failed Map as it is when no batch recorded why', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { PK: pk, SK: 'META' } }).resolves(metaWith());
    // Act
    await failCampaign({ campaignId: def.campaign.id, error: mapFailed });
    // Assess
    const text = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Message?.Body?.Text?.Data ?? '';
    expect(text).toContain('States.ExceedToleratedFailureThreshold');
    expect(text).not.toContain('失败的是');
  });

  it("does not blame a recorded batch for another task's failure", async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { PK: pk, SK: 'META' } }).resolves(metaWith(QUOTA_FAILURE));
    // Act
    await failCampaign({
      campaignId: def.campaign.id,
      error: { Error: 'ScoringFailed', Cause: '{"errorMessage":"a center has no indicators"}' },
    });
    // Assess
    const text = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Message?.Body?.Text?.Data ?? '';
    expect(text).toContain('ScoringFailed');
    expect(text).toContain('a center has no indicators');
    expect(text).not.toContain('DailyQuotaExceeded');
  });

  it('sends no failure notice to a suppressed organizer address, and records it suppressed in the outbox', async () => {
    // Prepare: two organizers, the first of whom bounced before
    const bounced = 'Bounced-Organizer@example.gov.cn';
    const meta = metaWith();
    meta.Item.campaign = { ...def.campaign, organizers: [bounced, 'organizer@example.gov.cn'] };
    ddb.on(GetCommand, { Key: { PK: pk, SK: 'META' } }).resolves(meta);
    ddb.on(GetCommand, { Key: { PK: 'SUPPRESSED', SK: bounced.toLowerCase() } }).resolves({
      Item: { PK: 'SUPPRESSED', SK: bounced.toLowerCase(), reason: 'bounce' },
    });

    // Act
    const result = await failCampaign({ campaignId: def.campaign.id, error: mapFailed });

    // Assess: one notice, to the other organizer; the suppressed one claimed and settled as suppressed
    expect(result.notified).toBe(1);
    const sent = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input.Destination?.ToAddresses);
    expect(sent).toEqual([['organizer@example.gov.cn']]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { PK: `${pk}#MAIL`, SK: 'failure#0#organizer-1' },
      ExpressionAttributeValues: expect.objectContaining({ ':s': 'suppressed' }),
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { PK: `${pk}#MAIL`, SK: 'failure#0#organizer-2' },
      ExpressionAttributeValues: expect.objectContaining({ ':s': 'sent', ':d': 'm-1' }),
    });
  });
});
