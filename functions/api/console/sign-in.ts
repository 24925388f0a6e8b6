import * as z from 'zod';
import { MfaCodeRequired, PasswordChangeRequired } from '../../adapters/sign-in/console-auth.ts';
import { Unauthorized } from '../../core/access/console-access.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { renderNewPasswordPage, renderSignInPage } from '../../core/render/console/sign-in.ts';

import type { HttpRequest, HttpResult, RouteHandler } from '../../edge/http/types.ts';
import { answerMfaPage, signChallengeFor } from './challenge.ts';
import { answerFormRefused, type ConsoleDeps, consolePage } from './context.ts';
import { answerLocked, countFailure, refuseIfLocked } from './lockout.ts';
import { FORM_HINTS, SIGN_IN, TITLES } from './messages.ts';
import { finishSignIn } from './mfa-setup.ts';
import { signInClient } from './session.ts';
import { readForm, respond } from './site.ts';

/** GET /console/sign-in: the sign-in form, in a module of its own (the first page a cold console serves). */
export { showSignIn } from './sign-in-page.ts';

const SignInForm = lazySchema(() =>
  z.object({
    username: z.string().trim().min(1, 'enter your username').max(128),
    password: z.string().min(1, 'enter your password').max(256),
  }),
);

/**
 * A sign-in Cognito refused or took further: a wrong password counted (and the username locked after
 * too many), the authenticator-code form, or a first sign-in's new-password form.
 */
const answerSignInRefused = async (
  deps: ConsoleDeps,
  request: HttpRequest,
  username: string,
  error: unknown,
): Promise<HttpResult> => {
  if (error instanceof Unauthorized) {
    const until = await countFailure(deps, request, username, 'sign-in.failed');
    if (until) return answerLocked(deps, request, username, until);
    return respond.html(401, renderSignInPage(consolePage(request, { error: SIGN_IN.wrongCredentials }), username));
  }
  if (error instanceof MfaCodeRequired && error.session) {
    const challenge = await signChallengeFor(deps, 'mfa', { username, userId: error.userId, session: error.session });
    return answerMfaPage(request, 200, challenge);
  }
  if (error instanceof PasswordChangeRequired && !error.session) {
    // Cognito always sends the challenge's session; without one there is nothing to answer it with.
    return respond.html(403, renderSignInPage(consolePage(request, { error: SIGN_IN.mustChangePassword }), username));
  }
  if (error instanceof PasswordChangeRequired) {
    const challenge = await signChallengeFor(deps, 'new-password', {
      username,
      userId: error.userId,
      session: error.session ?? '',
    });
    return respond.html(
      200,
      renderNewPasswordPage(consolePage(request, { notice: SIGN_IN.firstSignIn }), {
        ...challenge,
        rules: SIGN_IN.newPasswordRules,
      }),
    );
  }
  throw error;
};

/**
 * POST /console/sign-in: username and password, unless the username is locked; a session begun, or
 * the answer to what Cognito said.
 */
export const signIn =
  (deps: ConsoleDeps): RouteHandler =>
  async (request) => {
    const fields = readForm(request);
    if (typeof fields === 'string') return answerFormRefused(request, fields, TITLES.notSignedIn, FORM_HINTS.signIn);
    const form = SignInForm.safeParse(fields);
    if (!form.success) {
      const page = consolePage(request, { error: SIGN_IN.enterCredentials });
      return respond.html(400, renderSignInPage(page, fields.username ?? ''));
    }
    const { username, password } = form.data;
    const locked = await refuseIfLocked(deps, request, username);
    if (locked) return locked;
    try {
      const signedIn = await deps.auth.signIn(username, password, signInClient(request));
      const done = await finishSignIn(deps, request, signedIn, 'sign-in');
      await deps.attempts.clear(username);
      return done;
    } catch (error) {
      return answerSignInRefused(deps, request, username, error);
    }
  };
