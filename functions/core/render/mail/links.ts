/**
 * The assignment links of a supervisor's emails (invitation, reminder, returned notice): one line per
 * center and activity, with its personal questionnaire link.
 */
import { ACTIVITY_LABELS, both, escapeHtml, LEVEL_LABELS } from '../../i18n.ts';
import type { Activity, Center } from '../../model.ts';

/** One line of an invitation or reminder. */
export interface AssignmentLink {
  center: Pick<Center, 'name' | 'level' | 'address'>;
  activity: Activity;
  url: string;
}

/** The links as an HTML list and as plain-text lines. */
export const renderLinkList = (links: readonly AssignmentLink[]) => ({
  html: `<ol style="padding-left:20px">${links
    .map(
      (l) =>
        `<li style="margin-bottom:10px"><strong>${escapeHtml(both(l.center.name))}</strong> (${escapeHtml(both(LEVEL_LABELS[l.center.level]))})<br>
${escapeHtml(both(ACTIVITY_LABELS[l.activity]))}${l.center.address ? ` · ${escapeHtml(l.center.address)}` : ''}<br>
<a href="${escapeHtml(l.url)}" style="color:#0d47a1">填写问卷 / Open questionnaire</a></li>`,
    )
    .join('')}</ol>`,
  text: links
    .map(
      (l, i) =>
        `${i + 1}. ${both(l.center.name)} (${both(LEVEL_LABELS[l.center.level])}) — ${both(ACTIVITY_LABELS[l.activity])}\n   ${l.url}`,
    )
    .join('\n'),
});
