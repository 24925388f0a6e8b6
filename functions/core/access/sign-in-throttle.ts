/**
 * How the console slows a password guesser down, the same on AWS and on one machine (where
 * cognito-local locks nothing out). Counted per username as typed, in the table; pure here.
 */

/** Failed sign-ins of a username before it is locked. */
export const FAILURES_BEFORE_LOCK = 5;
/** A username's failures are forgotten this long after its last one (or at a successful sign-in). */
export const FAILURE_MEMORY_SECONDS = 15 * 60;
/** The longest lock, as Cognito's own lockout tops out near 15 minutes. */
export const MAX_LOCK_SECONDS = 15 * 60;

/** A username's recent failures, as the table keeps them. */
export interface SignInFailures {
  readonly failures: number;
  /** The last failure, ISO 8601. */
  readonly lastFailureAt: string;
}

/**
 * Seconds a username is locked after its last failure: none for the first four, then 60 seconds
 * after the fifth, doubling with each further failure, at most {@link MAX_LOCK_SECONDS}.
 */
export const lockSeconds = (failures: number): number =>
  failures < FAILURES_BEFORE_LOCK ? 0 : Math.min(MAX_LOCK_SECONDS, 60 * 2 ** (failures - FAILURES_BEFORE_LOCK));

/** Until when a username with these failures may not try again; undefined when it may now. */
export const lockedUntil = (record: SignInFailures | undefined, now: Date): Date | undefined => {
  if (!record) return undefined;
  const last = Date.parse(record.lastFailureAt);
  if (last + FAILURE_MEMORY_SECONDS * 1000 <= now.getTime()) return undefined;
  const until = new Date(last + lockSeconds(record.failures) * 1000);
  return until.getTime() > now.getTime() ? until : undefined;
};
