import * as z from 'zod';
import { MfaCodeRequired, NewPassword, PasswordRejected } from '../../adapters/sign-in/console-auth.ts';
import { Unauthorized } from '../../core/access/console-access.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import type { LocalizedText } from '../../core/model.ts';
import { renderNewPasswordPage } from '../../core/render/console/sign-in.ts';
import type { HttpResult, RouteHandler } from '../../edge/http/types.ts';
import { answerMfaPage, answerSignInAgain, readChallengeForm, signChallengeFor } from './challenge.ts';
import { type ConsoleDeps, consolePage } from './context.ts';
import { FORM_HINTS, SIGN_IN } from './messages.ts';
import { finishSignIn } from './mfa-setup.ts';
import { signInClient } from './session.ts';
import { respond } from './site.ts';

/** The form of a first sign-in's new password: the password twice (its challenge is read apart). */
const NewPasswordForm = lazySchema(() =>
  z
    .object({ password: NewPassword, confirm: z.string().max(256) })
    .refine((f) => f.password === f.confirm, { path: ['confirm'], message: 'the two passwords differ' }),
);

/**
 * POST /console/new-password: a first sign-in's new password, chosen under the challenge the form
 * carries; a session begun, the authenticator-code form, or the form again with what is wrong.
 */
export const setNewPassword =
  (deps: ConsoleDeps): RouteHandler =>
  async (request) => {
    const read = await readChallengeForm(deps, request, 'new-password', FORM_HINTS.newPassword);
    if (!('challenge' in read)) return read;
    const { fields, challenge } = read;
    const again = (status: number, error: LocalizedText): HttpResult =>
      respond.html(
        status,
        renderNewPasswordPage(consolePage(request, { error }), { ...challenge, rules: SIGN_IN.newPasswordRules }),
      );
    const form = NewPasswordForm.safeParse(fields);
    if (!form.success) {
      const invalid = new Set(form.error.issues.map((i) => String(i.path[0])));
      return again(400, invalid.has('password') ? SIGN_IN.newPasswordRules : SIGN_IN.passwordsDiffer);
    }
    try {
      const userId = challenge.userId || challenge.username;
      const signedIn = await deps.auth.completeNewPassword(
        userId,
        challenge.session,
        form.data.password,
        signInClient(request),
      );
      return await finishSignIn(deps, request, signedIn, 'password.set');
    } catch (error) {
      if (error instanceof PasswordRejected) return again(400, SIGN_IN.newPasswordRules);
      if (error instanceof MfaCodeRequired && error.session) {
        const next = { username: challenge.username, userId: error.userId, session: error.session };
        return answerMfaPage(request, 200, await signChallengeFor(deps, 'mfa', next));
      }
      if (error instanceof Unauthorized) return answerSignInAgain(request, 401, challenge.username);
      throw error;
    }
  };
