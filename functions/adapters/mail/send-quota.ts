import type { SESClient } from '@aws-sdk/client-ses';
import * as z from 'zod';
import { isTransient, TransientError } from '../../core/errors.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { type Loadable, loadClient } from '../clients/lazy.ts';
import { loadSes } from '../clients/ses.ts';
import { logger } from '../logger.ts';

/** The account's SES sending limits in this region, as `GetSendQuota` reports them. */
export interface SendQuota {
  /** Emails per second SES accepts from the account. */
  readonly maxSendRate: number;
  /** Emails the account may send in any 24 hours; `-1` means unlimited. */
  readonly max24HourSend: number;
  /** Emails the account sent in the last 24 hours, by every sender in it. */
  readonly sentLast24Hours: number;
}

/** SES answered `GetSendQuota` with a quota no sender can pace by. */
export class InvalidSendQuota extends Error {
  override name = 'InvalidSendQuota';
}

/** The function's role may not call `ses:GetSendQuota`. */
export class SendQuotaDenied extends Error {
  override name = 'SendQuotaDenied';
}

/** The account's 24-hour sending quota cannot take the emails of this batch. */
export class DailyQuotaExceeded extends Error {
  override name = 'DailyQuotaExceeded';
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

const SendQuotaResponse = lazySchema(() =>
  z.object({
    MaxSendRate: z
      .number({ error: 'MaxSendRate is missing' })
      .positive('MaxSendRate must be a positive number of emails per second'),
    Max24HourSend: z
      .number({ error: 'Max24HourSend is missing' })
      .refine((value) => value === -1 || value >= 0, 'Max24HourSend must be -1 (unlimited) or a count of emails'),
    SentLast24Hours: z
      .number({ error: 'SentLast24Hours is missing' })
      .nonnegative('SentLast24Hours must not be negative'),
  }),
);

/**
 * Reads the account's quota with SES v1 `GetSendQuota` and validates it. Throttling, outages and
 * network faults become {@link TransientError} for the workflow's Retry; a missing permission becomes
 * {@link SendQuotaDenied}; an unusable answer {@link InvalidSendQuota}.
 */
export const readSendQuota = async (ses: Loadable<SESClient>): Promise<SendQuota> => {
  const [{ GetSendQuotaCommand }, client] = await Promise.all([loadSes(), loadClient(ses)]);
  let output: unknown;
  try {
    output = await client.send(new GetSendQuotaCommand({}));
  } catch (error) {
    if (isTransient(error)) {
      const { name, message } = error as Error;
      throw new TransientError(`reading the SES send quota failed: ${name}: ${message}`, { cause: error });
    }
    if (error instanceof Error && ACCESS_DENIED.has(error.name)) {
      throw new SendQuotaDenied(
        "the function's role lacks ses:GetSendQuota, which paces mail to the account's SES send rate: grant it, or set MAX_SEND_RATE",
        { cause: error },
      );
    }
    throw error;
  }
  const parsed = SendQuotaResponse.safeParse(output ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new InvalidSendQuota(`SES GetSendQuota answered an unusable quota: ${detail}`, { cause: parsed.error });
  }
  return {
    maxSendRate: parsed.data.MaxSendRate,
    max24HourSend: parsed.data.Max24HourSend,
    sentLast24Hours: parsed.data.SentLast24Hours,
  };
};

/**
 * The account's SES quota as one container knows it: read from SES on first use and kept for the
 * container's life, with the emails this container sent since counted against the 24-hour quota.
 */
export class AccountQuota {
  private reading: Promise<SendQuota> | undefined;
  private sentSinceReading = 0;

  private readonly ses: Loadable<SESClient>;

  /** `ses` may be a loader (`loadSesClient`): the client and its package are then loaded at the first reading. */
  constructor(ses: Loadable<SESClient>) {
    this.ses = ses;
  }

  /** The account's max send rate in emails per second; the first call asks SES. */
  async maxSendRate(): Promise<number> {
    return (await this.read()).maxSendRate;
  }

  /** Counts one email handed to SES against the 24-hour quota. */
  recordSent(): void {
    this.sentSinceReading++;
  }

  /**
   * Throws {@link DailyQuotaExceeded} when the account's 24-hour quota cannot take `count` more
   * emails. Fails only on a fresh reading: the kept one may be hours old and the window slides.
   */
  async ensureRoomFor(count: number): Promise<void> {
    if (count <= 0 || this.leftIn24Hours(await this.read()) >= count) return;
    const quota = await this.read(true);
    const left = this.leftIn24Hours(quota);
    if (left >= count) return;
    const numbers = {
      batch: count,
      left,
      max24HourSend: quota.max24HourSend,
      sentLast24Hours: quota.sentLast24Hours,
    };
    logger.warn('the SES 24-hour sending quota cannot take this batch', numbers);
    throw new DailyQuotaExceeded(
      `the account's SES 24-hour quota has room for ${left} more emails (${quota.sentLast24Hours} of ${quota.max24HourSend} sent in the last 24 hours) but this batch would send ${count}: ask AWS to raise the sending quota, or send when the window allows`,
    );
  }

  private leftIn24Hours(quota: SendQuota): number {
    if (quota.max24HourSend === -1) return Number.POSITIVE_INFINITY;
    return Math.max(0, quota.max24HourSend - quota.sentLast24Hours - this.sentSinceReading);
  }

  private read(fresh = false): Promise<SendQuota> {
    if (fresh || !this.reading) {
      const reading = readSendQuota(this.ses).then((quota) => {
        this.sentSinceReading = 0;
        logger.info('read the SES send quota', { ...quota });
        return quota;
      });
      // A failed reading is not kept: the next send (or the workflow's retry) asks again.
      reading.catch(() => {
        if (this.reading === reading) this.reading = undefined;
      });
      this.reading = reading;
    }
    return this.reading;
  }
}
