import * as z from 'zod';
import { readEnv, requireEnv } from './config.ts';
import { Mailer, Pacer } from './mailer.ts';
import { sesClient } from './ses.ts';

/** Emails per second the account may send (SES "max send rate"). */
const maxSendRate = readEnv('MAX_SEND_RATE', z.coerce.number().positive().max(1000).default(14));
/** How many mail batches run at once (the Map's MaxConcurrency): each takes its share of the rate. */
const concurrency = readEnv('MAIL_CONCURRENCY', z.coerce.number().int().positive().max(100).default(4));

/** Sender, configuration set and pacer (this batch's share of the account's send rate). */
export const mailerOptions = {
  from: requireEnv('MAIL_FROM'),
  configurationSet: process.env.SES_CONFIGURATION_SET || undefined,
  pacer: new Pacer(maxSendRate / concurrency),
};

/** The sender of plain (attachment-free) mail. */
export const mailer = new Mailer(sesClient, mailerOptions);

/** Base URL of the survey API, for the links in emails. */
export const surveyBaseUrl = readEnv('SURVEY_BASE_URL', z.url({ message: 'must be the URL of the survey API' }));
