/**
 * How answers become 0–100: the normalization of each kind of question, its description for the
 * explanation, the scored questions of a questionnaire and the grid an answer's score moves on.
 */

import type { Question, Questionnaire } from '../model.ts';
import type { AnswerValue } from '../responses/response.ts';
import type { Normalization } from './records.ts';
import { clampScore } from './values.ts';

/**
 * Maps one answer to 0–100, or null when it does not count (not applicable, unscored question or
 * option, missing). Rating 1 → 0, 5 → 100; yes/no by its direction; numbers by distance to frontier
 * between `best` and `worst`; choices by the option's score.
 */
export const normalizeAnswer = (question: Question, value: AnswerValue | undefined): number | null => {
  if (value === null || value === undefined || !question.indicator) return null;
  switch (question.kind) {
    case 'rating':
      return typeof value === 'number'
        ? clampScore(((value - question.min) / (question.max - question.min)) * 100)
        : null;
    case 'yesno':
      return typeof value === 'boolean' ? (value === (question.good === 'yes') ? 100 : 0) : null;
    case 'number':
      return typeof value === 'number'
        ? clampScore((100 * (question.worst - value)) / (question.worst - question.best))
        : null;
    case 'choice': {
      const option = question.options.find((o) => o.value === value);
      return option?.score ?? null;
    }
    case 'text':
      return null;
  }
};

/** Describes how an indicator's answers become 0–100. */
export const describeNormalization = (question: Question): Normalization => {
  switch (question.kind) {
    case 'rating':
      return { rule: `rating ${question.min}–${question.max}, linear: ${question.min} → 0, ${question.max} → 100` };
    case 'yesno':
      return question.good === 'yes'
        ? { rule: 'yes → 100, no → 0', good: 'yes' }
        : { rule: 'no → 100, yes → 0', good: 'no' };
    case 'number':
      return {
        rule: `distance to frontier: 100·(${question.worst} − x)/(${question.worst} − ${question.best}), clamped to 0–100 (${question.unit.en})`,
        best: question.best,
        worst: question.worst,
      };
    case 'choice':
      return {
        rule: `score per option: ${question.options.map((o) => `${o.value} → ${o.score ?? 'not scored'}`).join(', ')}`,
        options: Object.fromEntries(question.options.map((o) => [o.value, o.score ?? null])),
      };
    case 'text':
      return { rule: 'not scored' };
  }
};

/** The scored questions of a questionnaire, flattened with their section weight. */
export interface ScoredQuestion {
  index: number;
  question: Question;
  dimension: Question['dimension'];
  weight: number;
  sectionWeight: number;
}

/** Lists the questions that carry an indicator, in questionnaire order. */
export const scoredQuestions = (questionnaire: Questionnaire): ScoredQuestion[] => {
  const out: ScoredQuestion[] = [];
  for (const section of questionnaire.sections) {
    for (const question of section.questions) {
      if (question.indicator && question.kind !== 'text') {
        out.push({
          index: out.length,
          question,
          dimension: section.dimension,
          weight: question.weight,
          sectionWeight: section.weight,
        });
      }
    }
  }
  return out;
};

/**
 * The widest gap between two adjacent 0–100 values an answer to the question can score: 100/(max − min)
 * for ratings, 100 for yes/no, the widest gap between sorted option scores for choices, 0 for numbers.
 */
export const answerStep = (question: Question): number => {
  switch (question.kind) {
    case 'rating':
      return 100 / (question.max - question.min);
    case 'yesno':
      return 100;
    case 'choice': {
      const scores = [...new Set(question.options.flatMap((o) => (o.score === undefined ? [] : [o.score])))].sort(
        (a, b) => a - b,
      );
      let widest = 0;
      for (let k = 1; k < scores.length; k++)
        widest = Math.max(widest, (scores[k] as number) - (scores[k - 1] as number));
      return widest;
    }
    default:
      return 0;
  }
};
