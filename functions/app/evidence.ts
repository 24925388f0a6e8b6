/**
 * Evidence photos: upload slots within the limits, the check of a photo that arrived in `incoming/`
 * (decoded for real, stored without metadata in `evidence/`, or refused with its reason), and the read
 * URLs of the photos a viewer may see.
 */
import { createHash } from 'node:crypto';
import type { NormalizedPhoto, ReadHeader } from '../adapters/images.ts';
import type { EvidenceStorage, PresignedPost } from '../adapters/storage.ts';
import type { FixPhotoTable } from '../adapters/table/fix-photos.ts';
import type { CheckedPhoto, PhotoTable } from '../adapters/table/photos.ts';
import { fixEvidenceKey, fixThumbKey, parseFixIncomingKey } from '../core/evidence/fix-photos.ts';
import { judgeReceived, readCaptureTime, sniffFormat } from '../core/evidence/image-check.ts';
import {
  evidenceKey,
  incomingKey,
  MAX_PHOTO_BYTES,
  newPhotoId,
  PhotoLimitReached,
  type PhotoLocation,
  type PhotoRecord,
  parseIncomingKey,
  READ_URL_SECONDS,
  type RefusalReason,
  SLOT_SECONDS,
  slotLapsed,
  thumbKey,
} from '../core/evidence/photos.ts';

/** The decoder the check uses (adapters/images.ts); a failure to decode throws. */
export interface PhotoCodec {
  readHeader: (bytes: Uint8Array) => Promise<ReadHeader>;
  normalize: (bytes: Uint8Array) => Promise<NormalizedPhoto>;
}

/** What checking a photo takes: the supervisors' photos, and the officials' photos of fixes when given. */
export interface PhotoCheckPorts {
  photos: Pick<PhotoTable, 'getPhoto' | 'startCheck' | 'finishReady' | 'refuse'>;
  fixPhotos?: Pick<FixPhotoTable, 'getFixPhoto' | 'startCheck' | 'finishReady' | 'refuse'>;
  storage: Pick<EvidenceStorage, 'readObject' | 'putObject' | 'deleteObject'>;
  codec: PhotoCodec;
  now: () => Date;
}

/** What became of one incoming object. */
export type PhotoCheckOutcome =
  | { outcome: 'ready'; photoId: string }
  | { outcome: 'refused'; photoId: string; reason: RefusalReason }
  | { outcome: 'ignored'; why: 'unknown-key' | 'unknown-photo' | 'already-checked' | 'gone' };

/** One photo to check, of either kind: where it is stored once checked, and how its record changes. */
interface CheckSubject {
  photoId: string;
  imageKey: string;
  thumbKey: string;
  startCheck: (at: string) => Promise<boolean>;
  finishReady: (checked: CheckedPhoto, at: string) => Promise<boolean>;
  refuse: (reason: RefusalReason, at: string, sha256?: string) => Promise<boolean>;
}

/** The photo an incoming key names, a supervisor's or a fix's, or why there is none. */
const findSubject = async (
  key: string,
  ports: PhotoCheckPorts,
): Promise<CheckSubject | 'unknown-key' | 'unknown-photo'> => {
  const fix = parseFixIncomingKey(key);
  if (fix) {
    const photo = await ports.fixPhotos?.getFixPhoto(fix.campaignId, fix.centerId, fix.photoId);
    const table = ports.fixPhotos;
    if (!photo || !table) return 'unknown-photo';
    return {
      photoId: photo.photoId,
      imageKey: fixEvidenceKey(photo),
      thumbKey: fixThumbKey(photo),
      startCheck: (at) => table.startCheck(photo, at),
      finishReady: (checked, at) => table.finishReady(photo, checked, at),
      refuse: (reason, at, sha256) => table.refuse(photo, reason, at, sha256),
    };
  }
  const named = parseIncomingKey(key);
  if (!named) return 'unknown-key';
  const photo = await ports.photos.getPhoto(named.campaignId, named.photoId);
  if (!photo) return 'unknown-photo';
  return {
    photoId: photo.photoId,
    imageKey: evidenceKey(photo),
    thumbKey: thumbKey(photo),
    startCheck: (at) => ports.photos.startCheck(photo, at),
    finishReady: (checked, at) => ports.photos.finishReady(photo, checked, at),
    refuse: (reason, at, sha256) => ports.photos.refuse(photo, reason, at, sha256),
  };
};

/**
 * Checks the object at an `incoming/` key: a photo of a slot issued (a supervisor's, or an official's of a
 * fix), a real JPEG, PNG or WebP within the size and pixel limits, decoded, turned upright, re-encoded
 * without metadata into `evidence/` with its thumbnail; refused with its reason otherwise. The incoming
 * object is deleted either way. Safe to repeat: a photo already ready or refused is left as it is.
 */
export const checkIncomingPhoto = async (key: string, ports: PhotoCheckPorts): Promise<PhotoCheckOutcome> => {
  const subject = await findSubject(key, ports);
  if (typeof subject === 'string') {
    // Nothing issued this key: nobody will ever look at it.
    await ports.storage.deleteObject(key);
    return { outcome: 'ignored', why: subject };
  }
  if (!(await subject.startCheck(ports.now().toISOString()))) {
    await ports.storage.deleteObject(key);
    return { outcome: 'ignored', why: 'already-checked' };
  }
  const received = await ports.storage.readObject(key, MAX_PHOTO_BYTES);
  if (!received.found) return { outcome: 'ignored', why: 'gone' };
  if (received.tooLarge) {
    const outcome = await refuseRecorded(subject, 'too-large', ports);
    await ports.storage.deleteObject(key);
    return outcome;
  }
  const result = await decodeReceived(subject, received.body, ports);
  await ports.storage.deleteObject(key);
  return result;
};

/** Judges, decodes and stores a received photo, or refuses it. */
const decodeReceived = async (
  subject: CheckSubject,
  body: Uint8Array,
  ports: PhotoCheckPorts,
): Promise<PhotoCheckOutcome> => {
  const sha256 = createHash('sha256').update(body).digest('hex');
  const sniffed = sniffFormat(body);
  const header = sniffed && sniffed !== 'heif' ? await ports.codec.readHeader(body).catch(() => undefined) : undefined;
  const judged = judgeReceived(body.length, sniffed, header);
  if (!judged.ok) return refuseRecorded(subject, judged.reason, ports, sha256);
  let normalized: NormalizedPhoto;
  try {
    normalized = await ports.codec.normalize(body);
  } catch {
    return refuseRecorded(subject, 'damaged', ports, sha256);
  }
  await ports.storage.putObject(subject.imageKey, normalized.image, 'image/jpeg');
  await ports.storage.putObject(subject.thumbKey, normalized.thumb, 'image/jpeg');
  const capturedAt = readCaptureTime(header?.exif);
  await subject.finishReady(
    { sha256, width: normalized.width, height: normalized.height, ...(capturedAt ? { capturedAt } : {}) },
    ports.now().toISOString(),
  );
  return { outcome: 'ready', photoId: subject.photoId };
};

const refuseRecorded = async (
  subject: CheckSubject,
  reason: RefusalReason,
  ports: PhotoCheckPorts,
  sha256?: string,
): Promise<PhotoCheckOutcome> => {
  await subject.refuse(reason, ports.now().toISOString(), sha256);
  return { outcome: 'refused', photoId: subject.photoId, reason };
};

/** A photo as a page shows it: its state, the refusal's reason, and read URLs once it is ready. */
export interface PhotoView {
  photoId: string;
  /** The key of its problem row. */
  problem: string;
  state: PhotoRecord['state'];
  reason?: RefusalReason;
  capturedAt?: string;
  url?: string;
  thumbUrl?: string;
}

/**
 * The photos as a viewer who may see them gets them: ready ones with short-lived read URLs (the caller
 * checked who the viewer is; this only signs what it was given).
 */
export const viewPhotos = async (
  photos: readonly PhotoRecord[],
  storage: Pick<EvidenceStorage, 'presignGet'>,
  now: Date,
): Promise<PhotoView[]> =>
  Promise.all(
    photos.map(async (photo) => {
      const view: PhotoView = { photoId: photo.photoId, problem: photo.problem, state: photo.state };
      if (photo.reason) view.reason = photo.reason;
      if (photo.capturedAt) view.capturedAt = photo.capturedAt;
      if (photo.state !== 'ready') return view;
      const [url, thumbUrl] = await Promise.all([
        storage.presignGet(evidenceKey(photo), READ_URL_SECONDS, now),
        storage.presignGet(thumbKey(photo), READ_URL_SECONDS, now),
      ]);
      return { ...view, url, thumbUrl };
    }),
  );

/** What issuing an upload slot takes. */
export interface PhotoSlotPorts {
  photos: Pick<PhotoTable, 'claimPlace' | 'releasePlace' | 'putPhoto' | 'listPhotos' | 'refuse'>;
  storage: Pick<EvidenceStorage, 'presignPost'>;
  now: () => Date;
  /** A fresh random part of a photo id (16–32 lower-case letters and digits). */
  nonce: () => string;
}

/** An upload slot: the photo as recorded and the presigned POST that delivers it. */
export interface PhotoSlot {
  photo: PhotoRecord;
  upload: PresignedPost;
}

/**
 * Issues an upload slot for one photo of one problem of a response: a place claimed within the limits
 * (slots that lapsed unused are given back first when the limit is reached), the photo recorded as
 * uploading, and a presigned POST for its `incoming/` key (one image/* file of at most 20 MB, for
 * {@link SLOT_SECONDS}); PhotoLimitReached when no place is left.
 */
export const issuePhotoSlot = async (
  owner: { campaignId: string; assignmentId: string; shard: number; centerId: string; supervisorId: string },
  problem: string,
  ports: PhotoSlotPorts,
  redirect?: (photoId: string) => string,
): Promise<PhotoSlot> => {
  const location: PhotoLocation = {
    campaignId: owner.campaignId,
    shard: owner.shard,
    assignmentId: owner.assignmentId,
  };
  try {
    await ports.photos.claimPlace(location, problem);
  } catch (error) {
    if (!(error instanceof PhotoLimitReached) || (await reclaimLapsedSlots(location, ports)) === 0) throw error;
    await ports.photos.claimPlace(location, problem);
  }
  const now = ports.now();
  const photo: PhotoRecord = {
    photoId: newPhotoId(owner.assignmentId, owner.shard, ports.nonce()),
    campaignId: owner.campaignId,
    assignmentId: owner.assignmentId,
    centerId: owner.centerId,
    supervisorId: owner.supervisorId,
    problem,
    state: 'uploading',
    createdAt: now.toISOString(),
    slotExpiresAt: new Date(now.getTime() + SLOT_SECONDS * 1000).toISOString(),
    updatedAt: now.toISOString(),
  };
  try {
    await ports.photos.putPhoto(photo);
  } catch (error) {
    await ports.photos.releasePlace(location, problem);
    throw error;
  }
  const upload = await ports.storage.presignPost({
    key: incomingKey(photo.campaignId, photo.photoId),
    maxBytes: MAX_PHOTO_BYTES,
    contentTypePrefix: 'image/',
    expiresInSeconds: SLOT_SECONDS,
    ...(redirect ? { fields: { success_action_redirect: redirect(photo.photoId) } } : {}),
  });
  return { photo, upload };
};

/**
 * Discards, among a response's `photos` (as listed), those of the problem rows `keys` that the supervisor
 * removed, unless a row of `kept` still has that key: each shown nowhere again and its place given back.
 * How many were discarded.
 */
export const discardRemovedPhotos = async (
  photos: readonly PhotoRecord[],
  keys: readonly string[],
  kept: readonly string[],
  ports: { photos: Pick<PhotoTable, 'discard'>; now: () => Date },
): Promise<number> => {
  const gone = new Set(keys.filter((k) => !kept.includes(k)));
  const at = ports.now().toISOString();
  let discarded = 0;
  for (const photo of photos) {
    if (gone.has(photo.problem) && (await ports.photos.discard(photo, at))) discarded++;
  }
  return discarded;
};

/** Refuses the response's slots that lapsed unused ('not-received'), giving their places back; how many. */
const reclaimLapsedSlots = async (location: PhotoLocation, ports: PhotoSlotPorts): Promise<number> => {
  const now = ports.now();
  let reclaimed = 0;
  for (const photo of await ports.photos.listPhotos(location)) {
    if (slotLapsed(photo, now) && (await ports.photos.refuse(photo, 'not-received', now.toISOString()))) reclaimed++;
  }
  return reclaimed;
};

/**
 * The ready photos of the responses a viewer may judge, by assignment, with read URLs. The caller passes
 * only responses it has already scoped to the viewer (the review queue of their centers); nothing else
 * is read or signed.
 */
export const photosOfResponses = async (
  responses: readonly { campaignId: string; assignmentId: string; shard: number }[],
  ports: { photos: Pick<PhotoTable, 'listPhotos'>; storage: Pick<EvidenceStorage, 'presignGet'>; now: Date },
): Promise<Map<string, PhotoView[]>> => {
  const found = await Promise.all(
    responses.map(async (r) => {
      const photos = (await ports.photos.listPhotos(r)).filter((p) => p.state === 'ready');
      return [r.assignmentId, await viewPhotos(photos, ports.storage, ports.now)] as const;
    }),
  );
  return new Map(found.filter(([, views]) => views.length > 0));
};
