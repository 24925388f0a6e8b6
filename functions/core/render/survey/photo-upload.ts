/**
 * The page that uploads one photo without script: a form posting straight to the evidence bucket with the
 * presigned fields, a file input that opens the camera on a phone, and S3 sending the browser back to the
 * questionnaire afterwards (`success_action_redirect`).
 */

import { MAX_PHOTO_BYTES } from '../../evidence/photos.ts';
import { escapeHtml, type Lang } from '../../i18n.ts';
import { renderPage } from './page.ts';
import { say, showUi } from './text.ts';

/** What the upload page shows: which problem, where the form goes with which fields, and the way back. */
export interface PhotoUploadPageModel {
  lang: Lang;
  /** The problem's number as the supervisor sees it (1-based), when known. */
  problemNumber?: number | undefined;
  url: string;
  fields: Readonly<Record<string, string>>;
  /** The questionnaire, to go back without uploading. */
  back: string;
}

/** Renders the upload page of one photo. */
export const renderPhotoUploadPage = (m: PhotoUploadPageModel): string => {
  const { lang } = m;
  const title =
    m.problemNumber === undefined
      ? say(lang, '上传问题照片', 'Photo of a problem')
      : say(lang, `为问题 ${m.problemNumber} 上传照片`, `Photo of problem ${m.problemNumber}`);
  const hidden = Object.entries(m.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const header = `<header class="top"><div class="bar"><span>${showUi('appName', lang)}</span></div><h1>${title}</h1></header>`;
  const body = `<form class="card" method="post" action="${escapeHtml(m.url)}" enctype="multipart/form-data">${hidden}<input type="hidden" name="Content-Type" value="image/jpeg">
<p><label for="file">${say(lang, '选择或拍摄一张照片（JPEG、PNG 或 WebP，不超过', 'Choose or take a photo (JPEG, PNG or WebP, at most')} ${MAX_PHOTO_BYTES / 1024 / 1024} MB${say(lang, '）', ')')}</label></p>
<p><input id="file" type="file" name="file" accept="image/jpeg,image/png,image/webp" capture="environment" required></p>
<p class="hint">${say(lang, '照片中的位置等信息会在保存前全部删除。', 'Location and every other detail stored in the photo are removed before it is kept.')}</p>
<p><button type="submit" class="primary">${say(lang, '上传', 'Upload')}</button></p></form>
<p><a class="button secondary" href="${escapeHtml(m.back)}">${say(lang, '返回问卷', 'Back to the questionnaire')}</a></p>`;
  return renderPage(lang, title, header, body);
};
