/**
 * The fact-check notice: a center's draft findings, sent to its official before results are published,
 * with the link to dispute them, in the official's language.
 */
import type { FactCheckItem } from '../../findings/fact-check.ts';
import { escapeHtml, formatBeijingTime, mailLanguage } from '../../i18n.ts';
import type { Campaign, Center } from '../../model.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../../responses/problems.ts';
import { type RenderedMail, renderNoticePage, toOneLine } from './layout.ts';

/** What a center's official gets at fact-check: the draft findings and how to dispute them. */
export interface FactCheckNoticeModel {
  campaign: Pick<Campaign, 'title'>;
  center: Pick<Center, 'name' | 'official'>;
  items: readonly Pick<FactCheckItem, 'category' | 'severity' | 'description'>[];
  url: string;
  until: string;
}

/** The draft findings of one center, sent to its official before results are published. */
export const renderFactCheckNotice = (m: FactCheckNoticeModel): RenderedMail => {
  const lang = mailLanguage(m.center.official);
  const due = formatBeijingTime(m.until);
  const title = m.campaign.title[lang];
  const center = m.center.name[lang];
  const n = m.items.length;
  const list = m.items.map(
    (item) =>
      `${PROBLEM_CATEGORY_LABELS[item.category][lang]} · ${PROBLEM_SEVERITY_LABELS[item.severity][lang]}${lang === 'zh' ? '：' : ': '}${item.description}`,
  );
  const listHtml = `<ol style="padding-left:20px">${list.map((line) => `<li style="margin-bottom:8px">${escapeHtml(line)}</li>`).join('')}</ol>`;
  const listText = list.map((line, i) => `${i + 1}. ${line}`).join('\n');
  if (lang === 'en')
    return {
      subject: toOneLine(`Fact-check: ${title}, ${n} draft ${n === 1 ? 'finding' : 'findings'} at ${center}`),
      html: renderNoticePage(
        lang,
        title,
        `<p>Dear ${escapeHtml(m.center.official.name)},</p>
<p>Supervisors found the ${n === 1 ? 'problem' : `${n} problems`} below at <strong>${escapeHtml(center)}</strong> (draft findings). If one is wrong, dispute it with your reason through the link by <strong>${escapeHtml(due)}</strong>; the organizers rule on every dispute before results are published.</p>
${listHtml}
<p><a href="${escapeHtml(m.url)}" style="color:#0d47a1">Review and dispute</a></p>
<p style="color:#546e7a;font-size:13px">This link is for the center's official only.</p>`,
      ),
      text: `Dear ${m.center.official.name},

${n} draft ${n === 1 ? 'finding' : 'findings'} at ${center}; dispute any of them by ${due}.

${listText}

${m.url}
`,
    };
  return {
    subject: toOneLine(`【事实核查】${title}：${center} 发现问题 ${n} 项`),
    html: renderNoticePage(
      lang,
      title,
      `<p>${escapeHtml(m.center.official.name)}，您好：</p>
<p>本次督查在 <strong>${escapeHtml(center)}</strong> 发现以下 ${n} 个问题（初步结论）。如有不符，请在 <strong>${escapeHtml(due)}</strong> 前通过链接逐项提出申诉并说明理由；组织方复核后再公布结果。</p>
${listHtml}
<p><a href="${escapeHtml(m.url)}" style="color:#0d47a1">查看并申诉</a></p>
<p style="color:#546e7a;font-size:13px">此链接仅供本场所负责人使用。</p>`,
    ),
    text: `${m.center.official.name}，您好：

${center} 发现问题 ${n} 项（初步结论），如有不符请在 ${due} 前申诉。

${listText}

${m.url}
`,
  };
};
