import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CONSOLE_CSP } from '../../core/render/console/layout.ts';
import { readFormFields } from '../../edge/http/body.ts';
import { formatCookie, isHttps } from '../../edge/http/cookies.ts';
import { createResponses } from '../../edge/http/responses.ts';
import type { HeaderProfile } from '../../edge/http/security-headers.ts';
import type { HttpRequest } from '../../edge/http/types.ts';

/** The session cookie: the id of a session the table holds (never a token), HttpOnly, same-site only. */
export const SESSION_COOKIE = 'console_session';
/** Largest form the console accepts (a comment of 500 characters fits many times over). */
export const MAX_FORM_BYTES = 16 * 1024;

/** The console's protections: its page policy on every answer (redirects and downloads too), Referer to itself only. */
export const CONSOLE_HEADERS: HeaderProfile = {
  pageCsp: CONSOLE_CSP,
  dataCsp: CONSOLE_CSP,
  referrerPolicy: 'same-origin',
};

/** The console's responses, each with its security headers. */
export const respond = createResponses(CONSOLE_HEADERS);

/** The Set-Cookie of the session cookie: `value` for `maxAge` seconds (0 and an empty value end it). */
export const formatSessionCookie = (event: APIGatewayProxyEventV2, value: string, maxAge: number): string =>
  formatCookie(SESSION_COOKIE, value, {
    path: '/console',
    httpOnly: true,
    sameSite: 'Strict',
    maxAge,
    secure: isHttps(event),
  });

/** A posted form's fields (or a JSON object's), at most 16 KB; `unsupported` or `tooLarge` otherwise. */
export const readForm = (request: HttpRequest): Record<string, string> | 'unsupported' | 'tooLarge' =>
  readFormFields(request, MAX_FORM_BYTES);
