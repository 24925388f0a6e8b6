import * as z from 'zod';
import { MAX_SEND_RATE_LIMIT } from '../../core/campaign/send-rate.ts';
import { loadSesClient } from '../clients/ses.ts';
import { readEnv, requireEnv } from '../config.ts';
import { Mailer, Pacer } from './mailer.ts';
import { AccountQuota } from './send-quota.ts';

/**
 * An explicit cap in emails per second, e.g. to leave room for other senders in the account. Unset
 * (the default on AWS), each container reads the account's own max send rate from SES once.
 */
const maxSendRate = readEnv('MAX_SEND_RATE', z.coerce.number().positive().max(MAX_SEND_RATE_LIMIT).optional());
/** How many mail batches run at once (the Map's MaxConcurrency): each takes its share of the rate. */
const concurrency = readEnv('MAIL_CONCURRENCY', z.coerce.number().int().positive().max(100).default(4));

/**
 * Share of the rate the pacer plans for: timers and the network now and then bunch sends together,
 * and a send over the limit costs a throttled retry with backoff, which loses more than this margin.
 */
export const SEND_RATE_HEADROOM = 0.95;

/** The pacer, and the account's quota when no MAX_SEND_RATE caps the rate; nothing is asked at load. */
const pacing = (): { pacer: Pacer; dailyQuota?: AccountQuota } => {
  const share = SEND_RATE_HEADROOM / concurrency;
  if (maxSendRate !== undefined) return { pacer: new Pacer(maxSendRate * share) };
  const quota = new AccountQuota(loadSesClient);
  return { pacer: new Pacer(async () => (await quota.maxSendRate()) * share), dailyQuota: quota };
};

/** Sender, configuration set, pacer (this batch's share of the send rate) and the account's 24-hour quota. */
export const mailerOptions = {
  from: requireEnv('MAIL_FROM'),
  configurationSet: process.env.SES_CONFIGURATION_SET || undefined,
  ...pacing(),
};

/** The sender of plain (attachment-free) mail; SES is loaded at its first send. */
export const mailer = new Mailer(loadSesClient, mailerOptions);

/** Base URL of the survey API, for the links in emails. */
export const surveyBaseUrl = readEnv('SURVEY_BASE_URL', z.url({ message: 'must be the URL of the survey API' }));
