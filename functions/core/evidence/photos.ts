/**
 * Evidence photos: the limits a photo is held to, where it lives in the bucket, its states from the
 * upload slot to ready (or refused, with a reason in both languages), and the per-problem and
 * per-response counts a new slot must stay within.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { Id, type LocalizedText } from '../model.ts';
import { PROBLEM_KEY } from '../responses/response.ts';

/** Where phones post photos; expires after a day whatever happened to them. */
export const INCOMING_PREFIX = 'incoming/';
/** Where checked photos live, by campaign and center. */
export const EVIDENCE_PREFIX = 'evidence/';
/** Largest photo accepted (S3 refuses a larger POST; the checker refuses it again). */
export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;
/** Largest picture decoded, in pixels (read from the header, before decoding). */
export const MAX_PHOTO_PIXELS = 50_000_000;
/** Longest edge of the stored photo. */
export const PHOTO_EDGE = 2048;
/** Longest edge of its thumbnail. */
export const THUMB_EDGE = 320;
/** Photos per problem. */
export const MAX_PHOTOS_PER_PROBLEM = 6;
/** Photos per response. */
export const MAX_PHOTOS_PER_RESPONSE = 20;
/** How long an upload slot (the presigned POST) stays usable. */
export const SLOT_SECONDS = 10 * 60;
/** How long a slot still counts after it expired: its upload may be on its way to the checker. */
export const SLOT_GRACE_SECONDS = 5 * 60;
/** How long a read URL lives. */
export const READ_URL_SECONDS = 5 * 60;
/** The checker's time limit. */
export const PHOTO_CHECK_TIMEOUT_SECONDS = 60;

/**
 * A photo's state: slot issued, object arrived and being checked, stored, or refused; `discarded` when the
 * supervisor removed its problem (shown nowhere again, its place given back); `purged` once the campaign's
 * evidence was removed (on request or at the end of its retention): the record stays, the bytes are gone.
 */
export const PHOTO_STATES = ['uploading', 'checking', 'ready', 'refused', 'discarded', 'purged'] as const;
export type PhotoState = (typeof PHOTO_STATES)[number];

/** Why a photo was refused. */
export const REFUSAL_REASONS = [
  'not-an-image',
  'unsupported-format',
  'damaged',
  'too-large',
  'too-many-pixels',
  'not-received',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** What a refusal tells the supervisor, in both languages. */
export const REFUSAL_TEXT: Record<RefusalReason, LocalizedText> = {
  'not-an-image': {
    zh: '文件不是照片，请选择 JPEG、PNG 或 WebP 格式的照片。',
    en: 'This file is not a photo; choose a JPEG, PNG or WebP photo.',
  },
  'unsupported-format': {
    zh: '不支持此图片格式（如 HEIC），请在相机设置中选择“兼容性最佳”（JPEG）后重拍，或上传截图。',
    en: 'This picture format (such as HEIC) is not supported; set the camera to "Most Compatible" (JPEG) and retake it, or upload a screenshot.',
  },
  damaged: {
    zh: '照片文件不完整或已损坏，请重新上传。',
    en: 'The photo file is incomplete or damaged; please upload it again.',
  },
  'too-large': {
    zh: `照片超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB，请缩小后重新上传。`,
    en: `The photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB; please make it smaller and upload it again.`,
  },
  'too-many-pixels': {
    zh: `照片超过 ${MAX_PHOTO_PIXELS / 1_000_000} 百万像素，请缩小后重新上传。`,
    en: `The photo has more than ${MAX_PHOTO_PIXELS / 1_000_000} megapixels; please make it smaller and upload it again.`,
  },
  'not-received': {
    zh: '上传时限内未收到照片，请重新上传。',
    en: 'No photo arrived before the upload expired; please upload it again.',
  },
};

/** What becomes of any photo, a supervisor's or an official's: its upload slot, its check and what it kept. */
export const photoCheckFields = () => ({
  state: z.enum(PHOTO_STATES),
  createdAt: z.string(),
  /** When the upload slot stops accepting the photo. */
  slotExpiresAt: z.string(),
  updatedAt: z.string(),
  reason: z.enum(REFUSAL_REASONS).optional(),
  /** SHA-256 (hex) of the bytes received. */
  sha256: z.string().optional(),
  /** The capture time the camera recorded (EXIF DateTimeOriginal, as written, no zone), when it did. */
  capturedAt: z.string().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});

/** A photo as stored: which problem of which response it shows, and what became of it. */
export const PhotoRecord = lazySchema(() =>
  z.object({
    photoId: z.string(),
    campaignId: Id,
    assignmentId: Id,
    centerId: Id,
    supervisorId: Id,
    /**
     * The key of its problem row (PROBLEM_KEY). Records made before rows had keys hold the row's index, a
     * number: read as that index's key, as their rows are.
     */
    problem: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().regex(PROBLEM_KEY)),
    ...photoCheckFields(),
  }),
);
export type PhotoRecord = z.infer<typeof PhotoRecord>;

/** Ids end with a random part: neither guessable nor colliding. */
const PHOTO_ID = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.(\d{2})\.([a-z0-9]{16,32})$/;

/** A photo id: its assignment and shard (so the checker finds its record from the key alone), then a nonce. */
export const newPhotoId = (assignmentId: string, shard: number, nonce: string): string =>
  `${assignmentId}.${String(shard).padStart(2, '0')}.${nonce}`;

/** The assignment and shard a photo id names, or undefined for anything not made by {@link newPhotoId}. */
export const parsePhotoId = (photoId: string): { assignmentId: string; shard: number } | undefined => {
  const m = PHOTO_ID.exec(photoId);
  return m?.[1] && m[2] ? { assignmentId: m[1], shard: Number(m[2]) } : undefined;
};

/** The key of the problem row whose photos show a finding: its own, or for one made before rows had keys, its index's. */
export const findingPhotoKey = (finding: { problem?: number | undefined; problemKey?: string | undefined }) =>
  finding.problemKey ?? (finding.problem === undefined ? undefined : String(finding.problem));

/** Where a phone posts a photo. */
export const incomingKey = (campaignId: string, photoId: string): string =>
  `${INCOMING_PREFIX}${campaignId}/${photoId}`;

/** The campaign and photo an incoming key names, or undefined for any other key. */
export const parseIncomingKey = (key: string): { campaignId: string; photoId: string } | undefined => {
  const m = /^incoming\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/([^/]+)$/.exec(key);
  if (!m?.[1] || !m[2] || !parsePhotoId(m[2])) return undefined;
  return { campaignId: m[1], photoId: m[2] };
};

/**
 * The name a checked photo is stored under: a digest of its id. The id names its assignment (and so, in
 * assignment order, its supervisor); a read URL shown to a center's official must not, and the id's random
 * part makes the digest impossible to trace back.
 */
export const storedName = (photoId: string): string =>
  createHash('sha256').update(`evidence\u0000${photoId}`).digest('hex').slice(0, 32);

/** Where a checked photo is stored. */
export const evidenceKey = (photo: Pick<PhotoRecord, 'campaignId' | 'centerId' | 'photoId'>): string =>
  `${EVIDENCE_PREFIX}${photo.campaignId}/${photo.centerId}/${storedName(photo.photoId)}.jpg`;

/** Where its thumbnail is stored. */
export const thumbKey = (photo: Pick<PhotoRecord, 'campaignId' | 'centerId' | 'photoId'>): string =>
  `${EVIDENCE_PREFIX}${photo.campaignId}/${photo.centerId}/thumb/${storedName(photo.photoId)}.jpg`;

/** Whether an upload slot expired unused long enough ago that no upload can still be on its way. */
export const slotLapsed = (photo: Pick<PhotoRecord, 'state' | 'slotExpiresAt'>, now: Date): boolean =>
  photo.state === 'uploading' && Date.parse(photo.slotExpiresAt) + SLOT_GRACE_SECONDS * 1000 <= now.getTime();

/** Why a new slot is refused: the problem or the response already has as many photos as allowed. */
export type SlotRefusal = 'problem-full' | 'response-full';

/** A response's photo counts as stored: every photo neither refused nor discarded, in all and per problem key. */
export interface PhotoCounts {
  total: number;
  perProblem: Readonly<Record<string, number>>;
}

/** Whether counts already at `counts` leave room for one more photo of `problem` (the write re-checks it). */
export const checkSlotLimits = (
  counts: PhotoCounts,
  problem: string,
): { ok: true } | { ok: false; refusal: SlotRefusal } => {
  if (counts.total >= MAX_PHOTOS_PER_RESPONSE) return { ok: false, refusal: 'response-full' };
  if ((counts.perProblem[problem] ?? 0) >= MAX_PHOTOS_PER_PROBLEM) return { ok: false, refusal: 'problem-full' };
  return { ok: true };
};

/** A new photo would exceed the photos allowed for its problem or its response. */
export class PhotoLimitReached extends Error {
  override name = 'PhotoLimitReached';
  readonly refusal: SlotRefusal;

  constructor(refusal: SlotRefusal, options?: ErrorOptions) {
    super(`photo limit reached: ${refusal}`, options);
    this.refusal = refusal;
  }
}

/** Where a response's photos are kept: its campaign, its supervisor's shard, its assignment. */
export interface PhotoLocation {
  campaignId: string;
  shard: number;
  assignmentId: string;
}
