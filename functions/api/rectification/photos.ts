import { randomBytes } from 'node:crypto';
import { evidence, evidenceSigner } from '../../adapters/storage.ts';
import type { RectificationLink } from '../../adapters/table/rectification.ts';
import { store } from '../../adapters/table.ts';
import { issueFixPhotoSlot, photosOfFixes } from '../../app/finding-photos.ts';
import { ItemMissing } from '../../core/errors.ts';
import { MAX_FIX_PHOTOS_PER_ITEM } from '../../core/evidence/fix-photos.ts';
import { MAX_PHOTO_BYTES, PhotoLimitReached, REFUSAL_TEXT } from '../../core/evidence/photos.ts';
import type { RectificationItem } from '../../core/findings/rectification.ts';
import { RECTIFICATION_CSP, renderFixPhotoUploadPage } from '../../core/render/rectification-page.ts';
import { pageOriginOf } from '../../edge/http/page-origin.ts';
import { readLinkToken } from '../../edge/http/token-link.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { openLink, rectificationLinks } from './link.ts';
import { answerProblem, text } from './messages.ts';
import { respond } from './site.ts';

const LIMIT_MESSAGE = text(
  `每项最多 ${MAX_FIX_PHOTOS_PER_ITEM} 张整改照片。`,
  `An item may have at most ${MAX_FIX_PHOTOS_PER_ITEM} photos of its fix.`,
);

/** The link's item named in the path, after the link is opened (404 for an item of another center). */
const requireItem = async (request: HttpRequest): Promise<{ link: RectificationLink; item: RectificationItem }> => {
  const link = await rectificationLinks.require(request);
  const { items } = await openLink(link);
  const item = items.find((i) => i.id === request.params.itemId);
  if (!item) throw new ItemMissing();
  return { link, item };
};

/**
 * POST /r/{token}/items/{itemId}/photos: an upload slot for one photo of the item's fix. A script gets
 * JSON (201: the photo and the presigned POST); a plain form gets a page whose form posts the file to the
 * bucket, which sends the browser back to the official's page. 409 when the item has its photos already.
 */
export const requestFixPhotoSlot = async (request: HttpRequest): Promise<HttpResult> => {
  const { item } = await requireItem(request);
  const token = readLinkToken(request);
  const page = `${pageOriginOf(request)}/r/${encodeURIComponent(token)}`;
  try {
    const slot = await issueFixPhotoSlot(
      item,
      {
        fixPhotos: store.fixPhotos,
        storage: evidence(),
        now: () => new Date(),
        nonce: () => randomBytes(12).toString('hex'),
      },
      request.json ? undefined : () => `${page}?photo=${encodeURIComponent(item.id)}#item-${item.id}`,
    );
    const { photo, upload } = slot;
    if (request.json)
      return respond.json(201, {
        photo: { photoId: photo.photoId, item: item.id, state: photo.state },
        upload: { url: upload.url, fields: upload.fields, maxBytes: MAX_PHOTO_BYTES, expiresAt: photo.slotExpiresAt },
        status: `/r/${token}/items/${item.id}/photos`,
      });
    const csp = RECTIFICATION_CSP.replace("form-action 'self'", `form-action 'self' ${new URL(upload.url).origin}`);
    return respond.html(
      200,
      renderFixPhotoUploadPage({ item, url: upload.url, fields: upload.fields, back: `/r/${token}#item-${item.id}` }),
      { headers: { 'content-security-policy': csp } },
    );
  } catch (error) {
    if (!(error instanceof PhotoLimitReached)) throw error;
    return request.json
      ? respond.json(409, { error: 'item-full', message: `${LIMIT_MESSAGE.zh} ${LIMIT_MESSAGE.en}` })
      : answerProblem(request, 409, 'itemFull');
  }
};

/** GET /r/{token}/items/{itemId}/photos: the photos of the item's fix with their states, as JSON. */
export const showFixPhotos = async (request: HttpRequest): Promise<HttpResult> => {
  const { item } = await requireItem(request);
  const photos =
    (
      await photosOfFixes(
        [item],
        { fixPhotos: store.fixPhotos, storage: evidenceSigner, now: new Date() },
        { pending: true },
      )
    ).get(item.id) ?? [];
  return respond.json(200, {
    item: item.id,
    photos: photos.map((p) => (p.reason ? { ...p, message: REFUSAL_TEXT[p.reason] } : p)),
    limits: { perItem: MAX_FIX_PHOTOS_PER_ITEM, maxBytes: MAX_PHOTO_BYTES },
  });
};
