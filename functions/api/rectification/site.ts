import { RECTIFICATION_CSP } from '../../core/render/rectification-page.ts';
import { createResponses } from '../../edge/http/responses.ts';
import type { HeaderProfile } from '../../edge/http/security-headers.ts';

/** Largest request body accepted: one note of 1,000 characters fits many times over. */
export const MAX_REPORT_BYTES = 16 * 1024;

/** The rectification pages' protections: their page policy on every answer (JSON and redirects too), no Referer. */
export const RECTIFICATION_HEADERS: HeaderProfile = {
  pageCsp: RECTIFICATION_CSP,
  dataCsp: RECTIFICATION_CSP,
  referrerPolicy: 'no-referrer',
};

/** The rectification links' responses, each with its security headers. */
export const respond = createResponses(RECTIFICATION_HEADERS);
