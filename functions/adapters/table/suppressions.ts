import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { lazySchema } from '../../core/lazy-schema.ts';
import { SUPPRESSED_PK, suppressedSk } from './keys.ts';
import { TableAccess } from './table-access.ts';

/** An address that bounced permanently or complained. */
export const SuppressionRecord = lazySchema(() =>
  z.object({
    email: z.string(),
    reason: z.string(),
    detail: z.string(),
    at: z.string(),
  }),
);
export type SuppressionRecord = z.infer<typeof SuppressionRecord>;

/** Addresses that bounced permanently or complained (account-wide, like SES's own list). */
export class SuppressionTable extends TableAccess {
  /** Adds an address to the suppression list (idempotent; the first reason is kept). */
  async suppress(entry: { email: string; reason: string; detail: string; at: string }): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { PK: SUPPRESSED_PK, SK: suppressedSk(entry.email), ...entry, email: entry.email.toLowerCase() },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Which of these addresses are suppressed. */
  async suppressedAmong(emails: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
    for (let i = 0; i < unique.length; i += 25) {
      const outs = await Promise.all(
        unique
          .slice(i, i + 25)
          .map((email) =>
            this.db.send(
              new GetCommand({ TableName: this.tableName, Key: { PK: SUPPRESSED_PK, SK: suppressedSk(email) } }),
            ),
          ),
      );
      for (const out of outs) if (out.Item) found.add(String(out.Item.SK));
    }
    return found;
  }

  /** The whole suppression list. */
  async listSuppressed(): Promise<SuppressionRecord[]> {
    const out: SuppressionRecord[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': SUPPRESSED_PK },
    })) {
      out.push(SuppressionRecord.parse(item));
    }
    return out;
  }
}
