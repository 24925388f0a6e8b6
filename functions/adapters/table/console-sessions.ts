import { createHash, randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { CONSOLE_ROLES, type ConsoleUser } from '../../core/access/console-access.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { consoleSessionPk } from './keys.ts';

/**
 * The console's sessions, kept server-side so that they can end before the ID token they began
 * with: signing out deletes one, and a user whose role was taken away is refused at their next
 * request. The cookie carries a random id; the table holds only its SHA-256, with the user, their
 * role and when the session ends. The local table has no TTL, so expiry is checked on every read.
 */

const SK = 'SESSION';

const SessionRecord = lazySchema(() =>
  z.object({
    sub: z.string(),
    username: z.string(),
    role: z.enum(CONSOLE_ROLES),
    district: z.string().optional(),
    expiresAt: z.string(),
  }),
);

/** A session cookie's id: 32 random bytes, base64url. */
export const SESSION_ID = /^[\w-]{43}$/;

const hashOf = (id: string): string => createHash('sha256').update(id).digest('hex');

/** One persistence class for console sessions: creates, reads (expired ones read as absent) and deletes. */
export class ConsoleSessionStore {
  private readonly db: DynamoDBDocumentClient;
  private readonly tableName: string;

  public constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.db = db;
    this.tableName = tableName;
  }

  /** Begins a session of `user` until `expiresAt`; returns the id its cookie carries. */
  public async create(user: ConsoleUser, expiresAt: Date, now: Date): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK: consoleSessionPk(hashOf(id)),
          SK,
          sub: user.sub,
          username: user.username,
          role: user.role,
          ...(user.district ? { district: user.district } : {}),
          createdAt: now.toISOString(),
          expiresAt: expiresAt.toISOString(),
          // For a table with TTL on `ttl` (seconds); the console itself checks `expiresAt`.
          ttl: Math.ceil(expiresAt.getTime() / 1000),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return id;
  }

  /** The session's user, or undefined for an id that is malformed, unknown, ended or expired. */
  public async get(id: string, now: Date): Promise<ConsoleUser | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: consoleSessionPk(hashOf(id)), SK },
        ConsistentRead: true,
      }),
    );
    const record = SessionRecord.safeParse(out.Item);
    if (!record.success || Date.parse(record.data.expiresAt) <= now.getTime()) return undefined;
    const { sub, username, role, district } = record.data;
    return { sub, username, role, ...(district ? { district } : {}) };
  }

  /** Ends a session; ending one already gone is not an error. */
  public async delete(id: string): Promise<void> {
    if (!SESSION_ID.test(id)) return;
    try {
      await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: { PK: consoleSessionPk(hashOf(id)), SK } }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
