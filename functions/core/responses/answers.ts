import * as z from 'zod';
import {
  type Activity,
  type AnswerValue,
  type Dimension,
  type LocalizedText,
  MAX_PROBLEMS,
  PROBLEM_CATEGORIES,
  PROBLEM_SEVERITIES,
  type Problem,
  type ProblemCategory,
  type ProblemSeverity,
  type Question,
  type Questionnaire,
} from '../model.ts';
import { isAsked } from './condition.ts';
import { findUnsafeCharacter, normalizeText } from './text-guard.ts';

/** One problem with a submission, named by the field it concerns. */
export interface FieldError {
  field: string;
  message: LocalizedText;
}

/** Form fields that are not answers. */
export const RESERVED_FIELDS = new Set(['submissionId', 'lang', 'intent', 'problems', 'openedAt']);

/** The value meaning "not applicable" (不适用): excluded from scoring, never counted as 0. */
export const NOT_APPLICABLE = 'na';

/** Longest text kept in a draft field; the questionnaire's own limits apply on submission. */
export const MAX_DRAFT_TEXT = 4000;

/** Longest problem description. */
export const MAX_PROBLEM_DESCRIPTION = 1000;

/** One raw answer as a form or JSON gives it. */
export type RawValue = string | number | boolean | null;

/** The raw answers: flat question id → value. Form posts give strings; JSON may give numbers and booleans. */
export const RawSubmission = z.record(z.string().max(64), z.union([z.string(), z.number(), z.boolean(), z.null()]), {
  message: 'the submission must be an object of question id → answer',
});
export type RawSubmission = z.infer<typeof RawSubmission>;

/** A problem row as typed: any part may still be missing. */
export interface RawProblem {
  category?: string;
  description?: string;
  severity?: string;
}

/** A submission read from a form or JSON body, not yet checked against the questionnaire. */
export interface SubmissionInput {
  answers: Record<string, RawValue>;
  problems: RawProblem[];
  submissionId?: string;
  intent?: string;
  lang?: string;
  /** When the page was served (its hidden field), to tell how long the answers took. */
  openedAt?: string;
}

/** Problem categories (发现问题类别) with the dimension each belongs to. */
export const PROBLEM_CATEGORY_LABELS: Record<ProblemCategory, LocalizedText & { dimension: Dimension | null }> = {
  'item-list': {
    zh: '事项或办事指南与清单不一致',
    en: 'Items or guides differ from the published list',
    dimension: 'standardization',
  },
  'one-door': { zh: '未能“只进一扇门”', en: 'Not handled behind "one door"', dimension: 'standardization' },
  'extra-documents': { zh: '要求提供清单外材料', en: 'Documents beyond the list requested', dimension: 'regulation' },
  'staff-conduct': { zh: '人员在岗、着装或服务态度', en: 'Staff presence, badge or attitude', dimension: 'regulation' },
  'queue-order': { zh: '取号排队秩序', en: 'Ticketing and queue order', dimension: 'regulation' },
  'time-limit': { zh: '超出承诺时限', en: 'Promised time limit exceeded', dimension: 'regulation' },
  signage: { zh: '标识指引不清', en: 'Unclear signs and guidance', dimension: 'regulation' },
  'waiting-time': { zh: '等候时间过长', en: 'Waiting too long', dimension: 'facilitation' },
  'repeat-trips': { zh: '需要多次跑动', en: 'Several trips needed', dimension: 'facilitation' },
  'online-service': {
    zh: '网上办理（一网通办）',
    en: 'Online handling (one-network service)',
    dimension: 'facilitation',
  },
  assistance: {
    zh: '帮办代办、适老化服务',
    en: 'Help and proxy service, elderly-friendly service',
    dimension: 'facilitation',
  },
  facilities: {
    zh: '设施设备（自助终端、座椅、停车）',
    en: 'Facilities (self-service terminals, seating, parking)',
    dimension: 'facilitation',
  },
  hotline: { zh: '12345 热线', en: '12345 hotline', dimension: 'hotline' },
  other: { zh: '其他', en: 'Other', dimension: null },
};

/** Problem severities (严重程度). */
export const PROBLEM_SEVERITY_LABELS: Record<ProblemSeverity, LocalizedText> = {
  minor: { zh: '一般', en: 'Minor' },
  serious: { zh: '较重', en: 'Serious' },
  critical: { zh: '严重', en: 'Critical' },
};

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

const msg = (zh: string, en: string): LocalizedText => ({ zh, en });

/** Whether "not applicable" is an answer to the question: where it says so, else on optional questions only. */
export const allowsNotApplicable = (q: Pick<Question, 'allowNa' | 'required' | 'kind'>): boolean =>
  q.kind !== 'text' && (q.allowNa ?? !q.required);

const parseOne = (q: Question, raw: string | number | boolean): { value: AnswerValue } | { error: LocalizedText } => {
  if (q.kind !== 'text' && (raw === NOT_APPLICABLE || raw === null)) {
    return allowsNotApplicable(q)
      ? { value: null }
      : {
          error: msg(
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
      const n =
        typeof text === 'number'
          ? text
          : typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text)
            ? Number(text)
            : Number.NaN;
      if (!Number.isFinite(n)) return { error: msg('请输入数字', 'enter a number') };
      if (n < q.minValue || n > q.maxValue) {
        return {
          error: msg(
            `请输入 ${q.minValue}–${q.maxValue} 之间的数字`,
            `enter a number from ${q.minValue} to ${q.maxValue}`,
          ),
        };
      }
      return { value: n };
    }
    case 'choice': {
      if (typeof raw === 'string' && q.options.some((o) => o.value === raw)) return { value: raw };
      return { error: msg('请从选项中选择', 'choose one of the options') };
    }
    case 'text': {
      if (typeof raw !== 'string') return { error: msg('请输入文字', 'enter text') };
      const text = normalizeText(raw).trim();
      if (text.length > q.maxLength) {
        return { error: msg(`不能超过 ${q.maxLength} 个字符`, `at most ${q.maxLength} characters`) };
      }
      const unsafe = findUnsafeCharacter(text, { multiline: true });
      if (unsafe) return { error: msg(unsafe.zh, unsafe.en) };
      return { value: text };
    }
  }
};

const isBlank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');

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
      errors.push({ field: key, message: msg('不是本问卷的题目', 'is not a question of this questionnaire') });
    }
  }
  const answers: Record<string, AnswerValue> = {};
  for (const q of questions) {
    // Conditions look only at earlier questions, so the answers checked so far decide. A question not
    // asked is not required, and an answer given to it anyway (a page without JavaScript) is not kept.
    if (!isAsked(q, answers, undefined, activity)) continue;
    const value = Object.hasOwn(raw, q.id) ? raw[q.id] : undefined;
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

const isBlankProblem = (p: RawProblem) => isBlank(p.category) && isBlank(p.description) && isBlank(p.severity);

/**
 * Checks the problems found. Rows left entirely blank are ignored (the form always offers one);
 * a row filled in part names each missing part.
 */
export const validateProblems = (
  raw: readonly RawProblem[],
): { ok: true; problems: Problem[] } | { ok: false; errors: FieldError[] } => {
  const errors: FieldError[] = [];
  const problems: Problem[] = [];
  raw.forEach((p, i) => {
    if (isBlankProblem(p)) return;
    const field = (part: string) => `problems.${i}.${part}`;
    const category = PROBLEM_CATEGORIES.find((c) => c === p.category);
    if (!category)
      errors.push({
        field: field('category'),
        message: msg('请从列表中选择问题类别', 'choose a category from the list'),
      });
    const description = normalizeText(p.description ?? '').trim();
    const unsafe = findUnsafeCharacter(description, { multiline: true });
    if (description === '')
      errors.push({ field: field('description'), message: msg('请描述发现的问题', 'describe the problem') });
    else if (description.length > MAX_PROBLEM_DESCRIPTION) {
      errors.push({
        field: field('description'),
        message: msg(`不能超过 ${MAX_PROBLEM_DESCRIPTION} 个字符`, `at most ${MAX_PROBLEM_DESCRIPTION} characters`),
      });
    } else if (unsafe) {
      errors.push({ field: field('description'), message: msg(unsafe.zh, unsafe.en) });
    }
    const severity = PROBLEM_SEVERITIES.find((s) => s === p.severity);
    if (!severity)
      errors.push({ field: field('severity'), message: msg('请选择严重程度', 'choose how serious it is') });
    if (category && severity && description !== '') problems.push({ category, description, severity });
  });
  if (problems.length > MAX_PROBLEMS) {
    errors.push({
      field: 'problems',
      message: msg(`最多记录 ${MAX_PROBLEMS} 个问题`, `at most ${MAX_PROBLEMS} problems`),
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, problems };
};

const DraftValue = z.union([z.string().max(MAX_DRAFT_TEXT), z.number(), z.boolean(), z.null()]);
const DraftProblem = z.object({
  category: z.string().max(64).optional(),
  description: z.string().max(MAX_DRAFT_TEXT).optional(),
  severity: z.string().max(64).optional(),
});

/** Answers saved as the supervisor goes: unchecked, possibly incomplete, restored when the link is reopened. */
export const Draft = z.object({
  answers: z.record(z.string().max(64), DraftValue),
  problems: z.array(DraftProblem).max(MAX_PROBLEMS),
  savedAt: z.iso.datetime({ offset: true }),
});
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
      errors.push({ field: key, message: msg('不是本问卷的题目', 'is not a question of this questionnaire') });
    else if (typeof value === 'string' && value.length > MAX_DRAFT_TEXT) {
      errors.push({
        field: key,
        message: msg(`不能超过 ${MAX_DRAFT_TEXT} 个字符`, `at most ${MAX_DRAFT_TEXT} characters`),
      });
    } else if (typeof value === 'number' && !Number.isFinite(value)) {
      errors.push({ field: key, message: msg('请输入数字', 'enter a number') });
    } else if (!isBlank(value)) answers[key] = value;
  }
  const problems = input.problems.filter((p) => !isBlankProblem(p));
  if (problems.length > MAX_PROBLEMS) {
    errors.push({
      field: 'problems',
      message: msg(`最多记录 ${MAX_PROBLEMS} 个问题`, `at most ${MAX_PROBLEMS} problems`),
    });
  }
  input.problems.forEach((p, i) => {
    if ((p.description ?? '').length > MAX_DRAFT_TEXT) {
      errors.push({
        field: `problems.${i}.description`,
        message: msg(`不能超过 ${MAX_PROBLEM_DESCRIPTION} 个字符`, `at most ${MAX_PROBLEM_DESCRIPTION} characters`),
      });
    }
    for (const part of ['category', 'severity'] as const) {
      if ((p[part] ?? '').length > 64)
        errors.push({ field: `problems.${i}.${part}`, message: msg('选项无效', 'not one of the options') });
    }
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, draft: Draft.parse({ answers, problems, savedAt }) };
};

const SUBMISSION_ID = /^[A-Za-z0-9-]{8,64}$/;
const PROBLEM_FIELD = /^problems\.(\d{1,2})\.(category|description|severity)$/;
const PROBLEM_PARTS = new Set(['category', 'description', 'severity']);

const SHAPE = msg(
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
    errors.push({ field: key, message: msg('格式不正确', 'must be a short text') });
    return;
  }
  if (key === 'openedAt' && Number.isNaN(Date.parse(value))) {
    errors.push({ field: key, message: msg('页面时间格式不正确', 'must be the instant the page was served') });
    return;
  }
  if (key === 'submissionId' && !SUBMISSION_ID.test(value)) {
    errors.push({ field: key, message: msg('提交编号格式不正确', 'must be 8–64 letters, digits or "-"') });
    return;
  }
  out[key] = value;
};

/**
 * Reads a JSON submission: question id → answer (text, number, true/false or null), plus optional
 * `submissionId`, `lang`, `intent`, `openedAt` and `problems` (a list of {category, description, severity}).
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
    else if (key === 'problems') {
      if (!Array.isArray(v) || v.length > MAX_PROBLEMS + 1) {
        errors.push({
          field: key,
          message: msg(`问题应为列表，最多 ${MAX_PROBLEMS} 项`, `must be a list of at most ${MAX_PROBLEMS} problems`),
        });
        continue;
      }
      v.forEach((p: unknown, i) => {
        if (!isRecord(p)) {
          errors.push({
            field: `problems.${i}`,
            message: msg(
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
              message: msg('不是问题的字段', 'is not a field of a problem'),
            });
          else if (pv !== null && pv !== undefined && typeof pv !== 'string')
            errors.push({ field: `problems.${i}.${part}`, message: msg('应为文字', 'must be text') });
          else if (typeof pv === 'string') row[part as keyof RawProblem] = pv;
        }
        out.problems.push(row);
      });
    } else if (key.length > 64)
      errors.push({
        field: key.slice(0, 64),
        message: msg('不是本问卷的题目', 'is not a question of this questionnaire'),
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
        message: msg('答案应为文字、数字、是/否或 null', 'an answer must be text, a number, true/false or null'),
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
      errors.push({ field: key, message: msg('字段重复提交', 'was given more than once') });
      continue;
    }
    seen.add(key);
    const problem = PROBLEM_FIELD.exec(key);
    if (key === 'submissionId' || key === 'lang' || key === 'intent' || key === 'openedAt')
      readMeta(key, value, out, errors);
    else if (problem) {
      const index = Number(problem[1]);
      if (index > MAX_PROBLEMS) {
        errors.push({
          field: 'problems',
          message: msg(`最多记录 ${MAX_PROBLEMS} 个问题`, `at most ${MAX_PROBLEMS} problems`),
        });
        continue;
      }
      while (out.problems.length <= index) out.problems.push({});
      const row = out.problems[index];
      if (row) row[problem[2] as keyof RawProblem] = value;
    } else if (key.length > 64)
      errors.push({
        field: key.slice(0, 64),
        message: msg('不是本问卷的题目', 'is not a question of this questionnaire'),
      });
    else answers.push([key, value]);
  }
  out.answers = Object.fromEntries(answers);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, input: out };
};

/**
 * The first key that appears twice in one object of a JSON text, if any. JSON.parse silently keeps the
 * last one, which would let a crafted body say two things at once. The text must already be valid JSON.
 */
export const findDuplicateJsonKey = (text: string): string | undefined => {
  // One frame per open container: the keys seen so far for objects, null for arrays.
  const stack: ({ keys: Set<string>; expectKey: boolean } | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top) top.expectKey = true;
    }
    i++;
  }
  return undefined;
};

/**
 * Decodes an application/x-www-form-urlencoded body strictly: the bytes, and the bytes its
 * percent-escapes stand for, must be valid UTF-8 (URLSearchParams would quietly turn them into
 * U+FFFD). Returns undefined when they are not.
 */
export const decodeFormBody = (body: Uint8Array): [string, string][] | undefined => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const hex = (b: number | undefined) =>
    b === undefined
      ? -1
      : b >= 0x30 && b <= 0x39
        ? b - 0x30
        : b >= 0x41 && b <= 0x46
          ? b - 0x37
          : b >= 0x61 && b <= 0x66
            ? b - 0x57
            : -1;
  const decode = (part: Uint8Array): string | undefined => {
    const out = new Uint8Array(part.length);
    let n = 0;
    for (let i = 0; i < part.length; i++) {
      const b = part[i] ?? 0;
      const hi = b === 0x25 ? hex(part[i + 1]) : -1;
      const lo = b === 0x25 ? hex(part[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
      } else out[n++] = b === 0x2b ? 0x20 : b;
    }
    try {
      return decoder.decode(out.subarray(0, n));
    } catch {
      return undefined;
    }
  };
  const fields: [string, string][] = [];
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i < body.length && body[i] !== 0x26) continue;
    const pair = body.subarray(start, i);
    start = i + 1;
    if (pair.length === 0) continue;
    const eq = pair.indexOf(0x3d);
    const key = decode(eq < 0 ? pair : pair.subarray(0, eq));
    const value = decode(eq < 0 ? new Uint8Array(0) : pair.subarray(eq + 1));
    if (key === undefined || value === undefined) return undefined;
    fields.push([key, value]);
  }
  return fields;
};
