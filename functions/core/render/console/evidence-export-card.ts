/**
 * The evidence ZIP card of the campaign page and a center's page: the button that asks for the ZIP, the
 * state of the latest one (queued, building n/m, ready with its download, failed with why), or that the
 * photos were removed.
 */
import { EXPORT_DAYS, EXPORT_FAILURE_TEXT, type ExportRecord } from '../../evidence/export.ts';
import { escapeHtml, formatBeijingTime, type Lang } from '../../i18n.ts';
import { say, showText } from './layout.ts';

/** What the card shows. */
export interface EvidenceExportView {
  /** Where the button posts, and where the finished ZIP is fetched (a fresh short-lived link each time). */
  action: string;
  download: string;
  latest?: ExportRecord;
  /** When the campaign's photos were removed, if they were. */
  purgedAt?: string;
}

const stateLine = (lang: Lang, view: EvidenceExportView, q: string): string => {
  const latest = view.latest;
  if (!latest) return '';
  switch (latest.state) {
    case 'queued':
      return `<p role="status">${say(lang, '已排队，即将开始生成。', 'Queued: building starts in a moment.')}</p>`;
    case 'building':
      return `<p role="status">${say(lang, `正在生成：${latest.done}/${latest.total} 张照片。`, `Building: ${latest.done}/${latest.total} photos.`)} <progress max="${latest.total}" value="${latest.done}" aria-label="${say(lang, '生成进度', 'Progress')}"></progress></p>`;
    case 'ready':
      return `<p>${say(lang, `${formatBeijingTime(latest.updatedAt)} 已生成：${latest.total} 张照片，保留 ${EXPORT_DAYS} 天。`, `Ready since ${formatBeijingTime(latest.updatedAt)}: ${latest.total} photos, kept ${EXPORT_DAYS} days.`)}</p>
<p><a class="button" href="${escapeHtml(view.download)}${q}">${say(lang, '下载 ZIP', 'Download ZIP')}</a> <span class="muted">${escapeHtml(formatBytes(latest.bytes ?? 0))}</span></p>`;
    case 'failed':
      return `<p class="error">${showText(EXPORT_FAILURE_TEXT[latest.reason ?? 'error'], lang)}</p>`;
  }
};

const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** The card; `lang` also goes on the form and the link. */
export const renderEvidenceExportCard = (lang: Lang, view: EvidenceExportView): string => {
  const q = `?lang=${lang}`;
  const heading = `<h2 id="h-evidence">${say(lang, '取证照片', 'Evidence photos')}</h2>`;
  if (view.purgedAt)
    return `<section class="card" aria-labelledby="h-evidence">${heading}<p>${say(lang, `照片已按要求删除（${formatBeijingTime(view.purgedAt)}）。`, `Photos removed on request (${formatBeijingTime(view.purgedAt)}).`)}</p></section>`;
  const busy = view.latest?.state === 'queued' || view.latest?.state === 'building';
  return `<section class="card" aria-labelledby="h-evidence">${heading}
<p class="muted">${say(lang, '照片按 场所/答卷.问题/序号.jpg 存放，附 index.csv 索引（可用 Excel 打开）。', 'Photos are named center/response.problem/n.jpg, with an index.csv that Excel opens.')}</p>
${stateLine(lang, view, q)}
<form method="post" action="${escapeHtml(view.action)}${q}">${
    view.latest?.state === 'ready'
      ? `<button class="secondary" type="submit">${say(lang, '重新生成 ZIP（含此后新增的照片）', 'Build a new ZIP (with photos added since)')}</button>`
      : `<button type="submit"${busy ? ' disabled' : ''}>${say(lang, '下载取证照片 ZIP', 'Download evidence ZIP')}</button>`
  }</form></section>`;
};
