import { createHash } from 'node:crypto';
import { chinaDate } from '../campaign/working-days.ts';
import type { ShownPhoto } from '../evidence/fix-photos.ts';
import { MAX_FIX_PHOTOS_PER_ITEM } from '../evidence/fix-photos.ts';
import { MAX_PHOTO_BYTES } from '../evidence/photos.ts';
import { DISPUTE_STATE_LABELS, type Dispute, type FactCheckItem, MAX_DISPUTE_REASON } from '../findings/fact-check.ts';
import {
  countByStatus,
  MAX_FIX_NOTE,
  RECTIFICATION_STATUS_LABELS,
  RECTIFICATION_STATUSES,
  type RectificationItem,
  type RectificationStatus,
  statusOf,
} from '../findings/rectification.ts';
import { escapeHtml, formatBeijingTime, LEVEL_LABELS } from '../i18n.ts';
import type { Campaign, Center, LocalizedText } from '../model.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../responses/problems.ts';
import { BEFORE_LABELS, PHOTO_STYLE, renderBeforeAfter, renderPhotoSet } from './finding-photos.ts';

/** Everything the official's rectification page shows. */
export interface RectificationPageModel {
  campaign: Pick<Campaign, 'title' | 'month'>;
  center: Pick<Center, 'name' | 'level' | 'official'>;
  items: readonly RectificationItem[];
  today: string;
  /** The token, used as a relative reference: the page lives at …/r/{token}. */
  token: string;
  /** The item just reported, to confirm it. */
  done?: string | undefined;
  /** A rejected report: the item, the note typed and what is wrong. */
  error?: { itemId: string; note: string; message: LocalizedText } | undefined;
  /** The draft findings to fact-check, while the campaign is in fact-check. */
  factCheck?: FactCheckSection | undefined;
  /** The photos of each finding as found (by finding id) and of each item's fix (by item id). */
  photos?: FindingPhotosView | undefined;
  /** The item a photo of the fix was just posted for, to say it is being checked. */
  photoAdded?: string | undefined;
}

/** The photos the official's page shows: signed for this page only, with nothing naming who took them. */
export interface FindingPhotosView {
  findings: ReadonlyMap<string, readonly ShownPhoto[]>;
  fixes: ReadonlyMap<string, readonly ShownPhoto[]>;
}

/** The fact-check part of the official's page. */
export interface FactCheckSection {
  items: readonly FactCheckItem[];
  disputes: ReadonlyMap<string, Dispute>;
  until: string;
  /** Whether disputes are still accepted (the window has not ended). */
  open: boolean;
  /** The finding just disputed, to confirm it. */
  disputed?: string | undefined;
  /** A rejected dispute: the item, the reason typed and what is wrong. */
  error?: { itemId: string; reason: string; message: LocalizedText } | undefined;
}

const factCheckCard = (m: RectificationPageModel, f: FactCheckSection, item: FactCheckItem): string => {
  const dispute = f.disputes.get(item.id);
  const field = `reason-${escapeHtml(item.id)}`;
  const error = f.error?.itemId === item.id ? f.error : undefined;
  const category = PROBLEM_CATEGORY_LABELS[item.category];
  const state = dispute
    ? `<p><span class="badge d-${dispute.state}">${escapeHtml(DISPUTE_STATE_LABELS[dispute.state].zh)} · ${escapeHtml(DISPUTE_STATE_LABELS[dispute.state].en)}</span></p>
<p class="muted">申诉理由 <span lang="en">Your reason</span>：${escapeHtml(dispute.reason)}</p>${dispute.ruling?.note ? `<p class="muted">复核意见 <span lang="en">Ruling</span>：${escapeHtml(dispute.ruling.note)}</p>` : ''}`
    : f.open
      ? `<form method="post" action="${escapeHtml(m.token)}" novalidate>
<input type="hidden" name="intent" value="dispute"><input type="hidden" name="item" value="${escapeHtml(item.id)}">
<label for="${field}">申诉理由 <span class="en" lang="en">Why this finding is wrong</span></label>
${error ? `<p class="error" id="${field}-error">${escapeHtml(error.message.zh)} <span lang="en">${escapeHtml(error.message.en)}</span></p>` : ''}
<textarea id="${field}" name="reason" maxlength="${MAX_DISPUTE_REASON}" required${error ? ` aria-invalid="true" aria-describedby="${field}-error"` : ''}>${escapeHtml(error?.reason ?? '')}</textarea>
<button type="submit">提出申诉 <span lang="en">Dispute</span></button></form>`
      : '';
  return `<section class="card" id="finding-${escapeHtml(item.id)}" aria-labelledby="hf-${escapeHtml(item.id)}">
<h3 id="hf-${escapeHtml(item.id)}" class="h3">${escapeHtml(category.zh)} <span class="en" lang="en">${escapeHtml(category.en)}</span></h3>
<p class="muted tight">${escapeHtml(PROBLEM_SEVERITY_LABELS[item.severity].zh)} <span lang="en">${escapeHtml(PROBLEM_SEVERITY_LABELS[item.severity].en)}</span></p>
<p class="desc">${escapeHtml(item.description)}</p>${renderPhotoSet(m.photos?.findings.get(item.id) ?? [], BEFORE_LABELS, 'both')}${state}</section>`;
};

const factCheckPart = (m: RectificationPageModel, f: FactCheckSection): string => {
  const due = formatBeijingTime(f.until);
  const disputed = f.disputed ? f.items.find((i) => i.id === f.disputed) : undefined;
  return `${disputed ? `<div class="card notice" role="status"><strong>已收到申诉，组织方将逐项复核。</strong> <span lang="en">Your dispute was received; the organizers will rule on it.</span></div>` : ''}
<div class="card"><h2 class="h2">事实核查 <span class="en" lang="en">Fact-check</span></h2>
<p class="after">以下为本次督查的初步结论，结果公布前请核对。如有不符，请在 <strong>${escapeHtml(due)}</strong> 前逐项申诉并说明理由。 <span class="en" lang="en">These are the draft findings of this campaign, before results are published. If one is wrong, dispute it with your reason by <strong>${escapeHtml(due)}</strong>.</span></p>
${f.open ? '' : `<p class="muted">申诉期已结束。 <span lang="en">The dispute window has ended.</span></p>`}</div>
${[...f.items]
  // By the opaque id, whatever order they came in: never by when (or by whom) they were found.
  .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  .map((item) => factCheckCard(m, f, item))
  .join('\n')}`;
};

const COLORS: Record<RectificationStatus, string> = {
  open: '#b45309',
  overdue: '#c62828',
  'reported-fixed': '#1565c0',
  confirmed: '#2e7d32',
};
const DISPUTE_COLORS: Record<Dispute['state'], string> = { open: '#1565c0', withdrawn: '#2e7d32', upheld: '#546e7a' };
const ORDER: Record<RectificationStatus, number> = { overdue: 0, open: 1, 'reported-fixed': 2, confirmed: 3 };

const STYLE = `*{box-sizing:border-box}body{margin:0;background:#f4f6f8;color:#1d2733;font:16px/1.6 system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif}
header{background:#b71c1c;color:#fff;padding:14px 16px}header h1{margin:0;font-size:20px;line-height:1.35}header p{margin:2px 0 0;font-size:14px;opacity:.9}
main{max-width:720px;margin:0 auto;padding:12px}.card{background:#fff;border-radius:8px;padding:14px 16px;margin:12px 0;border-left:5px solid #cfd8dc}
.en{color:#546e7a;font-size:14px}.badge{display:inline-block;color:#fff;border-radius:10px;padding:0 9px;font-size:13px}.muted{color:#546e7a;font-size:14px}
.desc{white-space:pre-wrap;margin:6px 0}label{display:block;font-weight:600;margin-top:10px}textarea{width:100%;min-height:96px;font:inherit;padding:8px;border:1px solid #90a4ae;border-radius:6px}
textarea:focus,button:focus{outline:3px solid #ffb300;outline-offset:2px}button{margin-top:8px;min-height:44px;padding:8px 18px;font:inherit;font-weight:600;color:#fff;background:#b71c1c;border:0;border-radius:6px}
.error{color:#b71c1c;font-weight:600}.notice{background:#e8f5e9;border-left-color:#2e7d32}
.secondary{background:#fff;color:#b71c1c;border:2px solid #b71c1c}.hint{color:#546e7a;font-size:14px;margin:4px 0}.ph-msg:empty{display:none}
.h2{margin:0;font-size:18px}.h2.item{font-size:17px}.h3{margin:0;font-size:16px}.tight{margin:2px 0}.line{margin:4px 0}.after{margin:6px 0 0}.flush{margin:0}h1 .sub{font-weight:normal;font-size:16px}
${Object.entries(COLORS)
  .map(([s, c]) => `.card.s-${s}{border-left-color:${c}}.badge.s-${s}{background:${c}}`)
  .join('')}${Object.entries(DISPUTE_COLORS)
  .map(([s, c]) => `.badge.d-${s}{background:${c}}`)
  .join('')}${PHOTO_STYLE}`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * With a script, adding a photo of a fix takes one tap: the button opens the camera or the gallery, the
 * slot is asked for as JSON, the photo posted straight to the bucket and its check awaited, then the page
 * shows it. Without one, the button's form asks for a page with the file input (the same slot).
 */
const PHOTO_SCRIPT = `(function(){var d=document;
function say(m,t){m.textContent=t}
function upload(f,file,b,m){b.disabled=true;say(m,b.getAttribute('data-sending'));
fetch(f.action,{method:'POST',headers:{Accept:'application/json','Content-Type':'application/json'},body:'{}',credentials:'same-origin'})
.then(function(r){return r.json().then(function(j){if(!r.ok)throw new Error(j.message||b.getAttribute('data-failed'));return j})})
.then(function(j){var fd=new FormData();Object.keys(j.upload.fields).forEach(function(k){fd.append(k,j.upload.fields[k])});fd.append('Content-Type',file.type||'image/jpeg');fd.append('file',file);
return fetch(j.upload.url,{method:'POST',body:fd}).then(function(r){if(!r.ok)throw new Error(b.getAttribute('data-failed'));return j})})
.then(function(j){var n=0;say(m,b.getAttribute('data-checking'));(function poll(){fetch(j.status,{headers:{Accept:'application/json'},credentials:'same-origin'}).then(function(r){return r.json()}).then(function(s){var busy=s.photos.some(function(p){return p.state==='uploading'||p.state==='checking'});if(busy&&++n<40)setTimeout(poll,1500);else location.replace(location.pathname+'?photo='+encodeURIComponent(j.photo.item)+'#item-'+j.photo.item)},function(){setTimeout(poll,3000)})})()})
.catch(function(e){b.disabled=false;say(m,e.message)})}
Array.prototype.forEach.call(d.querySelectorAll('form.ph-add'),function(f){var b=f.querySelector('button'),m=f.querySelector('.ph-msg'),i=d.createElement('input');
i.type='file';i.accept='image/jpeg,image/png,image/webp';i.setAttribute('capture','environment');i.hidden=true;i.tabIndex=-1;i.setAttribute('aria-hidden','true');f.appendChild(i);
f.addEventListener('submit',function(e){e.preventDefault();i.click()});i.addEventListener('change',function(){if(i.files&&i.files[0])upload(f,i.files[0],b,m)})})})();`;

/**
 * The rectification page's policy: its one stylesheet and its one script (by hash), posting back to
 * itself; images and uploads reach the evidence bucket only when the API adds its origin.
 */
export const RECTIFICATION_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(PHOTO_SCRIPT)}`,
  'img-src data:',
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const both = (t: LocalizedText) => `${escapeHtml(t.zh)} <span class="en" lang="en">${escapeHtml(t.en)}</span>`;

const itemCard = (m: RectificationPageModel, item: RectificationItem): string => {
  const status = statusOf(item, m.today);
  const category = PROBLEM_CATEGORY_LABELS[item.category];
  const error = m.error?.itemId === item.id ? m.error : undefined;
  const field = `note-${escapeHtml(item.id)}`;
  const form =
    status === 'confirmed'
      ? `<p class="muted">复查确认已整改，已销号。 <span lang="en">Confirmed fixed on re-check; closed.</span></p>`
      : `<form method="post" action="${escapeHtml(m.token)}" novalidate>
<input type="hidden" name="item" value="${escapeHtml(item.id)}">
<label for="${field}">整改说明 <span class="en" lang="en">What was done</span></label>
${error ? `<p class="error" id="${field}-error">${escapeHtml(error.message.zh)} <span lang="en">${escapeHtml(error.message.en)}</span></p>` : ''}
<textarea id="${field}" name="note" maxlength="${MAX_FIX_NOTE}" required${error ? ` aria-invalid="true" aria-describedby="${field}-error"` : ''}>${escapeHtml(error?.note ?? '')}</textarea>
<button type="submit">${status === 'reported-fixed' ? '更新整改说明 · Update the report' : '报告已整改 · Report fixed'}</button></form>`;
  return `<section class="card s-${status}" id="item-${escapeHtml(item.id)}" aria-labelledby="h-${escapeHtml(item.id)}">
<h2 id="h-${escapeHtml(item.id)}" class="h2 item">${both(category)}</h2>
<p class="line"><span class="badge s-${status}">${escapeHtml(RECTIFICATION_STATUS_LABELS[status].zh)} · ${escapeHtml(RECTIFICATION_STATUS_LABELS[status].en)}</span> <span class="muted">${both(PROBLEM_SEVERITY_LABELS[item.severity])}</span></p>
<p class="desc">${escapeHtml(item.description)}</p>
${renderBeforeAfter(m.photos?.findings.get(item.id), m.photos?.fixes.get(item.id), 'both')}
<p class="muted">整改期限 <strong>${escapeHtml(item.dueDate)}</strong> · ${escapeHtml(item.month)} 发现${item.reopened > 0 ? ` · 复查未通过 ${item.reopened} 次` : ''} <span lang="en">· due ${escapeHtml(item.dueDate)}, found ${escapeHtml(item.month)}${item.reopened > 0 ? `, reopened ${item.reopened}×` : ''}</span></p>
${item.report ? `<p class="muted">已报整改（${escapeHtml(chinaDate(item.report.at))}）<span lang="en">Reported</span>：${escapeHtml(item.report.note)}</p>` : ''}
${form}${status === 'confirmed' ? '' : addPhotoForm(m, item)}</section>`;
};

/** The button that asks for an upload slot of one photo of the item's fix (a page with the file input follows). */
const addPhotoForm = (m: RectificationPageModel, item: RectificationItem): string => {
  const count = (m.photos?.fixes.get(item.id) ?? []).filter((p) => p.state !== 'refused').length;
  if (count >= MAX_FIX_PHOTOS_PER_ITEM)
    return `<p class="hint">已有 ${MAX_FIX_PHOTOS_PER_ITEM} 张整改照片（上限）。 <span lang="en">This item has the most photos allowed (${MAX_FIX_PHOTOS_PER_ITEM}).</span></p>`;
  return `<form method="post" action="${escapeHtml(m.token)}/items/${escapeHtml(encodeURIComponent(item.id))}/photos" class="ph-add">
<button type="submit" class="secondary" data-sending="正在上传… Uploading…" data-checking="正在检查照片… Checking the photo…" data-failed="上传失败，请重试。 The upload failed; please try again.">添加整改照片 <span lang="en">Add a photo of the fix</span></button>
<p class="ph-msg hint" aria-live="polite"></p>
<p class="hint">可上传现场整改后的照片，每项最多 ${MAX_FIX_PHOTOS_PER_ITEM} 张。 <span lang="en">Show what was done: up to ${MAX_FIX_PHOTOS_PER_ITEM} photos per item.</span></p></form>`;
};

const page = (title: string, header: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><header>${header}</header><main>${body}</main></body></html>`;

/** The official's page: every rectification item of the center, each with a form to report it fixed. */
export const renderRectificationPage = (m: RectificationPageModel): string => {
  // Most urgent first; within a due date by the opaque id, never by when (or by whom) an item was found.
  const items = [...m.items].sort(
    (a, b) =>
      ORDER[statusOf(a, m.today)] - ORDER[statusOf(b, m.today)] ||
      (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const counts = countByStatus(m.items, m.today);
  const done = m.done ? m.items.find((i) => i.id === m.done) : undefined;
  const header = `<h1>整改情况报告 <span class="sub" lang="en">Rectification report</span></h1>
<p>${escapeHtml(m.center.name.zh)} · ${escapeHtml(LEVEL_LABELS[m.center.level].zh)} · ${escapeHtml(m.campaign.title.zh)}（${escapeHtml(m.campaign.month)}）</p>`;
  const added = m.photoAdded ? m.items.find((i) => i.id === m.photoAdded) : undefined;
  const body = `${added ? `<div class="card notice" role="status"><strong>照片已上传，检查通过后显示在该事项下。</strong> <span lang="en">The photo was uploaded; it shows under its item once checked.</span></div>` : ''}${done ? `<div class="card notice" role="status"><strong>已收到整改报告，谢谢。</strong> <span lang="en">Your report was received, thank you.</span><br><span class="muted">下月监督员将到场复查。 <span lang="en">Supervisors re-check it on site next month.</span></span></div>` : ''}
<div class="card"><p class="flush">${escapeHtml(m.center.official.name)} 同志，您好。请逐项整改，并在整改期限前在此报告整改情况。 <span class="en" lang="en">Please fix each item and report it here before its due date.</span></p>
<p class="muted after">${RECTIFICATION_STATUSES.map((s) => `${escapeHtml(RECTIFICATION_STATUS_LABELS[s].zh)} ${counts[s]}`).join(' · ')} <span lang="en">(${RECTIFICATION_STATUSES.map((s) => `${escapeHtml(RECTIFICATION_STATUS_LABELS[s].en.toLowerCase())} ${counts[s]}`).join(', ')})</span></p></div>
${m.factCheck ? factCheckPart(m, m.factCheck) : ''}
${items.length === 0 ? `<div class="card"><p>暂无整改事项。 <span class="en" lang="en">Nothing to rectify.</span></p></div>` : items.map((i) => itemCard(m, i)).join('\n')}
<p class="muted">此链接仅供本中心使用，请勿转发。 <span lang="en">This link is for your center only; please do not forward it.</span></p>
<script>${PHOTO_SCRIPT}</script>`;
  return page(`整改情况报告 · ${m.center.name.zh}`, header, body);
};

/** What the page that uploads one photo of a fix shows: the item, the bucket's form and the way back. */
export interface FixPhotoUploadModel {
  item: Pick<RectificationItem, 'category' | 'description'>;
  url: string;
  fields: Readonly<Record<string, string>>;
  /** The official's page, to go back without uploading. */
  back: string;
}

/**
 * The page that uploads one photo of a fix without script: a form posting straight to the evidence bucket
 * with the presigned fields, a file input that opens the camera on a phone; S3 sends the browser back.
 */
export const renderFixPhotoUploadPage = (m: FixPhotoUploadModel): string => {
  const hidden = Object.entries(m.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const category = PROBLEM_CATEGORY_LABELS[m.item.category];
  return page(
    '上传整改照片',
    `<h1>上传整改照片 <span class="sub" lang="en">Photo of the fix</span></h1><p>${both(category)}</p>`,
    `<form class="card" method="post" action="${escapeHtml(m.url)}" enctype="multipart/form-data">${hidden}<input type="hidden" name="Content-Type" value="image/jpeg">
<p class="desc">${escapeHtml(m.item.description)}</p>
<label for="file">选择或拍摄一张照片 <span class="en" lang="en">Choose or take a photo</span></label>
<p class="hint">JPEG、PNG 或 WebP，不超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB；照片中的位置等信息会在保存前删除。 <span lang="en">JPEG, PNG or WebP, at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB; location and other details in the photo are removed before it is kept.</span></p>
<input id="file" type="file" name="file" accept="image/jpeg,image/png,image/webp" capture="environment" required>
<button type="submit">上传 <span lang="en">Upload</span></button></form>
<p><a href="${escapeHtml(m.back)}">返回整改页面 <span lang="en">Back to the rectification page</span></a></p>`,
  );
};

/** A short page saying why nothing can be shown (unknown link, failure). */
export const renderRectificationMessage = (title: LocalizedText, message: LocalizedText): string =>
  page(
    title.zh,
    `<h1>${escapeHtml(title.zh)} <span class="sub" lang="en">${escapeHtml(title.en)}</span></h1>`,
    `<div class="card"><p>${escapeHtml(message.zh)}</p><p class="en" lang="en">${escapeHtml(message.en)}</p></div>`,
  );
