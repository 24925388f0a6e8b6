import * as z from 'zod';
import { getLinkSecret } from '../../adapters/link-secret.ts';
import { logger } from '../../adapters/logger.ts';
import {
  type ChallengeFields,
  type ChallengeKind,
  ChallengeRefused,
  challengeKey,
  checkChallenge,
  signChallenge,
} from '../../core/access/console-challenge.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import type { LocalizedText } from '../../core/model.ts';
import { renderMfaCodePage, renderSignInPage } from '../../core/render/console/sign-in.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { answerFormRefused, type ConsoleDeps, consolePage } from './context.ts';
import { SIGN_IN, TITLES } from './messages.ts';
import { readForm, respond } from './site.ts';

/** The user a sign-in challenge names; a form from before it was carried falls back to the username. */
const ChallengeUser = lazySchema(() => z.string().trim().max(128).optional());

/** A sign-in challenge as a form sends it back: Cognito's session, the user it names, the console's signature. */
const ChallengeForm = lazySchema(() =>
  z
    .object({
      username: z.string().trim().min(1).max(128),
      userId: ChallengeUser,
      session: z.string().min(20).max(4096),
      expires: z.string().regex(/^\d{1,12}$/),
      sig: z.string().regex(/^[\w-]{43}$/),
    })
    .transform((f): ChallengeFields => ({ ...f, userId: f.userId ?? '' })),
);

/** Signs a challenge Cognito asked for, to be handed to the browser in the form of `kind`. */
export const signChallengeFor = async (
  deps: ConsoleDeps,
  kind: ChallengeKind,
  challenge: { username: string; userId: string; session: string },
): Promise<ChallengeFields> => signChallenge(challengeKey(await getLinkSecret()), kind, challenge, deps.now());

/** A sign-in's challenge gone (expired, forged, or missing from the form): the sign-in page, to start over. */
export const answerSignInAgain = (request: HttpRequest, status: number, username: string): HttpResult =>
  respond.html(status, renderSignInPage(consolePage(request, { error: SIGN_IN.expired }), username));

/** The authenticator-code form for a challenge; `error` when a code was refused. */
export const answerMfaPage = (
  request: HttpRequest,
  status: number,
  challenge: ChallengeFields,
  error?: LocalizedText,
): HttpResult =>
  respond.html(
    status,
    renderMfaCodePage(consolePage(request, error ? { error } : { notice: SIGN_IN.twoStep }), challenge),
  );

/**
 * The challenge a form sent back, once the console has checked it signed it for `kind` and it is
 * current; the sign-in page otherwise.
 */
const readReturnedChallenge = async (
  deps: ConsoleDeps,
  request: HttpRequest,
  kind: ChallengeKind,
  fields: Record<string, string>,
): Promise<ChallengeFields | HttpResult> => {
  const form = ChallengeForm.safeParse(fields);
  if (!form.success) return answerSignInAgain(request, 400, '');
  try {
    checkChallenge(challengeKey(await getLinkSecret()), kind, form.data, deps.now());
  } catch (error) {
    if (!(error instanceof ChallengeRefused)) throw error;
    logger.warn('sign-in challenge refused', { kind, reason: error.reason });
    const forged = error.reason === 'forged';
    return answerSignInAgain(request, forged ? 400 : 401, forged ? '' : form.data.username);
  }
  return form.data;
};

/**
 * A posted challenge form (new password, authenticator code): its fields and the challenge they carry,
 * checked; or the answer to an unreadable form (`hint` says which form to use) or a forged or stale challenge.
 */
export const readChallengeForm = async (
  deps: ConsoleDeps,
  request: HttpRequest,
  kind: ChallengeKind,
  hint: LocalizedText,
): Promise<{ fields: Record<string, string>; challenge: ChallengeFields } | HttpResult> => {
  const fields = readForm(request);
  if (typeof fields === 'string') return answerFormRefused(request, fields, TITLES.notSignedIn, hint);
  const challenge = await readReturnedChallenge(deps, request, kind, fields);
  return 'sig' in challenge ? { fields, challenge } : challenge;
};
