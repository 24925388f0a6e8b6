import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdate } from '../../core/errors.ts';
import {
  checkSlotLimits,
  MAX_PHOTOS_PER_PROBLEM,
  MAX_PHOTOS_PER_RESPONSE,
  type PhotoCounts,
  PhotoLimitReached,
  type PhotoLocation,
  PhotoRecord,
  parsePhotoId,
  type RefusalReason,
} from '../../core/evidence/photos.ts';
import { photoCountSk, photoSk, photosPrefix, shardPk } from './keys.ts';
import { TableAccess } from './table-access.ts';

/** What a checked photo records: the hash of what arrived, the camera's capture time, the stored size. */
export interface CheckedPhoto {
  sha256: string;
  capturedAt?: string;
  width: number;
  height: number;
}

/**
 * Evidence photos of each response, beside it in its supervisor's shard: one item per photo and one with
 * the response's counts. A place is claimed (a conditional increment within the limits) before a slot is
 * issued and given back when its photo is refused; every state change is conditional on the state before,
 * so a notification delivered twice changes nothing the second time.
 */
export class PhotoTable extends TableAccess {
  /** The photos of one response, oldest first. */
  async listPhotos(location: PhotoLocation): Promise<PhotoRecord[]> {
    const photos: PhotoRecord[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': pkOf(location), ':prefix': photosPrefix(location.assignmentId) },
      ConsistentRead: true,
    }))
      photos.push(PhotoRecord.parse(item));
    return photos.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** One photo by its campaign and id, if there is one. */
  async getPhoto(campaignId: string, photoId: string): Promise<PhotoRecord | undefined> {
    const parsed = parsePhotoId(photoId);
    if (!parsed) return undefined;
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: pkOf({ campaignId, ...parsed }), SK: photoSk(parsed.assignmentId, photoId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? PhotoRecord.parse(out.Item) : undefined;
  }

  /** A response's counts: every photo not refused, in all and per problem. */
  async countPhotos(location: PhotoLocation): Promise<PhotoCounts> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: pkOf(location), SK: photoCountSk(location.assignmentId) },
        ConsistentRead: true,
      }),
    );
    const item = out.Item ?? {};
    const perProblem: Record<string, number> = {};
    for (const [name, value] of Object.entries(item)) {
      const m = /^p(.+)$/.exec(name);
      if (m?.[1] && typeof value === 'number') perProblem[m[1]] = value;
    }
    return { total: typeof item.total === 'number' ? item.total : 0, perProblem };
  }

  /**
   * Claims a place for one more photo of `problem`, within the limits (one conditional increment);
   * PhotoLimitReached, naming the limit, when there is none.
   */
  async claimPlace(location: PhotoLocation, problem: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: pkOf(location), SK: photoCountSk(location.assignmentId) },
          UpdateExpression: 'ADD #total :one, #problem :one',
          ConditionExpression:
            '(attribute_not_exists(#total) OR #total < :maxTotal) AND (attribute_not_exists(#problem) OR #problem < :maxProblem)',
          ExpressionAttributeNames: { '#total': 'total', '#problem': `p${problem}` },
          ExpressionAttributeValues: {
            ':one': 1,
            ':maxTotal': MAX_PHOTOS_PER_RESPONSE,
            ':maxProblem': MAX_PHOTOS_PER_PROBLEM,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const limits = checkSlotLimits(await this.countPhotos(location), problem);
      throw new PhotoLimitReached(limits.ok ? 'response-full' : limits.refusal, { cause: error });
    }
  }

  /** Gives back the place of a photo of `problem` (refused, or never issued). */
  async releasePlace(location: PhotoLocation, problem: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: pkOf(location), SK: photoCountSk(location.assignmentId) },
          UpdateExpression: 'ADD #total :minus, #problem :minus',
          ConditionExpression: '#total > :zero AND #problem > :zero',
          ExpressionAttributeNames: { '#total': 'total', '#problem': `p${problem}` },
          ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
        }),
      );
    } catch (error) {
      // Nothing to give back: never below zero.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Stores a new photo (its slot just issued); its id is new, so an existing one is a bug, not a retry. */
  async putPhoto(photo: PhotoRecord): Promise<void> {
    const location = locationOf(photo);
    await this.putConditional(
      { PK: pkOf(location), SK: photoSk(photo.assignmentId, photo.photoId), ...photo },
      { ConditionExpression: 'attribute_not_exists(PK)' },
      (cause) => new ConcurrentUpdate(`photo ${photo.photoId} exists already`, { cause }),
    );
  }

  /** Marks a photo being checked, unless it is already ready or refused; whether it was marked. */
  async startCheck(photo: PhotoRecord, at: string): Promise<boolean> {
    return this.changeState(photo, { state: 'checking', updatedAt: at }, ['uploading', 'checking']);
  }

  /** Marks a photo checked and stored, from checking only; whether it was marked. */
  async finishReady(photo: PhotoRecord, checked: CheckedPhoto, at: string): Promise<boolean> {
    return this.changeState(photo, { state: 'ready', updatedAt: at, ...definedOnly(checked) }, ['checking']);
  }

  /**
   * Marks a photo refused with its reason (and the hash of what arrived, when something did) and gives its
   * place back: once, whoever refuses it first. Whether it was refused by this call.
   */
  async refuse(photo: PhotoRecord, reason: RefusalReason, at: string, sha256?: string): Promise<boolean> {
    const changed = await this.changeState(
      photo,
      { state: 'refused', reason, updatedAt: at, ...(sha256 ? { sha256 } : {}) },
      ['uploading', 'checking'],
    );
    if (changed) await this.releasePlace(locationOf(photo), photo.problem);
    return changed;
  }

  /**
   * Marks a photo discarded, its problem removed by the supervisor, and gives its place back: once, from
   * any state but refused and purged. Whether this call discarded it. A check under way then finds it
   * gone and stores nothing as ready; bytes already stored go with the campaign's evidence.
   */
  async discard(photo: PhotoRecord, at: string): Promise<boolean> {
    const changed = await this.changeState(photo, { state: 'discarded', updatedAt: at }, [
      'uploading',
      'checking',
      'ready',
    ]);
    if (changed) await this.releasePlace(locationOf(photo), photo.problem);
    return changed;
  }

  /** Sets `values` on a photo while its state is one of `from`; false when it is not. */
  private async changeState(
    photo: PhotoRecord,
    values: Record<string, unknown>,
    from: readonly string[],
  ): Promise<boolean> {
    const names: Record<string, string> = { '#state': 'state' };
    const attributeValues: Record<string, unknown> = {};
    const sets: string[] = [];
    Object.entries(values).forEach(([name, value], i) => {
      names[`#a${i}`] = name;
      attributeValues[`:a${i}`] = value;
      sets.push(`#a${i} = :a${i}`);
    });
    from.forEach((state, i) => {
      attributeValues[`:from${i}`] = state;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: pkOf(locationOf(photo)), SK: photoSk(photo.assignmentId, photo.photoId) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `#state IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
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
}

const pkOf = (location: Pick<PhotoLocation, 'campaignId' | 'shard'>): string =>
  shardPk(location.campaignId, location.shard);

/** Where a photo's record lives, from its id. */
const locationOf = (photo: PhotoRecord): PhotoLocation => {
  const parsed = parsePhotoId(photo.photoId);
  if (!parsed) throw new Error(`photo id ${photo.photoId} names no shard`);
  return { campaignId: photo.campaignId, shard: parsed.shard, assignmentId: photo.assignmentId };
};

const definedOnly = (values: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
