/**
 * The campaign list: every campaign, newest first, with its status, answers and deadline.
 */
import { escapeHtml, formatBeijingTime } from '../../i18n.ts';
import type { CampaignStatus, LocalizedText } from '../../model.ts';
import {
  type ConsolePageContext,
  renderCell,
  renderConsolePage,
  renderProgress,
  STATUS_LABELS,
  say,
  showText,
} from './layout.ts';

/** One campaign in the list. */
export interface CampaignListItem {
  id: string;
  title: LocalizedText;
  month: string;
  status: CampaignStatus;
  answered: number;
  total: number;
  deadline: string;
}

/** Every campaign, newest first. */
export const renderCampaignList = (c: ConsolePageContext, campaigns: readonly CampaignListItem[]): string => {
  const q = `?lang=${c.lang}`;
  const rows = campaigns
    .map(
      (
        m,
      ) => `<tr><td><a href="/console/campaigns/${escapeHtml(encodeURIComponent(m.id))}${q}">${showText(m.title, c.lang)}</a><div class="muted">${escapeHtml(m.id)}</div></td>
${renderCell(say(c.lang, '月份', 'Month'), escapeHtml(m.month))}${renderCell(say(c.lang, '状态', 'Status'), `<span class="badge">${showText(STATUS_LABELS[m.status], c.lang)}</span>`)}
${renderCell(say(c.lang, '已答', 'Answered'), `${m.answered}/${m.total}`, 'num')}${renderCell(say(c.lang, '进度', 'Progress'), renderProgress(m.answered, m.total, c.lang))}${renderCell(say(c.lang, '截止', 'Deadline'), escapeHtml(formatBeijingTime(m.deadline)))}</tr>`,
    )
    .join('\n');
  return renderConsolePage(
    c,
    { zh: '督查活动', en: 'Campaigns' },
    campaigns.length === 0
      ? `<p class="card">${say(c.lang, '还没有督查活动。用命令行 supervision launch 发起一次。', 'No campaigns yet. Launch one with `supervision launch`.')}</p>`
      : `<table class="wide"><caption class="muted">${say(c.lang, `共 ${campaigns.length} 次`, `${campaigns.length} campaigns`)}</caption>
<thead><tr><th scope="col">${say(c.lang, '活动', 'Campaign')}</th><th scope="col">${say(c.lang, '月份', 'Month')}</th><th scope="col">${say(c.lang, '状态', 'Status')}</th><th scope="col" class="num">${say(c.lang, '已答', 'Answered')}</th><th scope="col">${say(c.lang, '进度', 'Progress')}</th><th scope="col">${say(c.lang, '截止', 'Deadline')}</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
};
