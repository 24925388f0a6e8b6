import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { issuePhotoSlot, type PhotoSlotPorts } from '../../../functions/app/evidence.ts';
import { judgeReceived, readCaptureTime, sniffFormat } from '../../../functions/core/evidence/image-check.ts';
import {
  checkSlotLimits,
  MAX_PHOTOS_PER_PROBLEM,
  MAX_PHOTOS_PER_RESPONSE,
  newPhotoId,
  type PhotoCounts,
  PhotoLimitReached,
  type PhotoRecord,
  parseIncomingKey,
  parsePhotoId,
} from '../../../functions/core/evidence/photos.ts';
import { heicStart, phoneJpeg, smallPng, smallWebp, svgWithScript } from '../../fixtures/photos/images.ts';

describe('what a file is', () => {
  it('knows JPEG, PNG and WebP by their magic bytes, HEIC as refused, and nothing else', async () => {
    expect(sniffFormat(await phoneJpeg(64, 48))).toBe('jpeg');
    expect(sniffFormat(await smallPng())).toBe('png');
    expect(sniffFormat(await smallWebp())).toBe('webp');
    expect(sniffFormat(heicStart())).toBe('heif');
    expect(sniffFormat(svgWithScript())).toBeUndefined();
    expect(sniffFormat(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffFormat(new Uint8Array())).toBeUndefined();
  });

  it('refuses a file whose decoder reads another format than its magic bytes announce', () => {
    expect(judgeReceived(100, 'jpeg', { format: 'png', width: 10, height: 10 })).toEqual({
      ok: false,
      reason: 'not-an-image',
    });
    expect(judgeReceived(100, 'png', { format: 'png', width: 10_000, height: 5_001 })).toEqual({
      ok: false,
      reason: 'too-many-pixels',
    });
    expect(judgeReceived(100, 'png', { format: 'png', width: 10_000, height: 5_000 })).toEqual({
      ok: true,
      format: 'png',
    });
  });
});

describe('the capture time', () => {
  it('is read from EXIF DateTimeOriginal, as the camera wrote it', async () => {
    const meta = await sharp(await phoneJpeg(64, 48)).metadata();
    expect(readCaptureTime(meta.exif)).toBe('2026-06-01T09:30:15');
  });

  it('is absent, not an error, for a picture without EXIF or with a malformed block', async () => {
    expect(readCaptureTime((await sharp(await smallPng()).metadata()).exif)).toBeUndefined();
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        (bytes) => readCaptureTime(bytes) === undefined || typeof readCaptureTime(bytes) === 'string',
      ),
    );
    expect(readCaptureTime(Buffer.from('Exif\0\0MM\0\x2a\0\0\0\x08\xff\xff'))).toBeUndefined();
  });
});

describe('photo ids and keys', () => {
  it('name their assignment and shard, and nothing else parses', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/),
        fc.integer({ min: 0, max: 15 }),
        fc.stringMatching(/^[a-z0-9]{16,32}$/),
        (assignmentId, shard, nonce) => {
          const id = newPhotoId(assignmentId, shard, nonce);
          expect(parsePhotoId(id)).toEqual({ assignmentId, shard });
          expect(parseIncomingKey(`incoming/c-1/${id}`)).toEqual({ campaignId: 'c-1', photoId: id });
        },
      ),
    );
    expect(parseIncomingKey('incoming/c-1/../x')).toBeUndefined();
    expect(parseIncomingKey('evidence/c-1/A1.00.0123456789abcdef')).toBeUndefined();
  });
});

describe('the limits', () => {
  it('never let a problem or a response take a photo past its limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 60 }), (requests) => {
        const counts: PhotoCounts & { perProblem: Record<string, number> } = { total: 0, perProblem: {} };
        for (const problem of requests.map(String))
          if (checkSlotLimits(counts, problem).ok) {
            counts.total++;
            counts.perProblem[problem] = (counts.perProblem[problem] ?? 0) + 1;
          }
        expect(counts.total).toBeLessThanOrEqual(MAX_PHOTOS_PER_RESPONSE);
        for (const n of Object.values(counts.perProblem)) expect(n).toBeLessThanOrEqual(MAX_PHOTOS_PER_PROBLEM);
      }),
    );
  });
});

describe('an upload slot', () => {
  const owner = { campaignId: 'c-1', assignmentId: 'A1', shard: 3, centerId: 'C1', supervisorId: 'S1' };
  const ports = (photos: PhotoRecord[], full: boolean): PhotoSlotPorts & { claims: number; refused: string[] } => {
    const state = { claims: 0, refused: [] as string[] };
    return {
      ...state,
      get claims() {
        return state.claims;
      },
      refused: state.refused,
      photos: {
        claimPlace: async () => {
          state.claims++;
          if (full && state.refused.length === 0) throw new PhotoLimitReached('problem-full');
        },
        releasePlace: async () => undefined,
        putPhoto: async (p) => {
          photos.push(p);
        },
        listPhotos: async () => photos,
        refuse: async (p) => {
          state.refused.push(p.photoId);
          return true;
        },
      },
      storage: {
        presignPost: async (policy) => ({
          url: 'https://bucket.example/',
          fields: { key: policy.key, ...policy.fields },
        }),
      },
      now: () => new Date('2026-06-01T12:00:00Z'),
      nonce: () => '0123456789abcdef',
    };
  };
  const lapsed: PhotoRecord = {
    photoId: newPhotoId('A1', 3, 'aaaaaaaaaaaaaaaa'),
    campaignId: 'c-1',
    assignmentId: 'A1',
    centerId: 'C1',
    supervisorId: 'S1',
    problem: '0',
    state: 'uploading',
    createdAt: '2026-06-01T11:00:00Z',
    slotExpiresAt: '2026-06-01T11:10:00Z',
    updatedAt: '2026-06-01T11:00:00Z',
  };

  it('records the photo as uploading and signs a POST for its incoming key, coming back to the page', async () => {
    // Prepare
    const photos: PhotoRecord[] = [];
    // Act
    const slot = await issuePhotoSlot(owner, '0', ports(photos, false), (id) => `https://survey/s/t?photo=${id}`);
    // Assess
    expect(slot.photo).toMatchObject({ state: 'uploading', problem: '0', slotExpiresAt: '2026-06-01T12:10:00.000Z' });
    expect(slot.upload.fields).toEqual({
      key: `incoming/c-1/${slot.photo.photoId}`,
      success_action_redirect: `https://survey/s/t?photo=${slot.photo.photoId}`,
    });
    expect(photos).toEqual([slot.photo]);
  });

  it('gives back slots that lapsed unused when the limit is reached, then claims again', async () => {
    // Prepare
    const photos = [lapsed];
    const p = ports(photos, true);
    // Act
    await issuePhotoSlot(owner, '0', p);
    // Assess
    expect(p.refused).toEqual([lapsed.photoId]);
    expect(p.claims).toBe(2);
  });

  it('refuses when the limit is reached and nothing lapsed', async () => {
    // Prepare
    const live = { ...lapsed, slotExpiresAt: '2026-06-01T11:58:00Z' };
    // Act, Assess
    await expect(issuePhotoSlot(owner, '0', ports([live], true))).rejects.toThrow(PhotoLimitReached);
  });
});
