/**
 * The returned notice: a reviewer sent one of a supervisor's responses back for correction, with the
 * comment and the link that takes a corrected version until a date, in the supervisor's language.
 */
import { escapeHtml, formatBeijingTime, mailLanguage } from '../../i18n.ts';
import type { Campaign, Supervisor } from '../../model.ts';
import { type RenderedMail, renderNoticePage, toOneLine } from './layout.ts';
import { type AssignmentLink, renderLinkList } from './links.ts';

/** What a supervisor gets when a reviewer returns one of their responses for correction. */
export interface ReturnedNoticeModel {
  campaign: Pick<Campaign, 'title'>;
  supervisor: Pick<Supervisor, 'name' | 'language'>;
  link: AssignmentLink;
  /** The reviewer's comment: what to correct. */
  comment: string;
  /** Until when the link takes a corrected version. */
  until: string;
}

const COMMENT_STYLE =
  'margin:12px 0;padding:8px 12px;border-left:4px solid #b71c1c;background:#fbe9e7;white-space:pre-wrap';

/** The reviewer's comment on one response and its link, open for a corrected version until `until`. */
export const renderReturnedNotice = (m: ReturnedNoticeModel): RenderedMail => {
  const lang = mailLanguage(m.supervisor);
  const due = formatBeijingTime(m.until);
  const list = renderLinkList([m.link], lang);
  const title = m.campaign.title[lang];
  const center = m.link.center.name[lang];
  if (lang === 'en')
    return {
      subject: toOneLine(`Returned for correction: ${title}, your answers for ${center}`),
      html: renderNoticePage(
        lang,
        title,
        `<p>Dear ${escapeHtml(m.supervisor.name)},</p>
<p>A reviewer returned your answers for <strong>${escapeHtml(center)}</strong>. Please correct them as the comment below says and submit again through the same link by <strong>${escapeHtml(due)}</strong>. Answers left as they are count as submitted.</p>
<blockquote style="${COMMENT_STYLE}">${escapeHtml(m.comment)}</blockquote>
${list.html}
<p style="color:#546e7a;font-size:13px">This link is personal to you; please do not forward it.</p>`,
      ),
      text: `Dear ${m.supervisor.name},

Your answers were returned for correction; submit again by ${due}.

The reviewer says:
${m.comment}

${list.text}
`,
    };
  return {
    subject: toOneLine(`【退回修改】${title}：${center} 的问卷请修改后重新提交`),
    html: renderNoticePage(
      lang,
      title,
      `<p>${escapeHtml(m.supervisor.name)}，您好：</p>
<p>审核人员退回了您对 <strong>${escapeHtml(center)}</strong> 提交的问卷，请按以下意见修改，并在 <strong>${escapeHtml(due)}</strong> 前通过原链接重新提交。未修改的，按已提交的答卷计入。</p>
<blockquote style="${COMMENT_STYLE}">${escapeHtml(m.comment)}</blockquote>
${list.html}
<p style="color:#546e7a;font-size:13px">此链接仅供您本人使用，请勿转发。</p>`,
    ),
    text: `${m.supervisor.name}，您好：

您的问卷被退回修改，请在 ${due} 前通过原链接重新提交。

审核意见：
${m.comment}

${list.text}
`,
  };
};
