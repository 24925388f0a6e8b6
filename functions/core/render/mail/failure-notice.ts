/**
 * The failure notice: the campaign's workflow failed; the organizers get the error and its cause, and for
 * a failed mail batch, which batch it was, in the campaign's language for organizers.
 */
import type { MailBatchFailure, MailKind } from '../../campaign/workflow-contract.ts';
import { escapeHtml, type Lang, mailLanguage } from '../../i18n.ts';
import type { Campaign } from '../../model.ts';
import { type RenderedMail, renderNoticePage, toOneLine } from './layout.ts';

/**
 * The organizers' notice that the campaign's workflow failed: the error and its cause, and, for a
 * failed mail Map, which batch failed (its own error is shown, the Map's generic one named beside it).
 */
export const renderFailureNotice = (
  campaign: Pick<Campaign, 'id' | 'title' | 'language'>,
  error: string,
  cause: string,
  batch?: { mapError: string; failure: MailBatchFailure },
): RenderedMail => {
  const lang = mailLanguage(campaign);
  const where = batch ? failedBatchLines(batch.mapError, batch.failure, lang) : undefined;
  const title = campaign.title[lang];
  const stopped =
    lang === 'zh'
      ? `督查活动 <strong>${escapeHtml(campaign.id)}</strong> 的流程运行失败，已停止。`
      : `The workflow of campaign <strong>${escapeHtml(campaign.id)}</strong> failed and has stopped.`;
  return {
    subject: toOneLine(lang === 'zh' ? `【运行失败】${title}` : `Campaign failed: ${title}`),
    html: renderNoticePage(
      lang,
      title,
      `<p>${stopped}</p>
<p><strong>${escapeHtml(error)}</strong></p><pre style="white-space:pre-wrap;background:#eceff1;padding:8px">${escapeHtml(cause)}</pre>${where ? `\n${where.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}` : ''}`,
    ),
    text: `${lang === 'zh' ? `督查活动 ${campaign.id} 流程运行失败，已停止。` : `Campaign ${campaign.id} failed and has stopped.`}\n\n${error}\n${cause}\n${where ? `\n${where.join('\n')}\n` : ''}`,
  };
};

const MAIL_KIND_LABELS: Readonly<Record<MailKind, { zh: string; en: string }>> = {
  invitation: { zh: '邀请', en: 'invitation' },
  reminder: { zh: '提醒', en: 'reminder' },
  'fact-check': { zh: '事实核查通知', en: 'fact-check notice' },
  summary: { zh: '评分通报', en: 'center summary' },
  'city-summary': { zh: '全市通报', en: 'city summary' },
};

/** Which batch of mail failed and how the workflow reported it. */
const failedBatchLines = (mapError: string, f: MailBatchFailure, lang: Lang): string[] => {
  const kind = MAIL_KIND_LABELS[f.kind];
  if (lang === 'en')
    return [
      `The failing batch: ${kind.en} emails${f.round > 0 ? ` of round ${f.round}` : ''}, batch ${f.batch.index + 1} (${f.batch.count} recipients, ${f.batch.first} to ${f.batch.last}), at ${f.at}.`,
      `The workflow reported ${mapError}; the error above is the batch's own.`,
    ];
  return [
    `失败的是${kind.zh}邮件${f.round > 0 ? `第 ${f.round} 轮` : ''}第 ${f.batch.index + 1} 批（${f.batch.count} 位收件人，${f.batch.first} 至 ${f.batch.last}），时间 ${f.at}。`,
    `工作流报告的错误为 ${mapError}，以上是该批次自身的错误。`,
  ];
};
