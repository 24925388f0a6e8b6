import { evidenceSigner } from '../../adapters/storage.ts';
import { shardOf } from '../../adapters/table/keys.ts';
import { store } from '../../adapters/table.ts';
import { photosOfFindings, photosOfFixes } from '../../app/finding-photos.ts';
import type { RecheckContext } from '../../core/findings/recheck.ts';
import type { RectificationItem } from '../../core/findings/rectification.ts';

/**
 * The re-check contexts with each item's photos: as the supervisors of its campaign found it and as the
 * official reported the fix (ready ones, with short-lived read URLs). The items are the link's center's.
 */
export const withRecheckPhotos = async (
  contexts: ReadonlyMap<string, readonly RecheckContext[]>,
  items: readonly RectificationItem[],
): Promise<Map<string, RecheckContext[]>> => {
  const shown = new Set([...contexts.values()].flat().map((c) => c.id));
  const rechecked = items.filter((i) => shown.has(i.id));
  const now = new Date();
  const [before, after] = await Promise.all([
    photosOfFindings(rechecked, { photos: store.photos, storage: evidenceSigner, shardOf, now }),
    photosOfFixes(rechecked, { fixPhotos: store.fixPhotos, storage: evidenceSigner, now }),
  ]);
  return new Map(
    [...contexts].map(([id, list]) => [
      id,
      list.map((c) => {
        const photos = { before: before.get(c.id) ?? [], after: after.get(c.id) ?? [] };
        return photos.before.length + photos.after.length > 0 ? { ...c, photos } : c;
      }),
    ]),
  );
};
