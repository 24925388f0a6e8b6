import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExportRecord } from '../../../functions/core/evidence/export.ts';
import { evidenceKey, newPhotoId, type PhotoRecord } from '../../../functions/core/evidence/photos.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const def = smallCampaign();
const CAMPAIGN = def.campaign.id;
const UTF8 = { ...process.env, LC_ALL: 'C.utf8' };

let exportEvidence: (event: unknown) => Promise<unknown>;
beforeAll(async () => {
  vi.stubEnv('EVIDENCE_BUCKET', 'evidence-bucket');
  ({ exportEvidence } = await import('../../../functions/export-evidence.ts'));
});

const photo = (n: number, over: Partial<PhotoRecord> = {}): PhotoRecord => ({
  photoId: newPhotoId('A1', 5, `nonce${String(n).padStart(11, '0')}`),
  campaignId: CAMPAIGN,
  assignmentId: 'A1',
  centerId: 'C1',
  supervisorId: 'S1',
  problem: '0',
  state: 'ready',
  createdAt: `2026-12-03T08:0${n}:00.000Z`,
  slotExpiresAt: '2026-12-03T09:00:00.000Z',
  updatedAt: '2026-12-03T08:10:00.000Z',
  sha256: String(n).repeat(64),
  ...over,
});

const record = (over: Partial<ExportRecord> = {}): ExportRecord => ({
  campaignId: CAMPAIGN,
  exportId: 'export-0001',
  state: 'queued',
  done: 0,
  total: 0,
  requestedBy: 'organizer',
  requestedAt: '2026-12-10T02:00:00.000Z',
  updatedAt: '2026-12-10T02:00:00.000Z',
  ...over,
});

/** A JPEG-sized run of bytes that differs per photo. */
const bytesOf = (n: number) => new Uint8Array(4096 + n).map((_, i) => (i * 31 + n) % 256);

const world = (exportItem: ExportRecord | undefined, photos: PhotoRecord[]) => {
  ddb.on(GetCommand).callsFake(async (input: { Key: { PK: string; SK: string } }) => {
    if (input.Key.SK === 'EXPORT#CAMPAIGN') return { Item: exportItem };
    if (input.Key.SK === 'EVIDENCEPURGE') return {};
    if (input.Key.SK === 'RESPONSE#A1')
      return {
        Item: {
          campaignId: CAMPAIGN,
          assignmentId: 'A1',
          supervisorId: 'S1',
          centerId: 'C1',
          activity: 'experiential',
          version: 1,
          submittedAt: '2026-12-03T08:00:00.000Z',
          answers: {},
          submissionId: 'sub-A1',
          problems: [{ category: 'other', description: '叫号屏幕故障, 无人处理', severity: 'minor' }],
        },
      };
    return {};
  });
  ddb.on(QueryCommand).callsFake(async (input: { ExpressionAttributeValues: Record<string, string> }) => {
    const pk = input.ExpressionAttributeValues[':pk'];
    const prefix = input.ExpressionAttributeValues[':prefix'] ?? input.ExpressionAttributeValues[':p'];
    if (prefix === 'PHOTO#') return { Items: pk === `CAMPAIGN#${CAMPAIGN}#S05` ? photos : [] };
    if (prefix === 'CENTER#') return { Items: def.centers.map((center) => ({ center })) };
    return { Items: [] };
  });
  ddb.on(UpdateCommand).resolves({});
  const parts: Uint8Array[] = [];
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-new' });
  s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    const found = photos.findIndex((p) => evidenceKey(p) === input.Key);
    return { Body: { transformToByteArray: async () => bytesOf(found) } };
  });
  s3.on(UploadPartCommand).callsFake(async (input: { PartNumber: number; Body: Uint8Array }) => {
    parts[input.PartNumber - 1] = input.Body;
    return { ETag: `"etag-${input.PartNumber}"` };
  });
  s3.on(CompleteMultipartUploadCommand).resolves({});
  s3.on(AbortMultipartUploadCommand).resolves({});
  return { parts };
};

beforeEach(() => {
  ddb.reset();
  s3.reset();
});

describe('export-evidence', () => {
  it('streams every ready photo and index.csv into a multipart upload under exports/, named for download, and marks it ready', async () => {
    // Photo 3 shows a row the stored response does not list (left blank, never submitted): no finding's, left out.
    const photos = [photo(1), photo(2), photo(3, { problem: '2' }), photo(4, { state: 'refused' })];
    const { parts } = world(record(), photos);

    const outcome = await exportEvidence({ campaignId: CAMPAIGN, exportId: 'export-0001' });

    expect(outcome).toMatchObject({ outcome: 'ready', photos: 2 });
    expect(s3).toHaveReceivedCommandWith(CreateMultipartUploadCommand, {
      Bucket: 'evidence-bucket',
      Key: `exports/${CAMPAIGN}/export-0001.zip`,
      ContentType: 'application/zip',
      ContentDisposition: `attachment; filename="evidence-${CAMPAIGN}.zip"; filename*=UTF-8''evidence-${CAMPAIGN}.zip`,
    });
    expect(s3).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, {
      UploadId: 'upload-new',
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"etag-1"' }] },
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'export-evidence-'));
    const file = path.join(dir, 'e.zip');
    writeFileSync(file, Buffer.concat(parts));
    expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8', env: UTF8 })).toContain('No errors detected');
    execFileSync('unzip', ['-q', file, '-d', path.join(dir, 'out')], { env: UTF8 });
    expect(new Uint8Array(readFileSync(path.join(dir, 'out', 'C1/A1.p1/2.jpg')))).toEqual(bytesOf(1));
    expect(existsSync(path.join(dir, 'out', 'C1/A1.p3'))).toBe(false);
    const index = readFileSync(path.join(dir, 'out', 'index.csv'), 'utf8').split('\r\n');
    expect(index[0]).toBe(
      '\ufeffcenter,center_name,district,level,finding,problem,photo_file,captured_at,sha256,kind,item',
    );
    expect(index[1]).toBe(
      `C1,玄武区政务服务中心,玄武,district,A1.p1,"叫号屏幕故障, 无人处理",C1/A1.p1/1.jpg,,${'1'.repeat(64)},as-found,`,
    );
    expect(index).toHaveLength(4);
    expect(index[3]).toBe('');
    // The state moves conditionally on the export's id: building 0/3, then ready.
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates[0]?.ExpressionAttributeValues).toMatchObject({
      ':exportId': 'export-0001',
      ':a0': 'building',
      ':a1': 2,
    });
    expect(updates.at(-1)?.ExpressionAttributeValues).toMatchObject({ ':a0': 'ready' });
  });

  it('restarts a run that died while building: the old upload is aborted and a new one written', async () => {
    world(record({ state: 'building', uploadId: 'upload-old', done: 1, total: 2 }), [photo(1), photo(2)]);

    const outcome = await exportEvidence({ campaignId: CAMPAIGN, exportId: 'export-0001' });

    expect(outcome).toMatchObject({ outcome: 'ready', photos: 2 });
    expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'upload-old' });
    expect(s3).toHaveReceivedCommandTimes(CreateMultipartUploadCommand, 1);
  });

  it('does nothing for an export replaced by a newer request or already finished', async () => {
    world(record({ exportId: 'export-0002' }), [photo(1)]);
    expect(await exportEvidence({ campaignId: CAMPAIGN, exportId: 'export-0001' })).toEqual({
      outcome: 'skipped',
      why: 'replaced',
    });
    world(record({ state: 'ready' }), [photo(1)]);
    expect(await exportEvidence({ campaignId: CAMPAIGN, exportId: 'export-0001' })).toEqual({
      outcome: 'skipped',
      why: 'finished',
    });
    expect(s3).toHaveReceivedCommandTimes(CreateMultipartUploadCommand, 0);
  });

  it('fails the export, uploading nothing, when no photo is ready', async () => {
    world(record(), [photo(1, { state: 'refused' })]);
    expect(await exportEvidence({ campaignId: CAMPAIGN, exportId: 'export-0001' })).toEqual({
      outcome: 'failed',
      reason: 'no-photos',
    });
    expect(s3).toHaveReceivedCommandTimes(CreateMultipartUploadCommand, 0);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':a0': 'failed',
      ':a1': 'no-photos',
    });
  });

  it('refuses an event that names no export', async () => {
    await expect(exportEvidence({ campaignId: CAMPAIGN })).rejects.toThrow();
  });
});
