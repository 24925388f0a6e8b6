import * as z from 'zod';
import { DisputeClosed } from '../errors.ts';
import { lazySchema } from '../lazy-schema.ts';
import { Id, type LocalizedText } from '../model.ts';
import {
  PROBLEM_KEY,
  type Problem,
  ProblemCategory,
  ProblemSeverity,
  problemKeyOf,
  type Response,
} from '../responses/response.ts';
import { CONTROL_CHARACTER_MESSAGE, hasControlCharacters, isSafeText, normalizeText } from '../responses/text-guard.ts';
import { rectificationItemId } from './rectification.ts';

/**
 * Fact-check and appeal (事实核查与申诉复核) before results are published: each center's official
 * sees the draft findings (the problems supervisors found there, without who found them) and may
 * dispute an item with a reason within the window; the organizers rule on every dispute (the
 * finding stands, or it is withdrawn and never becomes a rectification item). Pure.
 */

/** Longest reason an official may give, and longest ruling note. */
export const MAX_DISPUTE_REASON = 1000;
export const MAX_RULING_NOTE = 500;

/** A draft finding shown to the center's official: one problem of one response, anonymized. */
export const FactCheckItem = lazySchema(() =>
  z.object({
    campaignId: Id,
    centerId: Id,
    /** The rectification item id the finding becomes unless withdrawn. */
    id: z.string(),
    category: ProblemCategory,
    severity: ProblemSeverity,
    description: z.string(),
    foundAt: z.string(),
    /**
     * Where the finding's photos are: its response, the problem's index there and its row's key (the
     * photos'). Kept to sign read URLs of the photos, never shown: they name who found it.
     */
    assignmentId: Id.optional(),
    supervisorId: Id.optional(),
    problem: z.number().int().nonnegative().optional(),
    problemKey: z.string().regex(PROBLEM_KEY).optional(),
  }),
);
export type FactCheckItem = z.infer<typeof FactCheckItem>;

/**
 * The draft findings of a set of responses, by center and, within a center, by id: keyed by the
 * campaign's finding key, that order tells nothing of who visited when.
 */
export const draftFindings = (
  campaignId: string,
  responses: readonly Pick<Response, 'assignmentId' | 'supervisorId' | 'centerId' | 'submittedAt' | 'problems'>[],
  findingKey?: string,
): FactCheckItem[] =>
  responses
    .flatMap((r) =>
      (r.problems ?? []).map(
        (p: Problem, index): FactCheckItem => ({
          campaignId,
          centerId: r.centerId,
          id: rectificationItemId(campaignId, r.assignmentId, index, findingKey),
          category: p.category,
          severity: p.severity,
          description: p.description,
          foundAt: r.submittedAt,
          assignmentId: r.assignmentId,
          supervisorId: r.supervisorId,
          problem: index,
          problemKey: problemKeyOf(p, index),
        }),
      ),
    )
    .sort((a, b) => a.centerId.localeCompare(b.centerId) || a.id.localeCompare(b.id));

/** Where a dispute stands. */
export const DISPUTE_STATES = ['open', 'upheld', 'withdrawn'] as const;
export type DisputeState = (typeof DISPUTE_STATES)[number];

export const DISPUTE_STATE_LABELS: Readonly<Record<DisputeState, LocalizedText>> = {
  open: { zh: '待裁定', en: 'Awaiting a ruling' },
  upheld: { zh: '维持原结论', en: 'Finding upheld' },
  withdrawn: { zh: '已撤销该问题', en: 'Finding withdrawn' },
};

/** An official's dispute of one draft finding, and the organizers' ruling on it. */
export const Dispute = lazySchema(() =>
  z.object({
    campaignId: Id,
    centerId: Id,
    itemId: z.string(),
    reason: z.string(),
    at: z.string(),
    state: z.enum(DISPUTE_STATES),
    ruling: z
      .object({ by: z.object({ sub: z.string(), username: z.string() }), note: z.string(), at: z.string() })
      .optional(),
    revision: z.number().int().positive(),
  }),
);
export type Dispute = z.infer<typeof Dispute>;

/** What the official posts to dispute a finding. */
export const DisputeInput = lazySchema(() =>
  z.object({
    intent: z.literal('dispute'),
    item: z.string().min(1).max(200),
    reason: z
      .string({ error: 'give the reason as text' })
      .transform((s) => normalizeText(s).trim())
      .pipe(
        z
          .string()
          .min(5, 'explain in a few words why the finding is wrong')
          .max(MAX_DISPUTE_REASON, `at most ${MAX_DISPUTE_REASON} characters`)
          .refine((s) => !hasControlCharacters(s), 'contains invalid characters'),
      ),
  }),
);
export type DisputeInput = z.infer<typeof DisputeInput>;

/** A new dispute from an official's input. */
export const openDispute = (item: FactCheckItem, input: DisputeInput, at: string): Dispute => ({
  campaignId: item.campaignId,
  centerId: item.centerId,
  itemId: item.id,
  reason: input.reason,
  at,
  state: 'open',
  revision: 1,
});

/** What an organizer posts to rule on a dispute. */
export const RulingInput = lazySchema(() =>
  z.object({
    ruling: z.enum(['uphold', 'withdraw'], { error: 'ruling must be uphold or withdraw' }),
    note: z
      .string()
      .transform((s) => normalizeText(s).trim())
      .pipe(
        z
          .string()
          .max(MAX_RULING_NOTE, `the note may be at most ${MAX_RULING_NOTE} characters`)
          .refine((s) => isSafeText(s, { multiline: true }), CONTROL_CHARACTER_MESSAGE),
      )
      .default(''),
    center: Id,
  }),
);
export type RulingInput = z.infer<typeof RulingInput>;

/**
 * The ruled dispute, or `unchanged` when the same ruling is already recorded (a double click).
 * A different ruling on a ruled dispute is refused: rulings are final.
 */
export const ruleOn = (
  dispute: Dispute,
  input: RulingInput,
  by: { sub: string; username: string },
  at: string,
): Dispute | 'unchanged' => {
  const state: DisputeState = input.ruling === 'uphold' ? 'upheld' : 'withdrawn';
  if (dispute.state !== 'open') {
    if (dispute.state === state) return 'unchanged';
    throw new DisputeClosed(`the dispute of ${dispute.itemId} was ruled ${dispute.state} already`);
  }
  return { ...dispute, state, ruling: { by, note: input.note, at }, revision: dispute.revision + 1 };
};

/** Whether fact-check may end: the window is over (or the organizers closed it) and nothing awaits a ruling. */
export const factCheckDone = (
  disputes: Iterable<Pick<Dispute, 'state'>>,
  window: { until?: string; finished?: boolean },
  now: Date,
): boolean => {
  for (const d of disputes) if (d.state === 'open') return false;
  return window.finished === true || window.until === undefined || now.getTime() >= Date.parse(window.until);
};
