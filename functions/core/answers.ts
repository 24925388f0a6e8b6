import { z } from 'zod';
import type { Activity, AnswerValue, LocalizedText, Question, Questionnaire } from './model.ts';

/** One problem with a submission, named by the field it concerns. */
export interface FieldError {
  field: string;
  message: LocalizedText;
}

/** Form fields that are not answers. */
export const RESERVED_FIELDS = new Set(['submissionId', 'lang']);

/** The value meaning "not applicable" (不适用): excluded from scoring, never counted as 0. */
export const NOT_APPLICABLE = 'na';

/** The raw submission: flat field → value. Form posts give strings; JSON may give numbers and booleans. */
export const RawSubmission = z.record(z.string().max(64), z.union([z.string(), z.number(), z.boolean(), z.null()]), {
  message: 'the submission must be an object of question id → answer',
});
export type RawSubmission = z.infer<typeof RawSubmission>;

/** The questions asked for an activity, in order. */
export const questionsFor = (questionnaire: Questionnaire, activity: Activity): Question[] =>
  questionnaire.sections.flatMap((s) => s.questions.filter((q) => !q.activities || q.activities.includes(activity)));

const msg = (zh: string, en: string): LocalizedText => ({ zh, en });

const parseOne = (q: Question, raw: string | number | boolean): { value: AnswerValue } | { error: LocalizedText } => {
  if (q.kind !== 'text' && (raw === NOT_APPLICABLE || raw === null)) return { value: null };
  switch (q.kind) {
    case 'rating': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
      if (!Number.isInteger(n) || n < q.min || n > q.max) {
        return { error: msg(`请选择 ${q.min}–${q.max} 之间的评分`, `choose a rating from ${q.min} to ${q.max}`) };
      }
      return { value: n };
    }
    case 'yesno': {
      if (raw === true || raw === 'yes') return { value: true };
      if (raw === false || raw === 'no') return { value: false };
      return { error: msg('请选择“是”或“否”', 'answer yes or no') };
    }
    case 'number': {
      const text = typeof raw === 'string' ? raw.trim() : raw;
      const n = typeof text === 'number' ? text : typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isFinite(n)) return { error: msg('请输入数字', 'enter a number') };
      if (n < q.minValue || n > q.maxValue) {
        return { error: msg(`请输入 ${q.minValue}–${q.maxValue} 之间的数字`, `enter a number from ${q.minValue} to ${q.maxValue}`) };
      }
      return { value: n };
    }
    case 'choice': {
      if (typeof raw === 'string' && q.options.some((o) => o.value === raw)) return { value: raw };
      return { error: msg('请从选项中选择', 'choose one of the options') };
    }
    case 'text': {
      if (typeof raw !== 'string') return { error: msg('请输入文字', 'enter text') };
      const text = raw.replace(/\r\n/g, '\n').trim();
      if (text.length > q.maxLength) {
        return { error: msg(`不能超过 ${q.maxLength} 个字符`, `at most ${q.maxLength} characters`) };
      }
      // Control characters other than newline and tab have no place in an answer.
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
        return { error: msg('包含无效字符', 'contains invalid characters') };
      }
      return { value: text };
    }
  }
};

const isBlank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');

/**
 * Checks a submission against the questions asked for the assignment's activity. Returns the typed
 * answers, or every problem at once, each naming its field.
 */
export const validateAnswers = (
  questionnaire: Questionnaire,
  activity: Activity,
  raw: RawSubmission,
): { ok: true; answers: Record<string, AnswerValue> } | { ok: false; errors: FieldError[] } => {
  const questions = questionsFor(questionnaire, activity);
  const byId = new Map(questions.map((q) => [q.id, q]));
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) {
    if (!RESERVED_FIELDS.has(key) && !byId.has(key)) {
      errors.push({ field: key, message: msg('不是本问卷的题目', 'is not a question of this questionnaire') });
    }
  }
  const answers: Record<string, AnswerValue> = {};
  for (const q of questions) {
    const value = raw[q.id];
    if (value === undefined || isBlank(value)) {
      if (q.required) errors.push({ field: q.id, message: msg('此题为必答题', 'this question is required') });
      continue;
    }
    const parsed = parseOne(q, value as string | number | boolean);
    if ('error' in parsed) errors.push({ field: q.id, message: parsed.error });
    else if (!(q.kind === 'text' && parsed.value === '')) answers[q.id] = parsed.value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, answers };
};
