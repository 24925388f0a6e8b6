import type { TokenRecord } from '../../adapters/table/assignments.ts';
import { surveyCsp } from '../../core/render/survey/assets.ts';
import type { SurveyView } from '../../core/render/survey/model.ts';
import { bucketOrigin, listPhotoStatuses, type PhotoStatus } from './photos.ts';

/**
 * The photos a survey page shows, and the page's policy to match: the form loads thumbnails from the
 * evidence bucket and its script posts photos there; a read-only view only loads the thumbnails it has.
 */
export const loadPagePhotos = async (
  token: TokenRecord,
  view: SurveyView,
): Promise<{ photos: PhotoStatus[]; headers: Record<string, string> }> => {
  const photos = await listPhotoStatuses(token);
  const send = view === 'form';
  if (!send && !photos.some((p) => p.thumbUrl)) return { photos, headers: {} };
  return { photos, headers: { 'content-security-policy': surveyCsp({ bucketOrigin: bucketOrigin(), send }) } };
};
