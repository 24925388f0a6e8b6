/**
 * The survey page's words: its fixed texts in both languages, the satisfaction labels of a five-point
 * rating, times in Beijing, and an answer as the supervisor chose it.
 */
import { escapeHtml, type Lang } from '../../i18n.ts';
import type { LocalizedText, Question } from '../../model.ts';
import { NOT_APPLICABLE, type RawValue } from '../../responses/answers.ts';
import type { AnswerValue } from '../../responses/response.ts';

/** The page's fixed texts. */
export const UI = {
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
export const RATING_LABELS: LocalizedText[] = [
  { zh: '非常不满意', en: 'Very poor' },
  { zh: '不满意', en: 'Poor' },
  { zh: '基本满意', en: 'Fair' },
  { zh: '满意', en: 'Good' },
  { zh: '非常满意', en: 'Excellent' },
];

/** A localized text in the page's language, escaped. */
export const showText = (text: LocalizedText, lang: Lang) => escapeHtml(text[lang]);
/** One of the page's fixed texts, escaped. */
export const showUi = (key: keyof typeof UI, lang: Lang) => showText(UI[key], lang);
/** The Chinese or the English, by the page's language, escaped. */
export const say = (lang: Lang, zh: string, en: string) => escapeHtml(lang === 'zh' ? zh : en);
/** The page language as an HTML lang attribute. */
export const toHtmlLang = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en');

/** A time in Beijing (UTC+8), e.g. 2026-12-01 09:00. */
export const formatBeijing = (iso: string): string => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : '';
};

/** The visit window, the second date without its year when both fall in the same year. */
export const formatVisitWindow = (opens: string, deadline: string, lang: Lang): string => {
  const from = formatBeijing(opens);
  const to = formatBeijing(deadline);
  const end = from.slice(0, 4) === to.slice(0, 4) ? to.slice(5) : to;
  return lang === 'zh' ? `${from} 至 ${end}` : `${from} – ${end} (UTC+8)`;
};

/** Form-field form of a stored or raw value: what the inputs compare against. */
export const toFieldValue = (value: AnswerValue | RawValue | undefined): string =>
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
  const v = toFieldValue(value);
  if (v === '') return `<span class="none">${showUi('notAnswered', lang)}</span>`;
  if (v === NOT_APPLICABLE && q.kind !== 'text') return showUi('na', lang);
  switch (q.kind) {
    case 'yesno':
      return v === 'yes' ? showUi('yes', lang) : v === 'no' ? showUi('no', lang) : escapeHtml(v);
    case 'choice': {
      const o = q.options.find((x) => x.value === v);
      return o ? showText(o.label, lang) : escapeHtml(v);
    }
    case 'rating': {
      const label = q.max - q.min === 4 ? RATING_LABELS[Number(v) - q.min] : undefined;
      return `${escapeHtml(v)} / ${q.max}${label ? ` · ${showText(label, lang)}` : ''}`;
    }
    case 'number':
      return `${escapeHtml(v)} ${showText(q.unit, lang)}`;
    case 'text':
      return escapeHtml(v);
  }
};
