/**
 * Drafts: answers saved as the supervisor goes, unchecked and possibly incomplete, but never holding
 * what a submission could not (fields of the questionnaire only, within size limits).
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import type { Activity, Questionnaire } from '../model.ts';
import { type FieldError, isBlank, makeMessage, questionsFor, type RawValue, RESERVED_FIELDS } from './answers.ts';
import { checkProblemKeys, isBlankProblem, MAX_PROBLEM_DESCRIPTION } from './problems.ts';
import { MAX_PROBLEMS, PROBLEM_KEY } from './response.ts';
import type { SubmissionInput } from './submission-input.ts';

/** Longest text kept in a draft field; the questionnaire's own limits apply on submission. */
export const MAX_DRAFT_TEXT = 4000;

const DraftValue = lazySchema(() => z.union([z.string().max(MAX_DRAFT_TEXT), z.number(), z.boolean(), z.null()]));
const DraftProblem = lazySchema(() =>
  z.object({
    category: z.string().max(64).optional(),
    description: z.string().max(MAX_DRAFT_TEXT).optional(),
    severity: z.string().max(64).optional(),
    key: z.string().regex(PROBLEM_KEY).optional(),
  }),
);

/** Answers saved as the supervisor goes: unchecked, possibly incomplete, restored when the link is reopened. */
export const Draft = lazySchema(() =>
  z.object({
    answers: z.record(z.string().max(64), DraftValue),
    problems: z.array(DraftProblem).max(MAX_PROBLEMS),
    savedAt: z.iso.datetime({ offset: true }),
  }),
);
export type Draft = z.infer<typeof Draft>;

/**
 * Checks a draft loosely: answers may be missing or unfinished, but every field must belong to the
 * questionnaire and stay within size limits, so a draft never stores what a submission could not.
 */
export const checkDraft = (
  questionnaire: Questionnaire,
  activity: Activity,
  input: Pick<SubmissionInput, 'answers' | 'problems'>,
  savedAt: string,
): { ok: true; draft: Draft } | { ok: false; errors: FieldError[] } => {
  const asked = new Set(questionsFor(questionnaire, activity).map((q) => q.id));
  const errors: FieldError[] = [];
  const answers: Record<string, RawValue> = {};
  for (const [key, value] of Object.entries(input.answers)) {
    if (RESERVED_FIELDS.has(key)) continue;
    if (!asked.has(key))
      errors.push({ field: key, message: makeMessage('不是本问卷的题目', 'is not a question of this questionnaire') });
    else if (typeof value === 'string' && value.length > MAX_DRAFT_TEXT) {
      errors.push({
        field: key,
        message: makeMessage(`不能超过 ${MAX_DRAFT_TEXT} 个字符`, `at most ${MAX_DRAFT_TEXT} characters`),
      });
    } else if (typeof value === 'number' && !Number.isFinite(value)) {
      errors.push({ field: key, message: makeMessage('请输入数字', 'enter a number') });
    } else if (!isBlank(value)) answers[key] = value;
  }
  errors.push(...checkProblemKeys(input.problems));
  const problems = input.problems.filter((p) => !isBlankProblem(p));
  if (problems.length > MAX_PROBLEMS) {
    errors.push({
      field: 'problems',
      message: makeMessage(`最多记录 ${MAX_PROBLEMS} 个问题`, `at most ${MAX_PROBLEMS} problems`),
    });
  }
  input.problems.forEach((p, i) => {
    if ((p.description ?? '').length > MAX_DRAFT_TEXT) {
      errors.push({
        field: `problems.${i}.description`,
        message: makeMessage(
          `不能超过 ${MAX_PROBLEM_DESCRIPTION} 个字符`,
          `at most ${MAX_PROBLEM_DESCRIPTION} characters`,
        ),
      });
    }
    for (const part of ['category', 'severity'] as const) {
      if ((p[part] ?? '').length > 64)
        errors.push({ field: `problems.${i}.${part}`, message: makeMessage('选项无效', 'not one of the options') });
    }
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, draft: Draft.parse({ answers, problems, savedAt }) };
};
