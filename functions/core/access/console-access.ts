/**
 * Who may do what in the organizer console. Pure: the console's handler asks these questions after
 * the sign-in was verified (functions/adapters/sign-in/console-auth.ts) and before it reads or writes.
 */

/** The console's roles, as Cognito groups. */
export const CONSOLE_ROLES = ['organizer', 'coordinator', 'leader'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** The Cognito group of each role (a user belongs to one). */
export const ROLE_GROUPS: Readonly<Record<ConsoleRole, string>> = {
  organizer: 'city-organizer',
  coordinator: 'district-coordinator',
  leader: 'leader',
};

/** The role of a user in these groups: the most powerful one (organizer, then coordinator, then leader), if any. */
export const roleOfGroups = (groups: readonly string[]): ConsoleRole | undefined =>
  CONSOLE_ROLES.find((role) => groups.includes(ROLE_GROUPS[role]));

/**
 * The roles that must sign in with a second factor (an authenticator app's code, TOTP): they can
 * change a campaign or see a district's findings. A leader reads the results only, and may add one.
 */
export const SECOND_FACTOR_ROLES: readonly ConsoleRole[] = ['organizer', 'coordinator'];

/** Whether a user of `role` must give an authenticator code at every sign-in. */
export const requiresSecondFactor = (role: ConsoleRole): boolean => SECOND_FACTOR_ROLES.includes(role);

/** A signed-in console user, from a verified token. */
export interface ConsoleUser {
  /** The user pool's subject id: what the audit log records. */
  readonly sub: string;
  readonly username: string;
  readonly role: ConsoleRole;
  /** A district coordinator's district (a center's `district`); absent for other roles. */
  readonly district?: string;
}

/** No valid sign-in: missing, expired, forged or for another pool or client (401). */
export class Unauthorized extends Error {
  override name = 'Unauthorized';
}

/** Signed in, but not allowed to do this here (403). */
export class Forbidden extends Error {
  override name = 'Forbidden';
}

/** What a console user can do. */
export type ConsoleAction = 'view' | 'review' | 'remind' | 'extend' | 'close' | 'rule' | 'publish';

const ACTIONS: Readonly<Record<ConsoleRole, readonly ConsoleAction[]>> = {
  organizer: ['view', 'review', 'remind', 'extend', 'close', 'rule', 'publish'],
  coordinator: ['view', 'review'],
  leader: ['view'],
};

/** Whether the user may take the action; a coordinator only on their own district's centers. */
export const may = (user: ConsoleUser, action: ConsoleAction, scope: { district?: string } = {}): boolean => {
  if (!ACTIONS[user.role].includes(action)) return false;
  if (user.role !== 'coordinator') return true;
  return scope.district !== undefined && scope.district === user.district;
};

/** Throws {@link Forbidden} unless {@link may}. */
export const requireMay = (user: ConsoleUser, action: ConsoleAction, scope: { district?: string } = {}): void => {
  if (!may(user, action, scope)) {
    throw new Forbidden(
      scope.district && user.role === 'coordinator'
        ? `${user.username} coordinates ${user.district ?? 'no district'}, not ${scope.district}`
        : `${user.username} (${user.role}) may not ${action}`,
    );
  }
};
