import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shardOf, shardPk } from '../../../functions/adapters/table/keys.ts';
import type { CampaignMeta } from '../../../functions/core/campaign/lifecycle.ts';
import { countAnswers } from '../../../functions/count-answers.ts';
import { campaignMetaOf, smallCampaign } from '../../fixtures/campaign.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

const def = smallCampaign();
const CAMPAIGN = def.campaign.id;
const metaKey = { PK: `CAMPAIGN#${CAMPAIGN}`, SK: 'META' };
const markKey = (supervisorId: string, assignmentId: string) => ({
  PK: shardPk(CAMPAIGN, shardOf(supervisorId)),
  SK: `ASSIGNMENT#${supervisorId}#${assignmentId}`,
});

/** The stream record of a response item created by an assignment's first answer. */
const created = (assignmentId: string, supervisorId = 'S1', firstAt = '2026-12-03T08:00:00.000Z'): DynamoDBRecord => {
  const item = {
    PK: shardPk(CAMPAIGN, shardOf(supervisorId)),
    SK: `RESPONSE#${assignmentId}`,
    campaignId: CAMPAIGN,
    assignmentId,
    supervisorId,
    centerId: 'C1',
    activity: 'experiential',
    answers: { badge: true, attitude: 4 },
    submittedAt: firstAt,
    submissionId: `sub-${assignmentId}`,
    version: 1,
    history: [{ submittedAt: firstAt, answers: { badge: true, attitude: 4 }, submissionId: `sub-${assignmentId}` }],
  };
  return {
    eventID: `ev-${assignmentId}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall({ PK: item.PK, SK: item.SK }) as never,
      NewImage: marshall(item) as never,
      SequenceNumber: '1',
      StreamViewType: 'NEW_IMAGE',
    },
  };
};

const givenMeta = (over: Partial<CampaignMeta>) =>
  ddb.on(GetCommand, { Key: metaKey }).resolves({ Item: campaignMetaOf(def, { taskToken: 'tt-now', ...over }) });
const givenCount = (answered: number) => ddb.on(UpdateCommand, { Key: metaKey }).resolves({ Attributes: { answered } });

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(UpdateCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('count-answers (the table stream of first answers)', () => {
  it('marks the assignment answered at its first version and counts it once, without waking an unfinished campaign', async () => {
    // Prepare
    givenCount(2);
    givenMeta({ answered: 2, total: 4 });
    // Act
    const result = await countAnswers({ Records: [created('A1', 'S1', '2026-12-03T08:00:00.000Z')] });
    // Assess
    expect(result).toEqual({ counted: 1, alreadyCounted: 0, skipped: 0, woken: 0 });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: markKey('S1', 'A1'),
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(answeredAt)',
      ExpressionAttributeValues: { ':at': '2026-12-03T08:00:00.000Z' },
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { Key: metaKey, UpdateExpression: 'ADD answered :one' });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('wakes the workflow with the task token read after the last answer is counted', async () => {
    // Prepare
    givenCount(4);
    givenMeta({ answered: 4, total: 4, taskToken: 'tt-now' });
    // Act
    const result = await countAnswers({ Records: [created('A4', 'S2')] });
    // Assess
    expect(result.woken).toBe(1);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'tt-now' });
  });

  it('reads each campaign once per batch, however many of its answers the batch counts', async () => {
    // Prepare
    givenCount(3);
    givenMeta({ answered: 3, total: 4 });
    // Act
    const result = await countAnswers({ Records: [created('A1'), created('A2'), created('A3', 'S2')] });
    // Assess
    expect(result.counted).toBe(3);
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
  });

  it('counts nothing twice when a batch is delivered again, and still wakes a complete campaign it had not woken', async () => {
    // Prepare: the first delivery marked and counted A4, then failed before waking the workflow
    ddb
      .on(UpdateCommand, { Key: markKey('S2', 'A4') })
      .rejects(new ConditionalCheckFailedException({ message: 'marked', $metadata: { httpStatusCode: 400 } }));
    givenMeta({ answered: 4, total: 4 });
    // Act
    const result = await countAnswers({ Records: [created('A4', 'S2')] });
    // Assess
    expect(result).toEqual({ counted: 0, alreadyCounted: 1, skipped: 0, woken: 1 });
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { Key: metaKey });
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'tt-now' });
  });

  it('does not wake a workflow that is between two waits, or a campaign no longer open', async () => {
    // Prepare
    givenCount(4);
    ddb
      .on(GetCommand, { Key: metaKey })
      .resolvesOnce({ Item: campaignMetaOf(def, { answered: 4, total: 4, taskToken: undefined }) })
      .resolves({ Item: campaignMetaOf(def, { answered: 4, total: 4, taskToken: 'tt-now', status: 'closed' }) });
    // Act
    await countAnswers({ Records: [created('A4', 'S2')] });
    await countAnswers({ Records: [created('A3', 'S2')] });
    // Assess
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('skips what is not a new response without failing the batch, and counts the rest', async () => {
    // Prepare
    givenCount(1);
    givenMeta({ answered: 1, total: 4 });
    const edited = { ...created('A2'), eventName: 'MODIFY' as const };
    const other = created('A3');
    const broken = created('A4');
    if (!other.dynamodb || !broken.dynamodb) throw new Error('fixture');
    other.dynamodb.NewImage = marshall({ PK: 'p', SK: 'ASSIGNMENT#S1#A3', campaignId: CAMPAIGN }) as never;
    broken.dynamodb.NewImage = marshall({ PK: 'p', SK: 'RESPONSE#A4', campaignId: CAMPAIGN, history: [] }) as never;
    // Act
    const result = await countAnswers({ Records: [edited, other, created('A1'), broken] });
    // Assess
    expect(result).toEqual({ counted: 1, alreadyCounted: 0, skipped: 3, woken: 0 });
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 2);
  });

  it('takes its mark back and fails the batch when DynamoDB refuses the count, so the next delivery counts it', async () => {
    // Prepare
    const throttled = Object.assign(new Error('slow down'), {
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    ddb.on(UpdateCommand, { Key: metaKey }).rejects(throttled);
    // Act
    const counting = countAnswers({ Records: [created('A1', 'S1', '2026-12-03T08:00:00.000Z')] });
    // Assess
    await expect(counting).rejects.toThrow('slow down');
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: markKey('S1', 'A1'),
      UpdateExpression: 'REMOVE answeredAt',
      ConditionExpression: 'answeredAt = :at',
      ExpressionAttributeValues: { ':at': '2026-12-03T08:00:00.000Z' },
    });
  });

  it('fails a batch only once the answers under way are done, and starts none after the failure', async () => {
    // Prepare: A1's mark fails at once; A2's count lands 50 ms later
    const down = Object.assign(new Error('store down'), { name: 'ServiceUnavailable' });
    ddb.on(UpdateCommand, { Key: markKey('S1', 'A1') }).rejects(down);
    let a2Counted = false;
    ddb.on(UpdateCommand, { Key: metaKey }).callsFake(async () => {
      await new Promise((r) => setTimeout(r, 50));
      a2Counted = true;
      return { Attributes: { answered: 2 } };
    });
    const many = Array.from({ length: 40 }, (_, i) => created(`B${i}`, 'S2'));
    // Act
    const counting = countAnswers({ Records: [created('A1'), created('A2'), ...many] });
    // Assess: nothing of this delivery runs on once it has failed
    await expect(counting).rejects.toThrow('store down');
    expect(a2Counted).toBe(true);
    const marked = ddb
      .commandCalls(UpdateCommand)
      .filter((c) => String(c.args[0].input.Key?.SK).startsWith('ASSIGNMENT#')).length;
    expect(marked).toBeLessThan(42);
  });

  it('keeps its mark when it cannot tell whether the count was applied (a timeout): never counted twice', async () => {
    // Prepare
    ddb
      .on(UpdateCommand, { Key: metaKey })
      .rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    // Act
    const counting = countAnswers({ Records: [created('A1')] });
    // Assess
    await expect(counting).rejects.toThrow('socket hang up');
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'REMOVE answeredAt' });
  });

  describe('the progress counts', () => {
    const progressPk = `CAMPAIGN#${CAMPAIGN}#PROGRESS`;
    const progressKeys = [
      { PK: progressPk, SK: `G#${encodeURIComponent('玄武区')}#street` },
      { PK: progressPk, SK: 'S#S1' },
      { PK: progressPk, SK: `L#${encodeURIComponent('玄武区')}#S1` },
    ];
    const givenMarked = (supervisorId: string, assignmentId: string) =>
      ddb
        .on(UpdateCommand, { Key: markKey(supervisorId, assignmentId), UpdateExpression: 'SET answeredAt = :at' })
        .resolves({
          Attributes: { id: assignmentId, supervisorId, centerId: 'C1', district: '玄武区', level: 'street' },
        });
    const progressCalls = () =>
      ddb
        .commandCalls(UpdateCommand)
        .filter((c) => c.args[0].input.Key?.PK === progressPk)
        .map((c) => c.args[0].input);

    it("counts a first answer once in its district and level, its supervisor's and its supervisor's in the district", async () => {
      // Prepare
      givenMarked('S1', 'A1');
      givenCount(1);
      givenMeta({ answered: 1, total: 4 });
      // Act
      await countAnswers({ Records: [created('A1')] });
      // Assess
      expect(progressCalls().map((i) => i.Key)).toEqual(progressKeys);
      expect(progressCalls().every((i) => i.UpdateExpression === 'ADD answered :by')).toBe(true);
      expect(progressCalls().every((i) => i.ExpressionAttributeValues?.[':by'] === 1)).toBe(true);
    });

    it('counts nothing again when the same answer is delivered twice (its mark is there)', async () => {
      // Prepare: the first delivery marked it; the second finds the mark
      givenMarked('S1', 'A1');
      givenCount(1);
      givenMeta({ answered: 1, total: 4 });
      await countAnswers({ Records: [created('A1')] });
      ddb
        .on(UpdateCommand, { Key: markKey('S1', 'A1'), UpdateExpression: 'SET answeredAt = :at' })
        .rejects(new ConditionalCheckFailedException({ message: 'marked', $metadata: { httpStatusCode: 400 } }));
      // Act
      const again = await countAnswers({ Records: [created('A1')] });
      // Assess
      expect(again.alreadyCounted).toBe(1);
      expect(progressCalls()).toHaveLength(3);
    });

    it("takes the progress counts and the mark back when DynamoDB refuses the campaign's count", async () => {
      // Prepare
      givenMarked('S1', 'A1');
      const throttled = Object.assign(new Error('slow down'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      });
      ddb.on(UpdateCommand, { Key: metaKey }).rejects(throttled);
      // Act
      const counting = countAnswers({ Records: [created('A1')] });
      // Assess: each count added once and taken back once, so the next delivery counts it afresh
      await expect(counting).rejects.toThrow('slow down');
      const byKey = (by: number) =>
        progressCalls()
          .filter((i) => i.ExpressionAttributeValues?.[':by'] === by)
          .map((i) => i.Key);
      expect(byKey(1)).toEqual(progressKeys);
      expect(byKey(-1)).toEqual(progressKeys);
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'REMOVE answeredAt' });
    });
  });
});
