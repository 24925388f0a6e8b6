import type { Mailer } from '../adapters/mail/mailer.ts';
import type { MailLedgerTable } from '../adapters/table/mail-ledger.ts';
import type { SuppressionTable } from '../adapters/table/suppressions.ts';
import type { SendMailResult } from '../core/campaign/workflow-contract.ts';
import { TransientError } from '../core/errors.ts';
import type { RenderedMail } from '../core/render/mail/layout.ts';

/**
 * The send-once mail protocol every email of the product goes through: the suppression check, the
 * daily quota, a claim in the outbox ledger right before SES is called, and the claim settled (or
 * given back when SES took nothing). Invitations, reminders, summaries, fact-check notices, the
 * city summary, a returned response's notice and the failure notice all use it.
 */

/** A recipient's email, or the reason there is none. */
export type Outgoing = { to: string[]; mail: RenderedMail } | { skip: 'nothing-to-send' };

/** What a delivery needs of the mailer: paced sends and the daily quota. */
export type DeliveryMailer = Pick<Mailer, 'send' | 'ensureRoomFor' | 'expectedWaitMs'>;

/** What a delivery needs: the outbox ledger, the suppression list and the mailer. */
export interface DeliveryPorts {
  mail: Pick<MailLedgerTable, 'claimMail' | 'settleMail' | 'releaseMail'>;
  suppressions: Pick<SuppressionTable, 'suppressedAmong'>;
  mailer: DeliveryMailer;
}

/** The emails of one delivery, as the outbox ledger keys them. */
export interface MailRound {
  campaignId: string;
  kind: string;
  round: number;
}

/** How the invocation running a delivery can tell its time is running out. */
export interface DeliveryClock {
  /** Milliseconds left before the function is stopped (the Lambda context's `getRemainingTimeInMillis`). */
  remainingMs: () => number;
}

/** Emails of one batch in flight at once. */
const IN_FLIGHT = 4;

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

/** The mailer's name for an email SES refused for good (`MailRejected` in adapters/mailer.ts). */
const REJECTED = 'MailRejected';

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

/** The email's turn came but it is not to be sent by this invocation. */
class NotThisTurn extends Error {
  override name = 'NotThisTurn';
  readonly reason: 'claimed' | 'out-of-time';

  constructor(reason: 'claimed' | 'out-of-time') {
    super(reason);
    this.reason = reason;
  }
}

/** One delivery in progress: its ports, its emails' round, the suppressed addresses and the tally. */
interface Delivery {
  ports: DeliveryPorts;
  round: MailRound;
  clock: DeliveryClock | undefined;
  suppressed: ReadonlySet<string>;
  result: SendMailResult;
  started: number;
  outOfTime: boolean;
}

const now = () => new Date().toISOString();

const isSuppressed = (d: Delivery, to: readonly string[]) =>
  to.some((address) => d.suppressed.has(address.toLowerCase()));

/** Claims one email in the ledger, leased until the invocation's deadline; the claim's time, or undefined. */
const claim = async (d: Delivery, recipientId: string, to: string[]): Promise<string | undefined> => {
  const at = now();
  const leaseUntil = new Date(Date.now() + (d.clock ? d.clock.remainingMs() : DEFAULT_LEASE_MS)).toISOString();
  const { campaignId, kind, round } = d.round;
  return (await d.ports.mail.claimMail(campaignId, kind, round, recipientId, to, at, leaseUntil)) ? at : undefined;
};

const settle = (
  d: Delivery,
  recipientId: string,
  outcome: Parameters<DeliveryPorts['mail']['settleMail']>[4],
): Promise<void> =>
  d.ports.mail.settleMail(d.round.campaignId, d.round.kind, d.round.round, recipientId, outcome, now());

/** Records a suppressed recipient's email as such, once: SES would only bounce it again. */
const recordSuppressed = async (d: Delivery, recipientId: string, to: string[]): Promise<void> => {
  if ((await claim(d, recipientId, to)) === undefined) {
    d.result.skipped++;
    return;
  }
  // Bounced or complained before: SES would only bounce again and hurt the sender's reputation.
  await settle(d, recipientId, { state: 'suppressed', error: 'address is on the suppression list' });
  d.result.suppressed++;
};

/** A failed send: not this invocation's turn, refused by SES for good (settled failed), or rethrown. */
const sendFailed = async (d: Delivery, recipientId: string, claimedAt: string | undefined, error: unknown) => {
  if (error instanceof NotThisTurn) {
    if (error.reason === 'claimed') d.result.skipped++;
    else {
      d.outOfTime = true;
      d.result.remaining++;
    }
    return;
  }
  const { campaignId, kind, round } = d.round;
  if (claimedAt !== undefined && error instanceof Error && NOT_TAKEN.has(error.name)) {
    // SES took nothing: give the email back so the retried batch sends it rather than skips it.
    await d.ports.mail.releaseMail(campaignId, kind, round, recipientId, claimedAt).catch(() => undefined);
  }
  if (!(error instanceof Error) || error.name !== REJECTED) throw error;
  await settle(d, recipientId, { state: 'failed', error: error.message });
  d.result.failed++;
};

/** Sends one email, claimed only once the pacing lets it go, and records it sent. */
const sendOne = async (d: Delivery, recipientId: string, item: { to: string[]; mail: RenderedMail }, order: number) => {
  let claimedAt: string | undefined;
  let messageId: string;
  try {
    messageId = await d.ports.mailer.send(
      item.to,
      item.mail,
      { campaign: d.round.campaignId, kind: d.round.kind },
      async () => {
        // The pacing wait may have used up the time this email needed.
        if (d.clock && order > 1 && d.clock.remainingMs() < SEND_SAFETY_MARGIN_MS) throw new NotThisTurn('out-of-time');
        claimedAt = await claim(d, recipientId, item.to);
        if (claimedAt === undefined) throw new NotThisTurn('claimed');
      },
    );
  } catch (error) {
    await sendFailed(d, recipientId, claimedAt, error);
    return;
  }
  try {
    await settle(d, recipientId, { state: 'sent', messageId });
  } catch (error) {
    // SES has the message; the held claim stops a second send, so the batch can safely be retried.
    throw new TransientError(`email ${d.round.kind}/${recipientId} was sent but not recorded; retrying the batch`, {
      cause: error,
    });
  }
  d.result.sent++;
};

/** One recipient's turn: skipped, left for the next invocation, recorded as suppressed, or sent. */
const deliverOne = async (d: Delivery, [recipientId, item]: [string, Outgoing]): Promise<void> => {
  if ('skip' in item) {
    d.result.skipped++;
    return;
  }
  // The invocation's first email always goes, so every invocation makes progress.
  const { clock } = d;
  if (
    clock &&
    d.started > 0 &&
    (d.outOfTime || clock.remainingMs() < SEND_SAFETY_MARGIN_MS + d.ports.mailer.expectedWaitMs())
  ) {
    d.outOfTime = true;
    d.result.remaining++;
    return;
  }
  const order = ++d.started;
  if (isSuppressed(d, item.to)) await recordSuppressed(d, recipientId, item.to);
  else await sendOne(d, recipientId, item, order);
};

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
  ports: DeliveryPorts,
  round: MailRound,
  outgoing: ReadonlyMap<string, Outgoing>,
  clock?: DeliveryClock,
): Promise<SendMailResult> => {
  const addresses = [...outgoing.values()].flatMap((o) => ('to' in o ? o.to : []));
  const d: Delivery = {
    ports,
    round,
    clock,
    suppressed: await ports.suppressions.suppressedAmong(addresses),
    result: { sent: 0, skipped: 0, suppressed: 0, failed: 0, remaining: 0 },
    started: 0,
    outOfTime: false,
  };
  // Before any claim: an email claimed and then refused for the daily quota would never be retried.
  await ports.mailer.ensureRoomFor([...outgoing.values()].filter((o) => 'to' in o && !isSuppressed(d, o.to)).length);
  // A few emails in flight at once: the pacer alone sets the rate, not the round trips of each email.
  await forEachConcurrently([...outgoing], IN_FLIGHT, (entry) => deliverOne(d, entry));
  return d.result;
};
