import type { AuditEntry } from '../../adapters/table/audit.ts';
import { store } from '../../adapters/table.ts';
import { recordAudit } from '../../app/audit.ts';
import { lockedUntil } from '../../core/access/sign-in-throttle.ts';
import { renderSignInPage } from '../../core/render/console/sign-in.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { type ConsoleDeps, consolePage } from './context.ts';
import { lockedOut } from './messages.ts';
import { signInClient } from './session.ts';
import { respond } from './site.ts';

/** Writes a refused sign-in to the sign-in log (beside the successful ones), by the name typed. */
const auditRefusal = (
  deps: ConsoleDeps,
  request: HttpRequest,
  username: string,
  action: string,
  detail: AuditEntry['detail'],
): Promise<void> =>
  recordAudit(store.audit, {
    campaignId: 'console',
    at: deps.now().toISOString(),
    actor: { sub: '', username, role: 'none' },
    action,
    target: username,
    detail: { ip: signInClient(request).ipAddress ?? '', ...detail },
  });

/** The sign-in page saying the username is locked until `until`, with Retry-After (429). */
export const answerLocked = (deps: ConsoleDeps, request: HttpRequest, username: string, until: Date): HttpResult => {
  const seconds = Math.max(1, Math.ceil((until.getTime() - deps.now().getTime()) / 1000));
  return respond.html(429, renderSignInPage(consolePage(request, { error: lockedOut(seconds) }), username), {
    headers: { 'retry-after': String(seconds) },
  });
};

/**
 * The username's lock, checked before Cognito is asked (cognito-local never locks; Cognito's own
 * lockout on AWS comes on top); a locked attempt is audited and refused.
 */
export const refuseIfLocked = async (
  deps: ConsoleDeps,
  request: HttpRequest,
  username: string,
): Promise<HttpResult | undefined> => {
  const until = lockedUntil(await deps.attempts.get(username, deps.now()), deps.now());
  if (!until) return undefined;
  await auditRefusal(deps, request, username, 'sign-in.locked', { until: until.toISOString() });
  return answerLocked(deps, request, username, until);
};

/** Counts and audits a failed password or code; the time the username is now locked until, if it is. */
export const countFailure = async (
  deps: ConsoleDeps,
  request: HttpRequest,
  username: string,
  action: string,
): Promise<Date | undefined> => {
  const failures = await deps.attempts.recordFailure(username, deps.now());
  await auditRefusal(deps, request, username, action, { failures: failures.failures });
  return lockedUntil(failures, deps.now());
};
