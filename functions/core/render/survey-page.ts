import { ACTIVITY_LABELS, DIMENSION_LABELS, escapeHtml, type Lang, LEVEL_LABELS } from '../i18n.ts';
import {
  type Activity,
  type AnswerValue,
  type Campaign,
  type Center,
  type LocalizedText,
  MAX_PROBLEMS,
  PROBLEM_CATEGORIES,
  PROBLEM_SEVERITIES,
  type Problem,
  type Question,
  type Questionnaire,
} from '../model.ts';
import { allowsNotApplicable, type FieldError, NOT_APPLICABLE, questionsFor, type RawValue } from '../responses/answers.ts';
import { conditionOf, describeCondition, isAsked } from '../responses/condition.ts';
import { MAX_PROBLEM_DESCRIPTION, PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS, type RawProblem } from '../responses/problems.ts';
import { SURVEY_SCRIPT, SURVEY_STYLE } from './survey-assets.ts';

export { SURVEY_CSP } from './survey-assets.ts';

/** What the page shows: the form, the confirmation after a submission, or the read-only answers after close. */
export type SurveyView = 'form' | 'confirmation' | 'closed';

/** One stored version of the answers, for the version list. */
export interface VersionInfo {
  version: number;
  submittedAt: string;
}

/** Everything the survey page shows. */
export interface SurveyPageModel {
  lang: Lang;
  view: SurveyView;
  campaign: Pick<Campaign, 'title'>;
  /** The visit window: when the campaign opened and its (possibly extended) deadline. */
  window: { opens: string; deadline: string };
  center: Center;
  activity: Activity;
  questionnaire: Questionnaire;
  /** Values to show: typed answers of the latest version, or raw values of a draft or a rejected post. */
  answers: Readonly<Record<string, AnswerValue | RawValue>>;
  problems: readonly (Problem | RawProblem)[];
  errors: readonly FieldError[];
  /** The latest stored version, if any. */
  latest?: VersionInfo;
  /** Every stored version, oldest first (confirmation and closed views). */
  versions?: readonly VersionInfo[];
  /** Set when the form shows a draft saved after the latest version. */
  draftSavedAt?: string;
  /** A notice for the form view after a no-script draft save. */
  notice?: 'draft-saved';
  /** The latest response was returned in review: the reviewer's comment and the time left to correct it. */
  returned?: { comment: string; until: string };
  submissionId: string;
  /** When the page was served: sent back with the answers to tell how long they took. */
  openedAt: string;
  /** The token, used as a relative reference: the page lives at …/s/{token}. */
  token: string;
}

const UI = {
  appName: { zh: '政务服务监督', en: 'Government service supervision' },
  switchTo: { zh: 'English', en: '中文' },
  center: { zh: '监督点位', en: 'Service center' },
  address: { zh: '地址', en: 'Address' },
  activity: { zh: '监督方式', en: 'Activity' },
  window: { zh: '监督时间', en: 'Visit window' },
  deadline: { zh: '截止时间', en: 'Deadline' },
  required: { zh: '必答', en: 'required' },
  requiredNote: { zh: '标 * 的为必答题。', en: 'Questions marked * are required.' },
  yes: { zh: '是', en: 'Yes' },
  no: { zh: '否', en: 'No' },
  na: { zh: '不适用', en: 'Not applicable' },
  notAnswered: { zh: '（未作答）', en: '(not answered)' },
  questions: { zh: '题', en: 'questions' },
  problems: { zh: '发现问题', en: 'Problems found' },
  optional: { zh: '选填', en: 'optional' },
  problemsHint: {
    zh: '如发现问题，请逐条记录类别、具体情况和严重程度。没有可不填。',
    en: 'Record each problem you found: its category, what happened and how serious it is. Leave blank if none.',
  },
  problem: { zh: '问题', en: 'Problem' },
  category: { zh: '问题类别', en: 'Category' },
  chooseCategory: { zh: '请选择类别', en: 'Choose a category' },
  description: { zh: '具体情况', en: 'What happened' },
  severity: { zh: '严重程度', en: 'Severity' },
  addProblem: { zh: '＋ 再记录一个问题', en: '+ Record another problem' },
  removeProblem: { zh: '删除此问题', en: 'Remove this problem' },
  noProblems: { zh: '未记录问题', en: 'No problems recorded' },
  saveDraft: { zh: '保存草稿', en: 'Save draft' },
  submit: { zh: '提交答卷', en: 'Submit' },
  resubmit: { zh: '提交修改', en: 'Submit changes' },
  edit: { zh: '修改答卷', en: 'Edit answers' },
  versions: { zh: '历次提交（均已保存）', en: 'Submissions (all kept)' },
  current: { zh: '当前', en: 'current' },
  yourAnswers: { zh: '您的答卷', en: 'Your answers' },
  personal: { zh: '此链接为您个人专用，请勿转发。', en: 'This link is personal to you; please do not forward it. ' },
  editable: { zh: '答卷在截止前可随时修改。', en: 'You may change your answers until the deadline.' },
} satisfies Record<string, LocalizedText>;

/** Five-level satisfaction labels of the national good/bad review system (好差评). */
const RATING_LABELS: LocalizedText[] = [
  { zh: '非常不满意', en: 'Very poor' },
  { zh: '不满意', en: 'Poor' },
  { zh: '基本满意', en: 'Fair' },
  { zh: '满意', en: 'Good' },
  { zh: '非常满意', en: 'Excellent' },
];

const t = (text: LocalizedText, lang: Lang) => escapeHtml(text[lang]);
const u = (key: keyof typeof UI, lang: Lang) => t(UI[key], lang);
const pick = (lang: Lang, zh: string, en: string) => escapeHtml(lang === 'zh' ? zh : en);
const htmlLang = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en');

/**
 * Chooses the page language: `?lang=` first, then the highest-weighted of Chinese or English in
 * Accept-Language, then Chinese.
 */
export const chooseLang = (query: string | undefined, acceptLanguage: string | undefined): Lang => {
  if (query === 'zh' || query === 'en') return query;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of (acceptLanguage ?? '').slice(0, 512).split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const lang: Lang | undefined =
      range === 'en' || range.startsWith('en-') ? 'en' : range === 'zh' || range.startsWith('zh-') ? 'zh' : undefined;
    if (!lang) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'zh';
};

/** A time in Beijing (UTC+8), e.g. 2026-12-01 09:00. */
const beijing = (iso: string): string => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : '';
};

/** The visit window, the second date without its year when both fall in the same year. */
const visitWindow = (opens: string, deadline: string, lang: Lang): string => {
  const from = beijing(opens);
  const to = beijing(deadline);
  const end = from.slice(0, 4) === to.slice(0, 4) ? to.slice(5) : to;
  return lang === 'zh' ? `${from} 至 ${end}` : `${from} – ${end} (UTC+8)`;
};

/** Form-field form of a stored or raw value: what the inputs compare against. */
const fieldValue = (value: AnswerValue | RawValue | undefined): string =>
  value === null
    ? NOT_APPLICABLE
    : value === true
      ? 'yes'
      : value === false
        ? 'no'
        : value === undefined
          ? ''
          : String(value);

/** One answer as the supervisor chose it (an option's label, yes/no, a rating with its word), as HTML. */
export const answerText = (q: Question, value: AnswerValue | RawValue | undefined, lang: Lang): string => {
  const v = fieldValue(value);
  if (v === '') return `<span class="none">${u('notAnswered', lang)}</span>`;
  if (v === NOT_APPLICABLE && q.kind !== 'text') return u('na', lang);
  switch (q.kind) {
    case 'yesno':
      return v === 'yes' ? u('yes', lang) : v === 'no' ? u('no', lang) : escapeHtml(v);
    case 'choice': {
      const o = q.options.find((x) => x.value === v);
      return o ? t(o.label, lang) : escapeHtml(v);
    }
    case 'rating': {
      const label = q.max - q.min === 4 ? RATING_LABELS[Number(v) - q.min] : undefined;
      return `${escapeHtml(v)} / ${q.max}${label ? ` · ${t(label, lang)}` : ''}`;
    }
    case 'number':
      return `${escapeHtml(v)} ${t(q.unit, lang)}`;
    case 'text':
      return escapeHtml(v);
  }
};

const option = (name: string, value: string, label: string, checked: boolean) =>
  `<label class="opt"><input type="radio" name="${escapeHtml(name)}" value="${escapeHtml(value)}"${checked ? ' checked' : ''}><span>${label}</span></label>`;

const naOption = (q: Question, cur: string, lang: Lang) =>
  !allowsNotApplicable(q)
    ? ''
    : `<div class="na">${option(q.id, NOT_APPLICABLE, u('na', lang), cur === NOT_APPLICABLE)}</div>`;

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
          option(q.id, String(i), label ? `${i} <small>${t(label, lang)}</small>` : String(i), cur === String(i)),
        );
      }
      return `<div class="scale">${opts.join('')}</div>${naOption(q, cur, lang)}`;
    }
    case 'yesno':
      return `<div class="pair">${option(q.id, 'yes', u('yes', lang), cur === 'yes')}${option(q.id, 'no', u('no', lang), cur === 'no')}</div>${naOption(q, cur, lang)}`;
    case 'choice': {
      // Short options (such as the points of a 0–10 scale) sit in one row; sentences stack.
      const short = q.options.every((o) => [...o.label[lang]].length <= 3);
      const opts = q.options.map((o) => option(q.id, o.value, t(o.label, lang), cur === o.value)).join('');
      return `<div class="${short ? 'row' : 'list'}">${opts}</div>${naOption(q, cur, lang)}`;
    }
    case 'number':
      return `<div class="num"><input id="f-${id}" type="number" inputmode="decimal" name="${id}" min="${q.minValue}" max="${q.maxValue}" step="any" value="${escapeHtml(cur === NOT_APPLICABLE ? '' : cur)}"${q.required ? ' aria-required="true"' : ''}${invalid}><span aria-hidden="true">${t(q.unit, lang)}</span></div>`;
    case 'text':
      return `<textarea id="f-${id}" name="${id}" rows="4" maxlength="${q.maxLength}"${q.required ? ' aria-required="true"' : ''}${invalid}>${escapeHtml(cur)}</textarea>`;
  }
};

const requiredMark = (lang: Lang) =>
  `<span class="req" aria-hidden="true">*</span><span class="vh">（${u('required', lang)}）</span>`;

/**
 * The note of a question asked only when an earlier answer says so ("仅当…时作答 / answer only if …"),
 * shown without JavaScript; with it, the page hides the question while its condition is false.
 */
const conditionNote = (q: Question, byId: ReadonlyMap<string, Question>, lang: Lang): string => {
  const condition = conditionOf(q);
  if (!condition) return '';
  const text = describeCondition(condition, byId, lang);
  return `<p class="cond" id="c-${escapeHtml(q.id)}">${escapeHtml(lang === 'zh' ? `仅当${text}时作答` : `Answer only if ${text}.`)}</p>`;
};

const renderQuestion = (
  q: Question,
  value: AnswerValue | RawValue | undefined,
  error: LocalizedText | undefined,
  lang: Lang,
  byId: ReadonlyMap<string, Question> = new Map(),
): string => {
  const id = escapeHtml(q.id);
  const cur = fieldValue(value);
  const note = conditionNote(q, byId, lang);
  const described = [error ? `e-${id}` : '', q.description ? `d-${id}` : '', note ? `c-${id}` : '']
    .filter(Boolean)
    .join(' ');
  const invalid = `${error ? ' aria-invalid="true"' : ''}${described ? ` aria-describedby="${described}"` : ''}`;
  const errHtml = error ? `<p class="err" id="e-${id}">${t(error, lang)}</p>` : '';
  const descHtml = q.description ? `<p class="desc" id="d-${id}">${t(q.description, lang)}</p>` : '';
  const title = `${t(q.title, lang)}${q.required ? requiredMark(lang) : ''}`;
  const condition = conditionOf(q);
  const data = ` data-q="${id}"${q.required ? ' data-required' : ''}${condition ? ` data-if="${escapeHtml(JSON.stringify(condition))}"` : ''}`;
  if (q.kind === 'number' || q.kind === 'text') {
    const unit = q.kind === 'number' ? `<span class="vh">（${t(q.unit, lang)}）</span>` : '';
    return `<div class="q" id="q-${id}"${data}><label for="f-${id}">${title}${unit}</label>${note}${descHtml}${errHtml}${renderControl(q, cur, lang, invalid)}</div>`;
  }
  // The fieldset is the radio group: its legend labels the group, errors describe it.
  const required = q.required ? ' aria-required="true"' : '';
  return `<fieldset class="q" id="f-${id}" role="radiogroup"${required}${invalid}${data}><legend>${title}</legend>${note}${descHtml}${errHtml}${renderControl(q, cur, lang, '')}</fieldset>`;
};

const problemField = (i: number | string, part: string) => `problems.${i}.${part}`;
const problemId = (i: number | string, part: string) => `p${i}-${part}`;

const renderProblemRow = (
  i: number | string,
  n: number | string,
  p: Problem | RawProblem,
  errors: ReadonlyMap<string, LocalizedText>,
  lang: Lang,
  removable = true,
): string => {
  const err = (part: string) => {
    const e = errors.get(problemField(i, part));
    return e
      ? {
          attr: ` aria-invalid="true" aria-describedby="e-${problemId(i, part)}"`,
          html: `<p class="err" id="e-${problemId(i, part)}">${t(e, lang)}</p>`,
        }
      : { attr: '', html: '' };
  };
  const category = err('category');
  const description = err('description');
  const severity = err('severity');
  const categories = PROBLEM_CATEGORIES.map(
    (c) => `<option value="${c}"${p.category === c ? ' selected' : ''}>${t(PROBLEM_CATEGORY_LABELS[c], lang)}</option>`,
  ).join('');
  const severities = PROBLEM_SEVERITIES.map((s) =>
    option(problemField(i, 'severity'), s, t(PROBLEM_SEVERITY_LABELS[s], lang), p.severity === s),
  ).join('');
  return `<fieldset class="problem" id="problem-${i}"><legend>${u('problem', lang)} ${n}</legend>
<div class="field"><label for="${problemId(i, 'category')}">${u('category', lang)}</label>${category.html}<select id="${problemId(i, 'category')}" name="${problemField(i, 'category')}"${category.attr}><option value="">${u('chooseCategory', lang)}</option>${categories}</select></div>
<div class="field"><label for="${problemId(i, 'description')}">${u('description', lang)}</label>${description.html}<textarea id="${problemId(i, 'description')}" name="${problemField(i, 'description')}" rows="3" maxlength="${MAX_PROBLEM_DESCRIPTION}"${description.attr}>${escapeHtml(p.description ?? '')}</textarea></div>
<fieldset class="field" id="${problemId(i, 'severity')}" role="radiogroup"${severity.attr}><legend>${u('severity', lang)}</legend>${severity.html}<div class="pair sev">${severities}</div></fieldset>
${removable ? `<button type="submit" class="link remove" name="intent" value="remove-problem-${i}">${u('removeProblem', lang)}<span class="vh"> ${n}</span></button>` : ''}</fieldset>`;
};

const hasContent = (p: Problem | RawProblem | undefined) =>
  !!p && !!(p.category || p.description?.trim() || p.severity);

/** The sections with their questions: of the activity on the form; also answered-to conditions in a summary. */
const askedSections = (m: SurveyPageModel, byCondition = false) => {
  const asked = new Set(
    questionsFor(m.questionnaire, m.activity)
      .filter((q) => !byCondition || isAsked(q, m.answers, undefined, m.activity))
      .map((q) => q.id),
  );
  return m.questionnaire.sections
    .map((section) => ({ section, questions: section.questions.filter((q) => asked.has(q.id)) }))
    .filter((s) => s.questions.length > 0);
};

const renderSummary = (m: SurveyPageModel): string => {
  const { lang } = m;
  const sections = askedSections(m, true)
    .map(
      ({ section, questions }) =>
        `<section class="card summary dim" aria-labelledby="s-${section.dimension}"><h2 id="s-${section.dimension}">${t(DIMENSION_LABELS[section.dimension], lang)}</h2><dl>${questions
          .map((q) => `<dt>${t(q.title, lang)}</dt><dd>${answerText(q, m.answers[q.id], lang)}</dd>`)
          .join('')}</dl></section>`,
    )
    .join('');
  const problems = m.problems.filter(hasContent);
  const problemList =
    problems.length === 0
      ? `<p class="none">${u('noProblems', lang)}</p>`
      : `<dl>${problems
          .map((p, i) => {
            const category = PROBLEM_CATEGORIES.find((c) => c === p.category);
            const severity = PROBLEM_SEVERITIES.find((s) => s === p.severity);
            return `<dt>${i + 1}. ${category ? t(PROBLEM_CATEGORY_LABELS[category], lang) : ''}${severity ? ` · ${t(PROBLEM_SEVERITY_LABELS[severity], lang)}` : ''}</dt><dd>${escapeHtml(p.description ?? '')}</dd>`;
          })
          .join('')}</dl>`;
  return `${sections}<section class="card summary problems" aria-labelledby="s-problems"><h2 id="s-problems">${u('problems', lang)}</h2>${problemList}</section>`;
};

const renderVersions = (m: SurveyPageModel): string => {
  const versions = [...(m.versions ?? [])].reverse();
  if (versions.length === 0) return '';
  const items = versions
    .map(
      (v, i) =>
        `<li>${pick(m.lang, `第 ${v.version} 版`, `Version ${v.version}`)} · ${escapeHtml(beijing(v.submittedAt))}${i === 0 ? ` (${u('current', m.lang)})` : ''}</li>`,
    )
    .join('');
  return `<p class="hint">${u('versions', m.lang)}</p><ul class="versions">${items}</ul>`;
};

const fieldLabel = (m: SurveyPageModel, field: string): string => {
  const q = questionsFor(m.questionnaire, m.activity).find((x) => x.id === field);
  if (q) return t(q.title, m.lang);
  const problem = /^problems\.(\d+)\.(category|description|severity)$/.exec(field);
  if (problem) {
    const part = problem[2] as 'category' | 'description' | 'severity';
    return `${u('problem', m.lang)} ${Number(problem[1]) + 1} · ${u(part, m.lang)}`;
  }
  return escapeHtml(field);
};

const fieldAnchor = (m: SurveyPageModel, field: string): string => {
  if (questionsFor(m.questionnaire, m.activity).some((q) => q.id === field)) return `#f-${escapeHtml(field)}`;
  const problem = /^problems\.(\d+)\.(category|description|severity)$/.exec(field);
  return problem ? `#p${problem[1]}-${problem[2]}` : '#survey';
};

const renderForm = (m: SurveyPageModel): string => {
  const { lang } = m;
  const errors = new Map(m.errors.map((e) => [e.field, e.message]));
  const questions = askedSections(m);
  const byId = new Map(questions.flatMap((s) => s.questions.map((q) => [q.id, q] as const)));
  // Counted as the page with JavaScript counts: questions whose condition is false are not asked.
  const askedNow = questions.flatMap((s) => s.questions).filter((q) => isAsked(q, m.answers, undefined, m.activity));
  const total = askedNow.length;
  const answered = askedNow.filter((q) => fieldValue(m.answers[q.id]).trim() !== '').length;
  const sections = questions
    .map(
      ({ section, questions: qs }) =>
        `<section class="card dim" aria-labelledby="s-${section.dimension}"><h2 id="s-${section.dimension}">${t(DIMENSION_LABELS[section.dimension], lang)}<span>${qs.length} ${u('questions', lang)}</span></h2>${qs
          .map((q) => renderQuestion(q, m.answers[q.id], errors.get(q.id), lang, byId))
          .join('')}</section>`,
    )
    .join('');
  // Keep row numbers as posted, so errors stay beside their row; only trailing blank rows go.
  const rows = [...m.problems];
  while (rows.length > 0 && !hasContent(rows[rows.length - 1])) rows.pop();
  const shown = rows.length < MAX_PROBLEMS ? [...rows, {}] : rows;
  const problemRows = shown.map((p, i) => renderProblemRow(i, i + 1, p, errors, lang, i < rows.length)).join('');
  const template = renderProblemRow('__i__', '__n__', {}, new Map(), lang);
  const problems = `<section class="card problems" id="problems" aria-labelledby="s-problems"><h2 id="s-problems">${u('problems', lang)}<span>${u('optional', lang)}</span></h2>
<p class="hint">${u('problemsHint', lang)}</p><div id="problem-list">${problemRows}</div>
<button type="submit" class="secondary add" id="add-problem" name="intent" value="add-problem">${u('addProblem', lang)}</button>
<template id="problem-template">${template}</template></section>`;
  const data = {
    'draft-url': `${m.token}/draft?lang=${lang}`,
    'saved-at': m.draftSavedAt ?? m.latest?.submittedAt ?? '',
    'max-problems': String(MAX_PROBLEMS),
    'msg-saving': pick(lang, '正在保存草稿…', 'Saving draft…'),
    'msg-saved': pick(lang, '草稿已自动保存 {time}', 'Draft saved {time}'),
    'msg-offline': pick(
      lang,
      '网络不可用：草稿暂存在本机，恢复后自动保存',
      'Offline: draft kept on this phone, will save when back online',
    ),
    'msg-rejected': pick(
      lang,
      '草稿未能保存，请检查标红的内容',
      'The draft could not be saved; check the marked answers',
    ),
    'msg-closed': pick(lang, '督查活动已结束，不能再保存', 'The campaign has closed; nothing more can be saved'),
    'msg-restored-local': pick(lang, '已恢复本机暂存的草稿', 'Restored the draft kept on this phone'),
    'msg-required': pick(lang, '此题为必答题', 'this question is required'),
    'msg-missing': pick(lang, '还有 {n} 道必答题未作答', 'Required questions not answered yet: {n}'),
    'msg-sending': pick(lang, '正在提交…', 'Submitting…'),
    'msg-progress': pick(lang, '已答 {n}/{t} 题', '{n} of {t} answered'),
  };
  const dataAttrs = Object.entries(data)
    .map(([k, v]) => ` data-${k}="${k.startsWith('msg-') ? v : escapeHtml(v)}"`)
    .join('');
  return `<form id="survey" method="post" action="${escapeHtml(m.token)}?lang=${lang}" novalidate${dataAttrs}>
<button type="submit" class="vh" name="intent" value="draft" tabindex="-1">${u('saveDraft', lang)}</button>
<input type="hidden" name="submissionId" value="${escapeHtml(m.submissionId)}"><input type="hidden" name="lang" value="${lang}"><input type="hidden" name="openedAt" value="${escapeHtml(m.openedAt)}">
<p class="hint">${u('requiredNote', lang)}</p>
${sections}${problems}
<div class="actions"><p class="status"><span id="progress">${pick(lang, `已答 ${answered}/${total} 题`, `${answered} of ${total} answered`)}</span><span id="save-status" role="status" aria-live="polite"></span></p>
<button type="submit" class="secondary" name="intent" value="draft">${u('saveDraft', lang)}</button>
<button type="submit" class="primary" name="intent" value="submit">${m.latest ? u('resubmit', lang) : u('submit', lang)}</button></div>
</form>`;
};

const renderNotice = (m: SurveyPageModel): string => {
  const { lang } = m;
  if (m.view === 'closed') {
    const body = m.latest
      ? pick(
          lang,
          `以下为您提交的第 ${m.latest.version} 版答卷（只读）。`,
          `Below are the answers you submitted (version ${m.latest.version}), read-only.`,
        )
      : pick(lang, '您未在截止前提交答卷。', 'You did not submit answers before the campaign closed.');
    return `<div class="notice" role="status"><h2>${pick(lang, '本次督查活动已结束', 'This campaign has closed')}</h2><p>${pick(lang, '答卷不能再提交或修改。', 'Answers can no longer be submitted or changed. ')}${body}</p></div>`;
  }
  if (m.view === 'confirmation' && m.latest) {
    const asked = questionsFor(m.questionnaire, m.activity).filter((q) => isAsked(q, m.answers, undefined, m.activity));
    const answered = asked.filter((q) => fieldValue(m.answers[q.id]) !== '').length;
    const problems = m.problems.filter(hasContent).length;
    return `<div class="notice ok" role="status" data-submitted><h2><span aria-hidden="true">✓ </span>${pick(lang, `答卷已提交（第 ${m.latest.version} 版）`, `Answers submitted (version ${m.latest.version})`)}</h2>
<p>${pick(lang, `已答 ${answered}/${asked.length} 题，记录问题 ${problems} 个。提交时间 ${beijing(m.latest.submittedAt)}。`, `${answered} of ${asked.length} questions answered, ${problems} ${problems === 1 ? 'problem' : 'problems'} recorded. Submitted ${beijing(m.latest.submittedAt)} (UTC+8).`)}</p>
<p>${pick(lang, `截止时间 ${beijing(m.window.deadline)} 前可随时修改，每次提交都会保留。`, `You may change your answers until ${beijing(m.window.deadline)} (UTC+8); every submission is kept.`)}</p></div>`;
  }
  if (m.returned && m.view === 'form' && m.errors.length === 0) {
    return `<div class="notice alert" role="status"><h2>${pick(lang, '答卷已退回修改', 'Your answers were returned for correction')}</h2><p>${pick(lang, '审核意见：', 'The reviewer says: ')}${escapeHtml(m.returned.comment)}</p><p>${pick(lang, `请在 ${beijing(m.returned.until)} 前修改后重新提交。`, `Please correct them and submit again by ${beijing(m.returned.until)} (UTC+8).`)}</p></div>`;
  }
  if (m.errors.length > 0) {
    const items = m.errors
      .map(
        (e) =>
          `<li><a href="${fieldAnchor(m, e.field)}">${fieldLabel(m, e.field)}</a>${lang === 'zh' ? '：' : ': '}${t(e.message, lang)}</li>`,
      )
      .join('');
    return `<div class="notice alert" role="alert" id="error-summary"><h2>${pick(lang, `有 ${m.errors.length} 处需要修改，答卷尚未提交`, `${m.errors.length === 1 ? '1 answer needs' : `${m.errors.length} answers need`} attention; nothing was submitted yet`)}</h2><ul>${items}</ul></div>`;
  }
  const parts: string[] = [];
  if (m.notice === 'draft-saved') parts.push(pick(lang, '草稿已保存。', 'Draft saved.'));
  else if (m.draftSavedAt)
    parts.push(
      pick(
        lang,
        `已恢复您 ${beijing(m.draftSavedAt)} 保存的草稿。`,
        `Restored your draft saved ${beijing(m.draftSavedAt)} (UTC+8).`,
      ),
    );
  if (m.latest) {
    parts.push(
      pick(
        lang,
        `您已于 ${beijing(m.latest.submittedAt)} 提交第 ${m.latest.version} 版答卷，截止前可修改后重新提交。`,
        `You submitted version ${m.latest.version} on ${beijing(m.latest.submittedAt)}; you may change it and submit again until the deadline.`,
      ),
    );
  }
  if (parts.length === 0)
    return `<p class="hint">${pick(lang, `请在 ${beijing(m.window.deadline)} 前提交。`, `Please submit by ${beijing(m.window.deadline)} (UTC+8).`)}</p>`;
  return `<div class="notice" role="status"><p>${parts.join(' ')}</p></div>`;
};

const page = (lang: Lang, title: string, header: string, body: string, footer = '') =>
  `<!doctype html><html lang="${htmlLang(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${title}</title><style>${SURVEY_STYLE}</style></head>
<body>${header}<main>${body}</main>${footer ? `<footer>${footer}</footer>` : ''}<script>${SURVEY_SCRIPT}</script></body></html>`;

/** Renders the supervisor's questionnaire page: the form, the confirmation, or the read-only answers. */
export const renderSurveyPage = (m: SurveyPageModel): string => {
  const { lang } = m;
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  const header = `<header class="top"><div class="bar"><span>${u('appName', lang)}</span><nav aria-label="${pick(lang, '语言', 'Language')}"><a class="lang" id="lang-switch" href="?lang=${other}${m.view === 'confirmation' ? '&amp;view=confirmation' : ''}" lang="${htmlLang(other)}" hreflang="${htmlLang(other)}">${u('switchTo', lang)}</a></nav></div><h1>${t(m.campaign.title, lang)}</h1></header>`;
  const c = m.center;
  const assignment = `<section class="card center" aria-labelledby="center-name"><h2 id="center-name">${t(c.name, lang)}<span class="badge">${t(LEVEL_LABELS[c.level], lang)}</span></h2>
<dl class="facts">${c.address ? `<dt>${u('address', lang)}</dt><dd>${escapeHtml(c.address)}</dd>` : ''}<dt>${u('activity', lang)}</dt><dd>${t(ACTIVITY_LABELS[m.activity], lang)}</dd>
<dt>${u('window', lang)}</dt><dd>${escapeHtml(visitWindow(m.window.opens, m.window.deadline, lang))}</dd></dl></section>`;
  let body: string;
  if (m.view === 'form') body = `${assignment}${renderNotice(m)}${renderForm(m)}`;
  else {
    const edit =
      m.view === 'confirmation'
        ? `<a class="button secondary edit" href="${escapeHtml(m.token)}?lang=${lang}">${u('edit', lang)}</a>`
        : '';
    body = `${renderNotice(m)}${edit}${assignment}<h2 class="vh">${u('yourAnswers', lang)}</h2>${renderSummary(m)}<section class="card">${renderVersions(m) || `<p class="hint">${pick(lang, '尚无提交记录。', 'No submissions.')}</p>`}</section>${edit}`;
  }
  const footer = m.view === 'closed' ? u('personal', lang) : `${u('personal', lang)}${u('editable', lang)}`;
  return page(lang, `${t(c.name, lang)} · ${t(m.campaign.title, lang)}`, header, body, footer);
};

/** A short page for errors and notices (unknown link, closed campaign, oversize submission). */
export const renderMessagePage = (lang: Lang, title: LocalizedText, message: LocalizedText): string =>
  page(
    lang,
    t(title, lang),
    `<header class="top"><div class="bar"><span>${u('appName', lang)}</span></div><h1>${t(title, lang)}</h1></header>`,
    `<div class="card"><p>${t(message, lang)}</p></div>`,
  );
