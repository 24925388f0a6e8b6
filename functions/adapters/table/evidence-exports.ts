import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { EXPORT_STALE_SECONDS, type ExportFailure, ExportRecord } from '../../core/evidence/export.ts';
import { PhotoRecord, parsePhotoId } from '../../core/evidence/photos.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { campaignPk, EVIDENCE_PURGE, exportSk, PHOTO_PREFIX, photoSk, SHARD_COUNT, shardPk } from './keys.ts';
import { TableAccess } from './table-access.ts';

/** That a campaign's evidence was removed: when, by whom, why. */
export const PurgeRecord = lazySchema(() =>
  z.object({
    campaignId: z.string(),
    purgedAt: z.string(),
    by: z.string(),
    why: z.enum(['request', 'retention']),
    objects: z.number().int().nonnegative(),
    photos: z.number().int().nonnegative(),
  }),
);
export type PurgeRecord = z.infer<typeof PurgeRecord>;

/**
 * Evidence exports (one item per campaign and scope on the campaign's partition: the latest request, its
 * state and progress) and the end of a campaign's evidence (every photo marked purged, and the purge's
 * own record). Every state change of an export is conditional on its id, so a run that was replaced
 * writes nothing over its successor.
 */
export class EvidenceTable extends TableAccess {
  /** The latest export of a campaign (no center) or of one center. */
  async getExport(campaignId: string, centerId?: string): Promise<ExportRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: campaignPk(campaignId), SK: exportSk(centerId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? ExportRecord.parse(out.Item) : undefined;
  }

  /**
   * Records a new export request unless one is queued or building and still alive (updated within
   * {@link EXPORT_STALE_SECONDS}); whether it was recorded.
   */
  async claimExport(record: ExportRecord, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { PK: campaignPk(record.campaignId), SK: exportSk(record.centerId), ...record },
          ConditionExpression: 'attribute_not_exists(PK) OR #state IN (:ready, :failed) OR updatedAt <= :stale',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':ready': 'ready',
            ':failed': 'failed',
            ':stale': new Date(now.getTime() - EXPORT_STALE_SECONDS * 1000).toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Marks export `exportId` building `total` photos into multipart upload `uploadId`; false when replaced or done. */
  startBuilding(record: ExportRecord, total: number, uploadId: string, at: string): Promise<boolean> {
    return this.update(record, { state: 'building', total, done: 0, uploadId, updatedAt: at }, ['queued', 'building']);
  }

  /** Records `done` photos written; false when the export was replaced. */
  recordProgress(record: ExportRecord, done: number, at: string): Promise<boolean> {
    return this.update(record, { done, updatedAt: at }, ['building']);
  }

  /** Marks the export ready, its archive `bytes` long. */
  finishExport(record: ExportRecord, bytes: number, at: string): Promise<boolean> {
    return this.update(record, { state: 'ready', bytes, updatedAt: at }, ['building']);
  }

  /** Marks the export failed with its reason. */
  failExport(record: ExportRecord, reason: ExportFailure, at: string): Promise<boolean> {
    return this.update(record, { state: 'failed', reason, updatedAt: at }, ['queued', 'building']);
  }

  private async update(record: ExportRecord, values: Record<string, unknown>, from: readonly string[]) {
    const names: Record<string, string> = { '#state': 'state', '#exportId': 'exportId' };
    const attributeValues: Record<string, unknown> = { ':exportId': record.exportId };
    const sets = Object.entries(values).map(([name, value], i) => {
      names[`#a${i}`] = name;
      attributeValues[`:a${i}`] = value;
      return `#a${i} = :a${i}`;
    });
    from.forEach((state, i) => {
      attributeValues[`:from${i}`] = state;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: campaignPk(record.campaignId), SK: exportSk(record.centerId) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `#exportId = :exportId AND #state IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: attributeValues,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Every photo of a campaign (or of one center), shard by shard. */
  async listCampaignPhotos(campaignId: string, centerId?: string): Promise<PhotoRecord[]> {
    const photos: PhotoRecord[] = [];
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      for await (const item of this.queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': shardPk(campaignId, shard), ':prefix': PHOTO_PREFIX },
      })) {
        const photo = PhotoRecord.parse(item);
        if (!centerId || photo.centerId === centerId) photos.push(photo);
      }
    }
    return photos;
  }

  /** Marks one photo purged (its bytes removed), once; whether this call marked it. */
  async markPhotoPurged(photo: PhotoRecord, at: string): Promise<boolean> {
    const parsed = parsePhotoId(photo.photoId);
    if (!parsed) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: shardPk(photo.campaignId, parsed.shard), SK: photoSk(photo.assignmentId, photo.photoId) },
          UpdateExpression: 'SET #state = :purged, purgedAt = :at, updatedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND #state <> :purged',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':purged': 'purged', ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The record of the campaign's evidence purge, if it was purged. */
  async getPurge(campaignId: string): Promise<PurgeRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: campaignPk(campaignId), SK: EVIDENCE_PURGE },
        ConsistentRead: true,
      }),
    );
    return out.Item ? PurgeRecord.parse(out.Item) : undefined;
  }

  /** Records the purge (a later purge, e.g. repeated on request, records its own time). */
  async recordPurge(record: PurgeRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK: campaignPk(record.campaignId), SK: EVIDENCE_PURGE, ...record },
      }),
    );
  }
}
