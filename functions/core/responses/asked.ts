/**
 * When a question is asked of a response: in its activity, at its center, and with its condition on
 * earlier answers true; and a condition in words for the page without JavaScript.
 */
import type { Activity, LocalizedText, Question } from '../model.ts';
import { type ComparisonOperator, type Condition, evaluateCondition, isJunction, parseCondition } from './condition.ts';
import type { AnswerValue } from './response.ts';

// Conditions are parsed once per text: the page, every answer check and every scored response use them.
const parsed = new Map<string, Condition>();

/** The parsed condition of a question, cached; undefined when it has none. */
export const conditionOf = (question: Pick<Question, 'condition'>): Condition | undefined => {
  const text = question.condition;
  if (text === undefined) return undefined;
  let c = parsed.get(text);
  if (!c) {
    c = parseCondition(text);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(text, c);
  }
  return c;
};

/**
 * Whether a question is asked of a response: in its activity, at its center (re-check questions are
 * scoped to centers), and with its condition on earlier answers true. A question that is not asked is
 * neither required nor scored, as a question of another activity.
 */
export const isAsked = (
  question: Pick<Question, 'activities' | 'centers' | 'condition'>,
  answers: Readonly<Record<string, AnswerValue | string | number | boolean | null | undefined>>,
  center: string | { id: string } | undefined,
  activity: Activity | undefined,
): boolean => {
  if (activity !== undefined && question.activities && !question.activities.includes(activity)) return false;
  const centerId = typeof center === 'string' ? center : center?.id;
  if (centerId !== undefined && question.centers && !question.centers.includes(centerId)) return false;
  const condition = conditionOf(question);
  return condition === undefined || evaluateCondition(condition, answers);
};

/** Each operator in words. */
const OP_TEXT: Record<ComparisonOperator, LocalizedText> = {
  '=': { zh: '为', en: 'is' },
  '!=': { zh: '不为', en: 'is not' },
  '<': { zh: '小于', en: 'is less than' },
  '<=': { zh: '不大于', en: 'is at most' },
  '>': { zh: '大于', en: 'is more than' },
  '>=': { zh: '不小于', en: 'is at least' },
};

/**
 * A condition in words, for the page without JavaScript: "「是否排队」为「是」" / `"Did you queue?" is "Yes"`.
 * `questions` gives each referenced question's title and the labels of its values.
 */
export const describeCondition = (
  c: Condition,
  questions: ReadonlyMap<string, Question>,
  lang: 'zh' | 'en',
  parent?: 'and' | 'or',
): string => {
  if (isJunction(c)) {
    const joiner = lang === 'zh' ? (c.op === 'and' ? '且' : '或') : ` ${c.op} `;
    const text = `${describeCondition(c.left, questions, lang, c.op)}${joiner}${describeCondition(c.right, questions, lang, c.op)}`;
    if (!parent || parent === c.op) return text;
    return lang === 'zh' ? `（${text}）` : `(${text})`;
  }
  const q = questions.get(c.question);
  const title = q ? q.title[lang] : c.question;
  const named = lang === 'zh' ? `「${title}」` : `"${title}"`;
  const label = (v: string | number): string => {
    const text = String(v);
    let shown = text;
    if (q?.kind === 'choice') shown = q.options.find((o) => o.value === text)?.label[lang] ?? text;
    else if (q?.kind === 'yesno')
      shown = text === 'yes' ? (lang === 'zh' ? '是' : 'Yes') : text === 'no' ? (lang === 'zh' ? '否' : 'No') : text;
    else if (q?.kind === 'number') shown = `${text} ${q.unit[lang]}`;
    return lang === 'zh' ? `「${shown}」` : `"${shown}"`;
  };
  switch (c.op) {
    case 'empty':
      return lang === 'zh' ? `${named}未作答` : `${named} is not answered`;
    case 'notempty':
      return lang === 'zh' ? `${named}已作答` : `${named} is answered`;
    case 'anyof':
      return lang === 'zh'
        ? `${named}为${c.values.map(label).join('、')}之一`
        : `${named} is one of ${c.values.map(label).join(', ')}`;
    case 'noneof':
      return lang === 'zh'
        ? `${named}不为${c.values.map(label).join('、')}`
        : `${named} is none of ${c.values.map(label).join(', ')}`;
    default:
      return `${named}${lang === 'zh' ? OP_TEXT[c.op].zh : ` ${OP_TEXT[c.op].en} `}${label(c.value)}`;
  }
};
