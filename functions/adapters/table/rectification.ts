import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ConcurrentUpdate } from '../../core/errors.ts';
import { RectificationItem } from '../../core/findings/rectification.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { Id } from '../../core/model.ts';
import {
  RTOKEN_SK,
  rectificationCenterPrefix,
  rectificationPk,
  rectificationSk,
  rectificationTokenPk,
} from './keys.ts';
import { BATCH, TableAccess } from './table-access.ts';

/** What a rectification link opens: one center's items in a series, from one campaign's summary. */
export const RectificationLink = lazySchema(() => z.object({ series: Id, campaignId: Id, centerId: Id }));
export type RectificationLink = z.infer<typeof RectificationLink>;

/** A series' rectification items, followed from campaign to campaign, and the officials' links to them. */
export class RectificationTable extends TableAccess {
  /**
   * Stores new rectification items; an item that already exists is left as it is (it may have moved
   * on since), so re-running publication never resets one. Returns how many were new.
   */
  async putRectificationItems(items: readonly RectificationItem[]): Promise<number> {
    let created = 0;
    for (let i = 0; i < items.length; i += BATCH) {
      const outcomes = await Promise.all(
        items.slice(i, i + BATCH).map(async (item) => {
          try {
            await this.db.send(
              new PutCommand({
                TableName: this.tableName,
                Item: { PK: rectificationPk(item.series), SK: rectificationSk(item.centerId, item.id), ...item },
                ConditionExpression: 'attribute_not_exists(PK)',
              }),
            );
            return 1;
          } catch (error) {
            if (error instanceof ConditionalCheckFailedException) return 0;
            throw error;
          }
        }),
      );
      created += outcomes.reduce<number>((a, b) => a + b, 0);
    }
    return created;
  }

  /** The rectification items of a series, or of one center in it. */
  async listRectificationItems(series: string, centerId?: string): Promise<RectificationItem[]> {
    const out: RectificationItem[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: centerId ? 'PK = :pk AND begins_with(SK, :c)' : 'PK = :pk',
      ExpressionAttributeValues: {
        ':pk': rectificationPk(series),
        ...(centerId ? { ':c': rectificationCenterPrefix(centerId) } : {}),
      },
    })) {
      out.push(RectificationItem.parse(item));
    }
    return out;
  }

  /** One rectification item. */
  async getRectificationItem(series: string, centerId: string, itemId: string): Promise<RectificationItem | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: rectificationPk(series), SK: rectificationSk(centerId, itemId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? RectificationItem.parse(out.Item) : undefined;
  }

  /**
   * Writes a changed item, provided nobody changed it since it was read at `readRevision`
   * (ConcurrentUpdate otherwise: re-read and decide again).
   */
  async saveRectificationItem(item: RectificationItem, readRevision: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { PK: rectificationPk(item.series), SK: rectificationSk(item.centerId, item.id), ...item },
          ConditionExpression: 'revision = :r',
          ExpressionAttributeValues: { ':r': readRevision },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConcurrentUpdate(`rectification item ${item.id} changed meanwhile`, { cause: error });
      }
      throw error;
    }
  }

  /** Records what a rectification link's token opens (idempotent: same key, same content). */
  async putRectificationLinks(links: readonly { tokenHash: string; link: RectificationLink }[]): Promise<void> {
    await this.batchPut(
      links.map(({ tokenHash, link }) => ({ PK: rectificationTokenPk(tokenHash), SK: RTOKEN_SK, ...link })),
    );
  }

  /** Resolves a rectification token hash. */
  async getRectificationLink(tokenHash: string): Promise<RectificationLink | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: rectificationTokenPk(tokenHash), SK: RTOKEN_SK } }),
    );
    return out.Item ? RectificationLink.parse(out.Item) : undefined;
  }
}
