/**
 * One question of the survey form: its control by kind (a scale, yes/no, options, a number, text), the
 * "not applicable" option, the note of a condition, and its error, described for screen readers.
 */
import { escapeHtml, type Lang } from '../../i18n.ts';
import type { LocalizedText, Question } from '../../model.ts';
import { allowsNotApplicable, NOT_APPLICABLE, type RawValue } from '../../responses/answers.ts';
import { conditionOf, describeCondition } from '../../responses/asked.ts';
import type { AnswerValue } from '../../responses/response.ts';
import { RATING_LABELS, showText, showUi, toFieldValue } from './text.ts';

/** One radio option. */
export const renderOption = (name: string, value: string, label: string, checked: boolean) =>
  `<label class="opt"><input type="radio" name="${escapeHtml(name)}" value="${escapeHtml(value)}"${checked ? ' checked' : ''}><span>${label}</span></label>`;

/** The "not applicable" option, where it is offered. */
const renderNaOption = (q: Question, cur: string, lang: Lang) =>
  !allowsNotApplicable(q)
    ? ''
    : `<div class="na">${renderOption(q.id, NOT_APPLICABLE, showUi('na', lang), cur === NOT_APPLICABLE)}</div>`;

/** The input of one question; radio groups are wrapped by the caller in a fieldset. */
const renderControl = (q: Question, cur: string, lang: Lang, invalid: string): string => {
  const id = escapeHtml(q.id);
  switch (q.kind) {
    case 'rating': {
      const five = q.max - q.min === 4;
      const opts: string[] = [];
      for (let i = q.min; i <= q.max; i++) {
        const label = five ? RATING_LABELS[i - q.min] : undefined;
        opts.push(
          renderOption(
            q.id,
            String(i),
            label ? `${i} <small>${showText(label, lang)}</small>` : String(i),
            cur === String(i),
          ),
        );
      }
      return `<div class="scale">${opts.join('')}</div>${renderNaOption(q, cur, lang)}`;
    }
    case 'yesno':
      return `<div class="pair">${renderOption(q.id, 'yes', showUi('yes', lang), cur === 'yes')}${renderOption(q.id, 'no', showUi('no', lang), cur === 'no')}</div>${renderNaOption(q, cur, lang)}`;
    case 'choice': {
      // Short options (such as the points of a 0–10 scale) sit in one row; sentences stack.
      const short = q.options.every((o) => [...o.label[lang]].length <= 3);
      const opts = q.options.map((o) => renderOption(q.id, o.value, showText(o.label, lang), cur === o.value)).join('');
      return `<div class="${short ? 'row' : 'list'}">${opts}</div>${renderNaOption(q, cur, lang)}`;
    }
    case 'number':
      return `<div class="num"><input id="f-${id}" type="number" inputmode="decimal" name="${id}" min="${q.minValue}" max="${q.maxValue}" step="any" value="${escapeHtml(cur === NOT_APPLICABLE ? '' : cur)}"${q.required ? ' aria-required="true"' : ''}${invalid}><span aria-hidden="true">${showText(q.unit, lang)}</span></div>`;
    case 'text':
      return `<textarea id="f-${id}" name="${id}" rows="4" maxlength="${q.maxLength}"${q.required ? ' aria-required="true"' : ''}${invalid}>${escapeHtml(cur)}</textarea>`;
  }
};

/** The mark of a required question. */
const renderRequiredMark = (lang: Lang) =>
  `<span class="req" aria-hidden="true">*</span><span class="vh">（${showUi('required', lang)}）</span>`;

/**
 * The note of a question asked only when an earlier answer says so ("仅当…时作答 / answer only if …"),
 * shown without JavaScript; with it, the page hides the question while its condition is false.
 */
const renderConditionNote = (q: Question, byId: ReadonlyMap<string, Question>, lang: Lang): string => {
  const condition = conditionOf(q);
  if (!condition) return '';
  const text = describeCondition(condition, byId, lang);
  return `<p class="cond" id="c-${escapeHtml(q.id)}">${escapeHtml(lang === 'zh' ? `仅当${text}时作答` : `Answer only if ${text}.`)}</p>`;
};

/** One question: its label or legend, notes, error and control. */
export const renderQuestion = (
  q: Question,
  value: AnswerValue | RawValue | undefined,
  error: LocalizedText | undefined,
  lang: Lang,
  byId: ReadonlyMap<string, Question> = new Map(),
  /** Shown under the notes and describing the question (a re-check's report), with its element's id. */
  aside?: { id: string; html: string },
): string => {
  const id = escapeHtml(q.id);
  const cur = toFieldValue(value);
  const note = `${renderConditionNote(q, byId, lang)}${aside?.html ?? ''}`;
  const described = [
    error ? `e-${id}` : '',
    q.description ? `d-${id}` : '',
    conditionOf(q) ? `c-${id}` : '',
    aside?.id ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  const invalid = `${error ? ' aria-invalid="true"' : ''}${described ? ` aria-describedby="${described}"` : ''}`;
  const errHtml = error ? `<p class="err" id="e-${id}">${showText(error, lang)}</p>` : '';
  const descHtml = q.description ? `<p class="desc" id="d-${id}">${showText(q.description, lang)}</p>` : '';
  const title = `${showText(q.title, lang)}${q.required ? renderRequiredMark(lang) : ''}`;
  const condition = conditionOf(q);
  const data = ` data-q="${id}"${q.required ? ' data-required' : ''}${condition ? ` data-if="${escapeHtml(JSON.stringify(condition))}"` : ''}`;
  if (q.kind === 'number' || q.kind === 'text') {
    const unit = q.kind === 'number' ? `<span class="vh">（${showText(q.unit, lang)}）</span>` : '';
    return `<div class="q" id="q-${id}"${data}><label for="f-${id}">${title}${unit}</label>${note}${descHtml}${errHtml}${renderControl(q, cur, lang, invalid)}</div>`;
  }
  // The fieldset is the radio group: its legend labels the group, errors describe it.
  const required = q.required ? ' aria-required="true"' : '';
  return `<fieldset class="q" id="f-${id}" role="radiogroup"${required}${invalid}${data}><legend>${title}</legend>${note}${descHtml}${errHtml}${renderControl(q, cur, lang, '')}</fieldset>`;
};
