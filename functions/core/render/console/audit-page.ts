/**
 * The audit log: one page of the campaign's log, newest first, with links to newer and older pages.
 */
import { escapeHtml, formatBeijingTime } from '../../i18n.ts';
import type { LocalizedText } from '../../model.ts';
import { type ConsolePageContext, renderCell, renderConsolePage, say } from './layout.ts';

/** One line of the audit log as shown. */
export interface AuditRow {
  at: string;
  username: string;
  role: string;
  action: string;
  target: string;
  detail: string;
}

/** Links to the audit log's pages beside this one (base64url keys). */
export interface AuditPager {
  next?: string;
  previous?: string;
}

const renderAuditPager = (c: ConsolePageContext, campaignId: string, pager: AuditPager) => {
  const href = (key: 'after' | 'before', cursor: string) =>
    escapeHtml(
      `/console/campaigns/${encodeURIComponent(campaignId)}/audit?lang=${c.lang}&${key}=${encodeURIComponent(cursor)}`,
    );
  if (!pager.next && !pager.previous) return '';
  return `<nav class="tabs card" aria-label="${say(c.lang, '翻页', 'Pages')}">${pager.previous ? `<a rel="prev" href="${href('before', pager.previous)}">${say(c.lang, '← 较新的记录', '← Newer entries')}</a>` : ''}${pager.next ? `<a rel="next" href="${href('after', pager.next)}">${say(c.lang, '较早的记录 →', 'Older entries →')}</a>` : ''}</nav>`;
};

/** One page of the campaign's audit log, newest first, with links to newer and older pages. */
export const renderAuditPage = (
  c: ConsolePageContext,
  campaignId: string,
  title: LocalizedText,
  rows: readonly AuditRow[],
  pager: AuditPager = {},
) =>
  renderConsolePage(
    c,
    { zh: `操作日志：${title.zh}`, en: `Audit log: ${title.en}` },
    `<nav class="tabs card"><a href="/console/campaigns/${escapeHtml(encodeURIComponent(campaignId))}?lang=${c.lang}">${say(c.lang, '返回进度', 'Back to progress')}</a></nav>
<table class="wide"><thead><tr><th scope="col">${say(c.lang, '时间', 'When')}</th><th scope="col">${say(c.lang, '操作人', 'Who')}</th><th scope="col">${say(c.lang, '操作', 'What')}</th><th scope="col">${say(c.lang, '对象', 'On')}</th><th scope="col">${say(c.lang, '说明', 'Detail')}</th></tr></thead><tbody>
${rows.map((r) => `<tr>${renderCell(say(c.lang, '时间', 'When'), escapeHtml(formatBeijingTime(r.at)))}${renderCell(say(c.lang, '操作人', 'Who'), `${escapeHtml(r.username)} <span class="muted">${escapeHtml(r.role)}</span>`)}${renderCell(say(c.lang, '操作', 'What'), escapeHtml(r.action))}${renderCell(say(c.lang, '对象', 'On'), escapeHtml(r.target))}${renderCell(say(c.lang, '说明', 'Detail'), escapeHtml(r.detail))}</tr>`).join('\n')}</tbody></table>
${renderAuditPager(c, campaignId, pager)}`,
  );
