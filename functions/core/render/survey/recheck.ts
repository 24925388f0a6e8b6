/**
 * Beside a re-check question: what the center did about the problem, as its official reported it (the
 * note and its date), with the item's status and due date and its photos as found beside those of the fix,
 * so the supervisor knows what to look for.
 */

import type { RecheckContext } from '../../findings/recheck.ts';
import { RECTIFICATION_STATUS_LABELS } from '../../findings/rectification.ts';
import { escapeHtml, type Lang } from '../../i18n.ts';
import { renderBeforeAfter } from '../finding-photos.ts';
import { say, showText } from './text.ts';

/** The box shown under a re-check question's title, with the id the question is described by. */
export const renderRecheckReport = (
  questionId: string,
  items: readonly RecheckContext[],
  lang: Lang,
): { id: string; html: string } => {
  const id = `r-${escapeHtml(questionId)}`;
  const entries = items
    .map((item) => {
      const status = `<span class="badge st">${showText(RECTIFICATION_STATUS_LABELS[item.status], lang)}</span>`;
      const due = say(lang, `整改期限 ${item.dueDate}`, `due ${item.dueDate}`);
      const report = item.report
        ? `<q>${escapeHtml(item.report.note)}</q> <span class="when">${say(lang, `（${item.report.on} 报告）`, `(reported ${item.report.on})`)}</span>`
        : say(lang, '单位尚未报告整改情况。', 'The center has not reported a fix.');
      const photos = item.photos ? renderBeforeAfter(item.photos.before, item.photos.after, lang) : '';
      return `<li>${status} <span class="when">${due}</span><br>${report}${photos}</li>`;
    })
    .join('');
  return {
    id,
    html: `<div class="report" id="${id}"><p class="report-h">${say(lang, '单位整改情况', 'What the center reported')}</p><ul>${entries}</ul></div>`,
  };
};
