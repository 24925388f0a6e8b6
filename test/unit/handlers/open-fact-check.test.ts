import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveFindingKey, rectificationItemId } from '../../../functions/core/findings/rectification.ts';
import { openFactCheck } from '../../../functions/open-fact-check.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const def = smallCampaign();
const id = def.campaign.id;
const key = deriveFindingKey('unit-test-link-secret-0123456789abcdef', id);

const meta = (findingKey?: string) => ({
  campaign: { ...def.campaign, factCheck: { workingDays: 1 } },
  status: 'closed',
  definitionHash: 'h',
  loaded: true,
  createdAt: 'x',
  deadline: def.campaign.schedule.deadline,
  ...(findingKey ? { findingKey } : {}),
});

const response = (assignmentId: string, submittedAt: string) => ({
  campaignId: id,
  assignmentId,
  supervisorId: `S-${assignmentId}`,
  centerId: 'C1',
  activity: 'unannounced',
  version: 1,
  submittedAt,
  submissionId: `sub-${assignmentId}`,
  answers: {},
  problems: [{ category: 'signage', description: '导视不清', severity: 'minor' }],
});

/** The ids of the draft findings written to the table. */
const writtenIds = (): string[] =>
  ddb
    .commandCalls(BatchWriteCommand)
    .flatMap((call) => Object.values(call.args[0].input.RequestItems ?? {}).flat())
    .map((request) => String(request.PutRequest?.Item?.id));

const prepare = (findingKey?: string) => {
  ddb.on(GetCommand, { Key: { PK: `CAMPAIGN#${id}`, SK: 'META' } }).resolves({ Item: meta(findingKey) });
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `CAMPAIGN#${id}#S00`, ':p': 'RESPONSE#' } }).resolves({
    Items: [response('A0002', '2026-12-05T01:00:00.000Z'), response('A0003', '2026-12-05T02:30:00.000Z')],
  });
  ddb.on(BatchWriteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({ Attributes: { ...meta(findingKey), status: 'fact-checking' } });
};

beforeEach(() => ddb.reset());
afterEach(() => ddb.reset());

describe('opening fact-check', () => {
  it("records the draft findings under ids keyed by the campaign's finding key", async () => {
    // Prepare
    prepare(key);
    // Act
    await openFactCheck({ campaignId: id }, new Date('2026-12-08T02:00:00.000Z'));
    // Assess
    expect(writtenIds().sort()).toEqual(['A0002', 'A0003'].map((a) => rectificationItemId(id, a, 0, key)).sort());
  });

  it('keeps plain-hash ids for a campaign prepared before finding keys', async () => {
    // Prepare
    prepare();
    // Act
    await openFactCheck({ campaignId: id }, new Date('2026-12-08T02:00:00.000Z'));
    // Assess
    expect(writtenIds().sort()).toEqual(['A0002', 'A0003'].map((a) => rectificationItemId(id, a, 0)).sort());
  });
});
