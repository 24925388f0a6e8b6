import type {
  InitiateAuthCommandOutput,
  RespondToAuthChallengeCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import * as z from 'zod';
import { type ConsoleRole, type ConsoleUser, roleOfGroups, Unauthorized } from '../../core/access/console-access.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { lazy } from '../clients/lazy.ts';
import { requestHandler } from '../clients/request-handler.ts';
import { type ConsoleAuthConfig, readConsoleAuthConfig } from './console-auth-config.ts';
import { type ConsoleTokenVerifier, createConsoleTokenVerifier } from './console-token.ts';

/**
 * A sign-in challenge to answer: Cognito's short-lived session, and the user it names
 * (`ChallengeParameters.USER_ID_FOR_SRP`, the pool's username even when the user typed an e-mail
 * alias), which the answer must send as `USERNAME`. Neither is secret; the user id cannot be moved to
 * another user's challenge, as Cognito checks it against the session it issued.
 */
export interface SignInChallenge {
  readonly session: string | undefined;
  readonly userId: string;
}

/** A challenge Cognito asked for after a right password: its short-lived session and the user it names. */
abstract class ChallengeRequired extends Error implements SignInChallenge {
  /** Answers the challenge (`RespondToAuthChallenge`); short-lived. */
  public readonly session: string | undefined;
  /** The user the challenge names, to be sent back as `USERNAME`. */
  public readonly userId: string;

  public constructor(message: string, challenge: SignInChallenge, options?: ErrorOptions) {
    super(message, options);
    this.session = challenge.session;
    this.userId = challenge.userId;
  }
}

/** The password is right, but the account must choose a new one (`NEW_PASSWORD_REQUIRED`) before it may sign in. */
export class PasswordChangeRequired extends ChallengeRequired {
  override name = 'PasswordChangeRequired';
}

/** The password is right and the account has an authenticator app (`SOFTWARE_TOKEN_MFA`): its current code is needed. */
export class MfaCodeRequired extends ChallengeRequired {
  override name = 'MfaCodeRequired';
}

/** The authenticator code was wrong or no longer current; the challenge may be answered again. */
export class MfaCodeRejected extends Error {
  override name = 'MfaCodeRejected';
}

/**
 * What Cognito's threat protection is told of the person signing in: the address of their browser
 * (API Gateway's `requestContext.http.sourceIp`), not the Lambda function's.
 */
export interface SignInClient {
  readonly ipAddress?: string;
}

/** A 6-digit code of an authenticator app (TOTP), as the MFA form sends it. */
export const MfaCode = lazySchema(() =>
  z
    .string()
    .transform((code) => code.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'the 6 digits your authenticator app shows')),
);

let config: ConsoleAuthConfig | undefined;
let defaultVerifier: ConsoleTokenVerifier | undefined;
// Read at first use, not at load: modules that import this one without signing anyone in need no pool.
const consoleAuthConfig = (): ConsoleAuthConfig => {
  config ??= readConsoleAuthConfig();
  return config;
};

/**
 * Verifies a console ID token (signature, expiry, issuer, app client, `token_use`) against the pool
 * of `CONSOLE_USER_POOL_ID`; the pool's keys are fetched once and cached. Throws {@link Unauthorized}.
 */
export const verifyConsoleToken = (jwt: string): Promise<ConsoleUser> => {
  defaultVerifier ??= createConsoleTokenVerifier(consoleAuthConfig());
  return defaultVerifier.verify(jwt);
};

/**
 * The Cognito user pools package and its client (`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`
 * locally), loaded at the first call that needs them and created once per process.
 */
export const loadCognito = lazy(async () => {
  const sdk = await import('@aws-sdk/client-cognito-identity-provider');
  return { sdk, client: new sdk.CognitoIdentityProviderClient({ maxAttempts: 3, requestHandler }) };
});

const WRONG_CREDENTIALS = 'wrong username or password';
/**
 * Refusals that must not tell whether the account exists. Cognito answers a wrong password with
 * NotAuthorizedException; cognito-local (the embedded cloud's) with InvalidPasswordException.
 */
const CREDENTIAL_ERRORS = new Set(['NotAuthorizedException', 'UserNotFoundException', 'InvalidPasswordException']);

/** Seconds until the ID token expires, read from its `exp` (the response's `ExpiresIn` is the access token's). */
const secondsLeft = (idToken: string, fallback: number | undefined): number => {
  try {
    const { exp } = decomposeUnverifiedJwt(idToken).payload;
    if (typeof exp === 'number') return Math.max(0, Math.floor(exp - Date.now() / 1000));
  } catch {
    // A token that does not decode is reported by the verifier on its first use.
  }
  return fallback ?? 0;
};

/**
 * A sign-in Cognito completed: the ID token that says who signed in, and the access and refresh
 * tokens that came with it (the console begins its own session and revokes the refresh token).
 */
export interface SignedIn {
  readonly idToken: string;
  readonly expiresInSeconds: number;
  readonly accessToken?: string;
  readonly refreshToken?: string;
  /** The sign-in answered an authenticator code (or set one up): both factors were given. */
  readonly secondFactor?: boolean;
}

/** The tokens of a completed sign-in, as {@link SignedIn}. */
const signedInFrom = (
  result: { IdToken?: string; AccessToken?: string; RefreshToken?: string; ExpiresIn?: number } | undefined,
  what: string,
): SignedIn => {
  const idToken = result?.IdToken;
  if (!idToken) throw new Error(`Cognito answered ${what} without an ID token`);
  return {
    idToken,
    expiresInSeconds: secondsLeft(idToken, result?.ExpiresIn),
    ...(result?.AccessToken ? { accessToken: result.AccessToken } : {}),
    ...(result?.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
  };
};

/**
 * The console role the user pool gives `username` now (`AdminListGroupsForUser`), or undefined when
 * they are in no console group or no longer exist. Needs `cognito-idp:AdminListGroupsForUser` on the pool.
 */
export const currentConsoleRole = async (username: string): Promise<ConsoleRole | undefined> => {
  const { userPoolId } = consoleAuthConfig();
  const { client: cognito, sdk } = await loadCognito();
  try {
    const out = await cognito.send(
      new sdk.AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username, Limit: 60 }),
    );
    return roleOfGroups((out.Groups ?? []).flatMap((g) => (g.GroupName ? [g.GroupName] : [])));
  } catch (error) {
    if (error instanceof Error && error.name === 'UserNotFoundException') return undefined;
    throw error;
  }
};

/** Revokes a refresh token (and, on Cognito, the access tokens issued with it); a public call of the app client. */
export const revokeRefreshToken = async (token: string): Promise<void> => {
  const { clientId } = consoleAuthConfig();
  const { client: cognito, sdk } = await loadCognito();
  await cognito.send(new sdk.RevokeTokenCommand({ ClientId: clientId, Token: token }));
};

/** Cognito refused the new password: its policy, or one of the account's recent passwords. */
export class PasswordRejected extends Error {
  override name = 'PasswordRejected';
}

/** What the user pool asks of a new password (the stack's `passwordPolicy`), checked before Cognito is asked. */
export const NewPassword = lazySchema(() =>
  z
    .string()
    .min(12, 'at least 12 characters')
    .max(256, 'at most 256 characters')
    .regex(/[a-z]/, 'a lowercase letter')
    .regex(/[A-Z]/, 'an uppercase letter')
    .regex(/[0-9]/, 'a digit')
    .regex(/[^A-Za-z0-9\s]/, 'a symbol'),
);

/** Cognito's threat protection context for a client: its IP address, when known. */
const userContextData = (client: SignInClient | undefined) =>
  client?.ipAddress ? { UserContextData: { IpAddress: client.ipAddress } } : {};

/** The challenge Cognito asked for, as the error the console answers with a form. */
const challengeOf = (
  out: { ChallengeName?: string; Session?: string; ChallengeParameters?: Record<string, string> },
  typed: string,
): Error | undefined => {
  // Signed in with an e-mail alias, the challenge names the pool's username, not what was typed.
  const challenge = { session: out.Session, userId: out.ChallengeParameters?.USER_ID_FOR_SRP || typed };
  if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
    return new PasswordChangeRequired(`${typed} must choose a new password before signing in`, challenge);
  }
  if (out.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
    return new MfaCodeRequired(`${typed} must give the code of their authenticator app`, challenge);
  }
  if (out.ChallengeName) {
    return new Unauthorized(`sign-in asks for ${out.ChallengeName}, which the console does not support`);
  }
  return undefined;
};

/**
 * Answers the `NEW_PASSWORD_REQUIRED` challenge of a first sign-in with the password the user chose,
 * and returns the ID token. `userId` is the challenge's `USER_ID_FOR_SRP` ({@link PasswordChangeRequired.userId}).
 * Throws {@link Unauthorized} when the challenge's session is no longer valid (it lasts minutes),
 * {@link PasswordRejected} when the pool refuses the password, and {@link MfaCodeRequired} when the
 * account must then give an authenticator code.
 */
export const completeNewPassword = (
  userId: string,
  session: string,
  newPassword: string,
  client?: SignInClient,
): Promise<SignedIn> =>
  respondToChallenge(
    { name: 'NEW_PASSWORD_REQUIRED', userId, session, client, what: 'the new password' },
    { NEW_PASSWORD: newPassword },
    (error) => {
      if (error.name === 'InvalidPasswordException') return new PasswordRejected(error.message, { cause: error });
      if (CREDENTIAL_ERRORS.has(error.name) || error.name === 'CodeMismatchException')
        return new Unauthorized('the sign-in expired before the new password was chosen: sign in again', {
          cause: error,
        });
      return undefined;
    },
  );

/**
 * Answers the `SOFTWARE_TOKEN_MFA` challenge with the code of the user's authenticator app and
 * returns the ID token. `userId` is the challenge's `USER_ID_FOR_SRP` ({@link MfaCodeRequired.userId}).
 * Throws {@link MfaCodeRejected} for a wrong or no longer current code, and {@link Unauthorized}
 * when the challenge's session is no longer valid (it lasts minutes).
 */
export const answerMfaChallenge = async (
  userId: string,
  session: string,
  code: string,
  client?: SignInClient,
): Promise<SignedIn> => ({
  ...(await respondToChallenge(
    { name: 'SOFTWARE_TOKEN_MFA', userId, session, client, what: 'the authenticator code' },
    { SOFTWARE_TOKEN_MFA_CODE: code },
    (error) => {
      if (error.name === 'CodeMismatchException')
        return new MfaCodeRejected('the authenticator code is wrong or no longer current', { cause: error });
      if (CREDENTIAL_ERRORS.has(error.name) || error.name === 'ExpiredCodeException')
        return new Unauthorized('the sign-in expired before the authenticator code was given: sign in again', {
          cause: error,
        });
      return undefined;
    },
  )),
  secondFactor: true,
});

/**
 * Answers one challenge of a sign-in for `userId` (the challenge's `USER_ID_FOR_SRP`), turning Cognito's
 * refusals into the console's named errors with `refused`; a further challenge is thrown as its error.
 */
const respondToChallenge = async (
  challenge: {
    name: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA';
    userId: string;
    session: string;
    client: SignInClient | undefined;
    /** What the user gave, for the message of an answer without tokens. */
    what: string;
  },
  responses: Record<string, string>,
  refused: (error: Error) => Error | undefined,
): Promise<SignedIn> => {
  const { clientId } = consoleAuthConfig();
  const { client: cognito, sdk } = await loadCognito();
  let out: RespondToAuthChallengeCommandOutput;
  try {
    out = await cognito.send(
      new sdk.RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: challenge.name,
        Session: challenge.session,
        ChallengeResponses: { USERNAME: challenge.userId, ...responses },
        ...userContextData(challenge.client),
      }),
    );
  } catch (error) {
    throw (error instanceof Error ? refused(error) : undefined) ?? error;
  }
  const next = challengeOf(out, challenge.userId);
  if (next) throw next;
  return signedInFrom(out.AuthenticationResult, challenge.what);
};

/**
 * Signs a console user in with username and password (`USER_PASSWORD_AUTH`) and returns the ID
 * token. Throws {@link Unauthorized} (`wrong username or password` whether or not the account
 * exists), {@link PasswordChangeRequired} or {@link MfaCodeRequired}. `client` tells Cognito's
 * threat protection where the user is.
 */
export const signInToConsole = async (username: string, password: string, client?: SignInClient): Promise<SignedIn> => {
  const { clientId } = consoleAuthConfig();
  if (username.trim() === '' || password === '') throw new Unauthorized(WRONG_CREDENTIALS);
  const { client: cognito, sdk } = await loadCognito();
  let out: InitiateAuthCommandOutput;
  try {
    out = await cognito.send(
      new sdk.InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
        ...userContextData(client),
      }),
    );
  } catch (error) {
    if (error instanceof Error && CREDENTIAL_ERRORS.has(error.name)) {
      throw new Unauthorized(WRONG_CREDENTIALS, { cause: error });
    }
    if (error instanceof Error && error.name === 'PasswordResetRequiredException') {
      throw new Unauthorized('the password was reset: choose a new one with the code sent to you', { cause: error });
    }
    if (error instanceof Error && error.name === 'UserNotConfirmedException') {
      throw new Unauthorized('the account is not confirmed yet', { cause: error });
    }
    throw error;
  }
  const challenge = challengeOf(out, username);
  if (challenge) throw challenge;
  return signedInFrom(out.AuthenticationResult, 'the sign-in');
};

/**
 * Begins setting up an authenticator app for the user of `accessToken` (`AssociateSoftwareToken`):
 * the secret (base32) the app is to be given. Throws {@link Unauthorized} when the token is no longer valid.
 */
export const beginTotpEnrolment = async (accessToken: string): Promise<string> => {
  const { client: cognito, sdk } = await loadCognito();
  try {
    const out = await cognito.send(new sdk.AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    if (!out.SecretCode) throw new Error('Cognito set up an authenticator without a secret');
    return out.SecretCode;
  } catch (error) {
    if (error instanceof Error && CREDENTIAL_ERRORS.has(error.name))
      throw new Unauthorized('the sign-in expired before the authenticator was set up: sign in again', {
        cause: error,
      });
    throw error;
  }
};

/** Refusals of a set-up's first code: Cognito's, and cognito-local's. */
const ENROLMENT_CODE_ERRORS = new Set(['EnableSoftwareTokenMFAException', 'CodeMismatchException']);

/**
 * Finishes setting up the authenticator: its first code verified (`VerifySoftwareToken`), then made
 * the user's second factor, asked at every sign-in (`SetUserMFAPreference`). Throws
 * {@link MfaCodeRejected} for a wrong code and {@link Unauthorized} when the token is no longer valid.
 */
export const confirmTotpEnrolment = async (accessToken: string, code: string): Promise<void> => {
  const { client: cognito, sdk } = await loadCognito();
  try {
    const out = await cognito.send(
      new sdk.VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code, FriendlyDeviceName: 'console' }),
    );
    if (out.Status !== 'SUCCESS') throw new MfaCodeRejected('the authenticator code is wrong or no longer current');
    await cognito.send(
      new sdk.SetUserMFAPreferenceCommand({
        AccessToken: accessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
  } catch (error) {
    if (error instanceof Error && ENROLMENT_CODE_ERRORS.has(error.name))
      throw new MfaCodeRejected('the authenticator code is wrong or no longer current', { cause: error });
    if (error instanceof Error && CREDENTIAL_ERRORS.has(error.name))
      throw new Unauthorized('the sign-in expired before the authenticator was set up: sign in again', {
        cause: error,
      });
    throw error;
  }
};
