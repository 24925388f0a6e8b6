import type { SignedIn, SignInClient } from '../../adapters/sign-in/console-auth.ts';
import { store } from '../../adapters/table.ts';
import { recordAudit } from '../../app/audit.ts';
import { type ConsoleUser, Unauthorized } from '../../core/access/console-access.ts';
import { readCookie } from '../../edge/http/cookies.ts';
import { type Gate, gated } from '../../edge/http/gate.ts';
import type { HttpRequest, HttpResult, RouteHandler } from '../../edge/http/types.ts';
import type { ConsoleAuth } from './auth.ts';
import { answerMessage, type ConsoleDeps, langQuery, rememberUser, type SessionHandler } from './context.ts';
import { formatSessionCookie, respond, SESSION_COOKIE } from './site.ts';

/**
 * The session gate every page but sign-in's is behind: the session cookie's user, still in the role
 * the session began with. Without one, a page (GET, HEAD) goes to the sign-in page, ending a stale
 * cookie, and anything else is answered 401.
 */
export const sessionGate =
  (auth: ConsoleAuth): Gate<ConsoleUser> =>
  async (request) => {
    const token = readCookie(request.event, SESSION_COOKIE);
    try {
      if (!token) throw new Unauthorized('no session');
      const user = await auth.verify(token);
      rememberUser(request, user);
      return { pass: user };
    } catch (error) {
      if (!(error instanceof Unauthorized)) throw error;
      if (request.method === 'GET' || request.method === 'HEAD') {
        const cookies = token ? [formatSessionCookie(request.event, '', 0)] : undefined;
        return { refuse: respond.redirect(`/console/sign-in${langQuery(request)}`, cookies ? { cookies } : undefined) };
      }
      return { refuse: answerMessage(request, 401, 'signInAgain') };
    }
  };

/** A page or action for signed-in users only: `handler` runs with the user and the console's clock. */
export const signedInOnly = (deps: ConsoleDeps, handler: SessionHandler): RouteHandler =>
  gated(sessionGate(deps.auth), (request, user) => handler(request, { user, now: deps.now }));

/** Where the person signing in is, for Cognito's threat protection: their browser's address, not the function's. */
export const signInClient = (request: HttpRequest): SignInClient => ({
  ipAddress: request.event.requestContext.http.sourceIp,
});

/** A session begun for a sign-in Cognito completed: the user audited (`action`), the cookie set, on to the campaigns. */
export const openSession = async (
  deps: ConsoleDeps,
  request: HttpRequest,
  signedIn: SignedIn,
  action: string,
): Promise<HttpResult> => {
  const { cookie, user } = await deps.auth.open(signedIn);
  await recordAudit(store.audit, {
    campaignId: 'console',
    actor: user,
    at: deps.now().toISOString(),
    action,
    target: user.username,
  });
  return respond.redirect(`/console${langQuery(request)}`, {
    cookies: [formatSessionCookie(request.event, cookie, signedIn.expiresInSeconds)],
  });
};
