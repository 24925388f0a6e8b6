import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Lang } from '../../core/i18n.ts';
import { chooseLang } from '../../core/i18n.ts';

/**
 * Whether a client wants JSON rather than a page: it sent JSON, or it accepts JSON and not HTML (a
 * browser, whose Accept names text/html, always gets pages; a script asking for JSON gets JSON).
 */
export const wantsJson = (headers: APIGatewayProxyEventV2['headers']): boolean => {
  if ((headers['content-type'] ?? '').includes('application/json')) return true;
  const accept = headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
};

/** The language of a request's pages: `?lang=zh|en` first, then the best of Accept-Language, Chinese by default. */
export const chooseLanguage = (event: APIGatewayProxyEventV2): Lang =>
  chooseLang(event.queryStringParameters?.lang, event.headers['accept-language']);
