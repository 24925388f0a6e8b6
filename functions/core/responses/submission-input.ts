/**
 * A submission read from a request body, JSON or form, before it is checked against the questionnaire:
 * the raw answers, the problem rows and the page's own fields (submission id, language, intent, when the
 * page was served).
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { type FieldError, makeMessage, type RawValue } from './answers.ts';
import type { RawProblem } from './problems.ts';
import { MAX_PROBLEMS, PROBLEM_KEY } from './response.ts';

/** The raw answers: flat question id → value. Form posts give strings; JSON may give numbers and booleans. */
export const RawSubmission = lazySchema(() =>
  z.record(z.string().max(64), z.union([z.string(), z.number(), z.boolean(), z.null()]), {
    message: 'the submission must be an object of question id → answer',
  }),
);
export type RawSubmission = z.infer<typeof RawSubmission>;

/** A submission read from a form or JSON body, not yet checked against the questionnaire. */
export interface SubmissionInput {
  answers: Record<string, RawValue>;
  problems: RawProblem[];
  submissionId?: string;
  intent?: string;
  lang?: string;
  /** When the page was served (its hidden field), to tell how long the answers took. */
  openedAt?: string;
  /** Keys of the rows the page's script removed since its last save: their photos go with them. */
  removedProblems?: string[];
}

const SUBMISSION_ID = /^[A-Za-z0-9-]{8,64}$/;
const PROBLEM_FIELD = /^problems\.(\d{1,2})\.(category|description|severity|key)$/;
const PROBLEM_PARTS = new Set(['category', 'description', 'severity', 'key']);

const SHAPE = makeMessage(
  '提交内容应为“题目编号 → 答案”的 JSON 对象',
  'the submission must be a JSON object of question id → answer',
);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const readMeta = (
  key: 'submissionId' | 'lang' | 'intent' | 'openedAt',
  value: unknown,
  out: SubmissionInput,
  errors: FieldError[],
) => {
  if (typeof value !== 'string' || value.length > 64) {
    errors.push({ field: key, message: makeMessage('格式不正确', 'must be a short text') });
    return;
  }
  if (key === 'openedAt' && Number.isNaN(Date.parse(value))) {
    errors.push({ field: key, message: makeMessage('页面时间格式不正确', 'must be the instant the page was served') });
    return;
  }
  if (key === 'submissionId' && !SUBMISSION_ID.test(value)) {
    errors.push({ field: key, message: makeMessage('提交编号格式不正确', 'must be 8–64 letters, digits or "-"') });
    return;
  }
  out[key] = value;
};

/** `removedProblems`: a short list of row keys (a JSON list, or a form field's keys separated by spaces). */
const readRemoved = (given: unknown, out: SubmissionInput, errors: FieldError[]) => {
  const value = typeof given === 'string' ? given.split(/\s+/).filter(Boolean) : given;
  if (
    !Array.isArray(value) ||
    value.length > MAX_PROBLEMS * 2 ||
    !value.every((k): k is string => typeof k === 'string' && PROBLEM_KEY.test(k))
  ) {
    errors.push({
      field: 'removedProblems',
      message: makeMessage('应为已删除问题的编号列表', 'must be a list of the keys of the problem rows removed'),
    });
    return;
  }
  out.removedProblems = [...new Set(value)];
};

/**
 * Reads a JSON submission: question id → answer (text, number, true/false or null), plus optional
 * `submissionId`, `lang`, `intent`, `openedAt`, `problems` (a list of {category, description, severity,
 * key}) and `removedProblems` (keys of rows removed since the last save).
 */
export const readJsonSubmission = (
  value: unknown,
): { ok: true; input: SubmissionInput } | { ok: false; errors: FieldError[] } => {
  if (!isRecord(value)) return { ok: false, errors: [{ field: '', message: SHAPE }] };
  const errors: FieldError[] = [];
  const out: SubmissionInput = { answers: {}, problems: [] };
  const answers: [string, RawValue][] = [];
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (key === 'submissionId' || key === 'lang' || key === 'intent' || key === 'openedAt')
      readMeta(key, v, out, errors);
    else if (key === 'removedProblems') readRemoved(v, out, errors);
    else if (key === 'problems') {
      if (!Array.isArray(v) || v.length > MAX_PROBLEMS + 1) {
        errors.push({
          field: key,
          message: makeMessage(
            `问题应为列表，最多 ${MAX_PROBLEMS} 项`,
            `must be a list of at most ${MAX_PROBLEMS} problems`,
          ),
        });
        continue;
      }
      v.forEach((p: unknown, i) => {
        if (!isRecord(p)) {
          errors.push({
            field: `problems.${i}`,
            message: makeMessage(
              '应为包含类别、描述和严重程度的对象',
              'must be an object with category, description and severity',
            ),
          });
          return;
        }
        const row: RawProblem = {};
        for (const part of Object.keys(p)) {
          const pv = p[part];
          if (!PROBLEM_PARTS.has(part))
            errors.push({
              field: `problems.${i}.${part}`,
              message: makeMessage('不是问题的字段', 'is not a field of a problem'),
            });
          else if (pv !== null && pv !== undefined && typeof pv !== 'string')
            errors.push({ field: `problems.${i}.${part}`, message: makeMessage('应为文字', 'must be text') });
          else if (typeof pv === 'string') row[part as keyof RawProblem] = pv;
        }
        out.problems.push(row);
      });
    } else if (key.length > 64)
      errors.push({
        field: key.slice(0, 64),
        message: makeMessage('不是本问卷的题目', 'is not a question of this questionnaire'),
      });
    else if (
      v === null ||
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v))
    )
      answers.push([key, v]);
    else
      errors.push({
        field: key,
        message: makeMessage(
          '答案应为文字、数字、是/否或 null',
          'an answer must be text, a number, true/false or null',
        ),
      });
  }
  // fromEntries defines own properties: a "__proto__" key stays an ordinary (unknown) field.
  out.answers = Object.fromEntries(answers);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, input: out };
};

/** Reads a form submission (already decoded fields); a field given twice is an error, not a silent overwrite. */
export const readFormSubmission = (
  fields: readonly (readonly [string, string])[],
): { ok: true; input: SubmissionInput } | { ok: false; errors: FieldError[] } => {
  const errors: FieldError[] = [];
  const out: SubmissionInput = { answers: {}, problems: [] };
  const seen = new Set<string>();
  const answers: [string, RawValue][] = [];
  for (const [key, value] of fields) {
    if (seen.has(key)) {
      errors.push({ field: key, message: makeMessage('字段重复提交', 'was given more than once') });
      continue;
    }
    seen.add(key);
    const problem = PROBLEM_FIELD.exec(key);
    if (key === 'submissionId' || key === 'lang' || key === 'intent' || key === 'openedAt')
      readMeta(key, value, out, errors);
    else if (key === 'removedProblems') readRemoved(value, out, errors);
    else if (problem) {
      const index = Number(problem[1]);
      if (index > MAX_PROBLEMS) {
        errors.push({
          field: 'problems',
          message: makeMessage(`最多记录 ${MAX_PROBLEMS} 个问题`, `at most ${MAX_PROBLEMS} problems`),
        });
        continue;
      }
      while (out.problems.length <= index) out.problems.push({});
      const row = out.problems[index];
      if (row) row[problem[2] as keyof RawProblem] = value;
    } else if (key.length > 64)
      errors.push({
        field: key.slice(0, 64),
        message: makeMessage('不是本问卷的题目', 'is not a question of this questionnaire'),
      });
    else answers.push([key, value]);
  }
  out.answers = Object.fromEntries(answers);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, input: out };
};
