import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { CAMPAIGN_STATUSES, Campaign, type CampaignStatus } from '../model.ts';
import { MailBatchFailure } from './workflow-contract.ts';

/**
 * A campaign's life: its control record and the status moves it may make. Every status write in the
 * table is conditional on the statuses this module says may lead to the new one.
 */

/** The campaign's control record. */
export const CampaignMeta = lazySchema(() =>
  z.object({
    campaign: Campaign,
    status: z.enum(CAMPAIGN_STATUSES),
    definitionHash: z.string(),
    loaded: z.boolean(),
    createdAt: z.string(),
    deadline: z.string(),
    total: z.number().int().nonnegative().default(0),
    answered: z.number().int().nonnegative().default(0),
    supervisors: z.number().int().nonnegative().default(0),
    centers: z.number().int().nonnegative().default(0),
    remindersSent: z.number().int().nonnegative().default(0),
    taskToken: z.string().optional(),
    wakeAt: z.string().optional(),
    closeRequested: z.boolean().optional(),
    closedAt: z.string().optional(),
    closedReason: z.string().optional(),
    /** When the results were published (the city summary went out); personal links expire from it. */
    publishedAt: z.string().optional(),
    /** End of the review window after the close (status `reviewing`). */
    reviewUntil: z.string().optional(),
    /** The organizers finished review before the window ended. */
    reviewFinished: z.boolean().optional(),
    /** End of the fact-check window (status `fact-checking`). */
    factCheckUntil: z.string().optional(),
    /** The organizers ended fact-check (every dispute ruled) before the window ended. */
    factCheckFinished: z.boolean().optional(),
    /** When an organizer signed the draft results off (发布 / Publish): the summaries go out after it. */
    signedOffAt: z.string().optional(),
    /** Who signed the results off (their console username, or the CLI's operator). */
    signedOffBy: z.string().optional(),
    failure: z.object({ error: z.string(), cause: z.string() }).optional(),
    /** The last mail batch that failed for good, and why (NotifyFailure explains a failed Map with it). */
    mailFailure: MailBatchFailure.optional(),
  }),
);
export type CampaignMeta = z.infer<typeof CampaignMeta>;

/**
 * The statuses a campaign may be in when it moves to each status. A status listed under itself makes
 * the move idempotent: a retried step finds the campaign where it left it.
 */
export const ALLOWED_FROM: Readonly<Record<CampaignStatus, readonly CampaignStatus[]>> = {
  draft: [],
  open: ['draft', 'open'],
  closed: ['open'],
  reviewing: ['closed', 'reviewing'],
  'fact-checking': ['closed', 'reviewing', 'fact-checking'],
  scored: ['closed', 'reviewing', 'fact-checking', 'scored'],
  // Scored results wait for an organizer's sign-off unless the campaign publishes them on its own.
  'awaiting-sign-off': ['scored', 'awaiting-sign-off'],
  published: ['scored', 'awaiting-sign-off', 'published'],
  failed: ['draft', 'open', 'closed', 'reviewing', 'fact-checking', 'scored', 'awaiting-sign-off', 'failed'],
};

/** Whether a campaign in status `from` may move to `to`. */
export const canMove = (from: CampaignStatus, to: CampaignStatus): boolean => ALLOWED_FROM[to].includes(from);

/** Whether the campaign has results to read: it was scored (a draft awaiting sign-off, or published). */
export const hasResults = (status: CampaignStatus): boolean =>
  status === 'scored' || status === 'awaiting-sign-off' || status === 'published';
