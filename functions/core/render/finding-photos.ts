/**
 * A finding's photos as the official's page, the survey's re-check and the console show them: thumbnails
 * linked to the photo, "before" (the problem as found) beside "after" (the official's photos of the fix).
 * Alt text says which photo of what, never who took it or when.
 */
import type { ShownPhoto } from '../evidence/fix-photos.ts';
import { REFUSAL_TEXT } from '../evidence/photos.ts';
import { escapeHtml, type Lang } from '../i18n.ts';
import type { LocalizedText } from '../model.ts';

/** The stylesheet rules of photo sets (in a module of its own, see photo-style.ts). */
export { PHOTO_STYLE } from './photo-style.ts';

/** How a set of photos is labelled: its heading and each photo's alt text (numbered from 1). */
export interface PhotoLabels {
  heading: LocalizedText;
  alt: (n: number) => LocalizedText;
}

/** The problem as found. */
export const BEFORE_LABELS: PhotoLabels = {
  heading: { zh: '发现问题时', en: 'As found' },
  alt: (n) => ({ zh: `问题照片 ${n}`, en: `Photo ${n} of the problem` }),
};
/** The official's photos of what was done. */
export const AFTER_LABELS: PhotoLabels = {
  heading: { zh: '整改后', en: 'After the fix' },
  alt: (n) => ({ zh: `整改照片 ${n}`, en: `Photo ${n} of the fix` }),
};

const STATE_TEXT: Record<Exclude<ShownPhoto['state'], 'ready' | 'refused'>, LocalizedText> = {
  uploading: { zh: '上传中…', en: 'Uploading…' },
  checking: { zh: '检查中…', en: 'Checking…' },
  purged: { zh: '照片已按要求删除', en: 'Photo removed on request' },
  discarded: { zh: '照片已撤回', en: 'Photo withdrawn' },
};

/** A text in the page's language, or (`both`) Chinese then English, as the official's page speaks. */
export type Speech = Lang | 'both';

const speak = (t: LocalizedText, lang: Speech): string =>
  lang === 'both' ? `${escapeHtml(t.zh)} <span lang="en">${escapeHtml(t.en)}</span>` : escapeHtml(t[lang]);
const speakPlain = (t: LocalizedText, lang: Speech): string =>
  escapeHtml(lang === 'both' ? `${t.zh} · ${t.en}` : t[lang]);

/** One photo: a thumbnail linked to the photo when ready, else what became of it. */
const renderPhoto = (photo: ShownPhoto, n: number, labels: PhotoLabels, lang: Speech): string => {
  if (photo.state === 'ready' && photo.url && photo.thumbUrl)
    return `<li><a href="${escapeHtml(photo.url)}" target="_blank" rel="noopener noreferrer"><img src="${escapeHtml(photo.thumbUrl)}" alt="${speakPlain(labels.alt(n), lang)}" width="96" height="96" loading="lazy"></a></li>`;
  const said =
    photo.state === 'refused'
      ? REFUSAL_TEXT[photo.reason ?? 'damaged']
      : STATE_TEXT[photo.state as keyof typeof STATE_TEXT];
  return `<li class="ph-state${photo.state === 'refused' ? ' ph-refused' : ''}">${speak(said ?? STATE_TEXT.checking, lang)}</li>`;
};

/** A labelled set of photos (nothing when there are none). */
export const renderPhotoSet = (photos: readonly ShownPhoto[], labels: PhotoLabels, lang: Speech): string =>
  photos.length === 0
    ? ''
    : `<div class="ph-set"><p class="ph-h">${speak(labels.heading, lang)} <span class="ph-n">(${photos.length})</span></p><ul class="photos">${photos.map((p, i) => renderPhoto(p, i + 1, labels, lang)).join('')}</ul></div>`;

/** Before beside after, each only when it has photos; nothing when neither has. */
export const renderBeforeAfter = (
  before: readonly ShownPhoto[] | undefined,
  after: readonly ShownPhoto[] | undefined,
  lang: Speech,
): string => {
  const sets = [
    renderPhotoSet(before ?? [], BEFORE_LABELS, lang),
    renderPhotoSet(after ?? [], AFTER_LABELS, lang),
  ].filter((s) => s !== '');
  return sets.length === 0 ? '' : `<div class="ph-pair">${sets.join('')}</div>`;
};

/** A page's Content-Security-Policy with images also allowed from the bucket's origin (when it shows any). */
export const allowImagesFrom = (csp: string, imgSrc: string, origin: string | undefined): string =>
  origin === undefined ? csp : csp.replace(imgSrc, `${imgSrc} ${origin}`);

/** The origin of the first ready photo's URL among `sets`, the one a page's policy must let images load from. */
export const photoOrigin = (sets: Iterable<readonly ShownPhoto[]>): string | undefined => {
  for (const set of sets) for (const p of set) if (p.thumbUrl) return new URL(p.thumbUrl).origin;
  return undefined;
};
