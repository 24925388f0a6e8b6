/**
 * The photos of findings, wherever a finding is judged: the supervisors' photos of the problem ("before")
 * and the official's photos of the fix ("after"), each with short-lived read URLs for a viewer the caller
 * has already checked, and nothing that says who took them; and the upload slot of a fix photo.
 */
import type { EvidenceStorage, PresignedPost } from '../adapters/storage.ts';
import type { FixPhotoTable } from '../adapters/table/fix-photos.ts';
import type { PhotoTable } from '../adapters/table/photos.ts';
import { ItemAlreadyConfirmed } from '../core/errors.ts';
import {
  type FixPhotoRecord,
  fixEvidenceKey,
  fixIncomingKey,
  fixThumbKey,
  newFixPhotoId,
  type ShownPhoto,
} from '../core/evidence/fix-photos.ts';
import {
  evidenceKey,
  findingPhotoKey,
  MAX_PHOTO_BYTES,
  PhotoLimitReached,
  type PhotoRecord,
  READ_URL_SECONDS,
  SLOT_SECONDS,
  slotLapsed,
  thumbKey,
} from '../core/evidence/photos.ts';
import type { RectificationItem } from '../core/findings/rectification.ts';

/** Where a finding's photos are: its response (campaign, supervisor, assignment) and its problem row's key (or index). */
export interface FindingSource {
  id: string;
  campaignId: string;
  assignmentId?: string | undefined;
  supervisorId?: string | undefined;
  problem?: number | undefined;
  problemKey?: string | undefined;
}

/** What reading the supervisors' photos of findings takes; `shardOf` places a supervisor's records. */
export interface FindingPhotoPorts {
  photos: Pick<PhotoTable, 'listPhotos'>;
  storage: Pick<EvidenceStorage, 'presignGet'>;
  shardOf: (supervisorId: string) => number;
  now: Date;
}

/** The ready photos of each finding's problem, oldest first: one Query per response, whatever its findings. */
const readyPhotosOf = async (
  findings: readonly FindingSource[],
  ports: Omit<FindingPhotoPorts, 'storage' | 'now'>,
): Promise<Map<string, PhotoRecord[]>> => {
  const responses = new Map<string, { campaignId: string; shard: number; assignmentId: string }>();
  for (const f of findings) {
    if (f.assignmentId === undefined || f.supervisorId === undefined || findingPhotoKey(f) === undefined) continue;
    const key = `${f.campaignId}\u0000${f.assignmentId}`;
    if (!responses.has(key))
      responses.set(key, {
        campaignId: f.campaignId,
        shard: ports.shardOf(f.supervisorId),
        assignmentId: f.assignmentId,
      });
  }
  const listed = new Map(
    await Promise.all(
      [...responses].map(async ([key, location]) => [key, await ports.photos.listPhotos(location)] as const),
    ),
  );
  const out = new Map<string, PhotoRecord[]>();
  for (const f of findings) {
    const photos = (listed.get(`${f.campaignId}\u0000${f.assignmentId}`) ?? []).filter(
      (p) => p.state === 'ready' && p.problem === findingPhotoKey(f),
    );
    if (photos.length > 0) out.set(f.id, photos);
  }
  return out;
};

/** How many ready photos each finding has (for a mail, which carries no expiring URL). */
export const countFindingPhotos = async (
  findings: readonly FindingSource[],
  ports: Omit<FindingPhotoPorts, 'storage' | 'now'>,
): Promise<Map<string, number>> =>
  new Map([...(await readyPhotosOf(findings, ports))].map(([id, photos]) => [id, photos.length]));

const sign = async (
  storage: Pick<EvidenceStorage, 'presignGet'>,
  keys: { image: string; thumb: string },
  now: Date,
): Promise<{ url: string; thumbUrl: string }> => {
  const [url, thumbUrl] = await Promise.all([
    storage.presignGet(keys.image, READ_URL_SECONDS, now),
    storage.presignGet(keys.thumb, READ_URL_SECONDS, now),
  ]);
  return { url, thumbUrl };
};

/**
 * The supervisors' ready photos of each finding, by finding id, with read URLs (valid
 * {@link READ_URL_SECONDS}) under names that say nothing of the response. The caller passes only findings
 * the viewer may see.
 */
export const photosOfFindings = async (
  findings: readonly FindingSource[],
  ports: FindingPhotoPorts,
): Promise<Map<string, ShownPhoto[]>> => {
  const ready = await readyPhotosOf(findings, ports);
  return new Map(
    await Promise.all(
      [...ready].map(
        async ([id, photos]) =>
          [
            id,
            await Promise.all(
              photos.map(
                async (p): Promise<ShownPhoto> => ({
                  state: 'ready',
                  ...(await sign(ports.storage, { image: evidenceKey(p), thumb: thumbKey(p) }, ports.now)),
                }),
              ),
            ),
          ] as const,
      ),
    ),
  );
};

/** What reading the officials' photos of fixes takes. */
export interface FixPhotoPorts {
  fixPhotos: Pick<FixPhotoTable, 'listFixPhotos'>;
  storage: Pick<EvidenceStorage, 'presignGet'>;
  now: Date;
}

/** A fix photo as shown: ready with read URLs, or (to the official who posts them) on its way or refused. */
const showFixPhoto = async (photo: FixPhotoRecord, ports: FixPhotoPorts): Promise<ShownPhoto> =>
  photo.state === 'ready'
    ? {
        state: 'ready',
        ...(await sign(ports.storage, { image: fixEvidenceKey(photo), thumb: fixThumbKey(photo) }, ports.now)),
      }
    : { state: photo.state, ...(photo.reason ? { reason: photo.reason } : {}) };

/**
 * The photos of each item's fix, by item id: one Query per center and campaign of the items. `pending`
 * (for the official who posts them) also lists those being uploaded or checked and those refused, so the
 * page says what became of each; anyone else sees the ready ones only.
 */
export const photosOfFixes = async (
  items: readonly Pick<RectificationItem, 'id' | 'campaignId' | 'centerId'>[],
  ports: FixPhotoPorts,
  options: { pending?: boolean } = {},
): Promise<Map<string, ShownPhoto[]>> => {
  const groups = new Map<string, { campaignId: string; centerId: string }>();
  for (const i of items)
    groups.set(`${i.campaignId}\u0000${i.centerId}`, { campaignId: i.campaignId, centerId: i.centerId });
  const listed = (
    await Promise.all([...groups.values()].map((g) => ports.fixPhotos.listFixPhotos(g.campaignId, g.centerId)))
  ).flat();
  const wanted = new Set(items.map((i) => i.id));
  const shown = listed.filter(
    (p) =>
      wanted.has(p.itemId) &&
      (p.state === 'ready' ||
        (options.pending === true &&
          (p.state === 'checking' || p.state === 'refused' || (p.state === 'uploading' && !slotLapsed(p, ports.now))))),
  );
  const out = new Map<string, ShownPhoto[]>();
  for (const photo of shown)
    out.set(photo.itemId, [...(out.get(photo.itemId) ?? []), await showFixPhoto(photo, ports)]);
  return out;
};

/** What issuing a fix photo's upload slot takes. */
export interface FixSlotPorts {
  fixPhotos: Pick<FixPhotoTable, 'claimFixPlace' | 'releaseFixPlace' | 'putFixPhoto' | 'listFixPhotos' | 'refuse'>;
  storage: Pick<EvidenceStorage, 'presignPost'>;
  now: () => Date;
  /** A fresh random part of a photo id (16–32 lower-case letters and digits). */
  nonce: () => string;
}

/**
 * Issues an upload slot for one photo of an item's fix: a place claimed within the item's limit
 * (PhotoLimitReached when none is left), the photo recorded as uploading, and a presigned POST of one
 * image/* file of at most 20 MB to its `incoming/` key, valid {@link SLOT_SECONDS}. ItemAlreadyConfirmed
 * for an item closed on re-check: there is nothing left to show.
 */
export const issueFixPhotoSlot = async (
  item: Pick<RectificationItem, 'id' | 'campaignId' | 'centerId' | 'state'>,
  ports: FixSlotPorts,
  redirect?: (photoId: string) => string,
): Promise<{ photo: FixPhotoRecord; upload: PresignedPost }> => {
  if (item.state === 'confirmed') throw new ItemAlreadyConfirmed(`item ${item.id} is already confirmed fixed`);
  const place = { campaignId: item.campaignId, centerId: item.centerId, itemId: item.id };
  try {
    await ports.fixPhotos.claimFixPlace(place);
  } catch (error) {
    if (!(error instanceof PhotoLimitReached) || (await reclaimLapsedFixSlots(place, ports)) === 0) throw error;
    await ports.fixPhotos.claimFixPlace(place);
  }
  const now = ports.now();
  const photo: FixPhotoRecord = {
    photoId: newFixPhotoId(item.id, ports.nonce()),
    ...place,
    state: 'uploading',
    createdAt: now.toISOString(),
    slotExpiresAt: new Date(now.getTime() + SLOT_SECONDS * 1000).toISOString(),
    updatedAt: now.toISOString(),
  };
  try {
    await ports.fixPhotos.putFixPhoto(photo);
  } catch (error) {
    await ports.fixPhotos.releaseFixPlace(place);
    throw error;
  }
  const upload = await ports.storage.presignPost({
    key: fixIncomingKey(photo),
    maxBytes: MAX_PHOTO_BYTES,
    contentTypePrefix: 'image/',
    expiresInSeconds: SLOT_SECONDS,
    ...(redirect ? { fields: { success_action_redirect: redirect(photo.photoId) } } : {}),
  });
  return { photo, upload };
};

/** Refuses an item's fix slots that lapsed unused ('not-received'), giving their places back; how many. */
const reclaimLapsedFixSlots = async (
  place: { campaignId: string; centerId: string; itemId: string },
  ports: FixSlotPorts,
): Promise<number> => {
  const now = ports.now();
  let reclaimed = 0;
  for (const photo of await ports.fixPhotos.listFixPhotos(place.campaignId, place.centerId, place.itemId)) {
    if (slotLapsed(photo, now) && (await ports.fixPhotos.refuse(photo, 'not-received', now.toISOString()))) reclaimed++;
  }
  return reclaimed;
};
