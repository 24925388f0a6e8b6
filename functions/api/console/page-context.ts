/**
 * What every console page needs to be drawn, and nothing that reads the table: who is signed in for this
 * request, the page's language and path. Light on purpose: the sign-in page, the first a cold console
 * serves, loads this and not the session gate or the stores.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ConsoleUser } from '../../core/access/console-access.ts';
import type { ConsolePageContext } from '../../core/render/console/layout.ts';
import type { HttpRequest } from '../../edge/http/types.ts';

// The user the session gate let through, per request: every page of that request (error pages too) shows them.
const signedInUsers = new WeakMap<HttpRequest, ConsoleUser>();

/** Records who is signed in for the rest of the request. */
export const rememberUser = (request: HttpRequest, user: ConsoleUser): void => {
  signedInUsers.set(request, user);
};

/** The page's own path, without trailing slashes (for the language switch). */
const pagePath = (event: APIGatewayProxyEventV2): string => event.rawPath.replace(/\/+$/, '') || '/console';

/** What the layout needs: the language, the page's path and, once the session gate let the request through, the user. */
export const consolePage = (
  request: HttpRequest,
  more: Pick<ConsolePageContext, 'notice' | 'error'> = {},
): ConsolePageContext => {
  const user = signedInUsers.get(request);
  return { lang: request.lang, path: pagePath(request.event), ...(user ? { user } : {}), ...more };
};

/** The user the session gate let through for this request, if it did. */
export const signedInUser = (request: HttpRequest): ConsoleUser | undefined => signedInUsers.get(request);

/** `?lang=<the page's language>`, to keep the language across links and redirects. */
export const langQuery = (request: HttpRequest): string => `?lang=${request.lang}`;
