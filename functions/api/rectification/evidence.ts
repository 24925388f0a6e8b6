import { evidence, evidenceSigner } from '../../adapters/storage.ts';
import { shardOf } from '../../adapters/table/keys.ts';
import { store } from '../../adapters/table.ts';
import { type FindingSource, photosOfFindings, photosOfFixes } from '../../app/finding-photos.ts';
import type { RectificationItem } from '../../core/findings/rectification.ts';
import { allowImagesFrom, photoOrigin } from '../../core/render/finding-photos.ts';
import { type FindingPhotosView, RECTIFICATION_CSP } from '../../core/render/rectification-page.ts';

/**
 * The photos the official's page shows: the supervisors' photos of each finding of the center (fact-check
 * findings and rectification items, which share their ids) and the official's own photos of each fix,
 * those still on their way or refused included. Only the link's center's findings are read.
 */
export const loadFindingPhotos = async (
  findings: readonly FindingSource[],
  items: readonly Pick<RectificationItem, 'id' | 'campaignId' | 'centerId'>[],
): Promise<FindingPhotosView> => {
  const now = new Date();
  const [found, fixes] = await Promise.all([
    photosOfFindings(findings, { photos: store.photos, storage: evidenceSigner, shardOf, now }),
    photosOfFixes(items, { fixPhotos: store.fixPhotos, storage: evidenceSigner, now }, { pending: true }),
  ]);
  return { findings: found, fixes };
};

/**
 * The page's policy: images from the bucket when it shows any, and, when an item can take a photo of its
 * fix, the page's script may post one to the bucket.
 */
export const photoHeaders = async (
  photos: FindingPhotosView | undefined,
  items: readonly Pick<RectificationItem, 'state'>[],
): Promise<Record<string, string>> => {
  const shown = photos ? photoOrigin([...photos.findings.values(), ...photos.fixes.values()]) : undefined;
  const uploads = items.some((i) => i.state !== 'confirmed') ? evidence().origin() : undefined;
  const origin = shown ?? uploads;
  if (!origin) return {};
  const csp = allowImagesFrom(RECTIFICATION_CSP, 'img-src data:', origin);
  return {
    'content-security-policy': uploads ? csp.replace("connect-src 'self'", `connect-src 'self' ${uploads}`) : csp,
  };
};
