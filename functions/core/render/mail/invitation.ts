/**
 * The invitation: the one email a supervisor receives at launch, listing all their assignments with
 * their personal links and the deadline, in the supervisor's language.
 */
import { escapeHtml, formatBeijingTime, mailLanguage } from '../../i18n.ts';
import type { Campaign, Supervisor } from '../../model.ts';
import { type RenderedMail, renderNoticePage, toOneLine } from './layout.ts';
import { type AssignmentLink, renderLinkList } from './links.ts';

/** The one invitation a supervisor receives, listing all their assignments. */
export const renderInvitation = (
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
      subject: toOneLine(`${title}: ${n} ${n === 1 ? 'assignment' : 'assignments'} for you`),
      html: renderNoticePage(
        lang,
        title,
        `<p>Dear ${escapeHtml(supervisor.name)},</p>
<p>Thank you for serving as a government service supervisor. This month, please visit the ${n} service ${n === 1 ? 'center' : 'centers'} below and submit each questionnaire through its link by <strong>${escapeHtml(due)}</strong>. You may change your answers until then.</p>
${list.html}
<p style="color:#546e7a;font-size:13px">Each link is personal to you; please do not forward it.</p>`,
      ),
      text: `Dear ${supervisor.name},\n\nPlease complete these assignments and submit each questionnaire by ${due} (you may change your answers until then).\n\n${list.text}\n\nEach link is personal to you; please do not forward it.\n`,
    };
  return {
    subject: toOneLine(`【${title}】监督任务 ${n} 项`),
    html: renderNoticePage(
      lang,
      title,
      `<p>${escapeHtml(supervisor.name)}，您好：</p>
<p>感谢您担任政务服务监督员。本月请您对以下 ${n} 个政务服务场所开展监督，并在 <strong>${escapeHtml(due)}</strong> 前通过链接提交问卷。截止前可随时修改。</p>
${list.html}
<p style="color:#546e7a;font-size:13px">每个链接仅供您本人使用，请勿转发。</p>`,
    ),
    text: `${supervisor.name}，您好：\n\n请在 ${due} 前完成以下监督任务并提交问卷（截止前可修改）。\n\n${list.text}\n\n每个链接仅供您本人使用，请勿转发。\n`,
  };
};
