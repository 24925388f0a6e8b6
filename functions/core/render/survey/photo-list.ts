/**
 * The photos of a problem as the supervisor's page shows them: each with its state (checking, ready as a
 * thumbnail linked to the photo, refused with the reason, removed), and on the form the ways to add one:
 * a plain button that saves the draft and opens the upload page, or the script's camera-or-gallery picker.
 */
import {
  MAX_PHOTO_BYTES,
  MAX_PHOTOS_PER_PROBLEM,
  MAX_PHOTOS_PER_RESPONSE,
  type PhotoState,
  REFUSAL_TEXT,
  type RefusalReason,
} from '../../evidence/photos.ts';
import { escapeHtml, type Lang } from '../../i18n.ts';
import type { LocalizedText } from '../../model.ts';
import { say, showText } from './text.ts';

/** A photo of the response as the page gets it (the status of docs/evidence.md). */
export interface PagePhoto {
  photoId: string;
  /** The key of its problem row. */
  problem: string;
  state: PhotoState;
  reason?: RefusalReason;
  /** Read URLs of a ready photo and its thumbnail (short-lived). */
  url?: string;
  thumbUrl?: string;
}

/** The words of the photo lists, also handed to the page's script. */
export const PHOTO_TEXT = {
  heading: { zh: '照片', en: 'Photos' },
  limits: {
    zh: `选填，每题最多 ${MAX_PHOTOS_PER_PROBLEM} 张，共 ${MAX_PHOTOS_PER_RESPONSE} 张`,
    en: `optional; up to ${MAX_PHOTOS_PER_PROBLEM} per problem, ${MAX_PHOTOS_PER_RESPONSE} in all`,
  },
  add: { zh: '＋ 添加照片', en: '+ Add a photo' },
  pick: { zh: '＋ 拍照或选择照片', en: '+ Take or choose photos' },
  uploading: { zh: '正在上传…', en: 'Uploading…' },
  received: { zh: '已收到，正在检查…', en: 'Received, checking…' },
  checking: { zh: '正在检查…（刷新页面可查看结果）', en: 'Checking… (reload to see the result)' },
  waiting: { zh: '等待上传', en: 'Waiting to upload' },
  offline: { zh: '等待上传（网络不可用）', en: 'Waiting to upload (offline)' },
  purged: { zh: '照片已按要求删除', en: 'Photo removed on request' },
  refused: { zh: '未保存：', en: 'Not kept: ' },
  open: { zh: '问题 {n} 的照片 {k}（点击查看大图）', en: 'Photo {k} of problem {n} (tap to enlarge)' },
  removeAnyway: { zh: '仍然删除此问题', en: 'Remove this problem anyway' },
  announceSending: { zh: '正在上传问题 {n} 的照片', en: 'Uploading a photo of problem {n}' },
  announceReady: { zh: '问题 {n} 的照片已保存', en: 'Photo of problem {n} kept' },
  announceRefused: { zh: '问题 {n} 的照片未保存：', en: 'Photo of problem {n} not kept: ' },
  orphans: {
    zh: '其他照片（所属问题不在已提交的答卷中）',
    en: 'Other photos (of problems not in the answers submitted)',
  },
  removeConfirm: {
    zh: '问题 {n} 附有 {k} 张照片，删除此问题将一并删除这些照片。确定删除？',
    en: 'Problem {n} has {k} photos; removing the problem removes its photos too. Remove it?',
  },
} satisfies Record<string, LocalizedText>;

const word = (key: keyof typeof PHOTO_TEXT, lang: Lang) => showText(PHOTO_TEXT[key], lang);

/**
 * The photos a page lists: not those of removed problems, nor the slots that never received a file (a
 * plain upload page left unused, an upload the script retried), except the one S3 has just sent the
 * browser back with.
 */
export const listShownPhotos = (photos: readonly PagePhoto[], returned?: string): PagePhoto[] =>
  photos.filter(
    (p) =>
      p.state !== 'discarded' &&
      !(p.state === 'refused' && p.reason === 'not-received') &&
      (p.state !== 'uploading' || p.photoId === returned),
  );

/** One photo as a list item: its thumbnail (linked to the photo) or its state in words. */
export const renderPhotoItem = (p: PagePhoto, n: number, k: number, lang: Lang, returned?: string): string => {
  const id = ` data-photo="${escapeHtml(p.photoId)}" data-state="${p.state}"`;
  if (p.state === 'ready' && p.url && p.thumbUrl) {
    const alt = escapeHtml(PHOTO_TEXT.open[lang].replace('{n}', String(n)).replace('{k}', String(k)));
    return `<li class="ph ready"${id}><a href="${escapeHtml(p.url)}" target="_blank" rel="noopener noreferrer"><img src="${escapeHtml(p.thumbUrl)}" alt="${alt}"></a></li>`;
  }
  if (p.state === 'refused') {
    const reason = p.reason ? showText(REFUSAL_TEXT[p.reason], lang) : '';
    return `<li class="ph refused"${id}><p class="err">${word('refused', lang)}${reason}</p></li>`;
  }
  const text =
    p.state === 'purged'
      ? word('purged', lang)
      : p.photoId === returned
        ? word('received', lang)
        : p.state === 'uploading'
          ? word('uploading', lang)
          : word('checking', lang);
  return `<li class="ph ${p.state === 'purged' ? 'gone' : 'wait'}"${id}><span>${text}</span></li>`;
};

/** The list items of one problem's photos, oldest first. */
const renderItems = (photos: readonly PagePhoto[], n: number, lang: Lang, returned?: string): string =>
  photos.map((p, k) => renderPhotoItem(p, n, k + 1, lang, returned)).join('');

/**
 * The photos block of a problem row on the form: its photos (anchored as `#ph-<key>`, where S3 sends the
 * browser back), the plain button that saves the draft and opens the upload page, and the script's
 * picker (hidden until the script shows it).
 */
export const renderPhotoBlock = (
  row: { i: number | string; n: number | string; key: string },
  photos: readonly PagePhoto[],
  lang: Lang,
  returned?: string,
): string => {
  const { i, n, key } = row;
  return `<div class="photos" id="ph-${escapeHtml(key)}" data-problem="${escapeHtml(key)}" data-n="${n}"><p class="ph-h" id="p${i}-ph">${word('heading', lang)} <span>${word('limits', lang)}</span></p>
<ul class="ph-list" aria-labelledby="p${i}-ph">${renderItems(photos, Number(n), lang, returned)}</ul>
<button type="submit" class="secondary ph-add" name="intent" value="photo-${i}" aria-describedby="p${i}-ph">${word('add', lang)}<span class="vh"> · ${say(lang, `问题 ${n}`, `problem ${n}`)}</span></button>
<label class="button secondary ph-pick" hidden><input type="file" class="vh" accept="image/jpeg,image/png,image/webp" multiple data-pick="${i}">${word('pick', lang)}<span class="vh"> · ${say(lang, `问题 ${n}`, `problem ${n}`)}</span></label></div>`;
};

/** In a row with photos the plain form asked to remove: that its photos go too, and the confirmation. */
export const renderRemoveConfirm = (i: number, photos: number, lang: Lang): string =>
  `<div class="notice alert" role="alert" id="p${i}-confirm"><p>${escapeHtml(PHOTO_TEXT.removeConfirm[lang].replace('{n}', String(i + 1)).replace('{k}', String(photos)))}</p><button type="submit" class="secondary" name="intent" value="remove-problem-${i}-confirmed">${word('removeAnyway', lang)}</button></div>`;

/** The photos of a problem, read-only (confirmation and closed views); empty when it has none. */
export const renderPhotoSummary = (photos: readonly PagePhoto[], n: number, lang: Lang): string =>
  photos.length === 0
    ? ''
    : `<ul class="ph-list" aria-label="${say(lang, `问题 ${n} 的照片`, `Photos of problem ${n}`)}">${renderItems(photos, n, lang)}</ul>`;

/** What the page's script needs to show photos as the server does: `data-` attributes of the form, unescaped. */
export const photoScriptData = (
  lang: Lang,
  token: string,
  photos: readonly PagePhoto[],
  returned?: string,
): Record<string, string> => ({
  'photos-url': `${token}/photos`,
  photos: JSON.stringify(
    photos
      .filter((p) => p.state !== 'discarded')
      .map((p) => ({
        photoId: p.photoId,
        problem: p.problem,
        state: p.state,
        ...(p.reason ? { reason: p.reason } : {}),
        ...(p.url && p.thumbUrl ? { url: p.url, thumbUrl: p.thumbUrl } : {}),
      })),
  ),
  'photo-returned': returned ?? '',
  'msg-ph-reasons': JSON.stringify(
    Object.fromEntries(Object.entries(REFUSAL_TEXT).map(([reason, text]) => [reason, text[lang]])),
  ),
  'photo-max-bytes': String(MAX_PHOTO_BYTES),
  'msg-ph-uploading': PHOTO_TEXT.uploading[lang],
  'msg-ph-checking': PHOTO_TEXT.received[lang],
  'msg-ph-waiting': PHOTO_TEXT.waiting[lang],
  'msg-ph-offline': PHOTO_TEXT.offline[lang],
  'msg-ph-purged': PHOTO_TEXT.purged[lang],
  'msg-ph-refused': PHOTO_TEXT.refused[lang],
  'msg-ph-open': PHOTO_TEXT.open[lang],
  'msg-ph-too-large': REFUSAL_TEXT['too-large'][lang],
  'msg-ph-failed': lang === 'zh' ? '上传失败，将自动重试' : 'The upload failed; it will be tried again',
  'msg-ph-remove': PHOTO_TEXT.removeConfirm[lang],
  'msg-ph-announce-sending': PHOTO_TEXT.announceSending[lang],
  'msg-ph-announce-ready': PHOTO_TEXT.announceReady[lang],
  'msg-ph-announce-refused': PHOTO_TEXT.announceRefused[lang],
});
