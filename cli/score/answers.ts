import {
  ACTIVITIES,
  type Activity,
  type CenterLevel,
  type Question,
  type Questionnaire,
} from '../../functions/core/model.ts';
import { parseDecimal } from '../../functions/core/responses/answers.ts';
import type { AnswerValue } from '../../functions/core/responses/response.ts';
import type { ScoringResponse } from '../../functions/core/scoring/accumulate.ts';
import type { Problem } from '../roster/problems.ts';

const ACTIVITY_NAMES: Record<Activity, readonly string[]> = {
  accompanied: ['accompanied', '陪同办', '陪同'],
  experiential: ['experiential', '体验式', '体验'],
  unannounced: ['unannounced', '暗访'],
  hotline: ['hotline', '热线', '12345', '12345热线', '热线坐席体验'],
};
/** The activity a cell or field names, in English or Chinese; undefined when it names none. */
export const parseActivity = (text: string): Activity | undefined =>
  ACTIVITIES.find((a) => ACTIVITY_NAMES[a].some((n) => n.toLowerCase() === text.trim().toLowerCase()));

/** How to write a level, for problems about one. */
export const LEVEL_HINT = 'use 市级 municipal, 区级 district, 街道 street or 社区 community';

const NOT_APPLICABLE = new Set(['na', 'n/a', '不适用', '无法评价']);
const YES = new Set(['yes', 'y', 'true', '1', '是']);
const NO = new Set(['no', 'n', 'false', '0', '否']);

/** Reads one answer written as text or as a JSON value; `undefined` = no answer, `null` = not applicable. */
export const parseAnswer = (q: Question, raw: unknown): { value: AnswerValue | undefined } | { error: string } => {
  if (raw === undefined || raw === '' || (typeof raw === 'string' && raw.trim() === '')) return { value: undefined };
  if (raw === null || (typeof raw === 'string' && NOT_APPLICABLE.has(raw.trim().toLowerCase()))) return { value: null };
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (q.kind) {
    case 'rating': {
      const n =
        typeof text === 'number' ? text : typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : Number.NaN;
      return Number.isInteger(n) && n >= q.min && n <= q.max
        ? { value: n }
        : { error: `${JSON.stringify(raw)} is not a rating: use a whole number from ${q.min} to ${q.max}, or na` };
    }
    case 'yesno':
      if (text === true || (typeof text === 'string' && YES.has(text.toLowerCase()))) return { value: true };
      if (text === false || (typeof text === 'string' && NO.has(text.toLowerCase()))) return { value: false };
      return { error: `${JSON.stringify(raw)} is not yes or no: use yes/no (是/否), or na` };
    case 'number': {
      const n = parseDecimal(text);
      if (!Number.isFinite(n)) return { error: `${JSON.stringify(raw)} is not a number (${q.unit.en}), or na` };
      if (n < q.minValue || n > q.maxValue)
        return { error: `${n} is outside ${q.minValue}–${q.maxValue} ${q.unit.en}` };
      return { value: n };
    }
    case 'choice': {
      const option = q.options.find((o) => o.value === text || o.label.zh === text || o.label.en === text);
      return option
        ? { value: option.value }
        : {
            error: `${JSON.stringify(raw)} is not an option: use one of ${q.options.map((o) => o.value).join(', ')}, or na`,
          };
    }
    case 'text':
      return { value: undefined };
  }
};

/**
 * Why a question was not asked of this response, or undefined when it was: a question scoped to other
 * centers, or to other activities than the response's. Without an activity every activity counts.
 */
export const notAsked = (q: Question, centerId: string, activity: Activity | undefined): string | undefined => {
  if (q.centers && !q.centers.includes(centerId))
    return `question ${q.id} is asked only at ${q.centers.join(', ')}, not at center ${centerId}`;
  if (activity && q.activities && !q.activities.includes(activity))
    return `question ${q.id} is asked only in ${q.activities.join(', ')}, not in ${activity}`;
  return undefined;
};

/** What to do about an answer to a question not asked there. */
export const NOT_ASKED_HINT = 'the answer is left out of the scores; remove it, or correct the center or activity';

/** One response read from a file, with where it was written. */
export interface ReadResponse {
  response: ScoringResponse;
  version: number | undefined;
  level: CenterLevel | undefined;
  at: Pick<Problem, 'file' | 'row' | 'column' | 'field'>;
}

/** Every question of the questionnaire by id. */
export const questionsById = (questionnaire: Questionnaire) =>
  new Map(questionnaire.sections.flatMap((s) => s.questions).map((q) => [q.id, q]));
