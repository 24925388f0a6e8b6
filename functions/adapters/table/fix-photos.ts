import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdate } from '../../core/errors.ts';
import { type FixPhotoPlace, FixPhotoRecord, MAX_FIX_PHOTOS_PER_ITEM } from '../../core/evidence/fix-photos.ts';
import { PhotoLimitReached, type RefusalReason } from '../../core/evidence/photos.ts';
import { FIX_PHOTO_PREFIX, fixCountSk, fixPhotoSk, fixPhotosPk, fixPhotosPrefix } from './keys.ts';
import type { CheckedPhoto } from './photos.ts';
import { TableAccess } from './table-access.ts';

/**
 * Photos of fixes, on the finding's campaign's `#FIX` partition, sorted by center and item: one item per
 * photo and one count per rectification item. Like the supervisors' photos, a place is claimed before a
 * slot is issued and given back when its photo is refused, and every state change is conditional.
 */
export class FixPhotoTable extends TableAccess {
  /** The fix photos of one center in a campaign, or of one item of it, oldest first. */
  async listFixPhotos(campaignId: string, centerId: string, itemId?: string): Promise<FixPhotoRecord[]> {
    const photos: FixPhotoRecord[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': fixPhotosPk(campaignId), ':prefix': fixPhotosPrefix(centerId, itemId) },
      ConsistentRead: true,
    }))
      photos.push(FixPhotoRecord.parse(item));
    return photos.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Every fix photo of a campaign's findings, whatever their center. */
  async listCampaignFixPhotos(campaignId: string): Promise<FixPhotoRecord[]> {
    const photos: FixPhotoRecord[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': fixPhotosPk(campaignId), ':prefix': FIX_PHOTO_PREFIX },
    }))
      photos.push(FixPhotoRecord.parse(item));
    return photos;
  }

  /** Marks a fix photo purged (its bytes removed with its campaign's evidence), once; whether this call did. */
  async markFixPhotoPurged(photo: FixPhotoRecord, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: fixPhotosPk(photo.campaignId), SK: fixPhotoSk(photo.centerId, photo.photoId) },
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

  /** One fix photo by its place, if there is one. */
  async getFixPhoto(campaignId: string, centerId: string, photoId: string): Promise<FixPhotoRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: fixPhotosPk(campaignId), SK: fixPhotoSk(centerId, photoId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? FixPhotoRecord.parse(out.Item) : undefined;
  }

  /** Claims a place for one more photo of an item's fix (one conditional increment); PhotoLimitReached when full. */
  async claimFixPlace(place: FixPhotoPlace): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: fixPhotosPk(place.campaignId), SK: fixCountSk(place.centerId, place.itemId) },
          UpdateExpression: 'ADD #total :one',
          ConditionExpression: 'attribute_not_exists(#total) OR #total < :max',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':one': 1, ':max': MAX_FIX_PHOTOS_PER_ITEM },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new PhotoLimitReached('problem-full', { cause: error });
    }
  }

  /** Gives back the place of a fix photo (refused, or never issued); never below zero. */
  async releaseFixPlace(place: FixPhotoPlace): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: fixPhotosPk(place.campaignId), SK: fixCountSk(place.centerId, place.itemId) },
          UpdateExpression: 'ADD #total :minus',
          ConditionExpression: '#total > :zero',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Stores a new fix photo (its slot just issued). */
  async putFixPhoto(photo: FixPhotoRecord): Promise<void> {
    await this.putConditional(
      { PK: fixPhotosPk(photo.campaignId), SK: fixPhotoSk(photo.centerId, photo.photoId), ...photo },
      { ConditionExpression: 'attribute_not_exists(PK)' },
      (cause) => new ConcurrentUpdate(`fix photo ${photo.photoId} exists already`, { cause }),
    );
  }

  /** Marks a fix photo being checked, unless it is already ready or refused; whether it was marked. */
  async startCheck(photo: FixPhotoRecord, at: string): Promise<boolean> {
    return this.changeState(photo, { state: 'checking', updatedAt: at }, ['uploading', 'checking']);
  }

  /** Marks a fix photo checked and stored, from checking only; whether it was marked. */
  async finishReady(photo: FixPhotoRecord, checked: CheckedPhoto, at: string): Promise<boolean> {
    const values = Object.fromEntries(Object.entries(checked).filter(([, v]) => v !== undefined));
    return this.changeState(photo, { state: 'ready', updatedAt: at, ...values }, ['checking']);
  }

  /** Marks a fix photo refused with its reason and gives its place back, once; whether this call refused it. */
  async refuse(photo: FixPhotoRecord, reason: RefusalReason, at: string, sha256?: string): Promise<boolean> {
    const changed = await this.changeState(
      photo,
      { state: 'refused', reason, updatedAt: at, ...(sha256 ? { sha256 } : {}) },
      ['uploading', 'checking'],
    );
    if (changed) await this.releaseFixPlace(photo);
    return changed;
  }

  /** Sets `values` on a fix photo while its state is one of `from`; false when it is not. */
  private async changeState(
    photo: FixPhotoRecord,
    values: Record<string, unknown>,
    from: readonly string[],
  ): Promise<boolean> {
    const entries = Object.entries(values);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: fixPhotosPk(photo.campaignId), SK: fixPhotoSk(photo.centerId, photo.photoId) },
          UpdateExpression: `SET ${entries.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
          ConditionExpression: `#state IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: {
            '#state': 'state',
            ...Object.fromEntries(entries.map(([name], i) => [`#a${i}`, name])),
          },
          ExpressionAttributeValues: {
            ...Object.fromEntries(entries.map(([, value], i) => [`:a${i}`, value])),
            ...Object.fromEntries(from.map((state, i) => [`:from${i}`, state])),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
