/**
 * Photos of a fix: an official answers a rectification item with photos of what was done. They go through
 * the same upload and check as the supervisors' photos (a presigned POST into `incoming/`, decoded,
 * re-encoded without metadata), held to their own limit per item, and are stored beside the finding's
 * campaign's evidence under `fix/`, so its retention and purge cover them.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { Id } from '../model.ts';
import { EVIDENCE_PREFIX, INCOMING_PREFIX, photoCheckFields } from './photos.ts';

/** Photos of the fix of one item. */
export const MAX_FIX_PHOTOS_PER_ITEM = 6;

/** A photo of a fix as stored: which item of which center it shows, and what became of it. */
export const FixPhotoRecord = lazySchema(() =>
  z.object({
    photoId: z.string(),
    /** The campaign that found the item: the photo lives (and is purged) with its evidence. */
    campaignId: Id,
    centerId: Id,
    itemId: Id,
    ...photoCheckFields(),
  }),
);
export type FixPhotoRecord = z.infer<typeof FixPhotoRecord>;

const ID = '[A-Za-z0-9][A-Za-z0-9_-]{0,63}';
const FIX_PHOTO_ID = new RegExp(`^(${ID})\\.([a-z0-9]{16,32})$`);
const FIX_INCOMING = new RegExp(`^incoming/(${ID})/fix/(${ID})/([^/]+)$`);

/** A fix photo's id: its item, then a random part. */
export const newFixPhotoId = (itemId: string, nonce: string): string => `${itemId}.${nonce}`;

/** The item a fix photo id names, or undefined for anything not made by {@link newFixPhotoId}. */
export const parseFixPhotoId = (photoId: string): { itemId: string } | undefined => {
  const m = FIX_PHOTO_ID.exec(photoId);
  return m?.[1] ? { itemId: m[1] } : undefined;
};

/** Where the official's browser posts a fix photo: the campaign and center name its record's place. */
export const fixIncomingKey = (photo: Pick<FixPhotoRecord, 'campaignId' | 'centerId' | 'photoId'>): string =>
  `${INCOMING_PREFIX}${photo.campaignId}/fix/${photo.centerId}/${photo.photoId}`;

/** The campaign, center and photo an incoming key of a fix photo names, or undefined for any other key. */
export const parseFixIncomingKey = (
  key: string,
): { campaignId: string; centerId: string; photoId: string; itemId: string } | undefined => {
  const m = FIX_INCOMING.exec(key);
  const parsed = m?.[3] ? parseFixPhotoId(m[3]) : undefined;
  if (!m?.[1] || !m[2] || !m[3] || !parsed) return undefined;
  return { campaignId: m[1], centerId: m[2], photoId: m[3], itemId: parsed.itemId };
};

/** Where a checked fix photo is stored. */
export const fixEvidenceKey = (photo: Pick<FixPhotoRecord, 'campaignId' | 'centerId' | 'photoId'>): string =>
  `${EVIDENCE_PREFIX}${photo.campaignId}/${photo.centerId}/fix/${photo.photoId}.jpg`;

/** Where its thumbnail is stored. */
export const fixThumbKey = (photo: Pick<FixPhotoRecord, 'campaignId' | 'centerId' | 'photoId'>): string =>
  `${EVIDENCE_PREFIX}${photo.campaignId}/${photo.centerId}/fix/thumb/${photo.photoId}.jpg`;

/** Where a fix photo's record lives: the finding's campaign, the center, the item. */
export interface FixPhotoPlace {
  campaignId: string;
  centerId: string;
  itemId: string;
}

/**
 * A photo as a page shows it to whoever may see it, and nothing more: its state and, once ready, its read
 * URLs. No id, no capture time: neither says anything an official should learn of who took it or when.
 */
export interface ShownPhoto {
  state: FixPhotoRecord['state'];
  url?: string;
  thumbUrl?: string;
  reason?: FixPhotoRecord['reason'];
}
