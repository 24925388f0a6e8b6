import type { FieldError } from './answers.ts';
import { NOT_APPLICABLE, questionsFor } from './answers.ts';
import { ACTIVITY_LABELS, DIMENSION_LABELS, escapeHtml, formatBeijingTime, type Lang, LEVEL_LABELS } from './i18n.ts';
import type { Activity, AnswerValue, Campaign, Center, LocalizedText, Question, Questionnaire } from './model.ts';

/** Everything the survey page shows. */
export interface SurveyPageModel {
  lang: Lang;
  campaign: Pick<Campaign, 'title'>;
  center: Center;
  activity: Activity;
  questionnaire: Questionnaire;
  deadline: string;
  answers: Record<string, AnswerValue | string>;
  errors: readonly FieldError[];
  /** open: editable form; closed: read-only answers. */
  mode: 'open' | 'closed';
  /** Set after a successful submission. */
  savedVersion?: number;
  submissionId: string;
  actionPath: string;
}

const t = (text: LocalizedText, lang: Lang) => escapeHtml(text[lang]);
const ui = (lang: Lang, zh: string, en: string) => escapeHtml(lang === 'zh' ? zh : en);

const STYLE = `body{font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
main{max-width:640px;margin:0 auto;padding:16px}header{background:#b71c1c;color:#fff;padding:16px}
header h1{font-size:1.2rem;margin:0}header p{margin:.25rem 0 0}fieldset{border:0;background:#fff;border-radius:8px;margin:0 0 16px;padding:12px 16px}
legend{font-weight:700;font-size:1.1rem;padding:0}.q{margin:14px 0}.q>label,.q>.label{display:block;font-weight:600;margin-bottom:6px}
.req{color:#b71c1c}.err{color:#b71c1c;font-size:.9rem;margin:4px 0}.rating{display:flex;gap:6px;flex-wrap:wrap}
.rating label,.choice label{display:inline-flex;align-items:center;justify-content:center;min-width:44px;min-height:44px;border:1px solid #90a4ae;border-radius:6px;padding:0 10px;background:#fff}
.choice label{justify-content:flex-start}input[type=number],textarea{width:100%;box-sizing:border-box;min-height:44px;font:inherit;padding:8px;border:1px solid #90a4ae;border-radius:6px}
button{width:100%;min-height:48px;font:inherit;font-weight:700;background:#b71c1c;color:#fff;border:0;border-radius:8px}
.notice{background:#fff3cd;border-radius:8px;padding:12px 16px;margin-bottom:16px}.ok{background:#e8f5e9}
.answer{background:#eceff1;border-radius:6px;padding:6px 10px}nav{text-align:right;margin-bottom:8px}a{color:#0d47a1}`;

const answerText = (q: Question, value: AnswerValue | string | undefined, lang: Lang): string => {
  if (value === undefined || value === '') return ui(lang, '（未作答）', '(not answered)');
  if (value === null || value === NOT_APPLICABLE) return ui(lang, '不适用', 'Not applicable');
  switch (q.kind) {
    case 'yesno':
      return value === true || value === 'yes' ? ui(lang, '是', 'Yes') : ui(lang, '否', 'No');
    case 'choice': {
      const o = q.options.find((x) => x.value === value);
      return o ? t(o.label, lang) : escapeHtml(value);
    }
    case 'number':
      return `${escapeHtml(value)} ${t(q.unit, lang)}`;
    default:
      return escapeHtml(value);
  }
};

const radio = (name: string, value: string, label: string, checked: boolean, describedBy: string) =>
  `<label><input type="radio" name="${escapeHtml(name)}" value="${escapeHtml(value)}"${checked ? ' checked' : ''}${describedBy}> ${label}</label>`;

const renderInput = (q: Question, value: AnswerValue | string | undefined, lang: Lang, describedBy: string): string => {
  const cur = value === null ? NOT_APPLICABLE : value === true ? 'yes' : value === false ? 'no' : value === undefined ? '' : String(value);
  const na = q.kind !== 'text' && !q.required ? radio(q.id, NOT_APPLICABLE, ui(lang, '不适用', 'N/A'), cur === NOT_APPLICABLE, describedBy) : '';
  switch (q.kind) {
    case 'rating': {
      const opts = [];
      for (let i = q.min; i <= q.max; i++) opts.push(radio(q.id, String(i), String(i), cur === String(i), describedBy));
      return `<div class="rating" role="radiogroup">${opts.join('')}${na}</div>`;
    }
    case 'yesno':
      return `<div class="rating" role="radiogroup">${radio(q.id, 'yes', ui(lang, '是', 'Yes'), cur === 'yes', describedBy)}${radio(q.id, 'no', ui(lang, '否', 'No'), cur === 'no', describedBy)}${na}</div>`;
    case 'number':
      return `<input id="f-${escapeHtml(q.id)}" type="number" inputmode="decimal" name="${escapeHtml(q.id)}" min="${q.minValue}" max="${q.maxValue}" step="any" value="${escapeHtml(cur === NOT_APPLICABLE ? '' : cur)}"${q.required ? ' required' : ''}${describedBy}> <span>${t(q.unit, lang)}</span>`;
    case 'choice':
      return `<div class="choice" role="radiogroup">${q.options.map((o) => radio(q.id, o.value, t(o.label, lang), cur === o.value, describedBy)).join('<br>')}${na}</div>`;
    case 'text':
      return `<textarea id="f-${escapeHtml(q.id)}" name="${escapeHtml(q.id)}" rows="4" maxlength="${q.maxLength}"${describedBy}>${escapeHtml(cur)}</textarea>`;
  }
};

/** Renders the supervisor's questionnaire page: an editable form while open, read-only after. */
export const renderSurveyPage = (m: SurveyPageModel): string => {
  const { lang } = m;
  const errorsByField = new Map(m.errors.map((e) => [e.field, e.message]));
  const asked = new Set(questionsFor(m.questionnaire, m.activity).map((q) => q.id));
  const sections = m.questionnaire.sections
    .map((section) => {
      const questions = section.questions.filter((q) => asked.has(q.id));
      if (questions.length === 0) return '';
      const body = questions
        .map((q) => {
          const id = escapeHtml(q.id);
          const err = errorsByField.get(q.id);
          const describedBy = err ? ` aria-describedby="e-${id}" aria-invalid="true"` : '';
          const req = q.required ? ` <span class="req" aria-label="${ui(lang, '必答', 'required')}">*</span>` : '';
          const errHtml = err ? `<p class="err" id="e-${id}">${t(err, lang)}</p>` : '';
          if (m.mode === 'closed') {
            return `<div class="q"><span class="label">${t(q.title, lang)}</span><div class="answer">${answerText(q, m.answers[q.id], lang)}</div></div>`;
          }
          const labelled = q.kind === 'number' || q.kind === 'text';
          const label = labelled
            ? `<label for="f-${id}">${t(q.title, lang)}${req}</label>`
            : `<span class="label" id="l-${id}">${t(q.title, lang)}${req}</span>`;
          const input = renderInput(q, m.answers[q.id], lang, describedBy);
          const group = labelled ? input : input.replace('role="radiogroup"', `role="radiogroup" aria-labelledby="l-${id}"`);
          return `<div class="q">${label}${errHtml}${group}</div>`;
        })
        .join('');
      return `<fieldset><legend>${t(DIMENSION_LABELS[section.dimension], lang)}</legend>${body}</fieldset>`;
    })
    .join('');
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  const notice =
    m.mode === 'closed'
      ? `<div class="notice" role="status">${ui(lang, '本次督查活动已结束，答卷不能再修改。', 'This campaign has closed; answers can no longer be changed.')}</div>`
      : m.savedVersion !== undefined
        ? `<div class="notice ok" role="status">${ui(lang, `已提交（第 ${m.savedVersion} 版）。截止前可继续修改。`, `Submitted (version ${m.savedVersion}). You may edit until the deadline.`)}</div>`
        : m.errors.length > 0
          ? `<div class="notice" role="alert">${ui(lang, `有 ${m.errors.length} 处需要修改，请查看标红的题目。`, `${m.errors.length} answers need attention; see the marked questions.`)}</div>`
          : '';
  const form =
    m.mode === 'open'
      ? `<form method="post" action="${escapeHtml(m.actionPath)}?lang=${lang}" novalidate>
<input type="hidden" name="submissionId" value="${escapeHtml(m.submissionId)}">${sections}
<button type="submit">${ui(lang, '提交答卷', 'Submit')}</button></form>`
      : sections;
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${t(m.campaign.title, lang)}</title><style>${STYLE}</style></head>
<body><header><h1>${t(m.campaign.title, lang)}</h1><p>${t(m.center.name, lang)} · ${t(LEVEL_LABELS[m.center.level], lang)}${m.center.address ? ` · ${escapeHtml(m.center.address)}` : ''}</p>
<p>${ui(lang, '监督方式', 'Activity')}: ${t(ACTIVITY_LABELS[m.activity], lang)} · ${ui(lang, '截止', 'Deadline')}: ${escapeHtml(formatBeijingTime(m.deadline))}</p></header>
<main><nav><a href="?lang=${other}" lang="${other === 'zh' ? 'zh-CN' : 'en'}">${other === 'zh' ? '中文' : 'English'}</a></nav>${notice}${form}</main></body></html>`;
};

/** A short page for errors and notices (unknown link, closed campaign). */
export const renderMessagePage = (lang: Lang, title: LocalizedText, message: LocalizedText): string =>
  `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t(title, lang)}</title><style>${STYLE}</style></head><body><header><h1>${t(title, lang)}</h1></header><main><p>${t(message, lang)}</p></main></body></html>`;
