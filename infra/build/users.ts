import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  type IUserPool,
  type IUserPoolClient,
  Mfa,
  type StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { CONSOLE_ROLES, type ConsoleRole, ROLE_GROUPS } from '../../functions/core/access/console-access.ts';
import { acknowledgeFinding } from '../nag.ts';
import type { SupervisionFunction } from '../supervision-function.ts';
import { toPascalCase } from './functions.ts';

/** What each console group may do, as the pool describes it. */
const CONSOLE_GROUP_DESCRIPTIONS: Readonly<Record<ConsoleRole, string>> = {
  organizer: 'City organizers: watch, remind, extend and close campaigns; review responses; rule on disputes',
  coordinator: 'District coordinators: view and review in their own district (custom:district)',
  leader: 'Leaders: read-only view of the whole city',
};

/** The console's user pool and the app client it signs in with. */
export interface ConsoleUsers {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
}

/**
 * Sets `CONSOLE_USER_POOL_ID` and `CONSOLE_CLIENT_ID` on a function that signs console users in
 * and verifies their ID tokens (functions/adapters/sign-in/console-auth.ts). No IAM grant goes with them:
 * `InitiateAuth` is a public call of the app client, and the pool's signing keys are public.
 */
export function bindConsoleSignIn(fn: SupervisionFunction, userPool: IUserPool, client: IUserPoolClient): void {
  fn.addEnvironment('CONSOLE_USER_POOL_ID', userPool.userPoolId);
  fn.addEnvironment('CONSOLE_CLIENT_ID', client.userPoolClientId);
}

/**
 * The console's user pool: accounts created by administrators only, signed in with a username
 * (or their email) and a strong password; each in the group of their role. Kept when the stack
 * is deleted, like the table: the accounts are the city's.
 */
export function buildConsoleUsers(scope: Construct, threatProtection: StandardThreatProtectionMode): ConsoleUsers {
  const userPool = new UserPool(scope, 'ConsoleUserPool', {
    userPoolName: `${Stack.of(scope).stackName}-console`,
    selfSignUpEnabled: false,
    signInAliases: { username: true, email: true },
    signInCaseSensitive: false,
    standardAttributes: { email: { required: true, mutable: true } },
    autoVerify: { email: true },
    keepOriginal: { email: true },
    customAttributes: {
      // Set by administrators only: the console's client may not write it (see writeAttributes).
      district: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
    },
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
      passwordHistorySize: 5,
    },
    mfa: Mfa.OPTIONAL,
    mfaSecondFactor: { otp: true, sms: false },
    accountRecovery: AccountRecovery.EMAIL_ONLY,
    userInvitation: {
      emailSubject: '督查控制台账号 · Your supervision console account',
      emailBody:
        '用户名 Username: {username}<br>临时密码 Temporary password: {####}<br>首次登录须设置新密码。You will choose a new password at your first sign-in.',
    },
    // A few dozen console users: the Plus plan's per-user price is small, and it scores every sign-in's risk.
    featurePlan: FeaturePlan.PLUS,
    standardThreatProtectionMode: threatProtection,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  addRoleGroups(userPool);
  const client = addConsoleClient(userPool);
  acknowledgeFinding(
    userPool,
    'AwsSolutions-COG2',
    "MFA is optional in the pool (TOTP only, never SMS) because the console itself requires it of the roles that can change a campaign: an organizer's or coordinator's sign-in opens no session until an authenticator app is set up (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference on the sign-in's access token) and, from then on, until Cognito's SOFTWARE_TOKEN_MFA challenge is answered. Leaders (read-only) may add one. Cognito's required mode would ask every account alike. Accounts are created by administrators only, passwords are long and checked against reuse, and threat protection checks them against leaked-credential lists (in audit mode by default).",
  );
  return { userPool, client };
}

/** One group per console role, ranked as the console ranks them. */
function addRoleGroups(userPool: UserPool): void {
  for (const [precedence, role] of CONSOLE_ROLES.entries()) {
    userPool.addGroup(`${toPascalCase(role)}Group`, {
      groupName: ROLE_GROUPS[role],
      description: CONSOLE_GROUP_DESCRIPTIONS[role],
      // Lower is more powerful: organizer, coordinator, leader, as the console ranks them.
      precedence,
    });
  }
}

/** The console's public app client: username and password (or SRP), no secret, ID tokens valid an hour. */
function addConsoleClient(userPool: UserPool): UserPoolClient {
  return userPool.addClient('ConsoleClient', {
    userPoolClientName: 'console',
    authFlows: { userPassword: true, userSrp: true },
    generateSecret: false,
    disableOAuth: true,
    idTokenValidity: Duration.hours(1),
    accessTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.hours(8),
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    // A user may change their own name, never their district or email: those decide what they see.
    writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    // Not enablePropagateAdditionalUserContextData: Cognito allows it only on a client with a secret;
    // without it the user's IP address sent as UserContextData is not used (see consoleThreatProtection).
  });
}
