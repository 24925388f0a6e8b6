/**
 * Problems found at a center (发现问题): their categories and severities as shown, and the rows a
 * supervisor filled in checked, blank rows ignored and each missing part named.
 */
import { randomBytes } from 'node:crypto';
import type { Dimension, LocalizedText } from '../model.ts';
import { type FieldError, isBlank, makeMessage } from './answers.ts';
import {
  MAX_PROBLEMS,
  PROBLEM_CATEGORIES,
  PROBLEM_KEY,
  PROBLEM_SEVERITIES,
  type Problem,
  type ProblemCategory,
  type ProblemSeverity,
} from './response.ts';
import { findUnsafeCharacter, normalizeText } from './text-guard.ts';

/** Longest problem description. */
export const MAX_PROBLEM_DESCRIPTION = 1000;

/** A problem row as typed: any part may still be missing. */
export interface RawProblem {
  category?: string;
  description?: string;
  severity?: string;
  /** The row's key, as the page gave it (see PROBLEM_KEY in response.ts). */
  key?: string;
}

/** A new row's key: random, so that no row ever takes the key (and so the photos) of another. */
export const newProblemKey = (): string => `k${randomBytes(8).toString('hex').slice(0, 15)}`;

/** Each row's key, when it has one, must be a key and the only row with it (only a changed page breaks this). */
export const checkProblemKeys = (raw: readonly RawProblem[]): FieldError[] => {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  raw.forEach((p, i) => {
    if (p.key === undefined) return;
    if (!PROBLEM_KEY.test(p.key) || seen.has(p.key))
      errors.push({
        field: `problems.${i}.key`,
        message: makeMessage(
          '问题编号无效，请刷新页面后重试',
          'the problem row is not recognised; reload the page and try again',
        ),
      });
    seen.add(p.key);
  });
  return errors;
};

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

/** Whether a problem row was left entirely blank. */
export const isBlankProblem = (p: RawProblem) => isBlank(p.category) && isBlank(p.description) && isBlank(p.severity);

/**
 * Checks the problems found. Rows left entirely blank are ignored (the form always offers one);
 * a row filled in part names each missing part.
 */
export const validateProblems = (
  raw: readonly RawProblem[],
): { ok: true; problems: Problem[] } | { ok: false; errors: FieldError[] } => {
  const errors: FieldError[] = checkProblemKeys(raw);
  const problems: Problem[] = [];
  raw.forEach((p, i) => {
    if (isBlankProblem(p)) return;
    const field = (part: string) => `problems.${i}.${part}`;
    const category = PROBLEM_CATEGORIES.find((c) => c === p.category);
    if (!category)
      errors.push({
        field: field('category'),
        message: makeMessage('请从列表中选择问题类别', 'choose a category from the list'),
      });
    const description = normalizeText(p.description ?? '').trim();
    const unsafe = findUnsafeCharacter(description, { multiline: true });
    if (description === '')
      errors.push({ field: field('description'), message: makeMessage('请描述发现的问题', 'describe the problem') });
    else if (description.length > MAX_PROBLEM_DESCRIPTION) {
      errors.push({
        field: field('description'),
        message: makeMessage(
          `不能超过 ${MAX_PROBLEM_DESCRIPTION} 个字符`,
          `at most ${MAX_PROBLEM_DESCRIPTION} characters`,
        ),
      });
    } else if (unsafe) {
      errors.push({ field: field('description'), message: makeMessage(unsafe.zh, unsafe.en) });
    }
    const severity = PROBLEM_SEVERITIES.find((s) => s === p.severity);
    if (!severity)
      errors.push({ field: field('severity'), message: makeMessage('请选择严重程度', 'choose how serious it is') });
    if (category && severity && description !== '')
      problems.push({ category, description, severity, ...(p.key === undefined ? {} : { key: p.key }) });
  });
  if (problems.length > MAX_PROBLEMS) {
    errors.push({
      field: 'problems',
      message: makeMessage(`最多记录 ${MAX_PROBLEMS} 个问题`, `at most ${MAX_PROBLEMS} problems`),
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, problems };
};
