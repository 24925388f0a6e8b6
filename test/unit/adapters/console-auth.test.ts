import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CodeMismatchException,
  CognitoIdentityProviderClient,
  ExpiredCodeException,
  InitiateAuthCommand,
  InvalidPasswordException,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  TooManyRequestsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../../functions/adapters/config.ts';
import {
  answerMfaChallenge,
  completeNewPassword,
  MfaCode,
  MfaCodeRejected,
  MfaCodeRequired,
  NewPassword,
  PasswordChangeRequired,
  PasswordRejected,
  signInToConsole,
  verifyConsoleToken,
} from '../../../functions/adapters/sign-in/console-auth.ts';
import { readConsoleAuthConfig } from '../../../functions/adapters/sign-in/console-auth-config.ts';
import {
  type ConsoleTokenVerifier,
  createConsoleTokenVerifier,
} from '../../../functions/adapters/sign-in/console-token.ts';
import { Unauthorized } from '../../../functions/core/access/console-access.ts';

const cognito = mockClient(CognitoIdentityProviderClient);

const KID = 'console-test-key';
const CLIENT_ID = '5example0client0id0console';
const AWS_POOL = 'eu-west-1_TestPool1';
const AWS_ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${AWS_POOL}`;
const LOCAL_POOL = 'local_TestPool';

const poolKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** The pool's public keys, as Cognito publishes them. */
const jwksOf = (publicKey: KeyObject, kid = KID): Jwks => {
  const { n, e } = publicKey.export({ format: 'jwk' });
  if (!n || !e) throw new Error('not an RSA public key');
  return { keys: [{ kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' }] };
};

const now = () => Math.floor(Date.now() / 1000);

/** An RS256 JWT signed with `privateKey`. */
const signJwt = (payload: Record<string, unknown>, privateKey: KeyObject = poolKey.privateKey, kid = KID): string => {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), privateKey).toString('base64url');
  return `${header}.${body}.${signature}`;
};

/** The claims of a Cognito ID token of the console's client, with `overrides` applied (undefined removes a claim). */
const idClaims = (overrides: Record<string, unknown> = {}, issuer = AWS_ISSUER): Record<string, unknown> => {
  const claims: Record<string, unknown> = {
    sub: randomUUID(),
    'cognito:username': 'organizer',
    'cognito:groups': ['city-organizer'],
    aud: CLIENT_ID,
    iss: issuer,
    token_use: 'id',
    auth_time: now(),
    iat: now(),
    exp: now() + 3600,
    jti: randomUUID(),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
};

const rejectionOf = async (work: Promise<unknown>): Promise<Error> => {
  const outcome = await work.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected a rejection');
  return outcome;
};

let jwksServer: Server;
let jwksRequests = 0;
let localIssuer = '';

beforeAll(async () => {
  jwksServer = createServer((request, response) => {
    if (request.url === `/${LOCAL_POOL}/.well-known/jwks.json`) {
      jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwksOf(poolKey.publicKey)));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  localIssuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/${LOCAL_POOL}`;
  // The embedded cloud's configuration: a pool whose issuer and keys are not Amazon Cognito's.
  vi.stubEnv('CONSOLE_USER_POOL_ID', LOCAL_POOL);
  vi.stubEnv('CONSOLE_CLIENT_ID', CLIENT_ID);
  vi.stubEnv('CONSOLE_JWT_ISSUER', localIssuer);
  vi.stubEnv('CONSOLE_JWKS_URL', `${localIssuer}/.well-known/jwks.json`);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
});

afterEach(() => {
  cognito.reset();
});

describe('readConsoleAuthConfig', () => {
  it('names a missing user pool id', () => {
    // Prepare
    vi.stubEnv('CONSOLE_USER_POOL_ID', undefined);
    // Act
    const read = () => readConsoleAuthConfig();
    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow('CONSOLE_USER_POOL_ID environment variable is not set');
    vi.stubEnv('CONSOLE_USER_POOL_ID', LOCAL_POOL);
  });

  it('refuses a custom issuer without its JWKS URL', () => {
    // Prepare
    vi.stubEnv('CONSOLE_JWKS_URL', undefined);
    // Act
    const read = () => readConsoleAuthConfig();
    // Assess
    expect(read).toThrow(/CONSOLE_JWKS_URL environment variable is not set/);
    vi.stubEnv('CONSOLE_JWKS_URL', `${localIssuer}/.well-known/jwks.json`);
  });

  it('reads the pool, the client and the custom issuer', () => {
    // Act
    const config = readConsoleAuthConfig();
    // Assess
    expect(config).toEqual({
      userPoolId: LOCAL_POOL,
      clientId: CLIENT_ID,
      custom: { issuer: localIssuer, jwksUrl: `${localIssuer}/.well-known/jwks.json` },
    });
  });
});

describe('createConsoleTokenVerifier on Amazon Cognito', () => {
  let verifier: ConsoleTokenVerifier;
  beforeAll(() => {
    verifier = createConsoleTokenVerifier({ userPoolId: AWS_POOL, clientId: CLIENT_ID });
    verifier.cacheJwks(jwksOf(poolKey.publicKey));
  });

  it.each([
    [{ 'cognito:username': 'organizer', 'cognito:groups': ['city-organizer'] }, { role: 'organizer' }],
    [
      {
        'cognito:username': 'coordinator-xuanwu',
        'cognito:groups': ['district-coordinator'],
        'custom:district': '玄武区',
      },
      { role: 'coordinator', district: '玄武区' },
    ],
    [{ 'cognito:username': 'leader', 'cognito:groups': ['leader'] }, { role: 'leader' }],
  ])('signs in %o as %o', async (claims, expected) => {
    // Prepare
    const sub = randomUUID();
    const token = signJwt(idClaims({ ...claims, sub }));
    // Act
    const user = await verifier.verify(token);
    // Assess
    expect(user).toEqual({ sub, username: claims['cognito:username'], ...expected });
  });

  it('gives a member of several console groups the most powerful role', async () => {
    // Prepare
    const token = signJwt(idClaims({ 'cognito:groups': ['leader', 'district-coordinator', 'city-organizer'] }));
    // Act
    const user = await verifier.verify(token);
    // Assess
    expect(user.role).toBe('organizer');
    expect(user.district).toBeUndefined();
  });

  it('ignores a district on a role that has none', async () => {
    // Prepare
    const token = signJwt(idClaims({ 'cognito:groups': ['leader'], 'custom:district': '玄武区' }));
    // Act
    const user = await verifier.verify(token);
    // Assess
    expect(user).not.toHaveProperty('district');
  });

  it.each<[string, () => string, RegExp]>([
    ['an expired token', () => signJwt(idClaims({ iat: now() - 7200, exp: now() - 60 })), /expired/],
    ['a token signed by another key', () => signJwt(idClaims(), otherKey.privateKey), /signature does not verify/],
    [
      'a token whose payload was altered after signing',
      () => {
        const [header, , signature] = signJwt(idClaims({ 'cognito:groups': ['leader'] })).split('.');
        const altered = Buffer.from(JSON.stringify(idClaims())).toString('base64url');
        return `${header}.${altered}.${signature}`;
      },
      /signature does not verify/,
    ],
    ['a token for another app client', () => signJwt(idClaims({ aud: 'another-client' })), /another app client/],
    [
      'a token of another user pool',
      () => signJwt(idClaims({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OtherPool' })),
      /another user pool/,
    ],
    [
      'an access token',
      () => signJwt(idClaims({ token_use: 'access', aud: undefined, client_id: CLIENT_ID })),
      /not an ID token/,
    ],
    [
      'a token without a console group',
      () => signJwt(idClaims({ 'cognito:groups': ['auditors'] })),
      /not in a console group/,
    ],
    ['a token without any group', () => signJwt(idClaims({ 'cognito:groups': undefined })), /not in a console group/],
    [
      'a coordinator without a district',
      () => signJwt(idClaims({ 'cognito:groups': ['district-coordinator'] })),
      /district coordinator without a district/,
    ],
    [
      'a coordinator with a blank district',
      () => signJwt(idClaims({ 'cognito:groups': ['district-coordinator'], 'custom:district': '  ' })),
      /district coordinator without a district/,
    ],
    ['a token without a username', () => signJwt(idClaims({ 'cognito:username': undefined })), /cognito:username/],
    ['something that is not a JWT', () => 'not-a-jwt', /malformed/],
    ['an empty string', () => '', /malformed/],
  ])('refuses %s as Unauthorized, saying why', async (_case, token, reason) => {
    // Act
    const error = await rejectionOf(verifier.verify(token()));
    // Assess
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.message).toMatch(reason);
  });

  it('never repeats the token in its message', async () => {
    // Prepare
    const token = signJwt(idClaims({ exp: now() - 60 }));
    // Act
    const error = await rejectionOf(verifier.verify(token));
    // Assess
    expect(error.message).not.toContain(token);
    expect(error.message).not.toContain(token.split('.')[1]);
  });
});

describe('verifyConsoleToken on the embedded cloud (custom issuer, keys served over HTTP)', () => {
  it('fetches the keys once and verifies every token with them', async () => {
    // Prepare
    const tokens = [
      signJwt(idClaims({}, localIssuer)),
      signJwt(
        idClaims(
          {
            'cognito:username': 'coordinator-xuanwu',
            'cognito:groups': ['district-coordinator'],
            'custom:district': '玄武区',
          },
          localIssuer,
        ),
      ),
      signJwt(idClaims({ 'cognito:username': 'leader', 'cognito:groups': ['leader'] }, localIssuer)),
    ];
    // Act
    const users = [];
    for (const token of tokens) users.push(await verifyConsoleToken(token));
    // Assess
    expect(users.map((u) => [u.username, u.role, u.district])).toEqual([
      ['organizer', 'organizer', undefined],
      ['coordinator-xuanwu', 'coordinator', '玄武区'],
      ['leader', 'leader', undefined],
    ]);
    expect(jwksRequests).toBe(1);
  });

  it("refuses a token issued by Amazon Cognito's issuer instead of the configured one", async () => {
    // Prepare
    const token = signJwt(idClaims({}, AWS_ISSUER));
    // Act
    const error = await rejectionOf(verifyConsoleToken(token));
    // Assess
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.message).toMatch(/another user pool/);
  });

  it('refuses a token signed by a key the pool does not publish', async () => {
    // Prepare
    const token = signJwt(idClaims({}, localIssuer), otherKey.privateKey, 'unknown-key');
    // Act
    const error = await rejectionOf(verifyConsoleToken(token));
    // Assess
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.message).toMatch(/signature does not verify/);
  });

  it('refuses an expired token', async () => {
    // Prepare
    const token = signJwt(idClaims({ iat: now() - 7200, exp: now() - 1 }, localIssuer));
    // Act
    const error = await rejectionOf(verifyConsoleToken(token));
    // Assess
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.message).toMatch(/expired/);
  });
});

describe('signInToConsole', () => {
  it('signs in with USER_PASSWORD_AUTH on the console client and returns the ID token and its lifetime', async () => {
    // Prepare
    const idToken = signJwt(idClaims({ exp: now() + 3600 }, localIssuer));
    cognito.on(InitiateAuthCommand).resolves({
      AuthenticationResult: { IdToken: idToken, AccessToken: 'access', ExpiresIn: 7200, TokenType: 'Bearer' },
    });
    // Act
    const session = await signInToConsole('organizer', 'Correct-Horse-1');
    // Assess
    expect(session.idToken).toBe(idToken);
    expect(session.expiresInSeconds).toBeGreaterThan(3590);
    expect(session.expiresInSeconds).toBeLessThanOrEqual(3600);
    expect(cognito).toReceiveCommandWith(InitiateAuthCommand, {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: 'organizer', PASSWORD: 'Correct-Horse-1' },
    });
  });

  it.each([
    ['a wrong password', new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} })],
    ['an unknown user', new UserNotFoundException({ message: 'User does not exist.', $metadata: {} })],
  ])('answers %s with the same Unauthorized', async (_case, refusal) => {
    // Prepare
    cognito.on(InitiateAuthCommand).rejects(refusal);
    // Act
    const error = await rejectionOf(signInToConsole('organizer', 'wrong'));
    // Assess
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.message).toBe('wrong username or password');
  });

  it('asks for a new password when Cognito answers with NEW_PASSWORD_REQUIRED', async () => {
    // Prepare
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'session-1' });
    // Act
    const error = await rejectionOf(signInToConsole('coordinator-xuanwu', 'Temporary-1'));
    // Assess
    expect(error).toBeInstanceOf(PasswordChangeRequired);
    expect((error as PasswordChangeRequired).session).toBe('session-1');
  });

  it('refuses a challenge the console cannot answer', async () => {
    // Prepare
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'CUSTOM_CHALLENGE', Session: 'session-2' });
    // Act
    const error = await rejectionOf(signInToConsole('organizer', 'Correct-Horse-1'));
    // Assess
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.message).toMatch(/CUSTOM_CHALLENGE/);
  });

  it('asks for the authenticator code when Cognito answers with SOFTWARE_TOKEN_MFA, keeping the user it names', async () => {
    // Prepare
    cognito.on(InitiateAuthCommand).resolves({
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 'session-2',
      ChallengeParameters: { USER_ID_FOR_SRP: 'organizer' },
    });
    // Act
    const error = await rejectionOf(signInToConsole('organizer@example.gov.cn', 'Correct-Horse-1'));
    // Assess
    expect(error).toBeInstanceOf(MfaCodeRequired);
    expect(error).toMatchObject({ session: 'session-2', userId: 'organizer' });
  });

  it("names the challenge's USER_ID_FOR_SRP, not the typed e-mail alias, for a first sign-in", async () => {
    // Prepare
    cognito.on(InitiateAuthCommand).resolves({
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: 'session-1',
      ChallengeParameters: { USER_ID_FOR_SRP: 'a1b2c3d4-user-sub' },
    });
    // Act
    const error = await rejectionOf(signInToConsole('wang@example.gov.cn', 'Temporary-1'));
    // Assess
    expect(error).toBeInstanceOf(PasswordChangeRequired);
    expect(error).toMatchObject({ session: 'session-1', userId: 'a1b2c3d4-user-sub' });
  });

  it("tells Cognito's threat protection the user's IP address", async () => {
    // Prepare
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: signJwt(idClaims({}, localIssuer)) } });
    // Act
    await signInToConsole('organizer', 'Correct-Horse-1', { ipAddress: '198.51.100.23' });
    // Assess
    expect(cognito).toReceiveCommandWith(InitiateAuthCommand, { UserContextData: { IpAddress: '198.51.100.23' } });
  });

  it('refuses an empty password without asking Cognito', async () => {
    // Act
    const error = await rejectionOf(signInToConsole('organizer', ''));
    // Assess
    expect(error).toBeInstanceOf(Unauthorized);
    expect(cognito).not.toHaveReceivedCommand(InitiateAuthCommand);
  });

  it('lets a throttled sign-in fail as it is, not as a wrong password', async () => {
    // Prepare
    const throttled = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    cognito.on(InitiateAuthCommand).rejects(throttled);
    // Act
    const error = await rejectionOf(signInToConsole('organizer', 'Correct-Horse-1'));
    // Assess
    expect(error).toBe(throttled);
  });
});

describe('completeNewPassword', () => {
  it("answers the first sign-in's NEW_PASSWORD_REQUIRED challenge on the console client and returns the ID token", async () => {
    // Prepare
    const idToken = signJwt(idClaims({ exp: now() + 3600 }, localIssuer));
    cognito.on(RespondToAuthChallengeCommand).resolves({
      AuthenticationResult: { IdToken: idToken, AccessToken: 'access', ExpiresIn: 3600, TokenType: 'Bearer' },
    });
    // Act
    const session = await completeNewPassword('leader', 'session-1', 'Chosen-Password-2026!');
    // Assess
    expect(session.idToken).toBe(idToken);
    expect(cognito).toReceiveCommandWith(RespondToAuthChallengeCommand, {
      ClientId: CLIENT_ID,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: 'session-1',
      ChallengeResponses: { USERNAME: 'leader', NEW_PASSWORD: 'Chosen-Password-2026!' },
    });
  });

  it('answers an expired or forged session with Unauthorized, and a password the pool refuses with PasswordRejected', async () => {
    // Prepare
    cognito
      .on(RespondToAuthChallengeCommand)
      .rejectsOnce(new NotAuthorizedException({ message: 'Invalid session for the user.', $metadata: {} }))
      .rejectsOnce(new InvalidPasswordException({ message: 'Password has previously been used', $metadata: {} }));
    // Act
    const expired = await rejectionOf(completeNewPassword('leader', 'x'.repeat(40), 'Chosen-Password-2026!'));
    const reused = await rejectionOf(completeNewPassword('leader', 'session-1', 'Chosen-Password-2026!'));
    // Assess
    expect(expired).toBeInstanceOf(Unauthorized);
    expect(expired.message).toMatch(/sign in again/);
    expect(reused).toBeInstanceOf(PasswordRejected);
    expect(reused.message).toMatch(/previously been used/);
  });

  it("checks a new password against the pool's policy before asking Cognito", () => {
    // Act & Assess
    expect(NewPassword.safeParse('Chosen-Password-2026!').success).toBe(true);
    for (const weak of [
      'Short-1!',
      'chosen-password-2026!',
      'CHOSEN-PASSWORD-2026!',
      'Chosen-Password-!!',
      'ChosenPassword2026',
    ])
      expect(NewPassword.safeParse(weak).success, weak).toBe(false);
  });
});

describe('answerMfaChallenge', () => {
  it("answers SOFTWARE_TOKEN_MFA with the code as the user the challenge named, from the user's address", async () => {
    // Prepare
    const idToken = signJwt(idClaims({ exp: now() + 3600 }, localIssuer));
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: idToken, ExpiresIn: 3600 } });
    // Act
    const session = await answerMfaChallenge('organizer', 'session-2', '654321', { ipAddress: '198.51.100.23' });
    // Assess
    expect(session.idToken).toBe(idToken);
    expect(cognito).toReceiveCommandWith(RespondToAuthChallengeCommand, {
      ClientId: CLIENT_ID,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 'session-2',
      ChallengeResponses: { USERNAME: 'organizer', SOFTWARE_TOKEN_MFA_CODE: '654321' },
      UserContextData: { IpAddress: '198.51.100.23' },
    });
  });

  it('answers a wrong code with MfaCodeRejected and an expired session with Unauthorized', async () => {
    // Prepare
    cognito
      .on(RespondToAuthChallengeCommand)
      .rejectsOnce(new CodeMismatchException({ message: 'Invalid code received for user', $metadata: {} }))
      .rejectsOnce(new ExpiredCodeException({ message: 'Invalid session', $metadata: {} }))
      .rejectsOnce(new NotAuthorizedException({ message: 'Invalid session for the user.', $metadata: {} }));
    // Act
    const wrong = await rejectionOf(answerMfaChallenge('organizer', 'session-2', '000000'));
    const expired = await rejectionOf(answerMfaChallenge('organizer', 'session-2', '000000'));
    const gone = await rejectionOf(answerMfaChallenge('organizer', 'session-2', '000000'));
    // Assess
    expect(wrong).toBeInstanceOf(MfaCodeRejected);
    expect(expired).toBeInstanceOf(Unauthorized);
    expect(gone).toBeInstanceOf(Unauthorized);
    expect(gone.message).toMatch(/sign in again/);
  });

  it('accepts six digits, spaces removed, and nothing else', () => {
    // Act & Assess
    expect(MfaCode.parse(' 123 456 ')).toBe('123456');
    for (const bad of ['12345', '1234567', '12a456', '']) expect(MfaCode.safeParse(bad).success, bad).toBe(false);
  });
});
