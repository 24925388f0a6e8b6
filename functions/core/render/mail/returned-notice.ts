/**
 * The returned notice: a reviewer sent one of a supervisor's responses back for correction, with the
 * comment and the link that takes a corrected version until a date.
 */
import { escapeHtml, formatBeijingTime } from '../../i18n.ts';
import type { Campaign, Supervisor } from '../../model.ts';
import { type RenderedMail, renderNoticePage, toOneLine } from './layout.ts';
import { type AssignmentLink, renderLinkList } from './links.ts';

/** What a supervisor gets when a reviewer returns one of their responses for correction. */
export interface ReturnedNoticeModel {
  campaign: Pick<Campaign, 'title'>;
  supervisor: Pick<Supervisor, 'name'>;
  link: AssignmentLink;
  /** The reviewer's comment: what to correct. */
  comment: string;
  /** Until when the link takes a corrected version. */
  until: string;
}

/** The reviewer's comment on one response and its link, open for a corrected version until `until`. */
export const renderReturnedNotice = (m: ReturnedNoticeModel): RenderedMail => {
  const due = formatBeijingTime(m.until);
  const list = renderLinkList([m.link]);
  return {
    subject: toOneLine(
      `【退回修改 Returned】${m.campaign.title.zh}：${m.link.center.name.zh} 的问卷请修改后重新提交 / please correct and resubmit`,
    ),
    html: renderNoticePage(
      m.campaign.title.zh,
      `<p>${escapeHtml(m.supervisor.name)}，您好：</p>
<p>审核人员退回了您对 <strong>${escapeHtml(m.link.center.name.zh)}</strong> 提交的问卷，请按以下意见修改，并在 <strong>${escapeHtml(due)}</strong> 前通过原链接重新提交。未修改的，按已提交的答卷计入。</p>
<p lang="en" style="color:#455a64">Dear ${escapeHtml(m.supervisor.name)}, a reviewer returned your answers for <strong>${escapeHtml(m.link.center.name.en)}</strong>. Please correct them as the comment says and submit again through the same link by <strong>${escapeHtml(due)}</strong>. Answers left as they are count as submitted.</p>
<blockquote style="margin:12px 0;padding:8px 12px;border-left:4px solid #b71c1c;background:#fbe9e7;white-space:pre-wrap">${escapeHtml(m.comment)}</blockquote>
${list.html}
<p style="color:#607d8b;font-size:13px">此链接仅供您本人使用，请勿转发。 / This link is personal to you; please do not forward it.</p>`,
    ),
    text: `${m.supervisor.name}，您好 / Dear ${m.supervisor.name},

您的问卷被退回修改，请在 ${due} 前重新提交。
Your answers were returned for correction; submit again by ${due}.

审核意见 / The reviewer says:
${m.comment}

${list.text}
`,
  };
};
