/**
 * What the streaming pass collects and the finishing passes read: each scored question as an indicator
 * (its kind as a code, the activities and centers asking it, its normalization as numbers), and the
 * flat typed columns of answers.
 */
import {
  ACTIVITIES,
  type Activity,
  type CenterLevel,
  type Dimension,
  type Question,
  type Questionnaire,
} from '../model.ts';
import type { AnswerValue } from '../responses/response.ts';
import { answerStep, type ScoredQuestion, scoredQuestions } from './normalize.ts';

/** Kind code of a rating question. */
export const RATING = 0;
/** Kind code of a number question. */
export const NUMBER = 1;
/** Kind code of a yes/no question. */
export const YESNO = 2;
/** Kind code of a choice question. */
export const CHOICE = 3;
/** Activity slot for responses that name no activity: every question counts as asked. */
export const ALL = ACTIVITIES.length;
/** The slot of each activity (its index in ACTIVITIES). */
export const ACTIVITY_SLOT: Record<string, number> = Object.fromEntries(ACTIVITIES.map((a, i) => [a, i]));

/** One scored question as the passes read it. */
export interface Indicator {
  index: number;
  id: string;
  question: Exclude<Question, { kind: 'text' }>;
  dim: number;
  weight: number;
  code: number;
  /** Bit i set when activity slot i asks this indicator. */
  mask: number;
  /** For a question asked at some centers only: 1 at the index of each center asking it; null = every center. */
  scope: Uint8Array | null;
  /**
   * For a question asked only when its condition on earlier answers holds: 1 at the index of each center
   * where some response was asked it; null = no condition.
   */
  askedAt: Uint8Array | null;
  lo: number;
  span: number;
  good: boolean;
  optionIndex: Map<string, number>;
  optionScores: Float64Array;
  /** The widest gap between two adjacent values an answer can score (0 for numbers): see gridVariance. */
  step: number;
}

/** A dimension of the questionnaire with its weight. */
export interface WeightedDimension {
  dimension: Dimension;
  weight: number;
}

/** The columns an accumulator collected, handed to the finishing passes. */
export interface Columns {
  campaignId: string;
  indicators: Indicator[];
  dimensions: readonly WeightedDimension[];
  centers: readonly { id: string; level: CenterLevel }[];
  centerMask: Uint8Array;
  raterIds: string[];
  responses: number;
  centerResponses: Uint32Array;
  ignored: number;
  /** Answers held. */
  size: number;
  /** Per response counted (`responses` of them): its center, rater and activity slot. */
  responseCenter: Uint32Array;
  responseRater: Uint32Array;
  responseActivity: Uint8Array;
  /** The answers of response p are answerStart[p] .. answerStart[p + 1], in the order they were added. */
  answerStart: Uint32Array;
  /** Per answer: its indicator and raw value (see encodeAnswer; its 0–100 score is scoreEncoded of it). */
  indicatorOf: Uint16Array;
  raw: Float64Array;
}

const KIND_CODES = { rating: RATING, number: NUMBER, yesno: YESNO, choice: CHOICE };

/** One scored question as an indicator of dimension `dim`, asked everywhere until scoped. */
const toIndicator = (q: ScoredQuestion, dim: number): Indicator => {
  const question = q.question as Indicator['question'];
  const asked: readonly Activity[] = question.activities ?? ACTIVITIES;
  const options = question.kind === 'choice' ? question.options : [];
  return {
    index: q.index,
    id: question.id,
    question,
    dim,
    weight: q.weight,
    code: KIND_CODES[question.kind],
    mask: asked.reduce((m: number, a) => m | (1 << (ACTIVITY_SLOT[a] ?? 0)), 1 << ALL),
    scope: null,
    askedAt: null,
    lo: question.kind === 'rating' ? question.min : question.kind === 'number' ? question.worst : 0,
    span:
      question.kind === 'rating'
        ? question.max - question.min
        : question.kind === 'number'
          ? question.worst - question.best
          : 1,
    good: question.kind === 'yesno' ? question.good === 'yes' : true,
    optionIndex: new Map(options.map((o, i) => [o.value, i])),
    optionScores: Float64Array.from(options, (o) => o.score ?? Number.NaN),
    step: answerStep(question),
  };
};

/**
 * The indicators of a questionnaire and its dimensions in order of first appearance. Throws when the
 * questionnaire has more scored questions than the columns can index.
 */
export const buildIndicators = (
  questionnaire: Questionnaire,
): { indicators: Indicator[]; dimensions: WeightedDimension[] } => {
  const dimensionIndex = new Map<Dimension, number>();
  const dimensions: WeightedDimension[] = [];
  const indicators = scoredQuestions(questionnaire).map((q) => {
    let dim = dimensionIndex.get(q.dimension);
    if (dim === undefined) {
      dim = dimensions.length;
      dimensionIndex.set(q.dimension, dim);
      // A dimension split over several sections takes the first section's weight.
      dimensions.push({ dimension: q.dimension, weight: q.sectionWeight });
    }
    return toIndicator(q, dim);
  });
  if (indicators.length > 0xffff) throw new Error('a questionnaire may have at most 65,535 scored questions');
  return { indicators, dimensions };
};

/** Gives each indicator asked at some centers only its scope, and each conditional one its askedAt. */
export const scopeIndicators = (
  indicators: Indicator[],
  centerIndex: ReadonlyMap<string, number>,
  centers: number,
): void => {
  for (const q of indicators) {
    if (q.question.condition !== undefined) q.askedAt = new Uint8Array(centers);
    if (!q.question.centers) continue;
    q.scope = new Uint8Array(centers);
    for (const id of q.question.centers) {
      const c = centerIndex.get(id);
      if (c !== undefined) q.scope[c] = 1;
    }
  }
};

/**
 * The raw column value of an answer: the number, 1/0 for yes/no, the option's index; NaN for not
 * applicable; undefined when the answer is of the wrong type for its question (it is then skipped).
 */
export const encodeAnswer = (q: Indicator, v: AnswerValue): number | undefined => {
  // Not applicable: kept for the explanation, never counted (not even as 0).
  if (v === null) return Number.NaN;
  if (q.code === RATING || q.code === NUMBER) return typeof v === 'number' ? v : undefined;
  if (q.code === YESNO) return typeof v === 'boolean' ? (v ? 1 : 0) : undefined;
  return typeof v === 'string' ? q.optionIndex.get(v) : undefined;
};

/** The 0–100 score of a raw column value: NaN for not applicable or an unscored option. */
export const scoreEncoded = (q: Indicator, x: number): number => {
  if (Number.isNaN(x)) return Number.NaN;
  if (q.code === RATING) return Math.min(100, Math.max(0, ((x - q.lo) / q.span) * 100));
  if (q.code === NUMBER) return Math.min(100, Math.max(0, (100 * (q.lo - x)) / q.span));
  if (q.code === YESNO) return (x === 1) === q.good ? 100 : 0;
  return q.optionScores[x] as number;
};

/** The answer a raw column value stands for: true/false for yes/no, the option for a choice. */
export const decodeAnswer = (q: Indicator, x: number): AnswerValue => {
  if (Number.isNaN(x)) return null;
  switch (q.code) {
    case YESNO:
      return x === 1;
    case CHOICE:
      return (q.question.kind === 'choice' && q.question.options[x]?.value) || null;
    default:
      return x;
  }
};
