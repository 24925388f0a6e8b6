import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetSendQuotaCommand, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderSignOffNotice } from '../../../functions/core/render/mail/sign-off-notice.ts';
import { openSignOff, SIGN_OFF_RECHECK_SECONDS } from '../../../functions/open-sign-off.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);
const def = smallCampaign();
const id = def.campaign.id;
const NOW = new Date('2026-12-08T02:00:00.000Z');

const meta = (over: Record<string, unknown>) => ({
  campaign: { ...def.campaign, autoPublish: false },
  status: 'scored',
  definitionHash: 'h',
  loaded: true,
  createdAt: 'x',
  deadline: def.campaign.schedule.deadline,
  ...over,
});

const given = (stored: Record<string, unknown>) => {
  // Nobody suppressed, no mail claimed yet, unless a test says so.
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'META' } }).resolves({ Item: meta(stored) });
  ddb.on(UpdateCommand).resolves({ Attributes: meta({ ...stored, status: 'awaiting-sign-off' }) });
};

beforeEach(() => {
  ddb.reset();
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 0 });
});
afterEach(() => {
  ddb.reset();
  ses.reset();
});

describe('opening sign-off', () => {
  it('holds scored results as a draft awaiting sign-off and waits a week at most before checking again', async () => {
    // Prepare
    given({});

    // Act
    const window = await openSignOff({ campaignId: id }, NOW);

    // Assess
    expect(window).toEqual({
      window: true,
      waitSeconds: SIGN_OFF_RECHECK_SECONDS,
      wakeAt: new Date(NOW.getTime() + SIGN_OFF_RECHECK_SECONDS * 1000).toISOString(),
    });
    const [update] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(update?.ExpressionAttributeValues).toMatchObject({
      ':to': 'awaiting-sign-off',
      ':from0': 'scored',
      ':from1': 'awaiting-sign-off',
    });
  });

  it('asks each organizer once to check the draft and publish it, with the console link, in the campaign language', async () => {
    // Prepare
    given({});

    // Act
    await openSignOff({ campaignId: id }, NOW);

    // Assess
    const sent = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(sent.map((m) => m.Destination?.ToAddresses)).toEqual(def.campaign.organizers.map((to) => [to]));
    expect(sent[0]?.Message?.Subject?.Data).toContain('【待发布】');
    const text = sent[0]?.Message?.Body?.Text?.Data ?? '';
    expect(text).toContain(`${process.env.SURVEY_BASE_URL}/console/campaigns/${id}/results`);
    expect(text).toContain('尚未发送给任何责任人');
    expect(text).not.toContain('Publish');
    // Claimed in the outbox ledger first, as every email is.
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ kind: 'sign-off', round: 0, recipientId: 'organizer-1' }),
    });
  });

  it('sends nothing again when it runs again after a weekly re-check or a retry', async () => {
    // Prepare: the notices were claimed (and sent) by the first run
    given({ status: 'awaiting-sign-off' });
    ddb
      .on(PutCommand, { Item: { kind: 'sign-off' } })
      .rejects(new ConditionalCheckFailedException({ message: 'claimed', $metadata: {} }));

    // Act
    const window = await openSignOff({ campaignId: id }, NOW);

    // Assess
    expect(window.window).toBe(true);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('goes on to the summaries once an organizer signed the results off', async () => {
    // Prepare
    given({ status: 'awaiting-sign-off', signedOffAt: '2026-12-08T01:00:00.000Z', signedOffBy: 'li' });

    // Act
    const window = await openSignOff({ campaignId: id }, NOW);

    // Assess
    expect(window.window).toBe(false);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('does not hold the results of a campaign that says autoPublish', async () => {
    // Prepare
    ddb
      .on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'META' } })
      .resolves({ Item: { ...meta({}), campaign: { ...def.campaign, autoPublish: true } } });

    // Act
    const window = await openSignOff({ campaignId: id }, NOW);

    // Assess
    expect(window.window).toBe(false);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('writes the notice in English only for a campaign whose organizers read English', () => {
    // Act
    const mail = renderSignOffNotice(
      { ...def.campaign, language: 'en' },
      'https://api.example/console/campaigns/c/results',
    );

    // Assess
    expect(mail.subject).toBe(`Results awaiting your sign-off: ${def.campaign.title.en}`);
    expect(mail.text).toContain('press Publish');
    expect(mail.text).toContain('https://api.example/console/campaigns/c/results');
    expect(`${mail.subject}${mail.text}`).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
