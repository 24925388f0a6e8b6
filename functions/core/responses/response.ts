/**
 * A supervisor's response as stored: the answers (a value per question, null for "not applicable") and
 * the problems found, each of a category and a severity.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { Activity, Id, Instant } from '../model.ts';

/** One answer value; `null` means "not applicable". */
export const AnswerValue = lazySchema(() => z.union([z.number().finite(), z.boolean(), z.string(), z.null()]));
export type AnswerValue = z.infer<typeof AnswerValue>;

/** Kinds of problem a supervisor can report (发现问题), each belonging to one dimension. */
export const PROBLEM_CATEGORIES = [
  'item-list',
  'one-door',
  'extra-documents',
  'staff-conduct',
  'queue-order',
  'time-limit',
  'signage',
  'waiting-time',
  'repeat-trips',
  'online-service',
  'assistance',
  'facilities',
  'hotline',
  'other',
] as const;
/** One of the problem categories. */
export const ProblemCategory = lazySchema(() => z.enum(PROBLEM_CATEGORIES));
export type ProblemCategory = z.infer<typeof ProblemCategory>;

/** How serious a problem is: 一般 · 较重 · 严重. */
export const PROBLEM_SEVERITIES = ['minor', 'serious', 'critical'] as const;
/** One of the problem severities. */
export const ProblemSeverity = lazySchema(() => z.enum(PROBLEM_SEVERITIES));
export type ProblemSeverity = z.infer<typeof ProblemSeverity>;

/** Most problems one response may carry. */
export const MAX_PROBLEMS = 20;

/**
 * A problem row's key: chosen when the row is made (by the page, or its script) and kept while the row
 * lives, so that its photos stay with it when rows before it go. A row stored without one is known by
 * its index in the stored list (0–19): the key of the responses and photos stored before rows had keys.
 */
export const PROBLEM_KEY = /^(?:k[a-z0-9]{7,23}|1?\d)$/;

/** The key a row is known by: its own, or for a row stored without one, its index in the stored list. */
export const problemKeyOf = (p: { key?: string | undefined }, index: number): string => p.key ?? String(index);

/** One problem found at a center; a later step turns it into a rectification item. */
export const Problem = lazySchema(() =>
  z.object({
    category: ProblemCategory,
    description: z.string().trim().min(1).max(1000),
    severity: ProblemSeverity,
    /** Its row's key (see {@link PROBLEM_KEY}); absent on problems stored without one. */
    key: z.string().regex(PROBLEM_KEY).optional(),
  }),
);
export type Problem = z.infer<typeof Problem>;

/** A supervisor's answers (答卷) to one assignment, as stored. */
export const Response = lazySchema(() =>
  z.object({
    campaignId: Id,
    assignmentId: Id,
    supervisorId: Id,
    centerId: Id,
    activity: Activity,
    version: z.number().int().positive(),
    submittedAt: Instant,
    answers: z.record(z.string(), AnswerValue),
    /** Problems found; absent on responses stored before problems were recorded. */
    problems: z.array(Problem).max(MAX_PROBLEMS).optional(),
    /** Seconds from serving the page to this submission, when the page told (a hint for review). */
    secondsSpent: z.number().int().nonnegative().optional(),
  }),
);
export type Response = z.infer<typeof Response>;
