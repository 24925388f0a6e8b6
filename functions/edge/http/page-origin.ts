import { isHttps } from './cookies.ts';
import type { HttpRequest } from './types.ts';

/**
 * The page's own origin, for storage to send a plain form back to: the browser's `Origin` of the form
 * post, else the host it asked for over the scheme it came by (a page's `no-referrer` policy makes a
 * browser send `Origin: null` with a form's POST).
 */
export const pageOriginOf = (request: HttpRequest): string => {
  const headers = request.event.headers;
  try {
    const origin = new URL(String(headers.origin ?? ''));
    if (origin.protocol === 'https:' || origin.protocol === 'http:') return origin.origin;
  } catch {
    // No usable Origin: the host then.
  }
  return `${isHttps(request.event) ? 'https' : 'http'}://${headers.host ?? ''}`;
};
