import { readCookie } from '../../edge/http/cookies.ts';
import type { RouteHandler } from '../../edge/http/types.ts';
import { answerMessage, type ConsoleDeps, langQuery } from './context.ts';
import { formatSessionCookie, respond, SESSION_COOKIE } from './site.ts';

/** POST /console/sign-out: the session ended (if there is one) and its cookie cleared; on to the sign-in page. */
export const signOut =
  (deps: ConsoleDeps): RouteHandler =>
  async (request) => {
    const ending = readCookie(request.event, SESSION_COOKIE);
    if (ending) await deps.auth.close(ending);
    return respond.redirect(`/console/sign-in${langQuery(request)}`, {
      cookies: [formatSessionCookie(request.event, '', 0)],
    });
  };

/** Any other method of /console/sign-out: 405, use the button. */
export const answerUseSignOutButton: RouteHandler = async (request) => answerMessage(request, 405, 'useSignOutButton');
