import type { TokenRecord } from '../../adapters/table/assignments.ts';
import type { PhotoRecord } from '../../core/evidence/photos.ts';
import type { RecheckContext } from '../../core/findings/recheck.ts';
import { surveyCsp } from '../../core/render/survey/assets.ts';
import type { SurveyView } from '../../core/render/survey/model.ts';
import { bucketOrigin, listPhotoRecords, type PhotoStatus, statusesOf } from './photos.ts';

/** Whether the page's re-checks show photos (before and after the fix), loaded from the evidence bucket. */
const showsRecheckPhotos = (rechecks: ReadonlyMap<string, readonly RecheckContext[]> | undefined): boolean =>
  [...(rechecks?.values() ?? [])]
    .flat()
    .some((c) => (c.photos?.before.length ?? 0) + (c.photos?.after.length ?? 0) > 0);

/**
 * A survey page's policy for what it shows: the form loads thumbnails from the evidence bucket and its
 * script posts photos there; a read-only view only loads the thumbnails it has, its own or its re-checks'.
 */
export const pagePhotoHeaders = (
  view: SurveyView,
  photos: readonly PhotoStatus[],
  rechecks?: ReadonlyMap<string, readonly RecheckContext[]>,
): Record<string, string> => {
  const send = view === 'form';
  if (!send && !photos.some((p) => p.thumbUrl) && !showsRecheckPhotos(rechecks)) return {};
  return { 'content-security-policy': surveyCsp({ bucketOrigin: bucketOrigin(), send }) };
};

/** The photos a survey page shows (from their records, when already read), and the page's policy to match (re-checks aside). */
export const loadPagePhotos = async (
  token: TokenRecord,
  view: SurveyView,
  records?: readonly PhotoRecord[],
): Promise<{ photos: PhotoStatus[]; headers: Record<string, string> }> => {
  const photos = await statusesOf(records ?? (await listPhotoRecords(token)));
  return { photos, headers: pagePhotoHeaders(view, photos) };
};
