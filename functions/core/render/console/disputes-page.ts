/**
 * The disputes page: the officials' disputes of draft findings, open ones first, each with the
 * organizers' ruling form; and ending fact-check once every dispute is ruled.
 */
import { DISPUTE_STATE_LABELS, type Dispute, type FactCheckItem } from '../../findings/fact-check.ts';
import { escapeHtml, formatBeijingTime } from '../../i18n.ts';
import type { CampaignStatus, Center, LocalizedText } from '../../model.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../../responses/problems.ts';
import { type ConsolePageContext, renderConsolePage, say, showText } from './layout.ts';

/** What the disputes page shows. */
export interface DisputesPageModel {
  campaignId: string;
  title: LocalizedText;
  status: CampaignStatus;
  factCheckUntil?: string;
  disputes: readonly Dispute[];
  items: ReadonlyMap<string, FactCheckItem>;
  centers: ReadonlyMap<string, Center>;
  /** Whether the user may rule (organizers) or only look. */
  canRule: boolean;
}

/** The officials' disputes of draft findings, open ones first, each with the organizers' ruling form. */
export const renderDisputesPage = (c: ConsolePageContext, m: DisputesPageModel): string => {
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
  const q = `?lang=${c.lang}`;
  const open = m.disputes.filter((d) => d.state === 'open').length;
  const sorted = [...m.disputes].sort(
    (a, b) =>
      Number(a.state !== 'open') - Number(b.state !== 'open') ||
      a.centerId.localeCompare(b.centerId) ||
      a.itemId.localeCompare(b.itemId),
  );
  const cards = sorted
    .map((d) => {
      const item = m.items.get(d.itemId);
      const center = m.centers.get(d.centerId);
      const id = escapeHtml(d.itemId);
      const form =
        m.canRule && d.state === 'open'
          ? `<form method="post" action="${base}/disputes/${escapeHtml(encodeURIComponent(d.itemId))}${q}"><input type="hidden" name="center" value="${escapeHtml(d.centerId)}">
<label for="note-${id}">${say(c.lang, '复核意见（可选，告知场所负责人）', 'Ruling note (optional, shown to the official)')}</label><textarea id="note-${id}" name="note" rows="2" maxlength="500"></textarea>
<p><button type="submit" name="ruling" value="uphold">${say(c.lang, '维持原结论', 'Uphold the finding')}</button><button class="secondary" type="submit" name="ruling" value="withdraw">${say(c.lang, '撤销该问题', 'Withdraw the finding')}</button></p></form>`
          : d.ruling
            ? `<p class="muted">${escapeHtml(d.ruling.by.username)} · ${escapeHtml(formatBeijingTime(d.ruling.at))}${d.ruling.note ? ` · “${escapeHtml(d.ruling.note)}”` : ''}</p>`
            : '';
      return `<article class="card" aria-labelledby="h-${id}"><h2 id="h-${id}">${center ? showText(center.name, c.lang) : escapeHtml(d.centerId)}</h2>
<p><span class="badge">${showText(DISPUTE_STATE_LABELS[d.state], c.lang)}</span></p>
${item ? `<p>${showText(PROBLEM_CATEGORY_LABELS[item.category], c.lang)} · ${showText(PROBLEM_SEVERITY_LABELS[item.severity], c.lang)}${say(c.lang, '：', ': ')}${escapeHtml(item.description)}</p>` : ''}
<p><strong>${say(c.lang, '申诉理由', 'Reason')}</strong>${say(c.lang, '：', ': ')}${escapeHtml(d.reason)} <span class="muted">${escapeHtml(formatBeijingTime(d.at))}</span></p>${form}</article>`;
    })
    .join('\n');
  const finish =
    m.canRule && m.status === 'fact-checking'
      ? `<section class="card" aria-labelledby="h-finish-fc"><h2 id="h-finish-fc">${say(c.lang, '结束事实核查', 'End fact-check')}</h2>
<p>${say(c.lang, `申诉期至 ${m.factCheckUntil ? formatBeijingTime(m.factCheckUntil) : ''}。全部申诉裁定后即可结束核查并评分。`, `Disputes are accepted until ${m.factCheckUntil ? formatBeijingTime(m.factCheckUntil) : ''}. Once every dispute is ruled you may end fact-check and score.`)}</p>
<form method="post" action="${base}/finish-fact-check${q}"><button type="submit"${open > 0 ? ' disabled' : ''}>${say(c.lang, '结束核查并评分', 'End fact-check and score')}</button></form></section>`
      : '';
  return renderConsolePage(
    c,
    { zh: `申诉复核：${m.title.zh}`, en: `Disputes: ${m.title.en}` },
    `<nav class="tabs card"><a href="${base}${q}">${say(c.lang, '返回进度', 'Back to progress')}</a></nav>
<p>${say(c.lang, `共 ${m.disputes.length} 项申诉，待裁定 ${open} 项。`, `${m.disputes.length} ${m.disputes.length === 1 ? 'dispute' : 'disputes'}, ${open} awaiting a ruling.`)}</p>
${finish}${cards || `<p class="card">${say(c.lang, '没有申诉。', 'No disputes.')}</p>`}`,
  );
};
