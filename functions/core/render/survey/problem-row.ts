/**
 * A problem row of the survey form (category, description, severity), as posted back with its errors.
 */
import { escapeHtml, type Lang } from '../../i18n.ts';
import type { LocalizedText } from '../../model.ts';
import {
  MAX_PROBLEM_DESCRIPTION,
  PROBLEM_CATEGORY_LABELS,
  PROBLEM_SEVERITY_LABELS,
  type RawProblem,
} from '../../responses/problems.ts';
import { PROBLEM_CATEGORIES, PROBLEM_SEVERITIES, type Problem } from '../../responses/response.ts';
import { renderOption } from './question.ts';
import { showText, showUi } from './text.ts';

/** The form field of a part of a problem row. */
export const toProblemFieldName = (i: number | string, part: string) => `problems.${i}.${part}`;
/** The element id of a part of a problem row. */
export const toProblemFieldId = (i: number | string, part: string) => `p${i}-${part}`;

/**
 * One problem row: category, description and severity, each with its error, then its photos block
 * (photo-list.ts); removable unless the last.
 */
export const renderProblemRow = (
  i: number | string,
  n: number | string,
  p: Problem | RawProblem,
  errors: ReadonlyMap<string, LocalizedText>,
  lang: Lang,
  removable = true,
  photos = '',
): string => {
  const err = (part: string) => {
    const e = errors.get(toProblemFieldName(i, part));
    return e
      ? {
          attr: ` aria-invalid="true" aria-describedby="e-${toProblemFieldId(i, part)}"`,
          html: `<p class="err" id="e-${toProblemFieldId(i, part)}">${showText(e, lang)}</p>`,
        }
      : { attr: '', html: '' };
  };
  const category = err('category');
  const description = err('description');
  const severity = err('severity');
  const categories = PROBLEM_CATEGORIES.map(
    (c) =>
      `<option value="${c}"${p.category === c ? ' selected' : ''}>${showText(PROBLEM_CATEGORY_LABELS[c], lang)}</option>`,
  ).join('');
  const severities = PROBLEM_SEVERITIES.map((s) =>
    renderOption(toProblemFieldName(i, 'severity'), s, showText(PROBLEM_SEVERITY_LABELS[s], lang), p.severity === s),
  ).join('');
  const key = p.key ? `<input type="hidden" name="${toProblemFieldName(i, 'key')}" value="${escapeHtml(p.key)}">` : '';
  return `<fieldset class="problem" id="problem-${i}"><legend>${showUi('problem', lang)} ${n}</legend>${key}
<div class="field"><label for="${toProblemFieldId(i, 'category')}">${showUi('category', lang)}</label>${category.html}<select id="${toProblemFieldId(i, 'category')}" name="${toProblemFieldName(i, 'category')}"${category.attr}><option value="">${showUi('chooseCategory', lang)}</option>${categories}</select></div>
<div class="field"><label for="${toProblemFieldId(i, 'description')}">${showUi('description', lang)}</label>${description.html}<textarea id="${toProblemFieldId(i, 'description')}" name="${toProblemFieldName(i, 'description')}" rows="3" maxlength="${MAX_PROBLEM_DESCRIPTION}"${description.attr}>${escapeHtml(p.description ?? '')}</textarea></div>
<fieldset class="field" id="${toProblemFieldId(i, 'severity')}" role="radiogroup"${severity.attr}><legend>${showUi('severity', lang)}</legend>${severity.html}<div class="pair sev">${severities}</div></fieldset>
${photos}${removable ? `<button type="submit" class="link remove" name="intent" value="remove-problem-${i}">${showUi('removeProblem', lang)}<span class="vh"> ${n}</span></button>` : ''}</fieldset>`;
};

/** Whether a problem row holds anything. */
export const hasProblemContent = (p: Problem | RawProblem | undefined) =>
  !!p && !!(p.category || p.description?.trim() || p.severity);
