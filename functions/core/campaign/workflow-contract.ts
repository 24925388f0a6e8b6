import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { Id } from '../model.ts';

/**
 * The payloads exchanged between the campaign workflow and its task handlers.
 * They carry IDs and counts, never roster items, so a province-size campaign stays far below
 * the 256 KB state payload limit.
 */

/** Input of every campaign-scoped task. */
export const CampaignTaskInput = lazySchema(() => z.object({ campaignId: Id }));
export type CampaignTaskInput = z.infer<typeof CampaignTaskInput>;

/** The kinds of email the workflow sends. */
export const MAIL_KINDS = ['invitation', 'reminder', 'fact-check', 'summary', 'city-summary'] as const;
export const MailKind = lazySchema(() => z.enum(MAIL_KINDS));
export type MailKind = z.infer<typeof MailKind>;

/** The `MaxConcurrency` of the workflow's mail Maps: how many batches send at once. */
export const MAIL_MAP_CONCURRENCY = 4;

/** Most recipients one batch may hold (a Map item); send-mail sends a larger batch over several invocations. */
export const MAX_MAIL_BATCH = 500;

/**
 * One batch of recipients as a range of sorted IDs (supervisor IDs for invitations and reminders,
 * center IDs for summaries): the state carries a few bytes per batch however many recipients a
 * province has; the sender reads the IDs in the range by key.
 */
export const MailBatch = lazySchema(() =>
  z
    .object({
      index: z.number().int().nonnegative(),
      first: Id,
      last: Id,
      count: z.number().int().positive().max(MAX_MAIL_BATCH),
    })
    .refine((b) => b.first <= b.last, { message: 'first must not sort after last' }),
);
export type MailBatch = z.infer<typeof MailBatch>;

/** Input of PlanInvitations / PlanReminders / PlanSummaries. */
export const PlanMailInput = lazySchema(() =>
  CampaignTaskInput.extend({
    kind: MailKind,
    round: z.number().int().nonnegative(),
  }),
);
export type PlanMailInput = z.infer<typeof PlanMailInput>;

/** Output of the planning task: the batches the Map fans out over. */
export const MailPlan = lazySchema(() =>
  z.object({
    kind: MailKind,
    round: z.number().int().nonnegative(),
    recipients: z.number().int().nonnegative(),
    batches: z.array(MailBatch),
  }),
);
export type MailPlan = z.infer<typeof MailPlan>;

/** Input of one Map iteration (and of SendCitySummary). */
export const SendMailInput = lazySchema(() =>
  CampaignTaskInput.extend({
    kind: MailKind,
    round: z.number().int().nonnegative(),
    batch: MailBatch,
  }),
);
export type SendMailInput = z.infer<typeof SendMailInput>;

/**
 * What one invocation did with a batch; `skipped` counts emails already sent (or claimed) by an
 * earlier attempt. `remaining` counts the emails it left unstarted because its function's time was
 * running out: the workflow invokes it again with the same batch until none remain.
 */
export const SendMailResult = lazySchema(() =>
  z.object({
    sent: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    suppressed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    remaining: z.number().int().nonnegative(),
  }),
);
export type SendMailResult = z.infer<typeof SendMailResult>;

/** Output of CheckProgress: what the workflow does next. */
export const ProgressDecision = lazySchema(() =>
  z.discriminatedUnion('action', [
    z.object({
      action: z.literal('remind'),
      round: z.number().int().positive(),
      answered: z.number(),
      total: z.number(),
    }),
    z.object({
      action: z.literal('close'),
      reason: z.enum(['complete', 'deadline', 'closed-by-organizer']),
      answered: z.number(),
      total: z.number(),
    }),
    z.object({
      action: z.literal('wait'),
      /** Seconds until the next reminder or the deadline (≥ 1); the Collect task's timeout. */
      waitSeconds: z.number().int().positive(),
      wakeAt: z.string(),
      answered: z.number(),
      total: z.number(),
    }),
  ]),
);
export type ProgressDecision = z.infer<typeof ProgressDecision>;

/** Payload of the Collect (.waitForTaskToken) task. */
export const AwaitResponsesInput = lazySchema(() =>
  CampaignTaskInput.extend({
    taskToken: z.string().min(1),
    wakeAt: z.string(),
  }),
);
export type AwaitResponsesInput = z.infer<typeof AwaitResponsesInput>;

/** The output sent with SendTaskSuccess to wake the Collect task. */
export const WakeSignal = lazySchema(() =>
  z.object({
    reason: z.enum([
      'complete',
      'extended',
      'closed-by-organizer',
      'reminder-requested',
      'review-finished',
      'fact-check-finished',
      'signed-off',
    ]),
    at: z.string(),
  }),
);
export type WakeSignal = z.infer<typeof WakeSignal>;

/** Input of NotifyFailure: the Catch puts the error at `$.error`. */
export const FailCampaignInput = lazySchema(() =>
  CampaignTaskInput.extend({
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).passthrough(),
  }),
);
export type FailCampaignInput = z.infer<typeof FailCampaignInput>;

/**
 * Why a mail batch failed for good, recorded on its campaign before its task fails: a failed
 * Distributed Map reports only its own error name (`States.ExceedToleratedFailureThreshold`), so
 * NotifyFailure reads the batch's reason here.
 */
export const MailBatchFailure = lazySchema(() =>
  z.object({
    error: z.string(),
    cause: z.string(),
    kind: MailKind,
    round: z.number().int().nonnegative(),
    batch: z.object({ index: z.number().int().nonnegative(), first: z.string(), last: z.string(), count: z.number() }),
    at: z.string(),
  }),
);
export type MailBatchFailure = z.infer<typeof MailBatchFailure>;

/** Errors a Map state fails with on its own account, hiding the error of the iteration that failed. */
export const MAP_FAILURES: ReadonlySet<string> = new Set([
  'States.ExceedToleratedFailureThreshold',
  'States.ItemReaderFailed',
  'States.ResultWriterFailed',
  'States.Runtime',
]);

/**
 * The recorded batch failure that explains a workflow error: when a Map failed with its own error
 * name, or with the batch's own (as a runner that passes the iteration's error through reports it).
 */
export const batchFailureBehind = (
  errorName: string,
  recorded: MailBatchFailure | undefined,
): MailBatchFailure | undefined =>
  recorded !== undefined && (MAP_FAILURES.has(errorName) || recorded.error === errorName) ? recorded : undefined;

/** The names of the workflow's substitutions, one per task handler. */
export const WORKFLOW_FUNCTIONS = {
  PrepareFunctionArn: 'prepare',
  PlanMailFunctionArn: 'plan-mail',
  SendMailFunctionArn: 'send-mail',
  CheckProgressFunctionArn: 'check-progress',
  AwaitResponsesFunctionArn: 'await-responses',
  OpenReviewFunctionArn: 'open-review',
  AwaitReviewFunctionArn: 'await-review',
  OpenFactCheckFunctionArn: 'open-fact-check',
  AwaitFactCheckFunctionArn: 'await-fact-check',
  CheckFactCheckFunctionArn: 'check-fact-check',
  OpenSignOffFunctionArn: 'open-sign-off',
  AwaitSignOffFunctionArn: 'await-sign-off',
  CloseCampaignFunctionArn: 'close-campaign',
  ScoreCampaignFunctionArn: 'score-campaign',
  FailCampaignFunctionArn: 'fail-campaign',
  PublishCitySummaryFunctionArn: 'publish-city-summary',
} as const;
