import type { SendMailResult } from '../core/campaign/workflow-contract.ts';
import type { RenderedMail } from '../core/render/mail/layout.ts';
import { TransientError } from '../edge/task.ts';
import { type Mailer, MailRejected } from './mailer.ts';
import { store } from './table.ts';

/** A recipient's email, or the reason there is none. */
export type Outgoing = { to: string[]; mail: RenderedMail } | { skip: 'nothing-to-send' };

/** Emails of one batch in flight at once. */
const IN_FLIGHT = 4;

/** Runs `work` over `items` with at most `limit` at a time; the first failure stops new work and is rethrown. */
export const forEachConcurrently = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
};

/** How the invocation running a delivery can tell its time is running out. */
export interface DeliveryClock {
  /** Milliseconds left before the function is stopped (the Lambda context's `getRemainingTimeInMillis`). */
  remainingMs: () => number;
}

/**
 * Time kept free before the function's timeout when deciding whether to start one more email: a
 * claim, one SES call (its request timeout is 15 s at most) and the ledger update still fit in it.
 */
export const SEND_SAFETY_MARGIN_MS = 15_000;

/** A claim held by the killed invocation that made it: the longest a Lambda function may run. */
const DEFAULT_LEASE_MS = 15 * 60_000;

/** SES refused the call as such (throttled, unavailable): it has not taken the email. */
const NOT_TAKEN = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/** The email's turn came but it is not to be sent by this invocation. */
class NotThisTurn extends Error {
  override name = 'NotThisTurn';
  readonly reason: 'claimed' | 'out-of-time';

  constructor(reason: 'claimed' | 'out-of-time') {
    super(reason);
    this.reason = reason;
  }
}

/**
 * Sends composed emails. Each is claimed in the outbox ledger only once the pacing lets it go, right
 * before SES is called, and marked sent once SES has accepted it, so a retried batch skips what an
 * earlier attempt handed to SES; suppressed addresses are recorded, not mailed. A batch the account's
 * 24-hour SES quota cannot take fails first, with `DailyQuotaExceeded`.
 *
 * With a `clock`, the delivery stops before the function's timeout: an email is started only when
 * {@link SEND_SAFETY_MARGIN_MS} plus its expected pacing wait remain (the invocation's first email is
 * always started), and the emails not started are counted in `remaining` for the workflow to send
 * in a new invocation. A claim's lease ends at the invocation's deadline: should the invocation be
 * killed anyway, a later attempt takes over its unsent claims instead of skipping them forever.
 *
 * The window left, as SES has no idempotency key: an invocation killed at its timeout while SES is
 * accepting an email (after the claim, before the ledger update) leaves a claim that the next
 * attempt takes over, and that supervisor gets the email twice. An invocation that dies before its
 * deadline for another reason (out of memory, a crash) leaves its in-flight claims held until
 * then: a retry within that time skips them (no duplicate, but no email either). A ledger update
 * that fails after SES accepted keeps the claim held, and the email is not sent again.
 */
export const deliverAll = async (
  input: { campaignId: string; kind: string; round: number },
  outgoing: ReadonlyMap<string, Outgoing>,
  mailer: Mailer,
  clock?: DeliveryClock,
): Promise<SendMailResult> => {
  const result: SendMailResult = { sent: 0, skipped: 0, suppressed: 0, failed: 0, remaining: 0 };
  const suppressed = await store.suppressions.suppressedAmong(
    [...outgoing.values()].flatMap((o) => ('to' in o ? o.to : [])),
  );
  // Before any claim: an email claimed and then refused for the daily quota would never be retried.
  const toSend = [...outgoing.values()].filter(
    (item) => 'to' in item && !item.to.some((to) => suppressed.has(to.toLowerCase())),
  ).length;
  await mailer.ensureRoomFor(toSend);
  const now = () => new Date().toISOString();
  const leaseUntil = () => new Date(Date.now() + (clock ? clock.remainingMs() : DEFAULT_LEASE_MS)).toISOString();
  let started = 0;
  let outOfTime = false;
  const claim = async (recipientId: string, to: string[]): Promise<string | undefined> => {
    const at = now();
    const claimed = await store.mail.claimMail(
      input.campaignId,
      input.kind,
      input.round,
      recipientId,
      to,
      at,
      leaseUntil(),
    );
    return claimed ? at : undefined;
  };
  const deliver = async ([recipientId, item]: [string, Outgoing]): Promise<void> => {
    if ('skip' in item) {
      result.skipped++;
      return;
    }
    // The invocation's first email always goes, so every invocation makes progress.
    if (clock && started > 0 && (outOfTime || clock.remainingMs() < SEND_SAFETY_MARGIN_MS + mailer.expectedWaitMs())) {
      outOfTime = true;
      result.remaining++;
      return;
    }
    const order = ++started;
    if (item.to.some((to) => suppressed.has(to.toLowerCase()))) {
      const at = await claim(recipientId, item.to);
      if (at === undefined) {
        result.skipped++;
        return;
      }
      // Bounced or complained before: SES would only bounce again and hurt the sender's reputation.
      await store.mail.settleMail(
        input.campaignId,
        input.kind,
        input.round,
        recipientId,
        { state: 'suppressed', error: 'address is on the suppression list' },
        now(),
      );
      result.suppressed++;
      return;
    }
    let claimedAt: string | undefined;
    let messageId: string;
    try {
      messageId = await mailer.send(item.to, item.mail, { campaign: input.campaignId, kind: input.kind }, async () => {
        // The pacing wait may have used up the time this email needed.
        if (clock && order > 1 && clock.remainingMs() < SEND_SAFETY_MARGIN_MS) throw new NotThisTurn('out-of-time');
        claimedAt = await claim(recipientId, item.to);
        if (claimedAt === undefined) throw new NotThisTurn('claimed');
      });
    } catch (error) {
      if (error instanceof NotThisTurn) {
        if (error.reason === 'claimed') result.skipped++;
        else {
          outOfTime = true;
          result.remaining++;
        }
        return;
      }
      if (claimedAt !== undefined && error instanceof Error && NOT_TAKEN.has(error.name)) {
        // SES took nothing: give the email back so the retried batch sends it rather than skips it.
        await store.mail
          .releaseMail(input.campaignId, input.kind, input.round, recipientId, claimedAt)
          .catch(() => undefined);
      }
      if (!(error instanceof MailRejected)) throw error;
      await store.mail.settleMail(
        input.campaignId,
        input.kind,
        input.round,
        recipientId,
        { state: 'failed', error: error.message },
        now(),
      );
      result.failed++;
      return;
    }
    try {
      await store.mail.settleMail(
        input.campaignId,
        input.kind,
        input.round,
        recipientId,
        { state: 'sent', messageId },
        now(),
      );
    } catch (error) {
      // SES has the message; the held claim stops a second send, so the batch can safely be retried.
      throw new TransientError(`email ${input.kind}/${recipientId} was sent but not recorded; retrying the batch`, {
        cause: error,
      });
    }
    result.sent++;
  };
  // A few emails in flight at once: the pacer alone sets the rate, not the round trips of each email.
  await forEachConcurrently([...outgoing], IN_FLIGHT, deliver);
  return result;
};
