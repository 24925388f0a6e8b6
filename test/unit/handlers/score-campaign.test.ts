import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/score-campaign.ts';
import { lambdaContext } from '../../../local/lambda-context.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'Rate of requests exceeds the allowed throughput',
    $metadata: {},
  });

beforeEach(() => ddb.reset());
afterEach(() => ddb.reset());

describe('the Score task', () => {
  it('reports throttled DynamoDB reads as TransientError, the name the workflow retries', async () => {
    // Prepare: every read is throttled, as after the SDK's own retries
    ddb.on(GetCommand).rejects(throttled());
    ddb.on(QueryCommand).rejects(throttled());

    // Act
    const failure = await handler({ campaignId: 'nj-2026-12' }, lambdaContext('score-campaign')).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({ name: 'TransientError' });
    expect((failure as Error).cause).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });

  it('leaves a campaign that does not exist a failure the workflow does not retry', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    const failure = await handler({ campaignId: 'nj-missing' }, lambdaContext('score-campaign')).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(failure).toMatchObject({ name: 'CampaignNotFound' });
  });

  it('refuses an input without a campaign id, not retried', async () => {
    // Act
    const failure = await handler({} as never, lambdaContext('score-campaign')).catch((e: unknown) => e);

    // Assess
    expect(failure).toMatchObject({ name: 'InvalidTaskInput' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
