import type { SESClient } from '@aws-sdk/client-ses';
import type { RenderedMail } from '../../core/render/mail/layout.ts';
import { mailHeaderText } from '../../core/responses/text-guard.ts';
import { type Loadable, loadClient } from '../clients/lazy.ts';
import { loadSes } from '../clients/ses.ts';

/** SES refused the recipient or the message for good (no retry will help). */
export class MailRejected extends Error {
  override name = 'MailRejected';
}

/**
 * Lets callers go one at a time, `1000 / perSecond` ms apart, in the order they asked. One timer
 * hands out the slots: when the event loop was held up, the next caller goes as soon as it runs and
 * the one after a whole interval later, never several at once to catch up (a burst that a service
 * counting sends per second would throttle). The rate may be a function that resolves it (e.g. the
 * account's SES quota, which keeps its own reading): it is asked on each wait, never at module load.
 */
export class Pacer {
  /** When the last caller was let go. */
  private last = Number.NEGATIVE_INFINITY;
  private interval = 0;
  private readonly waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  private readonly perSecond: number | (() => Promise<number>);

  constructor(perSecond: number | (() => Promise<number>)) {
    this.perSecond = perSecond;
  }

  /** Resolves when the caller may send. */
  async wait(): Promise<void> {
    const perSecond = typeof this.perSecond === 'number' ? this.perSecond : await this.perSecond();
    this.interval = 1000 / perSecond;
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /**
   * About how long a caller asking now waits for its slot, in ms: the callers already waiting and
   * the one just let go each hold an interval. 0 until the rate is known (the first wait reads it).
   */
  backlogMs(): number {
    return Math.max(0, this.last + this.interval * (this.waiting.length + 1) - Date.now());
  }

  /** Gives the last slot back: the call it was let go for sent nothing, so the next may go at once. */
  refund(): void {
    this.last -= this.interval;
    this.schedule(true);
  }

  /** Leaves one slot empty: the service said the rate is used up, so its window must drain first. */
  slowDown(): void {
    this.last = Math.max(this.last, Date.now()) + this.interval;
    this.schedule(true);
  }

  private schedule(changed = false): void {
    if (changed && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.timer || this.waiting.length === 0) return;
    const due = this.last + this.interval - Date.now();
    if (due > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, due);
      return;
    }
    this.last = Date.now();
    this.waiting.shift()?.();
    this.schedule();
  }
}

/** The account's 24-hour sending quota, as far as the mailer knows it. */
export interface DailyQuota {
  /** Throws when the account cannot send `count` more emails in the current 24 hours. */
  ensureRoomFor(count: number): Promise<void>;
  /** Counts one email handed to SES. */
  recordSent(): void;
}

const REJECTIONS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'ConfigurationSetDoesNotExistException',
  'InvalidParameterValue',
]);
const THROTTLES = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends rendered mail through SES v1 (SendEmail, or SendRawEmail with attachments), paced, with backoff on throttling. */
export class Mailer {
  private readonly ses: Loadable<SESClient>;
  private readonly options: {
    from: string;
    configurationSet?: string;
    pacer: Pacer;
    dailyQuota?: DailyQuota;
    compose?: (from: string, to: readonly string[], mail: RenderedMail) => Promise<Uint8Array>;
  };

  /** `ses` may be a loader (`loadSesClient`): the client and its package are then loaded at the first send. */
  constructor(
    ses: Loadable<SESClient>,
    options: {
      from: string;
      configurationSet?: string;
      pacer: Pacer;
      /** The account's 24-hour quota; without it (an explicit MAX_SEND_RATE) no quota is checked. */
      dailyQuota?: DailyQuota;
      /** Builds the MIME message for mail with attachments (SendRawEmail); without it, such mail is refused. */
      compose?: (from: string, to: readonly string[], mail: RenderedMail) => Promise<Uint8Array>;
    },
  ) {
    this.ses = ses;
    this.options = options;
  }

  /**
   * Throws when the account's 24-hour quota cannot take `count` more emails; call it before a batch
   * claims any email, so that none is claimed and then refused. Checks nothing without a `dailyQuota`.
   */
  async ensureRoomFor(count: number): Promise<void> {
    await this.options.dailyQuota?.ensureRoomFor(count);
  }

  /** About how long the next email waits for its turn under the pacing, in ms. */
  expectedWaitMs(): number {
    return this.options.pacer.backlogMs();
  }

  /**
   * Sends one email; returns the SES message id. Mail with attachments goes out through
   * SendRawEmail as MIME built by the `compose` option; the rest through SendEmail. `onTurn` runs
   * once the pacing lets this email go, right before SES is called (e.g. to claim it in the outbox
   * ledger only then): if it throws, nothing is sent, the slot is given back and the error rethrown.
   */
  async send(
    to: readonly string[],
    mail: RenderedMail,
    tags: Record<string, string>,
    onTurn?: () => Promise<void>,
  ): Promise<string> {
    const sesTags = Object.entries(tags).map(([Name, Value]) => ({
      Name,
      Value: Value.replace(/[^A-Za-z0-9_-]/g, '_'),
    }));
    const { compose } = this.options;
    if (mail.attachments?.length && !compose) throw new Error('this mailer cannot send attachments');
    const raw = mail.attachments?.length && compose ? await compose(this.options.from, to, mail) : undefined;
    const [{ SendEmailCommand, SendRawEmailCommand }, ses] = await Promise.all([loadSes(), loadClient(this.ses)]);
    for (let attempt = 0; ; attempt++) {
      await this.options.pacer.wait();
      if (attempt === 0 && onTurn) {
        try {
          await onTurn();
        } catch (error) {
          this.options.pacer.refund();
          throw error;
        }
      }
      try {
        const out = raw
          ? await ses.send(
              new SendRawEmailCommand({
                Source: this.options.from,
                Destinations: [...to],
                RawMessage: { Data: raw },
                ConfigurationSetName: this.options.configurationSet,
                Tags: sesTags,
              }),
            )
          : await ses.send(
              new SendEmailCommand({
                Source: this.options.from,
                Destination: { ToAddresses: [...to] },
                Message: {
                  Subject: { Data: mailHeaderText(mail.subject), Charset: 'UTF-8' },
                  Body: { Html: { Data: mail.html, Charset: 'UTF-8' }, Text: { Data: mail.text, Charset: 'UTF-8' } },
                },
                ConfigurationSetName: this.options.configurationSet,
                Tags: sesTags,
              }),
            );
        this.options.dailyQuota?.recordSent();
        return out.MessageId ?? '';
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if (REJECTIONS.has(name)) {
          // SES sent nothing, so the rate has room for the next email at once. (Should an account
          // count refused messages too, the next send is throttled and retried below like any other.)
          this.options.pacer.refund();
          throw new MailRejected(`SES rejected the message: ${(error as Error).message}`, { cause: error });
        }
        if (THROTTLES.has(name) && attempt < 6) {
          // Every sender of this container waits one slot more, or the next ones hit the same full window.
          this.options.pacer.slowDown();
          await sleep(Math.random() * Math.min(8_000, 200 * 2 ** attempt));
          continue;
        }
        throw error;
      }
    }
  }
}
