/**
 * The sign-off of a campaign's draft results (待签发), shown on its campaign page and its results page:
 * that the results are a draft the centers have not received, and for an organizer the 发布 / Publish
 * form; once signed off, who did and when.
 */
import { escapeHtml, formatBeijingTime, type Lang } from '../../i18n.ts';
import type { CampaignStatus } from '../../model.ts';
import { say } from './layout.ts';

/** Where a campaign's results stand on the way to the centers' officials. */
export interface SignOffModel {
  status: CampaignStatus;
  signedOffAt?: string;
  signedOffBy?: string;
  /** The user may sign the results off (an organizer). */
  canPublish: boolean;
}

/** The sign-off model of a campaign's control record, for a user who may or may not publish. */
export const signOffModelOf = (
  meta: { status: CampaignStatus; signedOffAt?: string | undefined; signedOffBy?: string | undefined },
  canPublish: boolean,
): SignOffModel => ({
  status: meta.status,
  ...(meta.signedOffAt ? { signedOffAt: meta.signedOffAt } : {}),
  ...(meta.signedOffBy ? { signedOffBy: meta.signedOffBy } : {}),
  canPublish,
});

/**
 * The draft's card: awaiting sign-off (with the Publish form for an organizer, and a link to the results
 * when `resultsHref` is given), or signed off and going out; nothing for a campaign in another state.
 */
export const renderSignOff = (lang: Lang, base: string, m: SignOffModel, resultsHref?: string): string => {
  if (m.status !== 'awaiting-sign-off') return '';
  const q = `?lang=${lang}`;
  if (m.signedOffAt) {
    return `<section class="card draft" aria-labelledby="h-sign-off"><h2 id="h-sign-off">${say(lang, '已签发', 'Signed off')}</h2><p>${say(
      lang,
      `${m.signedOffBy ?? ''} 已于 ${formatBeijingTime(m.signedOffAt)} 签发，评分通报正在发出。`,
      `${m.signedOffBy ?? ''} signed the results off at ${formatBeijingTime(m.signedOffAt)}; the summaries are going out.`,
    )}</p></section>`;
  }
  const check = resultsHref
    ? ` <a href="${escapeHtml(resultsHref)}">${say(lang, '查看评分结果', 'See the results')}</a>`
    : '';
  const form = m.canPublish
    ? `<form method="post" action="${base}/publish${q}"><label><input type="checkbox" name="confirm" value="yes" required> ${say(lang, '我已核对结果，确认签发并发送评分通报', 'I checked the results: sign them off and send the summaries')}</label><p><button type="submit">${say(lang, '发布', 'Publish')}</button></p></form>`
    : `<p class="muted">${say(lang, '由市级组织方签发。', 'A city organizer signs them off.')}</p>`;
  return `<section class="card draft" aria-labelledby="h-sign-off"><h2 id="h-sign-off">${say(lang, '草稿结果 · 待签发', 'Draft results · awaiting sign-off')}</h2>
<p>${say(
    lang,
    '评分已完成，但结果尚未发给各场所。请核对评分结果；签发后，各场所负责同志将收到评分通报，组织方收到全市通报。',
    "Scoring is done, but the centers have not received the results. Check them; once signed off, each center's official is emailed its scored summary and the organizers the city summary.",
  )}${check}</p>
${form}</section>`;
};
