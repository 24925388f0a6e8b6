import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readImageHeader } from '../../../functions/adapters/images.ts';
import { checkIncomingPhoto, type PhotoCheckPorts } from '../../../functions/app/evidence.ts';
import {
  countFindingPhotos,
  issueFixPhotoSlot,
  photosOfFindings,
  photosOfFixes,
} from '../../../functions/app/finding-photos.ts';
import { ItemAlreadyConfirmed } from '../../../functions/core/errors.ts';
import {
  type FixPhotoRecord,
  fixEvidenceKey,
  fixIncomingKey,
  MAX_FIX_PHOTOS_PER_ITEM,
  newFixPhotoId,
  parseFixIncomingKey,
} from '../../../functions/core/evidence/fix-photos.ts';
import {
  evidenceKey,
  newPhotoId,
  PhotoLimitReached,
  type PhotoRecord,
  parseIncomingKey,
} from '../../../functions/core/evidence/photos.ts';
import { smallPng } from '../../fixtures/photos/images.ts';

const NOW = new Date('2026-07-01T08:00:00Z');

const photo = (assignmentId: string, problem: string, n: number, over: Partial<PhotoRecord> = {}): PhotoRecord => ({
  photoId: newPhotoId(assignmentId, 4, `nonce${String(n).padStart(11, '0')}`),
  campaignId: 'c-6',
  assignmentId,
  centerId: 'C1',
  supervisorId: 'S-SECRET',
  problem,
  state: 'ready',
  createdAt: `2026-06-0${n}T00:00:00Z`,
  slotExpiresAt: `2026-06-0${n}T00:10:00Z`,
  updatedAt: `2026-06-0${n}T00:01:00Z`,
  capturedAt: '2026-06-01T09:30:15',
  ...over,
});

/** Signs by echoing the key, so a test reads which object a URL names. */
const storage = { presignGet: async (key: string) => `https://bucket.example/${key}?sig` };

/** The fix photos aggregate in memory, with the real one's limit and state rules. */
const fixWorld = () => {
  const records = new Map<string, FixPhotoRecord>();
  const counts = new Map<string, number>();
  const placeKey = (p: { campaignId: string; centerId: string; itemId: string }) =>
    `${p.campaignId}/${p.centerId}/${p.itemId}`;
  const posts: { key: string; fields?: Record<string, string> }[] = [];
  let nonce = 0;
  const fixPhotos = {
    claimFixPlace: async (place: { campaignId: string; centerId: string; itemId: string }) => {
      const n = counts.get(placeKey(place)) ?? 0;
      if (n >= MAX_FIX_PHOTOS_PER_ITEM) throw new PhotoLimitReached('problem-full');
      counts.set(placeKey(place), n + 1);
    },
    releaseFixPlace: async (place: { campaignId: string; centerId: string; itemId: string }) => {
      counts.set(placeKey(place), Math.max(0, (counts.get(placeKey(place)) ?? 0) - 1));
    },
    putFixPhoto: async (p: FixPhotoRecord) => {
      records.set(p.photoId, p);
    },
    listFixPhotos: async (campaignId: string, centerId: string, itemId?: string) =>
      [...records.values()].filter(
        (p) => p.campaignId === campaignId && p.centerId === centerId && (itemId === undefined || p.itemId === itemId),
      ),
    getFixPhoto: async (_c: string, _center: string, photoId: string) => records.get(photoId),
    startCheck: async (p: FixPhotoRecord) => change(p, ['uploading', 'checking'], { state: 'checking' }),
    finishReady: async (p: FixPhotoRecord) => change(p, ['checking'], { state: 'ready' }),
    refuse: async (p: FixPhotoRecord, reason: FixPhotoRecord['reason']) => {
      const changed = change(p, ['uploading', 'checking'], { state: 'refused', ...(reason ? { reason } : {}) });
      if (changed) await fixPhotos.releaseFixPlace(p);
      return changed;
    },
  };
  const change = (p: FixPhotoRecord, from: readonly string[], values: Partial<FixPhotoRecord>) => {
    const current = records.get(p.photoId);
    if (!current || !from.includes(current.state)) return false;
    records.set(p.photoId, { ...current, ...values });
    return true;
  };
  const ports = {
    fixPhotos,
    storage: {
      presignPost: async (policy: { key: string; fields?: Record<string, string> }) => {
        posts.push(policy);
        return { url: 'https://bucket.example/', fields: { key: policy.key } };
      },
    },
    now: () => NOW,
    nonce: () => `fix${String(++nonce).padStart(13, '0')}`,
  };
  return { records, counts, posts, ports, fixPhotos };
};

const item = { id: 'Rabc', campaignId: 'c-6', centerId: 'C1', state: 'open' as const };

describe('photos of findings', () => {
  it("signs the ready photos of each finding's own problem, under names that do not show the assignment", async () => {
    // Prepare: two problems of one response, one photo still checking, one of another problem
    const listed = [
      photo('A-0007', '0', 1),
      photo('A-0007', '1', 2),
      photo('A-0007', '0', 3, { state: 'checking' }),
      photo('A-0007', '0', 4),
    ];
    const queries: unknown[] = [];
    const photos = {
      listPhotos: async (location: unknown) => {
        queries.push(location);
        return listed;
      },
    };
    const findings = [
      { id: 'R1', campaignId: 'c-6', assignmentId: 'A-0007', supervisorId: 'S-SECRET', problem: 0 },
      { id: 'R2', campaignId: 'c-6', assignmentId: 'A-0007', supervisorId: 'S-SECRET', problem: 1 },
      { id: 'R3', campaignId: 'c-6' },
    ];
    // Act
    const shown = await photosOfFindings(findings, { photos, storage, shardOf: () => 4, now: NOW });
    // Assess
    expect(queries).toEqual([{ campaignId: 'c-6', shard: 4, assignmentId: 'A-0007' }]);
    expect(shown.get('R1')).toHaveLength(2);
    expect(shown.get('R2')).toHaveLength(1);
    expect(shown.has('R3')).toBe(false);
    const urls = JSON.stringify([...shown.values()]);
    expect(urls).not.toContain('A-0007');
    expect(urls).not.toContain('S-SECRET');
    expect(urls).not.toContain('09:30');
    expect(shown.get('R1')?.[0]?.url).toBe(`https://bucket.example/${evidenceKey(listed[0] as PhotoRecord)}?sig`);
  });

  it('counts the ready photos of each finding, for a mail that carries no URL', async () => {
    // Prepare
    const photos = { listPhotos: async () => [photo('A1', '0', 1), photo('A1', '0', 2), photo('A1', '2', 3)] };
    // Act
    const counts = await countFindingPhotos(
      [
        { id: 'R1', campaignId: 'c-6', assignmentId: 'A1', supervisorId: 'S1', problem: 0 },
        { id: 'R2', campaignId: 'c-6', assignmentId: 'A1', supervisorId: 'S1', problem: 1 },
      ],
      { photos, shardOf: () => 0 },
    );
    // Assess
    expect(counts).toEqual(new Map([['R1', 2]]));
  });

  it("finds a finding's photos by its problem row's key, wherever the row stood when they were taken", async () => {
    // Prepare: photos of keyed rows, one of a row removed (discarded), and an older record holding an index
    const photos = {
      listPhotos: async () => [
        photo('A1', 'ksecond00000000', 1),
        photo('A1', 'ksecond00000000', 2),
        photo('A1', 'kfirst000000000', 3, { state: 'discarded' }),
        photo('A1', '1', 4),
      ],
    };
    // Act
    const counts = await countFindingPhotos(
      [
        {
          id: 'R1',
          campaignId: 'c-6',
          assignmentId: 'A1',
          supervisorId: 'S1',
          problem: 0,
          problemKey: 'ksecond00000000',
        },
        { id: 'R2', campaignId: 'c-6', assignmentId: 'A1', supervisorId: 'S1', problem: 1 },
      ],
      { photos, shardOf: () => 0 },
    );
    // Assess
    expect(counts).toEqual(
      new Map([
        ['R1', 2],
        ['R2', 1],
      ]),
    );
  });
});

describe('photos of a fix', () => {
  it('issues slots for an item up to its limit, each a POST to its own incoming key under fix/', async () => {
    // Prepare
    const world = fixWorld();
    // Act
    const slots = [];
    for (let i = 0; i < MAX_FIX_PHOTOS_PER_ITEM; i++) slots.push(await issueFixPhotoSlot(item, world.ports));
    // Assess
    await expect(issueFixPhotoSlot(item, world.ports)).rejects.toBeInstanceOf(PhotoLimitReached);
    expect(new Set(slots.map((s) => s.photo.photoId)).size).toBe(MAX_FIX_PHOTOS_PER_ITEM);
    expect(world.posts.map((p) => p.key)).toEqual(slots.map((s) => fixIncomingKey(s.photo)));
    expect(world.posts[0]?.key).toMatch(/^incoming\/c-6\/fix\/C1\/Rabc\.[a-z0-9]{16}$/);
  });

  it('gives back the places of slots that lapsed unused when the item is full', async () => {
    // Prepare: six slots issued an hour ago, none used
    const world = fixWorld();
    const earlier = { ...world.ports, now: () => new Date(NOW.getTime() - 3_600_000) };
    for (let i = 0; i < MAX_FIX_PHOTOS_PER_ITEM; i++) await issueFixPhotoSlot(item, earlier);
    // Act
    const slot = await issueFixPhotoSlot(item, world.ports);
    // Assess
    expect(slot.photo.state).toBe('uploading');
    expect([...world.records.values()].filter((p) => p.state === 'refused')).toHaveLength(MAX_FIX_PHOTOS_PER_ITEM);
  });

  it('refuses a photo for an item confirmed fixed on re-check', async () => {
    // Act, Assess
    await expect(issueFixPhotoSlot({ ...item, state: 'confirmed' }, fixWorld().ports)).rejects.toBeInstanceOf(
      ItemAlreadyConfirmed,
    );
  });

  it('shows its own official the photos on their way and refused, anyone else the ready ones only', async () => {
    // Prepare
    const world = fixWorld();
    const ready = await issueFixPhotoSlot(item, world.ports);
    const refused = await issueFixPhotoSlot(item, world.ports);
    await issueFixPhotoSlot(item, world.ports);
    world.records.set(ready.photo.photoId, { ...ready.photo, state: 'ready' });
    world.records.set(refused.photo.photoId, { ...refused.photo, state: 'refused', reason: 'not-an-image' });
    const ports = { fixPhotos: world.fixPhotos, storage, now: NOW };
    // Act
    const official = await photosOfFixes([item], ports, { pending: true });
    const others = await photosOfFixes([item], ports);
    // Assess
    expect(official.get('Rabc')?.map((p) => p.state)).toEqual(['ready', 'refused', 'uploading']);
    expect(official.get('Rabc')?.[1]?.reason).toBe('not-an-image');
    expect(others.get('Rabc')).toEqual([
      {
        state: 'ready',
        url: `https://bucket.example/${fixEvidenceKey(ready.photo)}?sig`,
        thumbUrl: expect.any(String),
      },
    ]);
  });

  it('is checked like a supervisor’s photo: stored under fix/ without metadata, and marked ready', async () => {
    // Prepare
    const world = fixWorld();
    const { photo: slot } = await issueFixPhotoSlot(item, world.ports);
    const objects = new Map<string, Uint8Array>([[fixIncomingKey(slot), await smallPng()]]);
    const ports: PhotoCheckPorts = {
      photos: {
        getPhoto: async () => undefined,
        startCheck: async () => false,
        finishReady: async () => false,
        refuse: async () => false,
      },
      fixPhotos: world.fixPhotos,
      storage: {
        readObject: async (key) => {
          const body = objects.get(key);
          return body ? { found: true, tooLarge: false, body } : { found: false };
        },
        putObject: async (key, body) => {
          objects.set(key, body);
        },
        deleteObject: async (key) => {
          objects.delete(key);
        },
      },
      codec: {
        readHeader: readImageHeader,
        normalize: (await import('../../../functions/adapters/images.ts')).normalizePhoto,
      },
      now: () => NOW,
    };
    // Act
    const outcome = await checkIncomingPhoto(fixIncomingKey(slot), ports);
    // Assess
    expect(outcome).toEqual({ outcome: 'ready', photoId: slot.photoId });
    expect(world.records.get(slot.photoId)?.state).toBe('ready');
    expect(objects.has(fixEvidenceKey(slot))).toBe(true);
    expect(objects.has(fixIncomingKey(slot))).toBe(false);
  });
});

describe('fix photo keys', () => {
  const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/);
  it('name their campaign, center and item, and are never taken for a supervisor’s photo', () => {
    fc.assert(
      fc.property(id, id, id, fc.stringMatching(/^[a-z0-9]{16,32}$/), (campaignId, centerId, itemId, nonce) => {
        const key = fixIncomingKey({ campaignId, centerId, photoId: newFixPhotoId(itemId, nonce) });
        expect(parseFixIncomingKey(key)).toEqual({
          campaignId,
          centerId,
          itemId,
          photoId: newFixPhotoId(itemId, nonce),
        });
        expect(parseIncomingKey(key)).toBeUndefined();
      }),
    );
  });

  it('are not read from a supervisor’s incoming key', () => {
    fc.assert(
      fc.property(id, (campaignId) => {
        expect(
          parseFixIncomingKey(`incoming/${campaignId}/${newPhotoId('A1', 3, '0123456789abcdef')}`),
        ).toBeUndefined();
      }),
    );
  });
});
