import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import * as z from 'zod';
import { getLinkSecret } from '../../adapters/link-secret.ts';
import { logger } from '../../adapters/logger.ts';
import { MfaCode, MfaCodeRejected, type SignedIn } from '../../adapters/sign-in/console-auth.ts';
import { store } from '../../adapters/table.ts';
import { recordAudit } from '../../app/audit.ts';
import { type ConsoleUser, requiresSecondFactor, Unauthorized } from '../../core/access/console-access.ts';
import { ChallengeRefused } from '../../core/access/console-challenge.ts';
import {
  enrolmentKey,
  groupSecret,
  openEnrolment,
  otpauthUri,
  type PendingEnrolment,
  qrCodeSvg,
  sealEnrolment,
} from '../../core/access/totp-enrolment.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import type { LocalizedText } from '../../core/model.ts';
import { renderMfaSetupPage } from '../../core/render/console/sign-in.ts';
import type { HttpRequest, HttpResult, RouteHandler } from '../../edge/http/types.ts';
import { answerSignInAgain } from './challenge.ts';
import { answerFormRefused, type ConsoleDeps, consolePage } from './context.ts';
import { answerLocked, countFailure, refuseIfLocked } from './lockout.ts';
import { FORM_HINTS, SIGN_IN, TITLES } from './messages.ts';
import { openSession } from './session.ts';
import { readForm, respond } from './site.ts';

/** The name authenticator apps list the console's codes under. */
const ISSUER = 'service-supervision';

/** The set-up form: the sealed sign-in and the app's first code. */
const SetupForm = lazySchema(() => z.object({ enrolment: z.string().min(40).max(12_000), code: MfaCode }));

/** The set-up page for a sealed sign-in; `error` when a code was refused. */
const answerSetupPage = async (
  deps: ConsoleDeps,
  request: HttpRequest,
  status: number,
  enrolment: PendingEnrolment,
  message: { error: LocalizedText } | { notice: LocalizedText },
): Promise<HttpResult> => {
  const page = consolePage(request, message);
  const uri = otpauthUri(ISSUER, enrolment.username, enrolment.secret);
  return respond.html(
    status,
    renderMfaSetupPage(page, {
      username: enrolment.username,
      key: groupSecret(enrolment.secret),
      otpauthUri: uri,
      qrSvg: await qrCodeSvg(uri, page.lang === 'en' ? 'QR code for your authenticator app' : '身份验证器应用的二维码'),
      enrolment: sealEnrolment(enrolmentKey(await getLinkSecret()), enrolment, deps.now()),
    }),
  );
};

/** When the ID token of a sign-in expires, in seconds since the epoch. */
const tokenEnds = (signedIn: SignedIn, now: Date): number => {
  try {
    const { exp } = decomposeUnverifiedJwt(signedIn.idToken).payload;
    if (typeof exp === 'number') return exp;
  } catch {
    // Not a JWT to read: the sign-in's own count of seconds stands.
  }
  return Math.floor(now.getTime() / 1000) + signedIn.expiresInSeconds;
};

/** A sign-in without a second factor by a role that needs one: the authenticator set-up page. */
const beginEnrolment = async (
  deps: ConsoleDeps,
  request: HttpRequest,
  signedIn: SignedIn,
  user: ConsoleUser,
): Promise<HttpResult> => {
  if (!signedIn.accessToken) throw new Unauthorized('the sign-in brought no access token');
  const secret = await deps.auth.beginTotp(signedIn);
  const enrolment: PendingEnrolment = {
    username: user.username,
    secret,
    idToken: signedIn.idToken,
    accessToken: signedIn.accessToken,
    sessionEnds: tokenEnds(signedIn, deps.now()),
  };
  return answerSetupPage(deps, request, 200, enrolment, { notice: SIGN_IN.setUpTwoStep });
};

/**
 * The end of a sign-in Cognito completed: a session begun (`action` audited), unless the user's role
 * must give a second factor and this sign-in gave none, when the authenticator is set up first.
 */
export const finishSignIn = async (
  deps: ConsoleDeps,
  request: HttpRequest,
  signedIn: SignedIn,
  action: string,
): Promise<HttpResult> => {
  if (!signedIn.secondFactor) {
    const user = await deps.auth.identify(signedIn.idToken);
    if (requiresSecondFactor(user.role)) return beginEnrolment(deps, request, signedIn, user);
  }
  return openSession(deps, request, signedIn, action);
};

/** The sealed sign-in a set-up form sent back, or the sign-in page when it is forged or stale. */
const readEnrolment = async (
  deps: ConsoleDeps,
  request: HttpRequest,
  sealed: string,
): Promise<PendingEnrolment | HttpResult> => {
  try {
    return openEnrolment(enrolmentKey(await getLinkSecret()), sealed, deps.now());
  } catch (error) {
    if (!(error instanceof ChallengeRefused)) throw error;
    logger.warn('authenticator set-up refused', { reason: error.reason });
    return answerSignInAgain(request, error.reason === 'forged' ? 400 : 401, '');
  }
};

/**
 * POST /console/mfa-setup: the first code of the new authenticator, under the sealed sign-in the form
 * carries; the authenticator made the account's second factor (audited) and a session begun, or the
 * page again (a wrong code counts as a failed sign-in).
 */
export const submitMfaSetup =
  (deps: ConsoleDeps): RouteHandler =>
  async (request) => {
    const fields = readForm(request);
    if (typeof fields === 'string') return answerFormRefused(request, fields, TITLES.notSignedIn, FORM_HINTS.mfaSetup);
    const enrolment = await readEnrolment(deps, request, typeof fields.enrolment === 'string' ? fields.enrolment : '');
    if (!('secret' in enrolment)) return enrolment;
    const form = SetupForm.safeParse(fields);
    if (!form.success) return answerSetupPage(deps, request, 400, enrolment, { error: SIGN_IN.codeHint });
    const { username } = enrolment;
    const locked = await refuseIfLocked(deps, request, username);
    if (locked) return locked;
    try {
      await deps.auth.confirmTotp(enrolment.accessToken, form.data.code);
    } catch (error) {
      if (error instanceof MfaCodeRejected) {
        const until = await countFailure(deps, request, username, 'sign-in.code-failed');
        if (until) return answerLocked(deps, request, username, until);
        return answerSetupPage(deps, request, 401, enrolment, { error: SIGN_IN.codeRejected });
      }
      if (error instanceof Unauthorized) return answerSignInAgain(request, 401, username);
      throw error;
    }
    const user = await deps.auth.identify(enrolment.idToken);
    await recordAudit(store.audit, {
      campaignId: 'console',
      actor: user,
      at: deps.now().toISOString(),
      action: 'sign-in.authenticator-set-up',
      target: user.username,
    });
    await deps.attempts.clear(username);
    const expiresInSeconds = Math.max(0, enrolment.sessionEnds - Math.floor(deps.now().getTime() / 1000));
    const signedIn = { idToken: enrolment.idToken, accessToken: enrolment.accessToken, expiresInSeconds };
    return openSession(deps, request, { ...signedIn, secondFactor: true }, 'sign-in');
  };
