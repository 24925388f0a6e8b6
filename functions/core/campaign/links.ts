import { createHash, createHmac } from 'node:crypto';

/**
 * Survey links carry a capability token: HMAC-SHA256 of the assignment under the deployment's link
 * secret (256 bits, base64url). Links can be re-issued in reminders without storing any token;
 * the table keeps only SHA-256 hashes, so a copy of the table opens no survey.
 */
export const deriveToken = (secret: string, campaignId: string, assignmentId: string): string =>
  createHmac('sha256', secret).update(`survey\u0000${campaignId}\u0000${assignmentId}`).digest('base64url');

/** The hash under which a token is stored and looked up. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Token shape: 43 base64url characters (256 bits). Anything else is treated as unknown. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Builds the personal survey link for a token; with a language, the link opens the survey in it (the
 * page reads `?lang=`), as the supervisor's emails are written in it.
 */
export const surveyUrl = (baseUrl: string, token: string, lang?: 'zh' | 'en'): string =>
  `${baseUrl.replace(/\/+$/, '')}/s/${token}${lang ? `?lang=${lang}` : ''}`;
