/**
 * The sign-off notice: a campaign's results are scored and held as a draft; its organizers are asked to
 * check them in the console and publish them, in the campaign's language for organizers.
 */
import { escapeHtml, mailLanguage } from '../../i18n.ts';
import type { Campaign } from '../../model.ts';
import { type RenderedMail, renderNoticePage, toOneLine } from './layout.ts';

/** The console's results page of a campaign, on the API that serves the console. */
export const consoleResultsUrl = (apiBaseUrl: string, campaignId: string): string =>
  `${apiBaseUrl.replace(/\/+$/, '')}/console/campaigns/${encodeURIComponent(campaignId)}/results`;

/** The organizers' notice that the results wait for their sign-off before any official is emailed. */
export const renderSignOffNotice = (
  campaign: Pick<Campaign, 'id' | 'title' | 'language'>,
  resultsUrl: string,
): RenderedMail => {
  const lang = mailLanguage(campaign);
  const title = campaign.title[lang];
  const url = escapeHtml(resultsUrl);
  if (lang === 'en')
    return {
      subject: toOneLine(`Results awaiting your sign-off: ${title}`),
      html: renderNoticePage(
        lang,
        title,
        `<p>The results of campaign <strong>${escapeHtml(campaign.id)}</strong> are scored and held as a draft: no official has been emailed yet.</p>
<p>Check them in the console and press <strong>Publish</strong> to send each center's summary.</p>
<p><a href="${url}" style="color:#0d47a1">Open the draft results</a></p>`,
        '#0d47a1',
      ),
      text: `The results of campaign ${campaign.id} are scored and held as a draft: no official has been emailed yet.\nCheck them in the console and press Publish to send each center's summary:\n${resultsUrl}\n`,
    };
  return {
    subject: toOneLine(`【待发布】${title}：评分结果等待签发`),
    html: renderNoticePage(
      lang,
      title,
      `<p>督查活动 <strong>${escapeHtml(campaign.id)}</strong> 的评分已完成，结果目前为草稿，尚未发送给任何责任人。</p>
<p>请在控制台核对结果后点击<strong>发布</strong>，各中心的评分通报随即发出。</p>
<p><a href="${url}" style="color:#0d47a1">查看评分结果草稿</a></p>`,
      '#0d47a1',
    ),
    text: `督查活动 ${campaign.id} 的评分已完成，结果目前为草稿，尚未发送给任何责任人。\n请在控制台核对结果后点击“发布”，各中心的评分通报随即发出：\n${resultsUrl}\n`,
  };
};
