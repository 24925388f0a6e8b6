import { SURVEY_CSP } from '../../core/render/survey/assets.ts';
import { createResponses } from '../../edge/http/responses.ts';
import { DATA_CSP, type HeaderProfile } from '../../edge/http/security-headers.ts';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The survey's protections: its page policy (inline script and style by hash), no Referer, no camera or location. */
export const SURVEY_HEADERS: HeaderProfile = {
  pageCsp: SURVEY_CSP,
  dataCsp: DATA_CSP,
  referrerPolicy: 'no-referrer',
  permissionsPolicy: 'camera=(), microphone=(), geolocation=()',
};

/** The survey's responses, each with its security headers. */
export const respond = createResponses(SURVEY_HEADERS);
