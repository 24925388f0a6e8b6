import { evidenceSigner } from '../../adapters/storage.ts';
import { shardOf } from '../../adapters/table/keys.ts';
import { store } from '../../adapters/table.ts';
import { type PhotoView, photosOfResponses } from '../../app/evidence.ts';
import { photosOfFindings, photosOfFixes } from '../../app/finding-photos.ts';
import type { ShownPhoto } from '../../core/evidence/fix-photos.ts';
import type { RectificationItem } from '../../core/findings/rectification.ts';
import { CONSOLE_CSP } from '../../core/render/console/layout.ts';
import { allowImagesFrom, photoOrigin } from '../../core/render/finding-photos.ts';

/** The ready photos of responses the user may already see (the caller scoped them), by assignment. */
export const loadResponsePhotos = (
  campaignId: string,
  responses: readonly { assignmentId: string; supervisorId: string }[],
): Promise<Map<string, PhotoView[]>> =>
  photosOfResponses(
    responses.map((r) => ({ campaignId, assignmentId: r.assignmentId, shard: shardOf(r.supervisorId) })),
    {
      photos: store.photos,
      storage: evidenceSigner,
      now: new Date(),
    },
  );

/** The console's page policy, letting images load from the bucket's origin when a page shows photos. */
export const photoPageHeaders = (photos: ReadonlyMap<string, readonly PhotoView[]>): Record<string, string> => {
  const url = [...photos.values()].flat().find((p) => p.thumbUrl)?.thumbUrl;
  if (!url) return {};
  return {
    'content-security-policy': CONSOLE_CSP.replace(
      "img-src 'self' data:",
      `img-src 'self' data: ${new URL(url).origin}`,
    ),
  };
};

/** A center's items' photos: as found (the supervisors') and of the fix (the official's), ready ones only. */
export const loadItemPhotos = async (
  items: readonly RectificationItem[],
): Promise<{ findings: Map<string, ShownPhoto[]>; fixes: Map<string, ShownPhoto[]> }> => {
  const now = new Date();
  const [findings, fixes] = await Promise.all([
    photosOfFindings(items, { photos: store.photos, storage: evidenceSigner, shardOf, now }),
    photosOfFixes(items, { fixPhotos: store.fixPhotos, storage: evidenceSigner, now }),
  ]);
  return { findings, fixes };
};

/** The console's page policy, letting images load from the bucket's origin when the page shows any. */
export const shownPhotoHeaders = (sets: Iterable<readonly ShownPhoto[]>): Record<string, string> => {
  const origin = photoOrigin(sets);
  return origin ? { 'content-security-policy': allowImagesFrom(CONSOLE_CSP, "img-src 'self' data:", origin) } : {};
};
