import * as z from 'zod';
import { MfaCode, MfaCodeRejected } from '../../adapters/sign-in/console-auth.ts';
import { Unauthorized } from '../../core/access/console-access.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import type { RouteHandler } from '../../edge/http/types.ts';
import { answerMfaPage, answerSignInAgain, readChallengeForm } from './challenge.ts';
import type { ConsoleDeps } from './context.ts';
import { answerLocked, countFailure, refuseIfLocked } from './lockout.ts';
import { FORM_HINTS, SIGN_IN } from './messages.ts';
import { openSession, signInClient } from './session.ts';

/** The form of an authenticator code: the 6 digits (its challenge is read apart). */
const MfaForm = lazySchema(() => z.object({ code: MfaCode }));

/**
 * POST /console/mfa: the authenticator code of a sign-in's challenge, unless the username is locked;
 * a session begun, or the form again (a wrong code counts as a failed sign-in).
 */
export const submitMfaCode =
  (deps: ConsoleDeps): RouteHandler =>
  async (request) => {
    const read = await readChallengeForm(deps, request, 'mfa', FORM_HINTS.mfa);
    if (!('challenge' in read)) return read;
    const { fields, challenge } = read;
    const form = MfaForm.safeParse(fields);
    if (!form.success) return answerMfaPage(request, 400, challenge, SIGN_IN.codeHint);
    const { username } = challenge;
    const locked = await refuseIfLocked(deps, request, username);
    if (locked) return locked;
    try {
      const userId = challenge.userId || username;
      const signedIn = await deps.auth.answerMfa(userId, challenge.session, form.data.code, signInClient(request));
      const done = await openSession(deps, request, signedIn, 'sign-in');
      await deps.attempts.clear(username);
      return done;
    } catch (error) {
      if (error instanceof MfaCodeRejected) {
        const until = await countFailure(deps, request, username, 'sign-in.code-failed');
        if (until) return answerLocked(deps, request, username, until);
        return answerMfaPage(request, 401, challenge, SIGN_IN.codeRejected);
      }
      if (error instanceof Unauthorized) return answerSignInAgain(request, 401, username);
      throw error;
    }
  };
