import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * The AWS clients, created once per process. Endpoints come from the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same code talks to AWS or to the embedded cloud.
 * Every client has request timeouts: a hung local service must fail a call, not a campaign.
 */
const requestHandler = { connectionTimeout: 3_000, requestTimeout: 15_000 };

/** DynamoDB document client; adaptive retries absorb throttling bursts. */
export const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ maxAttempts: 8, retryMode: 'adaptive', requestHandler }),
  { marshallOptions: { removeUndefinedValues: true } },
);

/** SES (v1 API: SendEmail / SendRawEmail). */
export const sesClient = new SESClient({ maxAttempts: 3, requestHandler });

/** Step Functions, for waking the Collect task and starting executions. */
export const sfnClient = new SFNClient({ maxAttempts: 5, requestHandler });
