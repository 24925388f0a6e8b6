import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudUsage, estimateCost, readUnits, writeUnits } from '../../../functions/core/campaign/aws-cost.ts';
import { UsageMeter } from '../../../local/usage-meter.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

afterEach(() => {
  ddb.reset();
});

describe('UsageMeter', () => {
  it('counts a campaign apart and every call in the total', () => {
    // Prepare
    const meter = new UsageMeter();

    // Act
    meter.lambdaInvoked('prepare', 1024, 999.2, 'c1');
    meter.lambdaInvoked('prepare', 512, 10, 'c1');
    meter.lambdaInvoked('survey-api', 256, 4, 'c2');
    meter.lambdaInvoked('console-api', 256, 4);
    meter.dynamodbCall('GetItem', { readUnits: readUnits(100, false) }, 'c1');
    meter.dynamodbCall('PutItem', { writeUnits: writeUnits(1500) }, 'c1');
    meter.dynamodbCall('Query', { readUnits: readUnits(9000, true) });
    meter.stateTransitions(7, 'c1');
    meter.sesMessage(0, 'c1');
    meter.sesMessage(2048.5, 'c1');
    meter.secretsCall('c1');
    meter.kmsCall('c2');

    // Assess
    const c1 = meter.snapshot('c1');
    expect(c1.lambda).toEqual({ prepare: { invocations: 2, gbSeconds: 1 + 0.005 } });
    expect(c1.dynamodb).toEqual({ readRequestUnits: 0.5, writeRequestUnits: 2, calls: { GetItem: 1, PutItem: 1 } });
    expect(c1.stepFunctions.stateTransitions).toBe(7);
    expect(c1.ses).toEqual({ messages: 2, attachmentBytes: 2049 });
    expect(c1.secretsManager.apiCalls).toBe(1);
    expect(c1.kms.requests).toBe(0);
    const total = meter.snapshot();
    expect(Object.keys(total.lambda).sort()).toEqual(['console-api', 'prepare', 'survey-api']);
    expect(total.dynamodb.readRequestUnits).toBe(3.5);
    expect(total.kms.requests).toBe(1);
    expect(meter.campaignIds().sort()).toEqual(['c1', 'c2']);
    expect(CloudUsage.safeParse(total).success).toBe(true);
  });

  it('hands out copies: a snapshot does not move with later calls', () => {
    const meter = new UsageMeter();
    meter.stateTransitions(1, 'c1');
    const before = meter.snapshot('c1');
    meter.stateTransitions(2, 'c1');
    expect(before.stepFunctions.stateTransitions).toBe(1);
    expect(meter.snapshot('c1').stepFunctions.stateTransitions).toBe(3);
    expect(estimateCost(meter.snapshot('unknown'), 'us-east-1').total).toBe(0);
  });

  it('refuses negative or non-finite quantities', () => {
    const meter = new UsageMeter();
    expect(() => meter.lambdaInvoked('prepare', 128, -1)).toThrow(RangeError);
    expect(() => meter.dynamodbCall('Query', { readUnits: Number.NaN })).toThrow(RangeError);
    expect(() => meter.stateTransitions(1.5)).toThrow(RangeError);
    expect(meter.snapshot().stepFunctions.stateTransitions).toBe(0);
  });

  it('writes each changed campaign as one USAGE item, and nothing when nothing changed', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const meter = new UsageMeter();
    meter.stateTransitions(3, 'c1');
    meter.kmsCall();

    // Act
    const first = await meter.flush(client, 'table');
    const second = await meter.flush(client, 'table');

    // Assess
    expect(first).toBe(1);
    expect(second).toBe(0);
    expect(ddb).toReceiveCommandTimes(PutCommand, 1);
    expect(ddb).toReceiveCommandWith(PutCommand, {
      TableName: 'table',
      Item: expect.objectContaining({
        PK: 'CAMPAIGN#c1',
        SK: 'USAGE',
        usage: expect.objectContaining({ stepFunctions: { stateTransitions: 3 }, kms: { requests: 0 } }),
      }),
    });
  });

  it('writes a campaign again at the next flush when its write failed', async () => {
    // Prepare
    ddb.on(PutCommand).rejectsOnce(new Error('throttled')).resolves({});
    const meter = new UsageMeter();
    meter.secretsCall('c1');

    // Act
    await expect(meter.flush(client, 'table')).rejects.toThrow('could not write the usage of c1');
    const retried = await meter.flush(client, 'table');

    // Assess
    expect(retried).toBe(1);
    expect(ddb).toReceiveCommandTimes(PutCommand, 2);
  });
});
