import * as z from 'zod';
import { addWorkingDays, chinaDate, workingCalendar } from '../campaign/working-days.ts';
import { StaleResponseVersion } from '../errors.ts';
import { lazySchema } from '../lazy-schema.ts';
import type { LocalizedText, Questionnaire } from '../model.ts';
import { askedQuestions, NOT_APPLICABLE, questionsFor } from '../responses/answers.ts';
import type { Response } from '../responses/response.ts';
import { CONTROL_CHARACTER_MESSAGE, isSafeText, normalizeText } from '../responses/text-guard.ts';
import { normalizeAnswer } from '../scoring/normalize.ts';

/**
 * Review of responses before they count: a reviewer approves a response, returns it to its
 * supervisor with a comment, or rejects it (rejected responses never count in scores). Automatic
 * flags point the reviewer at the responses worth a look. Pure: the console handler stores the
 * decisions and the audit log.
 */

/** Where a response stands in review; `pending` until someone decides. */
export const REVIEW_STATUSES = ['pending', 'approved', 'returned', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_STATUS_LABELS: Readonly<Record<ReviewStatus, LocalizedText>> = {
  pending: { zh: '待审核', en: 'Pending' },
  approved: { zh: '已通过', en: 'Approved' },
  returned: { zh: '已退回修改', en: 'Returned' },
  rejected: { zh: '已作废', en: 'Rejected' },
};

/** Longest reviewer's comment. */
export const MAX_REVIEW_COMMENT = 500;

/** A reviewer's decision as posted by the console (form or JSON). */
export const ReviewInput = lazySchema(() =>
  z
    .object({
      decision: z.enum(['approve', 'return', 'reject'], {
        error: 'decision must be approve, return or reject',
      }),
      comment: z
        .string()
        .transform((s) => normalizeText(s).trim())
        .pipe(
          z
            .string()
            .max(MAX_REVIEW_COMMENT, `the comment may be at most ${MAX_REVIEW_COMMENT} characters`)
            .refine((s) => isSafeText(s, { multiline: true }), CONTROL_CHARACTER_MESSAGE),
        )
        .default(''),
      /** The response version the reviewer saw: a decision on an older version is refused. */
      version: z.coerce.number().int().positive('version must be the version number shown with the response'),
    })
    .refine((input) => input.decision === 'approve' || input.comment.length > 0, {
      path: ['comment'],
      error: 'say why: a returned or rejected response needs a comment for its supervisor',
    }),
);
export type ReviewInput = z.infer<typeof ReviewInput>;

const STATUS_OF: Readonly<Record<ReviewInput['decision'], Exclude<ReviewStatus, 'pending'>>> = {
  approve: 'approved',
  return: 'returned',
  reject: 'rejected',
};

/** A stored decision on one response (one per assignment; a new decision replaces it). */
export const Review = lazySchema(() =>
  z.object({
    campaignId: z.string(),
    assignmentId: z.string(),
    centerId: z.string(),
    status: z.enum(['approved', 'returned', 'rejected']),
    comment: z.string(),
    /** The response version decided on. */
    version: z.number().int().positive(),
    reviewer: z.object({ sub: z.string(), username: z.string() }),
    at: z.string(),
    /** Bumped by every decision: a reviewer's write is conditional on the revision they saw. */
    revision: z.number().int().positive(),
  }),
);
export type Review = z.infer<typeof Review>;

/**
 * The review to store for a decision, or `unchanged` when the same decision on the same version is
 * already stored (a double click, a retried request): nothing is written twice.
 */
export const decide = (
  response: Pick<Response, 'campaignId' | 'assignmentId' | 'centerId' | 'version'>,
  current: Review | undefined,
  input: ReviewInput,
  reviewer: { sub: string; username: string },
  at: string,
): Review | 'unchanged' => {
  if (input.version !== response.version) {
    throw new StaleResponseVersion(
      `the response is at version ${response.version}, the decision was for version ${input.version}: reload and review it again`,
    );
  }
  const status = STATUS_OF[input.decision];
  if (current && current.status === status && current.version === input.version && current.comment === input.comment) {
    return 'unchanged';
  }
  return {
    campaignId: response.campaignId,
    assignmentId: response.assignmentId,
    centerId: response.centerId,
    status,
    comment: input.comment,
    version: input.version,
    reviewer,
    at,
    revision: (current?.revision ?? 0) + 1,
  };
};

/** Where a response stands: its decision when that was on its current version, else pending. */
export const reviewStatusOf = (response: Pick<Response, 'version'>, review: Review | undefined): ReviewStatus =>
  review && (review.status === 'rejected' || review.version === response.version) ? review.status : 'pending';

/** Automatic flags of a response. */
export const REVIEW_FLAGS = ['too-fast', 'identical-answers', 'outlier-rater', 'mostly-unanswered'] as const;
export type ReviewFlag = (typeof REVIEW_FLAGS)[number];

export const REVIEW_FLAG_LABELS: Readonly<Record<ReviewFlag, LocalizedText>> = {
  'too-fast': { zh: '作答过快', en: 'Answered too fast' },
  'identical-answers': { zh: '评分全部相同', en: 'All ratings identical' },
  'outlier-rater': { zh: '与其他监督员差异大', en: 'Far from the other raters' },
  'mostly-unanswered': { zh: '大部分题目未作答', en: 'Mostly unanswered' },
};

/** Thresholds of the flags; see docs/organizer-guide.md. */
export const FLAG_RULES = {
  /** Seconds per question below which answers were given too fast to reflect a visit (on the page, from opening it). */
  tooFastSecondsPerQuestion: 4,
  /** Ratings needed before identical ones are suspicious. */
  identicalMinRatings: 4,
  /** Responses for the same center needed to call one an outlier. */
  outlierMinRaters: 3,
  /** Distance, in score points (0–100), between a response's mean and the center's median. */
  outlierPoints: 35,
  /** Share of applicable questions left unanswered (or "not applicable"). */
  unansweredShare: 0.5,
} as const;

/** A response's mean normalized score (0–100) over its scored answers, or null when it has none. */
export const meanScore = (
  questionnaire: Questionnaire,
  response: Pick<Response, 'activity' | 'answers'>,
): number | null => {
  let sum = 0;
  let n = 0;
  for (const question of questionsFor(questionnaire, response.activity)) {
    const value = normalizeAnswer(question, response.answers[question.id]);
    if (value === null) continue;
    sum += value;
    n++;
  }
  return n === 0 ? null : sum / n;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * The flags of one response, given the means of every response for the same center (its own
 * included): an outlier is far from the center's median, which one odd rater cannot move.
 */
export const flagResponse = (
  questionnaire: Questionnaire,
  response: Pick<Response, 'activity' | 'answers' | 'secondsSpent'>,
  centerMeans: readonly number[],
): ReviewFlag[] => {
  const flags: ReviewFlag[] = [];
  const questions = askedQuestions(questionnaire, response.activity, response.answers);
  if (
    response.secondsSpent !== undefined &&
    response.secondsSpent < questions.length * FLAG_RULES.tooFastSecondsPerQuestion
  ) {
    flags.push('too-fast');
  }
  const ratings = questions.flatMap((q) => {
    const v = response.answers[q.id];
    return q.kind === 'rating' && typeof v === 'number' ? [v] : [];
  });
  if (ratings.length >= FLAG_RULES.identicalMinRatings && ratings.every((r) => r === ratings[0])) {
    flags.push('identical-answers');
  }
  const mean = meanScore(questionnaire, response);
  if (mean !== null && centerMeans.length >= FLAG_RULES.outlierMinRaters) {
    if (Math.abs(mean - median(centerMeans)) >= FLAG_RULES.outlierPoints) flags.push('outlier-rater');
  }
  const applicable = questions.filter((q) => q.kind !== 'text');
  const unanswered = applicable.filter((q) => {
    const v = response.answers[q.id];
    return v === undefined || v === null || v === '' || v === NOT_APPLICABLE;
  }).length;
  if (applicable.length > 0 && unanswered / applicable.length > FLAG_RULES.unansweredShare) {
    flags.push('mostly-unanswered');
  }
  return flags;
};

/** One row of the review queue. */
export interface ReviewQueueItem {
  response: Response;
  status: ReviewStatus;
  review?: Review;
  flags: ReviewFlag[];
}

/**
 * The review queue of a set of responses (a campaign's, or a district's): each with its status and
 * flags, flagged pending ones first, then other pending ones, then decided ones; by center within.
 */
export const reviewQueue = (
  questionnaire: Questionnaire,
  responses: readonly Response[],
  reviews: ReadonlyMap<string, Review>,
): ReviewQueueItem[] => {
  const means = new Map<string, { mean: number }[]>();
  for (const response of responses) {
    const mean = meanScore(questionnaire, response);
    if (mean === null) continue;
    const list = means.get(response.centerId) ?? [];
    list.push({ mean });
    means.set(response.centerId, list);
  }
  const items = responses.map((response): ReviewQueueItem => {
    const review = reviews.get(response.assignmentId);
    const centerMeans = (means.get(response.centerId) ?? []).map((m) => m.mean);
    return {
      response,
      status: reviewStatusOf(response, review),
      ...(review ? { review } : {}),
      flags: flagResponse(questionnaire, response, centerMeans),
    };
  });
  const rank = (item: ReviewQueueItem) => (item.status !== 'pending' ? 2 : item.flags.length > 0 ? 0 : 1);
  return items.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.response.centerId.localeCompare(b.response.centerId) ||
      a.response.assignmentId.localeCompare(b.response.assignmentId),
  );
};

/** When a window after a close (review, fact-check) ends: `workingDays` working days later, at 18:00 in China. */
export const windowEnd = (
  closedAt: string,
  workingDays: number,
  holidays: readonly string[] = [],
  makeUpWorkdays: readonly string[] = [],
): string =>
  new Date(
    Date.parse(
      `${addWorkingDays(chinaDate(closedAt), workingDays, workingCalendar(holidays, makeUpWorkdays))}T18:00:00+08:00`,
    ),
  ).toISOString();

/** What OpenReview and OpenFactCheck tell the workflow: whether to wait (in Review, FactCheck), and for how long at most. */
export const WaitWindow = lazySchema(() =>
  z.object({
    window: z.boolean(),
    /** Seconds until the window ends (≥ 1): the waiting task's timeout. */
    waitSeconds: z.number().int().positive(),
    wakeAt: z.string(),
  }),
);
export type WaitWindow = z.infer<typeof WaitWindow>;

/** A window ending at `until`, seen at `now`: none when there is no window or it is over. */
export const waitWindowAt = (until: string | undefined, now: Date): WaitWindow => {
  const left = until === undefined ? 0 : Math.ceil((Date.parse(until) - now.getTime()) / 1000);
  return left > 0
    ? { window: true, waitSeconds: left, wakeAt: until ?? now.toISOString() }
    : { window: false, waitSeconds: 1, wakeAt: now.toISOString() };
};
