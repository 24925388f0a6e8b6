import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A sign-in challenge the console hands to the browser in a form (Cognito's session and the user it
 * names), signed so that the console itself can tell a form it issued from a forged one. Cognito
 * checks its own session on AWS; cognito-local, standing in for it on one machine, does not, so the
 * signature is what stops a made-up NEW_PASSWORD_REQUIRED answer from setting someone's password
 * there, and it is checked the same way on AWS.
 */

/** Which form the challenge belongs to: a signature for one form is refused by another. */
export type ChallengeKind = 'new-password' | 'mfa' | 'mfa-setup';

/** How long a signed challenge is accepted: Cognito's own sessions last 3 to 15 minutes. */
export const CHALLENGE_SECONDS = 300;

/** The challenge as the console's forms carry it, in hidden fields. */
export interface ChallengeFields {
  readonly username: string;
  readonly userId: string;
  readonly session: string;
  /** When the signature stops being accepted, in seconds since the epoch. */
  readonly expires: string;
  /** HMAC-SHA256 (base64url) of the kind and the four fields above. */
  readonly sig: string;
}

/** The form's challenge was not signed by this console, or its time is up (the browser signs in again). */
export class ChallengeRefused extends Error {
  override name = 'ChallengeRefused';
  public readonly reason: 'forged' | 'expired';

  public constructor(reason: 'forged' | 'expired', options?: ErrorOptions) {
    super(
      reason === 'forged' ? 'the sign-in form was not issued by the console' : 'the sign-in form has expired',
      options,
    );
    this.reason = reason;
  }
}

/** The key that signs challenges, derived from a secret of the console's environment (apart from its other uses). */
export const challengeKey = (secret: string): Buffer =>
  createHmac('sha256', secret).update('console-sign-in-challenge/v1').digest();

const mac = (key: Buffer, kind: ChallengeKind, f: Omit<ChallengeFields, 'sig'>): string =>
  createHmac('sha256', key)
    .update(JSON.stringify([kind, f.username, f.userId, f.session, f.expires]))
    .digest('base64url');

/** Signs a challenge for the form of `kind`, valid {@link CHALLENGE_SECONDS} from `now`. */
export const signChallenge = (
  key: Buffer,
  kind: ChallengeKind,
  challenge: { username: string; userId: string; session: string },
  now: Date,
): ChallengeFields => {
  const fields = { ...challenge, expires: String(Math.floor(now.getTime() / 1000) + CHALLENGE_SECONDS) };
  return { ...fields, sig: mac(key, kind, fields) };
};

/** Throws {@link ChallengeRefused} unless the form's challenge was signed by `key` for `kind` and is still current. */
export const checkChallenge = (key: Buffer, kind: ChallengeKind, fields: ChallengeFields, now: Date): void => {
  const expected = Buffer.from(mac(key, kind, fields));
  const given = Buffer.from(fields.sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ChallengeRefused('forged');
  if (Number(fields.expires) * 1000 <= now.getTime()) throw new ChallengeRefused('expired');
};
