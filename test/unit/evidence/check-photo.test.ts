import exifr from 'exifr';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { normalizePhoto, readImageHeader } from '../../../functions/adapters/images.ts';
import type { ReadObject } from '../../../functions/adapters/storage.ts';
import type { CheckedPhoto } from '../../../functions/adapters/table/photos.ts';
import { checkIncomingPhoto, type PhotoCheckPorts } from '../../../functions/app/evidence.ts';
import {
  evidenceKey,
  incomingKey,
  MAX_PHOTO_BYTES,
  newPhotoId,
  type PhotoRecord,
  type RefusalReason,
  thumbKey,
} from '../../../functions/core/evidence/photos.ts';
import {
  heicStart,
  htmlPolyglot,
  hugePngHeader,
  phoneJpeg,
  smallPng,
  smallWebp,
  svgWithScript,
} from '../../fixtures/photos/images.ts';

/** The bucket and the photos aggregate in memory, with the state rules of the real ones. */
const createWorld = () => {
  const objects = new Map<string, Uint8Array>();
  const photos = new Map<string, PhotoRecord>();
  const released: string[] = [];
  const change = (photo: PhotoRecord, from: readonly string[], values: Partial<PhotoRecord>) => {
    const current = photos.get(photo.photoId);
    if (!current || !from.includes(current.state)) return false;
    photos.set(photo.photoId, { ...current, ...values });
    return true;
  };
  const ports: PhotoCheckPorts = {
    photos: {
      getPhoto: async (_campaignId, photoId) => photos.get(photoId),
      startCheck: async (photo, at) => change(photo, ['uploading', 'checking'], { state: 'checking', updatedAt: at }),
      finishReady: async (photo, checked: CheckedPhoto, at) =>
        change(photo, ['checking'], { state: 'ready', updatedAt: at, ...checked }),
      refuse: async (photo, reason, at, sha256) => {
        const changed = change(photo, ['uploading', 'checking'], { state: 'refused', reason, updatedAt: at, sha256 });
        if (changed) released.push(photo.photoId);
        return changed;
      },
    },
    storage: {
      readObject: async (key, maxBytes): Promise<ReadObject> => {
        const body = objects.get(key);
        if (!body) return { found: false };
        return body.length > maxBytes
          ? { found: true, tooLarge: true, size: body.length }
          : { found: true, tooLarge: false, body };
      },
      putObject: async (key, body) => {
        objects.set(key, body);
      },
      deleteObject: async (key) => {
        objects.delete(key);
      },
    },
    codec: { readHeader: readImageHeader, normalize: normalizePhoto },
    now: () => new Date('2026-06-01T10:00:00Z'),
  };
  let count = 0;
  /** A slot issued and `bytes` posted to it: the photo's record and its incoming key. */
  const upload = (bytes: Uint8Array) => {
    const photoId = newPhotoId('a-1', 3, `n${String(++count).padStart(15, '0')}`);
    const photo: PhotoRecord = {
      photoId,
      campaignId: 'c-2026-06',
      assignmentId: 'a-1',
      centerId: 'center-9',
      supervisorId: 's-1',
      problem: '0',
      state: 'uploading',
      createdAt: '2026-06-01T09:59:00Z',
      slotExpiresAt: '2026-06-01T10:09:00Z',
      updatedAt: '2026-06-01T09:59:00Z',
    };
    photos.set(photoId, photo);
    const key = incomingKey(photo.campaignId, photoId);
    objects.set(key, bytes);
    return { photo, key };
  };
  return { objects, photos, released, ports, upload };
};

describe('checking a photo', () => {
  let world: ReturnType<typeof createWorld>;
  beforeEach(() => {
    world = createWorld();
  });

  it('stores a phone JPEG upright, at most 2048 px, with no metadata (GPS above all), keeping only the capture time', async () => {
    // Prepare
    const original = await phoneJpeg(2400, 1800, 6);
    expect((await exifr.gps(original))?.latitude).toBeCloseTo(32.05, 2);
    const { photo, key } = world.upload(original);
    // Act
    const outcome = await checkIncomingPhoto(key, world.ports);
    // Assess
    expect(outcome).toEqual({ outcome: 'ready', photoId: photo.photoId });
    const stored = world.objects.get(evidenceKey(photo));
    const thumb = world.objects.get(thumbKey(photo));
    if (!stored || !thumb) throw new Error('nothing stored');
    const meta = await sharp(stored).metadata();
    // Orientation 6 on a 2400×1800 picture: upright it is 1800 wide, scaled to 2048 on its long edge.
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1536, 2048]);
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(await exifr.gps(stored)).toBeUndefined();
    expect(await exifr.parse(stored, true)).toBeUndefined();
    const thumbMeta = await sharp(thumb).metadata();
    expect(Math.max(thumbMeta.width ?? 0, thumbMeta.height ?? 0)).toBe(320);
    expect(world.photos.get(photo.photoId)).toMatchObject({
      state: 'ready',
      capturedAt: '2026-06-01T09:30:15',
      width: 1536,
      height: 2048,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(world.objects.has(key)).toBe(false);
  });

  it('accepts PNG and WebP, stored as JPEG', async () => {
    for (const bytes of [await smallPng(), await smallWebp()]) {
      // Prepare
      const { photo, key } = world.upload(bytes);
      // Act
      const outcome = await checkIncomingPhoto(key, world.ports);
      // Assess
      expect(outcome.outcome).toBe('ready');
      expect((await sharp(world.objects.get(evidenceKey(photo))).metadata()).format).toBe('jpeg');
    }
  });

  const hostile: [string, () => Promise<Uint8Array> | Uint8Array, RefusalReason][] = [
    ['text named .jpg', () => Buffer.from('just some text, named photo.jpg\n'.repeat(20)), 'not-an-image'],
    ['an SVG with a script', svgWithScript, 'not-an-image'],
    ['an HTML page with a JPEG inside', htmlPolyglot, 'not-an-image'],
    ['an HEIC photo', heicStart, 'unsupported-format'],
    ['a truncated JPEG', async () => (await phoneJpeg(800, 600)).subarray(0, 12_000), 'damaged'],
    ['a JPEG start that the decoder cannot read', () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 2, 1, 1]), 'damaged'],
    ['a PNG header claiming 20000×20000 pixels', () => hugePngHeader(20_000, 20_000), 'too-many-pixels'],
    ['a 25 MB file', () => Buffer.alloc(MAX_PHOTO_BYTES + 5 * 1024 * 1024, 0xff), 'too-large'],
  ];

  it.each(hostile)('refuses %s, keeping only its reason, and deletes what arrived', async (_name, make, reason) => {
    // Prepare
    const { photo, key } = world.upload(await make());
    // Act
    const outcome = await checkIncomingPhoto(key, world.ports);
    // Assess
    expect(outcome).toEqual({ outcome: 'refused', photoId: photo.photoId, reason });
    expect(world.photos.get(photo.photoId)).toMatchObject({ state: 'refused', reason });
    expect([...world.objects.keys()]).toEqual([]);
    expect(world.released).toEqual([photo.photoId]);
  });

  it('changes nothing when the same notification comes again', async () => {
    // Prepare
    const { photo, key } = world.upload(await smallPng());
    await checkIncomingPhoto(key, world.ports);
    const first = structuredClone(world.photos.get(photo.photoId));
    world.objects.set(key, Buffer.from('a second object under the same key'));
    // Act
    const again = await checkIncomingPhoto(key, world.ports);
    // Assess
    expect(again).toEqual({ outcome: 'ignored', why: 'already-checked' });
    expect(world.photos.get(photo.photoId)).toEqual(first);
    expect(world.objects.has(key)).toBe(false);
    expect(world.released).toEqual([]);
  });

  it('deletes an object no slot was issued for', async () => {
    // Prepare
    world.objects.set('incoming/c-2026-06/made-up', Buffer.from('x'));
    // Act
    const outcome = await checkIncomingPhoto('incoming/c-2026-06/made-up', world.ports);
    // Assess
    expect(outcome).toEqual({ outcome: 'ignored', why: 'unknown-key' });
    expect(world.objects.size).toBe(0);
  });
});
