/**
 * The reminder: sent to a supervisor before the deadline, listing only the assignments still unanswered,
 * in the supervisor's language.
 */
import { escapeHtml, formatBeijingTime, mailLanguage } from '../../i18n.ts';
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
  const lang = mailLanguage(supervisor);
  const list = renderLinkList(links, lang);
  const due = formatBeijingTime(deadline);
  const title = campaign.title[lang];
  const n = links.length;
  if (lang === 'en')
    return {
      subject: toOneLine(`Reminder: ${title}, ${n} ${n === 1 ? 'assignment' : 'assignments'} still open`),
      html: renderNoticePage(
        lang,
        title,
        `<p>Dear ${escapeHtml(supervisor.name)},</p><p>${n === 1 ? 'This assignment has' : `These ${n} assignments have`} no answers yet. The deadline is <strong>${escapeHtml(due)}</strong>.</p>${list.html}`,
      ),
      text: `Dear ${supervisor.name},\n\n${n === 1 ? 'This assignment is' : 'These assignments are'} still open; the deadline is ${due}.\n\n${list.text}\n`,
    };
  return {
    subject: toOneLine(`【提醒】${title}：尚有 ${n} 项监督任务未提交`),
    html: renderNoticePage(
      lang,
      title,
      `<p>${escapeHtml(supervisor.name)}，您好：</p><p>以下 ${n} 项监督任务尚未提交问卷，截止时间为 <strong>${escapeHtml(due)}</strong>。</p>${list.html}`,
    ),
    text: `${supervisor.name}，您好：\n\n以下监督任务尚未提交问卷，截止时间为 ${due}。\n\n${list.text}\n`,
  };
};
