/**
 * The invitation: the one email a supervisor receives at launch, listing all their assignments with
 * their personal links and the deadline.
 */
import { escapeHtml, formatBeijingTime } from '../../i18n.ts';
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
  const list = renderLinkList(links);
  const due = formatBeijingTime(deadline);
  const subject = toOneLine(
    `【${campaign.title.zh}】监督任务 ${links.length} 项 / ${campaign.title.en}: ${links.length} assignments`,
  );
  return {
    subject,
    html: renderNoticePage(
      campaign.title.zh,
      `<p>${escapeHtml(supervisor.name)}，您好：</p>
<p>感谢您担任政务服务监督员。本月请您对以下 ${links.length} 个政务服务场所开展监督，并在 <strong>${escapeHtml(due)}</strong> 前通过链接提交问卷。截止前可随时修改。</p>
<p lang="en" style="color:#455a64">Dear ${escapeHtml(supervisor.name)}, thank you for serving as a government service supervisor. Please visit the ${links.length} service centers below and submit each questionnaire by <strong>${escapeHtml(due)}</strong>. You may edit your answers until then.</p>
${list.html}
<p style="color:#607d8b;font-size:13px">每个链接仅供您本人使用，请勿转发。 / Each link is personal to you; please do not forward it.</p>`,
    ),
    text: `${supervisor.name}，您好 / Dear ${supervisor.name},\n\n请在 ${due} 前完成以下监督任务并提交问卷（截止前可修改）。\nPlease complete these assignments and submit each questionnaire by ${due} (editable until then).\n\n${list.text}\n\n每个链接仅供您本人使用。/ Each link is personal to you.\n`,
  };
};
