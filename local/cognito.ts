import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Config } from 'cognito-local/lib/server/config.js';
import type { Services } from 'cognito-local/lib/services/index.js';
import { NANJING_DISTRICTS } from '../cli/sample-data/centers.ts';
import {
  CONSOLE_ROLES,
  type ConsoleRole,
  ROLE_GROUPS,
  requiresSecondFactor,
} from '../functions/core/access/console-access.ts';
import { listen } from './listen.ts';
import { totpCode } from './totp.ts';

/** A demo console account of the embedded cloud. */
export interface ConsoleAccount {
  readonly username: string;
  readonly role: ConsoleRole;
  /** A district coordinator's district, as the demo's centers name it. */
  readonly district?: string;
  readonly password: string;
  /**
   * The base32 secret of the account's authenticator app, for a role that signs in with a second
   * factor: the demo sets one up as the console would, and prints it for a person's app.
   */
  readonly totpSecret?: string;
}

/** The embedded cloud's user pool: cognito-local with the console's pool, client, groups and demo accounts. */
export interface LocalCognito {
  /** The endpoint (`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`). */
  readonly url: string;
  readonly userPoolId: string;
  /** The console's app client (USER_PASSWORD_AUTH, no secret). */
  readonly clientId: string;
  /** What the pool's ID tokens carry as `iss`: `<url>/<userPoolId>`, not Amazon Cognito's. */
  readonly issuer: string;
  /** Where the pool's signing keys are published. */
  readonly jwksUrl: string;
  readonly accounts: readonly ConsoleAccount[];
  close: () => Promise<void>;
}

/** Options of {@link startLocalCognito}. */
export interface LocalCognitoOptions {
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** The password of every demo account; random per start unless given. */
  readonly password?: string;
}

/** The demo's console accounts: one per role; the coordinator coordinates Xuanwu. */
export const DEMO_CONSOLE_ACCOUNTS: readonly Omit<ConsoleAccount, 'password'>[] = [
  { username: 'organizer', role: 'organizer' },
  { username: 'coordinator-xuanwu', role: 'coordinator', district: districtNamed('Xuanwu') },
  { username: 'leader', role: 'leader' },
];

/** What the groups are for, as the AWS stack describes them (infra/build/users.ts). */
const GROUP_DESCRIPTIONS: Readonly<Record<ConsoleRole, string>> = {
  organizer: 'City organizers: watch, remind, extend and close campaigns; review responses; rule on disputes',
  coordinator: 'District coordinators: view and review in their own district (custom:district)',
  leader: 'Leaders: read-only view of the whole city',
};

function districtNamed(en: string): string {
  const district = NANJING_DISTRICTS.find((d) => d.en === en);
  if (!district) throw new Error(`the demo has no district ${en}`);
  return district.zh;
}

type CognitoLocal = ReturnType<typeof loadCognitoLocal>;
type Logger = Parameters<CognitoLocal['createServer']>[1];

/**
 * cognito-local's building blocks, loaded when the pool starts (about half a second: its
 * dependencies include the AWS SDK v2 and Express), so a cloud without the console does not pay for them.
 */
const loadCognitoLocal = () => {
  // Resolved from cognito-local's own folder: its dependencies (pino, aws-sdk) are its, not ours.
  const load = createRequire(createRequire(import.meta.url).resolve('cognito-local'));
  // The AWS SDK v2 it depends on prints an end-of-support notice on a timer after loading.
  (load('aws-sdk/lib/maintenance_mode_message') as { suppress: boolean }).suppress = true;
  const services = load('./services/index.js') as typeof import('cognito-local/lib/services/index.js');
  return {
    pino: load('pino') as (options: { level: string }) => unknown,
    createServer: (load('./server/server.js') as typeof import('cognito-local/lib/server/server.js')).createServer,
    Router: (load('./server/Router.js') as typeof import('cognito-local/lib/server/Router.js')).Router,
    CognitoServiceFactoryImpl: (
      load('./services/cognitoService.js') as typeof import('cognito-local/lib/services/cognitoService.js')
    ).CognitoServiceFactoryImpl,
    CryptoService: (load('./services/crypto.js') as typeof import('cognito-local/lib/services/crypto.js'))
      .CryptoService,
    StormDBDataStoreFactory: (
      load('./services/dataStore/stormDb.js') as typeof import('cognito-local/lib/services/dataStore/stormDb.js')
    ).StormDBDataStoreFactory,
    DateClock: services.DateClock,
    LambdaService: services.LambdaService,
    MessagesService: services.MessagesService,
    TriggersService: services.TriggersService,
    ConsoleMessageSender: (
      load(
        './services/messageDelivery/consoleMessageSender.js',
      ) as typeof import('cognito-local/lib/services/messageDelivery/consoleMessageSender.js')
    ).ConsoleMessageSender,
    MessageDeliveryService: (
      load(
        './services/messageDelivery/messageDelivery.js',
      ) as typeof import('cognito-local/lib/services/messageDelivery/messageDelivery.js')
    ).MessageDeliveryService,
    otp: (load('./services/otp.js') as typeof import('cognito-local/lib/services/otp.js')).otp,
    JwtTokenGenerator: (
      load('./services/tokenGenerator.js') as typeof import('cognito-local/lib/services/tokenGenerator.js')
    ).JwtTokenGenerator,
    UserPoolServiceFactoryImpl: (
      load('./services/userPoolService.js') as typeof import('cognito-local/lib/services/userPoolService.js')
    ).UserPoolServiceFactoryImpl,
  };
};

/** A password the pool's policy accepts (upper and lower case, digits, symbols) and nobody can guess. */
const randomPassword = (): string => `${randomBytes(15).toString('base64url')}-Aa1`;

/**
 * The pieces of cognito-local's `createDefaultServer`, but keeping its data in `dataDirectory` (the
 * default writes `.cognito/` into the working directory) and with no configuration file: users
 * are plain usernames (its default makes them email addresses) and tokens name `issuerDomain()`.
 * Its logger (pino) is silenced: it would log every request to stdout.
 */
const createCognitoLocal = async (dataDirectory: string, issuerDomain: () => string) => {
  const lib = loadCognitoLocal();
  const logger = lib.pino({ level: 'silent' }) as Logger;
  const ctx = { logger };
  const config: Config = {
    LambdaClient: { credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, region: 'local' },
    TriggerFunctions: {},
    UserPoolDefaults: {},
    KMSConfig: { credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, region: 'local' },
    ServerConfig: { development: false, https: false },
    // Read when a token is signed, by then the port is known.
    TokenConfig: {
      get IssuerDomain() {
        return issuerDomain();
      },
    },
  };
  const clock = new lib.DateClock();
  const dataStoreFactory = new lib.StormDBDataStoreFactory(dataDirectory);
  const cognito = await new lib.CognitoServiceFactoryImpl(
    dataDirectory,
    dataStoreFactory,
    new lib.UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  // No triggers are configured, so no function is ever invoked.
  const lambda = new lib.LambdaService(config.TriggerFunctions, {
    invoke: () => {
      throw new Error('the embedded user pool has no Lambda triggers');
    },
  } as unknown as ConstructorParameters<CognitoLocal['LambdaService']>[1]);
  const triggers = new lib.TriggersService(clock, cognito, lambda, new lib.CryptoService(config.KMSConfig));
  const services: Services = {
    clock,
    cognito,
    config,
    messages: new lib.MessagesService(triggers, new lib.MessageDeliveryService(new lib.ConsoleMessageSender())),
    otp: lib.otp,
    tokenGenerator: new lib.JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  return lib.createServer(lib.Router(services), logger, config.ServerConfig, services);
};

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/**
 * Starts cognito-local in this process on a free port, with its data in a temporary folder, and
 * creates the console's user pool (with the `custom:district` attribute), an app client allowing
 * USER_PASSWORD_AUTH, the three console groups and one demo account per role, each with a
 * permanent password (no change is asked at first sign-in).
 */
export const startLocalCognito = async (options: LocalCognitoOptions = {}): Promise<LocalCognito> => {
  const host = options.host ?? '127.0.0.1';
  const dataDirectory = await mkdtemp(path.join(tmpdir(), 'cognito-local-'));
  let url = '';
  let server: Server | undefined;
  const close = async () => {
    if (server) await closeServer(server);
    await rm(dataDirectory, { recursive: true, force: true });
  };
  try {
    const cognitoLocal = await createCognitoLocal(dataDirectory, () => url);
    // Its own start() listens on a port fixed in advance; this one is chosen when listening.
    const listening = createHttpServer(cognitoLocal.application as RequestListener);
    server = listening;
    url = `http://${host}:${await listen(listening, { service: 'Cognito', host, port: options.port ?? 0 })}`;
    const { userPoolId, clientId, accounts } = await createConsolePool(url, options.password);
    const issuer = `${url}/${userPoolId}`;
    return { url, userPoolId, clientId, issuer, jwksUrl: `${issuer}/.well-known/jwks.json`, accounts, close };
  } catch (error) {
    await close();
    throw error;
  }
};

/**
 * Sets up an authenticator app for a demo account as the console's set-up page does (signed in with
 * its password: `AssociateSoftwareToken`, the first code verified, TOTP made its second factor) and
 * returns the secret the app holds.
 */
const setUpAuthenticator = async (
  cognito: CognitoIdentityProviderClient,
  clientId: string,
  account: ConsoleAccount,
): Promise<string> => {
  const signedIn = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: account.username, PASSWORD: account.password },
    }),
  );
  const AccessToken = signedIn.AuthenticationResult?.AccessToken;
  if (!AccessToken) throw new Error(`cognito-local signed ${account.username} in without an access token`);
  const { SecretCode } = await cognito.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  if (!SecretCode) throw new Error(`cognito-local gave ${account.username} no authenticator secret`);
  await cognito.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(SecretCode) }));
  await cognito.send(
    new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }),
  );
  return SecretCode;
};

/** Creates the pool, its client, the groups and the demo accounts through the Cognito API at `url`. */
const createConsolePool = async (
  url: string,
  password: string | undefined,
): Promise<{ userPoolId: string; clientId: string; accounts: ConsoleAccount[] }> => {
  const admin = new CognitoIdentityProviderClient({
    endpoint: url,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const userPoolId = await createUserPool(admin);
    const clientId = await createConsoleClient(admin, userPoolId);
    for (const [precedence, role] of CONSOLE_ROLES.entries()) {
      await admin.send(
        new CreateGroupCommand({
          UserPoolId: userPoolId,
          GroupName: ROLE_GROUPS[role],
          Description: GROUP_DESCRIPTIONS[role],
          Precedence: precedence,
        }),
      );
    }
    const accounts: ConsoleAccount[] = [];
    for (const account of DEMO_CONSOLE_ACCOUNTS) {
      const created = await createDemoAccount(admin, userPoolId, account, password ?? randomPassword());
      accounts.push(
        requiresSecondFactor(account.role)
          ? { ...created, totpSecret: await setUpAuthenticator(admin, clientId, created) }
          : created,
      );
    }
    return { userPoolId, clientId, accounts };
  } finally {
    admin.destroy();
  }
};

/** The console's user pool, with the `custom:district` attribute and the stack's password policy. */
const createUserPool = async (admin: CognitoIdentityProviderClient): Promise<string> => {
  const { UserPool } = await admin.send(
    new CreateUserPoolCommand({
      PoolName: 'service-supervision-console',
      Schema: [{ Name: 'district', AttributeDataType: 'String', Mutable: true }],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      // As on AWS: TOTP for whoever set it up; the console requires it of organizers and coordinators.
      MfaConfiguration: 'OPTIONAL',
      // As on AWS; cognito-local does not enforce it, the demo passwords meet it anyway.
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    }),
  );
  const userPoolId = UserPool?.Id;
  if (!userPoolId) throw new Error('cognito-local created a user pool without an id');
  return userPoolId;
};

/** The console's app client: USER_PASSWORD_AUTH and SRP, no secret, ID tokens valid an hour. */
const createConsoleClient = async (admin: CognitoIdentityProviderClient, userPoolId: string): Promise<string> => {
  const { UserPoolClient } = await admin.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'console',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      IdTokenValidity: 60,
      TokenValidityUnits: { IdToken: 'minutes' },
    }),
  );
  const clientId = UserPoolClient?.ClientId;
  if (!clientId) throw new Error('cognito-local created an app client without an id');
  return clientId;
};

/** One demo account with a verified email, a permanent password, and the group of its role. */
const createDemoAccount = async (
  admin: CognitoIdentityProviderClient,
  userPoolId: string,
  account: Omit<ConsoleAccount, 'password'>,
  password: string,
): Promise<ConsoleAccount> => {
  await admin.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: account.username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: `${account.username}@example.gov.cn` },
        { Name: 'email_verified', Value: 'true' },
        ...(account.district ? [{ Name: 'custom:district', Value: account.district }] : []),
      ],
    }),
  );
  await admin.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: account.username,
      Password: password,
      Permanent: true,
    }),
  );
  await admin.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: userPoolId,
      Username: account.username,
      GroupName: ROLE_GROUPS[account.role],
    }),
  );
  return { ...account, password };
};
