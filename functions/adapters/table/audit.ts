import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { lazySchema } from '../../core/lazy-schema.ts';
import { auditPk, auditSk } from './keys.ts';
import { TableAccess } from './table-access.ts';

/** One line of a campaign's audit log: who did what, when, to what. */
export const AuditEntry = lazySchema(() =>
  z.object({
    campaignId: z.string(),
    id: z.string(),
    at: z.string(),
    actor: z.object({ sub: z.string(), username: z.string(), role: z.string() }),
    action: z.string(),
    /** What was acted on: an assignment, a center, the campaign. */
    target: z.string(),
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  }),
);
export type AuditEntry = z.infer<typeof AuditEntry>;

/** One page of an audit log, newest first, with the keys of the pages beside it. */
export interface AuditPage {
  entries: AuditEntry[];
  /** Key to read older entries after. */
  next?: string;
  /** Key to read newer entries before. */
  previous?: string;
}

/** A campaign's audit log: who did what, when, to what; read newest first, a page at a time. */
export class AuditTable extends TableAccess {
  /** Appends one entry to a campaign's audit log (its id makes a retried append a no-op). */
  async appendAudit(entry: AuditEntry): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { PK: auditPk(entry.campaignId), SK: auditSk(entry.at, entry.id), ...entry },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** A campaign's audit log, newest first, at most `limit` entries. */
  async listAudit(campaignId: string, limit = 200): Promise<AuditEntry[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': auditPk(campaignId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => AuditEntry.parse(item));
  }

  /**
   * One page of a campaign's audit log, newest first: at most `size` entries older than the `after`
   * key, or newer than the `before` key. One Query with a limit and a start key: never the whole log.
   * `next` and `previous` are the keys to go on with, when there is more that way.
   */
  async pageAudit(
    campaignId: string,
    page: { size: number; after?: string | undefined; before?: string | undefined },
  ): Promise<AuditPage> {
    const pk = auditPk(campaignId);
    const start = page.after ?? page.before;
    const newer = page.after === undefined && page.before !== undefined;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: newer,
        // One more than shown tells whether there is more beyond this page.
        Limit: page.size + 1,
        ...(start === undefined ? {} : { ExclusiveStartKey: { PK: pk, SK: start } }),
      }),
    );
    const items = (out.Items ?? []) as (Record<string, unknown> & { SK: string })[];
    const more = items.length > page.size;
    const shown = items.slice(0, page.size);
    if (newer) shown.reverse();
    const first = shown[0]?.SK;
    const last = shown.at(-1)?.SK;
    return {
      entries: shown.map((item) => AuditEntry.parse(item)),
      ...((newer ? true : more) && last !== undefined ? { next: last } : {}),
      ...((newer ? more : start !== undefined) && first !== undefined ? { previous: first } : {}),
    };
  }
}
