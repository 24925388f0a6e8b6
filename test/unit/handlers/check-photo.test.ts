import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { newPhotoId, type PhotoRecord, storedName } from '../../../functions/core/evidence/photos.ts';
import { smallPng } from '../../fixtures/photos/images.ts';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const BUCKET = 'evidence-bucket';

let checkPhotos: (event: unknown) => Promise<unknown>;
beforeAll(async () => {
  vi.stubEnv('EVIDENCE_BUCKET', BUCKET);
  ({ checkPhotos } = await import('../../../functions/check-photo.ts'));
});
afterEach(() => {
  s3.reset();
  ddb.reset();
});

const photoId = newPhotoId('A1', 7, '0123456789abcdef');
const photo: PhotoRecord = {
  photoId,
  campaignId: 'c-1',
  assignmentId: 'A1',
  centerId: 'C9',
  supervisorId: 'S1',
  problem: '2',
  state: 'uploading',
  createdAt: '2026-06-01T00:00:00Z',
  slotExpiresAt: '2026-06-01T00:10:00Z',
  updatedAt: '2026-06-01T00:00:00Z',
};

/** S3's notification of one object created, its key URL-encoded as S3 writes it. */
const notification = (key: string, bucket = BUCKET): S3Event =>
  ({
    Records: [{ eventName: 'ObjectCreated:Post', s3: { bucket: { name: bucket }, object: { key, size: 1 } } }],
  }) as unknown as S3Event;

const body = (bytes: Uint8Array) => ({ transformToByteArray: async () => bytes }) as never;

describe('check-photo', () => {
  it('stores the checked photo and its thumbnail under evidence/, marks it ready and deletes what arrived', async () => {
    // Prepare
    const png = await smallPng();
    ddb.on(GetCommand).resolves({ Item: { PK: 'x', SK: 'y', ...photo } });
    ddb.on(UpdateCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ ContentLength: png.length });
    s3.on(GetObjectCommand).resolves({ Body: body(png) });
    // Act
    const outcomes = await checkPhotos(notification(`incoming/c-1/${photoId}`));
    // Assess
    expect(outcomes).toEqual([{ outcome: 'ready', photoId }]);
    expect(s3).toReceiveCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: `evidence/c-1/C9/${storedName(photoId)}.jpg`,
      ContentType: 'image/jpeg',
    });
    expect(s3).toReceiveCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: `evidence/c-1/C9/thumb/${storedName(photoId)}.jpg`,
    });
    expect(s3).toReceiveCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: `incoming/c-1/${photoId}` });
    expect(ddb).toReceiveCommandWith(GetCommand, { Key: { PK: 'CAMPAIGN#c-1#S07', SK: `PHOTO#A1#${photoId}` } });
    expect(ddb).toReceiveCommandWith(UpdateCommand, {
      ConditionExpression: '#state IN (:from0)',
      ExpressionAttributeValues: expect.objectContaining({ ':a0': 'ready' }),
    });
  });

  it("stores an official's photo of a fix under evidence/<campaign>/<center>/fix/ and marks its record ready", async () => {
    // Prepare
    const png = await smallPng();
    const fixId = 'R1a.0123456789abcdef';
    ddb.on(GetCommand).resolves({
      Item: {
        PK: 'CAMPAIGN#c-1#FIX',
        SK: `FIX#C9#${fixId}`,
        photoId: fixId,
        campaignId: 'c-1',
        centerId: 'C9',
        itemId: 'R1a',
        state: 'uploading',
        createdAt: '2026-06-01T00:00:00Z',
        slotExpiresAt: '2026-06-01T00:10:00Z',
        updatedAt: '2026-06-01T00:00:00Z',
      },
    });
    ddb.on(UpdateCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ ContentLength: png.length });
    s3.on(GetObjectCommand).resolves({ Body: body(png) });
    // Act
    const outcomes = await checkPhotos(notification(`incoming/c-1/fix/C9/${fixId}`));
    // Assess
    expect(outcomes).toEqual([{ outcome: 'ready', photoId: fixId }]);
    expect(ddb).toReceiveCommandWith(GetCommand, { Key: { PK: 'CAMPAIGN#c-1#FIX', SK: `FIX#C9#${fixId}` } });
    expect(s3).toReceiveCommandWith(PutObjectCommand, { Key: `evidence/c-1/C9/fix/${fixId}.jpg` });
    expect(s3).toReceiveCommandWith(PutObjectCommand, { Key: `evidence/c-1/C9/fix/thumb/${fixId}.jpg` });
    expect(s3).toReceiveCommandWith(DeleteObjectCommand, { Key: `incoming/c-1/fix/C9/${fixId}` });
    expect(ddb).toReceiveCommandWith(UpdateCommand, {
      Key: { PK: 'CAMPAIGN#c-1#FIX', SK: `FIX#C9#${fixId}` },
      ExpressionAttributeValues: expect.objectContaining({ ':a0': 'ready' }),
    });
  });

  it('refuses an object larger than 20 MB from its head, without reading it, and gives its place back', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: { PK: 'x', SK: 'y', ...photo } });
    ddb.on(UpdateCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ ContentLength: 25 * 1024 * 1024 });
    // Act
    const outcomes = await checkPhotos(notification(`incoming/c-1/${photoId}`));
    // Assess
    expect(outcomes).toEqual([{ outcome: 'refused', photoId, reason: 'too-large' }]);
    expect(s3).not.toReceiveCommand(GetObjectCommand);
    expect(s3).not.toReceiveCommand(PutObjectCommand);
    expect(s3).toReceiveCommandWith(DeleteObjectCommand, { Key: `incoming/c-1/${photoId}` });
    expect(ddb).toReceiveCommandWith(UpdateCommand, {
      Key: { PK: 'CAMPAIGN#c-1#S07', SK: 'PHOTOCOUNT#A1' },
      UpdateExpression: 'ADD #total :minus, #problem :minus',
      ExpressionAttributeNames: { '#total': 'total', '#problem': 'p2' },
    });
  });

  it('decodes the key as S3 encodes it, and ignores other buckets', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    // Act
    const outcomes = await checkPhotos({
      Records: [
        ...notification('incoming/c-1/some+file%21.jpg').Records,
        ...notification(`incoming/c-1/${photoId}`, 'another-bucket').Records,
      ],
    });
    // Assess
    expect(outcomes).toEqual([{ outcome: 'ignored', why: 'unknown-key' }]);
    expect(s3).toReceiveCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: 'incoming/c-1/some file!.jpg' });
    expect(s3).toReceiveCommandTimes(DeleteObjectCommand, 1);
  });

  it('refuses an event that is not an S3 notification', async () => {
    await expect(checkPhotos({ Records: [{ eventName: 'x' }] })).rejects.toThrow();
    expect(s3).not.toReceiveAnyCommand();
  });
});
