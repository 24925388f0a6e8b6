import { logger } from '../../adapters/logger.ts';
import {
  answerMfaChallenge,
  beginTotpEnrolment,
  completeNewPassword,
  confirmTotpEnrolment,
  currentConsoleRole,
  revokeRefreshToken,
  type SignedIn,
  type SignInClient,
  signInToConsole,
  verifyConsoleToken,
} from '../../adapters/sign-in/console-auth.ts';
import type { ConsoleSessionStore } from '../../adapters/table/console-sessions.ts';
import { type ConsoleUser, Unauthorized } from '../../core/access/console-access.ts';

/**
 * What the console needs of sign-in: checking a session's token, signing in and answering the
 * challenges a sign-in may bring. `userId` is the user a challenge names (Cognito's USER_ID_FOR_SRP);
 * `client` tells Cognito's threat protection where the user is.
 */
export interface ConsoleAuth {
  /**
   * The user of a session cookie; {@link Unauthorized} when the session is unknown, signed out or
   * expired, or the user's role in the pool is no longer the one the session began with.
   */
  verify: (cookie: string) => Promise<ConsoleUser>;
  /** Begins a server-side session for a sign-in Cognito completed: the cookie's value and the user. */
  open: (signedIn: SignedIn) => Promise<{ cookie: string; user: ConsoleUser }>;
  /** Ends the session of a cookie (signing out); an unknown one is not an error. */
  close: (cookie: string) => Promise<void>;
  signIn: (username: string, password: string, client?: SignInClient) => Promise<SignedIn>;
  /** Answers a first sign-in's new-password challenge with the password chosen. */
  completeNewPassword: (userId: string, session: string, password: string, client?: SignInClient) => Promise<SignedIn>;
  /** Answers an authenticator-app (TOTP) challenge with the code the user typed. */
  answerMfa: (userId: string, session: string, code: string, client?: SignInClient) => Promise<SignedIn>;
  /** Who a sign-in's ID token names, checked as {@link open} checks it, without beginning a session. */
  identify: (idToken: string) => Promise<ConsoleUser>;
  /**
   * Begins setting up an authenticator app for a sign-in that gave no second factor: the secret for
   * the app. The sign-in's refresh token is revoked (the session, once opened, never refreshes).
   */
  beginTotp: (signedIn: SignedIn) => Promise<string>;
  /** Verifies the new authenticator's first code and makes it the account's second factor. */
  confirmTotp: (accessToken: string, code: string) => Promise<void>;
}

/** Revokes a sign-in's refresh token, if it has one; a failure is logged, not thrown. */
const discardRefreshToken = async (signedIn: SignedIn): Promise<void> => {
  if (!signedIn.refreshToken) return;
  await revokeRefreshToken(signedIn.refreshToken).catch((error: unknown) =>
    logger.warn('refresh token not revoked', { error: error instanceof Error ? error.name : String(error) }),
  );
};

/**
 * Sessions in the table, users in the Cognito pool. Each request reads its session and asks the pool
 * for the user's groups (`AdminListGroupsForUser`): a role taken away ends every session of that
 * user at their next request, not when their ID token expires. The refresh token of a sign-in is
 * revoked as soon as its session is stored: the console never refreshes, so nothing Cognito issued
 * outlives the session but the ID token, which the console no longer accepts on its own.
 */
export const createCognitoConsoleAuth = ({
  sessions,
  verifyIdToken = verifyConsoleToken,
  now = () => new Date(),
}: {
  sessions: ConsoleSessionStore;
  /** Checks a sign-in's ID token; Cognito's keys by default. */
  verifyIdToken?: (idToken: string) => Promise<ConsoleUser>;
  now?: () => Date;
}): ConsoleAuth => ({
  verify: async (cookie) => {
    const user = await sessions.get(cookie, now());
    if (!user) throw new Unauthorized('no such session: signed out, expired or never begun');
    const role = await currentConsoleRole(user.username);
    if (role !== user.role) {
      await sessions.delete(cookie);
      throw new Unauthorized(`${user.username} is no longer ${user.role} (now ${role ?? 'in no console group'})`);
    }
    return user;
  },
  open: async (signedIn) => {
    const user = await verifyIdToken(signedIn.idToken);
    const at = now();
    const cookie = await sessions.create(user, new Date(at.getTime() + signedIn.expiresInSeconds * 1000), at);
    await discardRefreshToken(signedIn);
    return { cookie, user };
  },
  identify: verifyIdToken,
  beginTotp: async (signedIn) => {
    await discardRefreshToken(signedIn);
    if (!signedIn.accessToken) throw new Unauthorized('the sign-in brought no access token to set up an authenticator');
    return beginTotpEnrolment(signedIn.accessToken);
  },
  confirmTotp: confirmTotpEnrolment,
  close: (cookie) => sessions.delete(cookie),
  signIn: signInToConsole,
  completeNewPassword,
  answerMfa: answerMfaChallenge,
});
