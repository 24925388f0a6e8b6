import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSignOff, SIGN_OFF_RECHECK_SECONDS } from '../../../functions/open-sign-off.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

const ddb = mockClient(DynamoDBDocumentClient);
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
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'META' } }).resolves({ Item: meta(stored) });
  ddb.on(UpdateCommand).resolves({ Attributes: meta({ ...stored, status: 'awaiting-sign-off' }) });
};

beforeEach(() => ddb.reset());
afterEach(() => ddb.reset());

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

  it('goes on to the summaries once an organizer signed the results off', async () => {
    // Prepare
    given({ status: 'awaiting-sign-off', signedOffAt: '2026-12-08T01:00:00.000Z', signedOffBy: 'li' });

    // Act
    const window = await openSignOff({ campaignId: id }, NOW);

    // Assess
    expect(window.window).toBe(false);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
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
  });
});
