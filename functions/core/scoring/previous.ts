/**
 * The previous campaign of a series, for trends: which campaigns may serve as it, and which indicators'
 * normalization changed since (months compare only under the same frontiers).
 */

import type { Questionnaire } from '../model.ts';
import { describeNormalization, scoredQuestions } from './normalize.ts';
import type { CenterScore } from './records.ts';

/** The previous campaign of the series, for trends. */
export interface PreviousScores {
  campaignId: string;
  scores: readonly CenterScore[];
  /** False when the method or an indicator's normalization changed since. */
  comparable: boolean;
}

/**
 * Indicators whose normalization differs between two questionnaires (frontiers, direction, option
 * scores). Frontiers are held fixed for a campaign year so that months stay comparable.
 */
export const normalizationChanges = (previous: Questionnaire, current: Questionnaire): string[] => {
  const before = new Map(
    scoredQuestions(previous).map((q) => [q.question.indicator, describeNormalization(q.question)]),
  );
  return scoredQuestions(current)
    .filter((q) => {
      const was = before.get(q.question.indicator);
      return was !== undefined && JSON.stringify(was) !== JSON.stringify(describeNormalization(q.question));
    })
    .map((q) => q.question.indicator ?? q.question.id);
};

/** Campaigns of a series that may serve as the previous one: strictly earlier months, newest first. */
export const previousCandidates = (
  series: readonly { campaignId: string; month: string }[],
  current: { campaignId: string; month: string },
): { campaignId: string; month: string }[] =>
  series
    .filter((c) => c.campaignId !== current.campaignId && c.month < current.month)
    .sort((a, b) => (a.month === b.month ? (a.campaignId < b.campaignId ? 1 : -1) : a.month < b.month ? 1 : -1));
