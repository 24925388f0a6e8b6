import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requestHandler } from './request-handler.ts';

/**
 * DynamoDB document client, created once per process; the endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB`, so the same code talks to AWS or to the embedded cloud. Standard
 * retries (exponential backoff with jitter, 8 attempts) absorb throttling bursts; adaptive mode was
 * dropped because its client-side rate limiter slows a whole container to a crawl after a burst.
 */
export const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ maxAttempts: 8, retryMode: 'standard', requestHandler }),
  { marshallOptions: { removeUndefinedValues: true } },
);
