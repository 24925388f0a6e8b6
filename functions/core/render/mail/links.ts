/**
 * The assignment links of a supervisor's emails (invitation, reminder, returned notice): one line per
 * center and activity, with its personal questionnaire link, in the supervisor's language.
 */
import { ACTIVITY_LABELS, escapeHtml, type Lang, LEVEL_LABELS } from '../../i18n.ts';
import type { Activity, Center } from '../../model.ts';

/** One line of an invitation or reminder. */
export interface AssignmentLink {
  center: Pick<Center, 'name' | 'level' | 'address'>;
  activity: Activity;
  url: string;
}

/** The links as an HTML list and as plain-text lines. */
export const renderLinkList = (links: readonly AssignmentLink[], lang: Lang) => ({
  html: `<ol style="padding-left:20px">${links
    .map(
      (l) =>
        `<li style="margin-bottom:10px"><strong>${escapeHtml(l.center.name[lang])}</strong> (${escapeHtml(LEVEL_LABELS[l.center.level][lang])})<br>
${escapeHtml(ACTIVITY_LABELS[l.activity][lang])}${l.center.address ? ` · ${escapeHtml(l.center.address)}` : ''}<br>
<a href="${escapeHtml(l.url)}" style="color:#0d47a1">${lang === 'zh' ? '填写问卷' : 'Open the questionnaire'}</a></li>`,
    )
    .join('')}</ol>`,
  text: links
    .map(
      (l, i) =>
        `${i + 1}. ${l.center.name[lang]} (${LEVEL_LABELS[l.center.level][lang]}) — ${ACTIVITY_LABELS[l.activity][lang]}\n   ${l.url}`,
    )
    .join('\n'),
});
