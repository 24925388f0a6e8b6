/**
 * Answers checked against the questionnaire: the questions asked of a response (by activity, center and
 * condition), each raw answer parsed for its kind of question, "not applicable" where it is offered, and
 * every problem named by its field.
 */
import type { Activity, LocalizedText, Question, Questionnaire } from '../model.ts';
import { isAsked } from './asked.ts';
import type { AnswerValue } from './response.ts';
import { findUnsafeCharacter, normalizeText } from './text-guard.ts';

/** A number given as a number or as plain decimal text (`-12`, `3.5`); NaN for anything else. */
export const parseDecimal = (text: unknown): number =>
  typeof text === 'number'
    ? text
    : typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text)
      ? Number(text)
      : Number.NaN;

/** One problem with a submission, named by the field it concerns. */
export interface FieldError {
  field: string;
  message: LocalizedText;
}

/** Form fields that are not answers. */
export const RESERVED_FIELDS = new Set(['submissionId', 'lang', 'intent', 'problems', 'openedAt']);

/** The value meaning "not applicable" (不适用): excluded from scoring, never counted as 0. */
export const NOT_APPLICABLE = 'na';

/** One raw answer as a form or JSON gives it. */
export type RawValue = string | number | boolean | null;

/**
 * The questions asked for an activity, in order. Questions scoped to centers (re-checks) are left
 * out: take the center's view with `questionnaireFor` first.
 */
export const questionsFor = (questionnaire: Questionnaire, activity: Activity): Question[] =>
  questionnaire.sections.flatMap((s) =>
    s.questions.filter((q) => !q.centers && (!q.activities || q.activities.includes(activity))),
  );

/**
 * The questions asked of one response, in order: those of its activity whose condition on earlier
 * answers holds (typed answers, or raw ones as a form posts them).
 */
export const askedQuestions = (
  questionnaire: Questionnaire,
  activity: Activity,
  answers: Readonly<Record<string, AnswerValue | RawValue | undefined>>,
): Question[] => questionsFor(questionnaire, activity).filter((q) => isAsked(q, answers, undefined, activity));

/** The questionnaire as asked at one center: its own scoped questions kept (unscoped), other centers' dropped. */
export const questionnaireFor = (questionnaire: Questionnaire, centerId: string): Questionnaire => ({
  ...questionnaire,
  sections: questionnaire.sections
    .map((s) => ({
      ...s,
      questions: s.questions
        .filter((q) => !q.centers || q.centers.includes(centerId))
        .map(({ centers: _scope, ...q }) => q),
    }))
    .filter((s) => s.questions.length > 0),
});

/** A message in both languages. */
export const makeMessage = (zh: string, en: string): LocalizedText => ({ zh, en });

/** Whether "not applicable" is an answer to the question: where it says so, else on optional questions only. */
export const allowsNotApplicable = (q: Pick<Question, 'allowNa' | 'required' | 'kind'>): boolean =>
  q.kind !== 'text' && (q.allowNa ?? !q.required);

const parseOne = (q: Question, raw: string | number | boolean): { value: AnswerValue } | { error: LocalizedText } => {
  if (q.kind !== 'text' && (raw === NOT_APPLICABLE || raw === null)) {
    return allowsNotApplicable(q)
      ? { value: null }
      : {
          error: makeMessage(
            '此题为必答题，不能选“不适用”，请作答',
            'this question needs a real answer: "not applicable" is not offered here',
          ),
        };
  }
  switch (q.kind) {
    case 'rating': {
      const n =
        typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
      if (!Number.isInteger(n) || n < q.min || n > q.max) {
        return {
          error: makeMessage(`请选择 ${q.min}–${q.max} 之间的评分`, `choose a rating from ${q.min} to ${q.max}`),
        };
      }
      return { value: n };
    }
    case 'yesno': {
      if (raw === true || raw === 'yes') return { value: true };
      if (raw === false || raw === 'no') return { value: false };
      return { error: makeMessage('请选择“是”或“否”', 'answer yes or no') };
    }
    case 'number': {
      const n = parseDecimal(typeof raw === 'string' ? raw.trim() : raw);
      if (!Number.isFinite(n)) return { error: makeMessage('请输入数字', 'enter a number') };
      if (n < q.minValue || n > q.maxValue) {
        return {
          error: makeMessage(
            `请输入 ${q.minValue}–${q.maxValue} 之间的数字`,
            `enter a number from ${q.minValue} to ${q.maxValue}`,
          ),
        };
      }
      return { value: n };
    }
    case 'choice': {
      if (typeof raw === 'string' && q.options.some((o) => o.value === raw)) return { value: raw };
      return { error: makeMessage('请从选项中选择', 'choose one of the options') };
    }
    case 'text': {
      if (typeof raw !== 'string') return { error: makeMessage('请输入文字', 'enter text') };
      const text = normalizeText(raw).trim();
      if (text.length > q.maxLength) {
        return { error: makeMessage(`不能超过 ${q.maxLength} 个字符`, `at most ${q.maxLength} characters`) };
      }
      const unsafe = findUnsafeCharacter(text, { multiline: true });
      if (unsafe) return { error: makeMessage(unsafe.zh, unsafe.en) };
      return { value: text };
    }
  }
};

/** Whether a raw value is missing or blank text. */
export const isBlank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');

/**
 * Checks a submission against the questions asked for the assignment's activity — a question with a
 * condition only when its condition holds on the earlier answers. Returns the typed answers, or every
 * problem at once, each naming its field.
 */
export const validateAnswers = (
  questionnaire: Questionnaire,
  activity: Activity,
  raw: Readonly<Record<string, RawValue>>,
): { ok: true; answers: Record<string, AnswerValue> } | { ok: false; errors: FieldError[] } => {
  const questions = questionsFor(questionnaire, activity);
  const byId = new Map(questions.map((q) => [q.id, q]));
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) {
    if (!RESERVED_FIELDS.has(key) && !byId.has(key)) {
      errors.push({ field: key, message: makeMessage('不是本问卷的题目', 'is not a question of this questionnaire') });
    }
  }
  const answers: Record<string, AnswerValue> = {};
  for (const q of questions) {
    // Conditions look only at earlier questions, so the answers checked so far decide. A question not
    // asked is not required, and an answer given to it anyway (a page without JavaScript) is not kept.
    if (!isAsked(q, answers, undefined, activity)) continue;
    const value = Object.hasOwn(raw, q.id) ? raw[q.id] : undefined;
    if (value === undefined || isBlank(value)) {
      if (q.required) errors.push({ field: q.id, message: makeMessage('此题为必答题', 'this question is required') });
      continue;
    }
    const parsed = parseOne(q, value as string | number | boolean);
    if ('error' in parsed) errors.push({ field: q.id, message: parsed.error });
    else if (!(q.kind === 'text' && parsed.value === '')) answers[q.id] = parsed.value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, answers };
};
