import type { RenderedMail } from '../core/mail.ts';
import type { SendMailResult } from '../core/workflow-contract.ts';
import { type Mailer, MailRejected } from './mailer.ts';
import { TransientError } from './middleware.ts';
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

/**
 * Sends composed emails. Each is claimed in the outbox ledger before it is sent, so a retried batch
 * skips what an earlier attempt already handed to SES; suppressed addresses are recorded, not mailed.
 * A batch the account's 24-hour SES quota cannot take fails first, with `DailyQuotaExceeded`.
 */
export const deliverAll = async (
  input: { campaignId: string; kind: string; round: number },
  outgoing: ReadonlyMap<string, Outgoing>,
  mailer: Mailer,
): Promise<SendMailResult> => {
  const result: SendMailResult = { sent: 0, skipped: 0, suppressed: 0, failed: 0 };
  const suppressed = await store.suppressedAmong([...outgoing.values()].flatMap((o) => ('to' in o ? o.to : [])));
  // Before any claim: an email claimed and then refused for the daily quota would never be retried.
  const toSend = [...outgoing.values()].filter(
    (item) => 'to' in item && !item.to.some((to) => suppressed.has(to.toLowerCase())),
  ).length;
  await mailer.ensureRoomFor(toSend);
  const now = () => new Date().toISOString();
  const deliver = async ([recipientId, item]: [string, Outgoing]): Promise<void> => {
    if ('skip' in item) {
      result.skipped++;
      return;
    }
    if (!(await store.claimMail(input.campaignId, input.kind, input.round, recipientId, item.to, now()))) {
      result.skipped++;
      return;
    }
    if (item.to.some((to) => suppressed.has(to.toLowerCase()))) {
      // Bounced or complained before: SES would only bounce again and hurt the sender's reputation.
      await store.settleMail(
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
    let messageId: string;
    try {
      messageId = await mailer.send(item.to, item.mail, { campaign: input.campaignId, kind: input.kind });
    } catch (error) {
      if (!(error instanceof MailRejected)) throw error;
      await store.settleMail(
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
      await store.settleMail(
        input.campaignId,
        input.kind,
        input.round,
        recipientId,
        { state: 'sent', messageId },
        now(),
      );
    } catch (error) {
      // SES has the message; the claim already stops a second send, so the batch can safely be retried.
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
