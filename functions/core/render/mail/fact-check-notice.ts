/**
 * The fact-check notice: a center's draft findings, sent to its official before results are published,
 * with the link to dispute them.
 */
import type { FactCheckItem } from '../../findings/fact-check.ts';
import { both, escapeHtml, formatBeijingTime } from '../../i18n.ts';
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
  const due = formatBeijingTime(m.until);
  const list = m.items.map(
    (item) =>
      `${both(PROBLEM_CATEGORY_LABELS[item.category])} · ${both(PROBLEM_SEVERITY_LABELS[item.severity])}: ${item.description}`,
  );
  return {
    subject: toOneLine(
      `【事实核查 Fact-check】${m.campaign.title.zh}：${m.center.name.zh} 发现问题 ${m.items.length} 项 / ${m.items.length} findings`,
    ),
    html: renderNoticePage(
      m.campaign.title.zh,
      `<p>${escapeHtml(m.center.official.name)}，您好：</p>
<p>本次督查在 <strong>${escapeHtml(m.center.name.zh)}</strong> 发现以下 ${m.items.length} 个问题（初步结论）。如有不符，请在 <strong>${escapeHtml(due)}</strong> 前通过链接逐项提出申诉并说明理由；组织方复核后再公布结果。</p>
<p lang="en" style="color:#455a64">Dear ${escapeHtml(m.center.official.name)}, supervisors found the ${m.items.length} problems below at <strong>${escapeHtml(m.center.name.en)}</strong> (draft findings). If one is wrong, dispute it with your reason through the link by <strong>${escapeHtml(due)}</strong>; the organizers rule on every dispute before results are published.</p>
<ol style="padding-left:20px">${list.map((line) => `<li style="margin-bottom:8px">${escapeHtml(line)}</li>`).join('')}</ol>
<p><a href="${escapeHtml(m.url)}" style="color:#0d47a1">查看并申诉 / Review and dispute</a></p>
<p style="color:#607d8b;font-size:13px">此链接仅供本场所负责人使用。/ This link is for the center's official only.</p>`,
    ),
    text: `${m.center.official.name}，您好 / Dear ${m.center.official.name},

${m.center.name.zh} 发现问题 ${m.items.length} 项（初步结论），如有不符请在 ${due} 前申诉。
${m.items.length} draft findings at ${m.center.name.en}; dispute any by ${due}.

${list.map((line, i) => `${i + 1}. ${line}`).join('\n')}

${m.url}
`,
  };
};
