/**
 * The reminder: sent to a supervisor before the deadline, listing only the assignments still unanswered.
 */
import { escapeHtml, formatBeijingTime } from '../../i18n.ts';
import type { Campaign, Supervisor } from '../../model.ts';
import { type RenderedMail, renderNoticePage, toOneLine } from './layout.ts';
import { type AssignmentLink, renderLinkList } from './links.ts';

/** A reminder listing only the assignments still unanswered. */
export const renderReminder = (
  campaign: Campaign,
  supervisor: Supervisor,
  links: readonly AssignmentLink[],
  deadline: string,
): RenderedMail => {
  const list = renderLinkList(links);
  const due = formatBeijingTime(deadline);
  return {
    subject: toOneLine(
      `【提醒 Reminder】${campaign.title.zh}：尚有 ${links.length} 项未提交 / ${links.length} still open`,
    ),
    html: renderNoticePage(
      campaign.title.zh,
      `<p>${escapeHtml(supervisor.name)}，您好：</p><p>以下 ${links.length} 项监督任务尚未提交问卷，截止时间为 <strong>${escapeHtml(due)}</strong>。</p>
<p lang="en" style="color:#455a64">Dear ${escapeHtml(supervisor.name)}, these ${links.length} assignments have no answers yet. The deadline is <strong>${escapeHtml(due)}</strong>.</p>${list.html}`,
    ),
    text: `${supervisor.name}，您好 / Dear ${supervisor.name},\n\n以下任务尚未提交，截止 ${due}。\nThese assignments are still open; deadline ${due}.\n\n${list.text}\n`,
  };
};
