import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { FAILURE_MEMORY_SECONDS, type SignInFailures } from '../../core/access/sign-in-throttle.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { signInAttemptsPk } from './keys.ts';

const SK = 'FAILURES';

const FailuresRecord = lazySchema(() =>
  z.object({
    failures: z.number().int().nonnegative(),
    lastFailureAt: z.string(),
    expiresAt: z.string(),
  }),
);

/**
 * One persistence class for a username's failed console sign-ins: counted with conditional
 * updates (two failures at once both count), forgotten {@link FAILURE_MEMORY_SECONDS} after the
 * last one. The local table has no TTL, so a stale count is recognised by its `expiresAt` on read
 * and restarted on write.
 */
export class SignInAttemptStore {
  private readonly db: DynamoDBDocumentClient;
  private readonly tableName: string;

  public constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.db = db;
    this.tableName = tableName;
  }

  /** The username's recent failures, or undefined when it has none not yet forgotten. */
  public async get(username: string, now: Date): Promise<SignInFailures | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: signInAttemptsPk(username), SK }, ConsistentRead: true }),
    );
    const record = FailuresRecord.safeParse(out.Item);
    if (!record.success || Date.parse(record.data.expiresAt) <= now.getTime()) return undefined;
    return { failures: record.data.failures, lastFailureAt: record.data.lastFailureAt };
  }

  /** Counts one more failure of the username; returns the count with it. */
  public async recordFailure(username: string, now: Date): Promise<SignInFailures> {
    const Key = { PK: signInAttemptsPk(username), SK };
    const at = now.toISOString();
    const expiresAt = new Date(now.getTime() + FAILURE_MEMORY_SECONDS * 1000).toISOString();
    const ttl = Math.ceil(Date.parse(expiresAt) / 1000);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const out = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression:
              'SET failures = if_not_exists(failures, :zero) + :one, lastFailureAt = :at, expiresAt = :exp, #ttl = :ttl',
            // A count already forgotten is not added to: it restarts below.
            ConditionExpression: 'attribute_not_exists(PK) OR expiresAt > :at',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':at': at, ':exp': expiresAt, ':ttl': ttl },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const record = FailuresRecord.parse(out.Attributes);
        return { failures: record.failures, lastFailureAt: record.lastFailureAt };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...Key, failures: 1, lastFailureAt: at, expiresAt, ttl },
            ConditionExpression: 'expiresAt <= :at',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
        return { failures: 1, lastFailureAt: at };
      } catch (error) {
        // Another failure restarted the count meanwhile: add to it.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error(`the failed sign-ins of ${username} changed too often to be counted`);
  }

  /** Forgets the username's failures (after a successful sign-in). */
  public async clear(username: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: signInAttemptsPk(username), SK } }));
  }
}
