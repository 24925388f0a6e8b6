import {
  AdminListGroupsForUserCommand,
  AssociateSoftwareTokenCommand,
  CodeMismatchException,
  CognitoIdentityProviderClient,
  EnableSoftwareTokenMFAException,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../../functions/adapters/clients/dynamodb.ts';
import { ConsoleSessionStore } from '../../../functions/adapters/table/console-sessions.ts';
import { createCognitoConsoleAuth } from '../../../functions/api/console/auth.ts';
import { type ConsoleAuth, routeConsole } from '../../../functions/console-api.ts';
import { Unauthorized } from '../../../functions/core/access/console-access.ts';
import { type ChallengeKind, challengeKey, signChallenge } from '../../../functions/core/access/console-challenge.ts';

/**
 * The console's sign-in pages with the real Cognito adapter on a mocked Cognito: the challenges
 * cognito-local cannot bring (an authenticator code, a sign-in by e-mail alias) and what Cognito's
 * threat protection is told. The ID token's verification is faked: console-auth.test.ts covers it.
 */

const cognito = mockClient(CognitoIdentityProviderClient);
const ddb = mockClient(DynamoDBDocumentClient);
const CLIENT_IP = '203.0.113.7';
const SESSION = 'cognito-session-'.padEnd(60, 'x');
const ID_TOKEN = 'id-token-of-organizer';
const LEADER_TOKEN = 'id-token-of-leader';

/** The clock of the sessions: a test may move it on. */
let clock = new Date('2026-12-05T08:00:00Z');
const auth: ConsoleAuth = createCognitoConsoleAuth({
  sessions: new ConsoleSessionStore(documentClient, 'console-table'),
  verifyIdToken: async (token) => {
    if (token === LEADER_TOKEN) return { sub: 'sub-lead', username: 'leader', role: 'leader' };
    if (token !== ID_TOKEN) throw new Unauthorized('token expired');
    return { sub: 'sub-org', username: 'organizer', role: 'organizer' };
  },
  now: () => clock,
});

/** The table's items by key, as the mocked DynamoDB keeps them. */
const table = new Map<string, Record<string, unknown>>();
const keyOf = (key: Record<string, unknown> | undefined) => `${String(key?.PK)}|${String(key?.SK)}`;

const post = (path: string, form: Record<string, string>): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: 'POST /console/{proxy+}',
  rawPath: path,
  rawQueryString: 'lang=en',
  headers: {
    host: 'console.example.gov.cn',
    origin: 'https://console.example.gov.cn',
    'content-type': 'application/x-www-form-urlencoded',
  },
  queryStringParameters: { lang: 'en' },
  body: new URLSearchParams(form).toString(),
  isBase64Encoded: false,
  requestContext: {
    accountId: '123456789012',
    apiId: 'api',
    domainName: 'console.example.gov.cn',
    domainPrefix: 'console',
    http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: CLIENT_IP, userAgent: 'test' },
    requestId: 'r',
    routeKey: 'POST /console/{proxy+}',
    stage: '$default',
    time: '',
    timeEpoch: 0,
  },
});

/** The value of a hidden field of the page's form. */
const hidden = (html: string, name: string): string | undefined =>
  new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html)?.[1];

const LINK_SECRET = 'link-secret-of-the-console-tests-0123456789';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A challenge's hidden fields as the console signs them into its form of `kind`. */
const challengeForm = (kind: ChallengeKind, at = new Date()) =>
  signChallenge(challengeKey(LINK_SECRET), kind, { username: 'organizer', userId: 'organizer', session: SESSION }, at);

/** The hidden fields of the page's challenge form, to be sent back. */
const challengeOf = (html: string) =>
  Object.fromEntries(
    ['username', 'userId', 'session', 'expires', 'sig'].map((name) => [name, hidden(html, name) ?? '']),
  );

const signedInAs = {
  AuthenticationResult: {
    IdToken: ID_TOKEN,
    AccessToken: 'access-token-of-organizer',
    ExpiresIn: 3600,
    TokenType: 'Bearer',
  },
};

beforeAll(() => {
  vi.stubEnv('CONSOLE_USER_POOL_ID', 'eu-west-1_TestPool1');
  vi.stubEnv('CONSOLE_CLIENT_ID', 'console-client');
  vi.stubEnv('LINK_SECRET', LINK_SECRET);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  clock = new Date('2026-12-05T08:00:00Z');
  table.clear();
  ddb.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
    table.set(keyOf(input.Item), input.Item);
    return {};
  });
  ddb.on(GetCommand).callsFake((input: { Key: Record<string, unknown> }) => ({ Item: table.get(keyOf(input.Key)) }));
  ddb.on(DeleteCommand).callsFake((input: { Key: Record<string, unknown> }) => {
    table.delete(keyOf(input.Key));
    return {};
  });
  ddb
    .on(UpdateCommand)
    .callsFake((input: { Key: Record<string, unknown>; ExpressionAttributeValues: Record<string, unknown> }) => {
      // Only the failed sign-in count updates here: one more failure.
      const values = input.ExpressionAttributeValues;
      const before = table.get(keyOf(input.Key));
      const item = {
        ...input.Key,
        failures: Number(before?.failures ?? 0) + 1,
        lastFailureAt: values[':at'],
        expiresAt: values[':exp'],
      };
      table.set(keyOf(input.Key), item);
      return { Attributes: item };
    });
  ddb.on(QueryCommand).resolves({ Items: [] });
  cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'city-organizer' }] });
  cognito.on(RevokeTokenCommand).resolves({});
  cognito.on(AssociateSoftwareTokenCommand).resolves({ SecretCode: TOTP_SECRET });
});

afterEach(() => {
  cognito.reset();
  ddb.reset();
});

describe('console sign-in with an authenticator app', () => {
  it('asks for the code after the password, and signs in with it, telling Cognito the browser address', async () => {
    // Prepare
    cognito.on(InitiateAuthCommand).resolves({
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: SESSION,
      ChallengeParameters: { USER_ID_FOR_SRP: 'organizer' },
    });
    cognito.on(RespondToAuthChallengeCommand).resolves(signedInAs);
    // Act
    const codePage = await routeConsole(
      post('/console/sign-in', { username: 'organizer', password: 'Correct-Horse-1' }),
      auth,
    );
    const html = String(codePage.body);
    const signedIn = await routeConsole(post('/console/mfa', { ...challengeOf(html), code: '123 456' }), auth);
    // Assess
    expect(codePage.statusCode).toBe(200);
    expect(html).toContain('action="/console/mfa?lang=en"');
    expect(html).toContain('autocomplete="one-time-code"');
    expect(cognito).toReceiveCommandWith(InitiateAuthCommand, {
      AuthParameters: { USERNAME: 'organizer', PASSWORD: 'Correct-Horse-1' },
      UserContextData: { IpAddress: CLIENT_IP },
    });
    expect(cognito).toReceiveCommandWith(RespondToAuthChallengeCommand, {
      ClientId: 'console-client',
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: SESSION,
      ChallengeResponses: { USERNAME: 'organizer', SOFTWARE_TOKEN_MFA_CODE: '123456' },
      UserContextData: { IpAddress: CLIENT_IP },
    });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.cookies?.[0]).toMatch(/^console_session=[\w-]{43};/);
    expect(ddb).toReceiveCommandWith(PutCommand, { Item: expect.objectContaining({ action: 'sign-in' }) });
  });

  it('shows the code form again with a clear message for a wrong or expired code, setting no session', async () => {
    // Prepare
    cognito
      .on(RespondToAuthChallengeCommand)
      .rejects(new CodeMismatchException({ message: 'Invalid code received for user', $metadata: {} }));
    // Act
    const page = await routeConsole(post('/console/mfa', { ...challengeForm('mfa'), code: '000000' }), auth);
    // Assess
    expect(page.statusCode).toBe(401);
    expect(page.cookies).toBeUndefined();
    expect(String(page.body)).toContain('The code is wrong or has expired');
    expect(hidden(String(page.body), 'session')).toBe(SESSION);
  });

  it('refuses a code that is not 6 digits without asking Cognito, in Chinese for a Chinese page', async () => {
    // Prepare
    const event = post('/console/mfa', { ...challengeForm('mfa'), code: '12ab' });
    event.queryStringParameters = { lang: 'zh' };
    // Act
    const page = await routeConsole(event, auth);
    // Assess
    expect(page.statusCode).toBe(400);
    expect(String(page.body)).toContain('请输入身份验证器应用当前显示的 6 位数字');
    expect(cognito).not.toHaveReceivedCommand(RespondToAuthChallengeCommand);
  });

  it('sends a code whose sign-in expired back to sign in', async () => {
    // Prepare
    cognito
      .on(RespondToAuthChallengeCommand)
      .rejects(
        new NotAuthorizedException({ message: 'Invalid session for the user, session is expired.', $metadata: {} }),
      );
    // Act
    const page = await routeConsole(post('/console/mfa', { ...challengeForm('mfa'), code: '123456' }), auth);
    // Assess
    expect(page.statusCode).toBe(401);
    expect(String(page.body)).toContain('action="/console/sign-in?lang=en"');
    expect(String(page.body)).toContain('The sign-in expired');
  });
});

describe('first sign-in by e-mail alias', () => {
  it('answers the new-password challenge as the user Cognito named, not the typed e-mail', async () => {
    // Prepare
    cognito.on(InitiateAuthCommand).resolves({
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: SESSION,
      ChallengeParameters: { USER_ID_FOR_SRP: '7c1e2a52-0b51-4d1e-9b1e-3a1f0e0c9d11' },
    });
    cognito.on(RespondToAuthChallengeCommand).resolves(signedInAs);
    // Act
    const passwordPage = await routeConsole(
      post('/console/sign-in', { username: 'wang@example.gov.cn', password: 'Temporary-1' }),
      auth,
    );
    const html = String(passwordPage.body);
    const signedIn = await routeConsole(
      post('/console/new-password', {
        ...challengeOf(html),
        password: 'Chosen-Password-2026!',
        confirm: 'Chosen-Password-2026!',
      }),
      auth,
    );
    // Assess
    expect(hidden(html, 'username')).toBe('wang@example.gov.cn');
    // An organizer's new password opens no session yet: the authenticator is set up first.
    expect(signedIn.statusCode).toBe(200);
    expect(String(signedIn.body)).toContain('Set up two-step verification');
    expect(cognito).toReceiveCommandWith(RespondToAuthChallengeCommand, {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: SESSION,
      ChallengeResponses: { USERNAME: '7c1e2a52-0b51-4d1e-9b1e-3a1f0e0c9d11', NEW_PASSWORD: 'Chosen-Password-2026!' },
      UserContextData: { IpAddress: CLIENT_IP },
    });
  });
});

describe('two-step verification required of organizers and coordinators', () => {
  /** The organizer signs in with the right password (no authenticator yet): the set-up page. */
  const passwordOnly = async () => {
    cognito.on(InitiateAuthCommand).resolves({
      AuthenticationResult: { ...signedInAs.AuthenticationResult, RefreshToken: 'refresh-token-of-organizer' },
    });
    return routeConsole(
      post('/console/sign-in', { username: 'organizer', password: 'Correct-Horse-1' }),
      auth,
      () => clock,
    );
  };

  it('opens no session on a password alone, and shows the key and its QR code without exposing the tokens', async () => {
    // Act
    const page = await passwordOnly();
    // Assess
    const html = String(page.body);
    expect(page.statusCode).toBe(200);
    expect(page.cookies).toBeUndefined();
    expect(html).toContain('JBSW Y3DP EHPK 3PXP');
    const otpauth = /data-otpauth="([^"]*)"/
      .exec(html)?.[1]
      ?.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
    expect(otpauth).toBe(
      `otpauth://totp/service-supervision:organizer?secret=${TOTP_SECRET}&issuer=service-supervision`,
    );
    expect(html).toMatch(/<svg class="qr"[^>]*role="img"[^>]*aria-label="QR code for your authenticator app"/);
    expect(html).not.toContain('style=');
    expect(html).not.toContain('access-token-of-organizer');
    expect(html).not.toContain(ID_TOKEN);
    expect(cognito).toReceiveCommandWith(AssociateSoftwareTokenCommand, { AccessToken: 'access-token-of-organizer' });
    // The refresh token is revoked at once: nothing outlives the set-up but the sealed tokens.
    expect(cognito).toReceiveCommandWith(RevokeTokenCommand, { Token: 'refresh-token-of-organizer' });
    expect(ddb).not.toReceiveCommandWith(PutCommand, { Item: expect.objectContaining({ action: 'sign-in' }) });
  });

  it('makes the authenticator the second factor once its first code is right, audited, then opens the session', async () => {
    // Prepare
    cognito.on(VerifySoftwareTokenCommand).resolves({ Status: 'SUCCESS' });
    cognito.on(SetUserMFAPreferenceCommand).resolves({});
    const page = await passwordOnly();
    // Act
    const signedIn = await routeConsole(
      post('/console/mfa-setup', { enrolment: hidden(String(page.body), 'enrolment') ?? '', code: '654 321' }),
      auth,
      () => clock,
    );
    // Assess
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.cookies?.[0]).toMatch(/^console_session=[\w-]{43};/);
    expect(cognito).toReceiveCommandWith(VerifySoftwareTokenCommand, {
      AccessToken: 'access-token-of-organizer',
      UserCode: '654321',
    });
    expect(cognito).toReceiveCommandWith(SetUserMFAPreferenceCommand, {
      AccessToken: 'access-token-of-organizer',
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    const actions = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.action);
    expect(actions).toEqual(expect.arrayContaining(['sign-in.authenticator-set-up', 'sign-in']));
  });

  it('shows the set-up again for a wrong first code, counting it as a failed sign-in, and opens no session', async () => {
    // Prepare
    cognito
      .on(VerifySoftwareTokenCommand)
      .rejects(new EnableSoftwareTokenMFAException({ message: 'Code mismatch', $metadata: {} }));
    const page = await passwordOnly();
    // Act
    const again = await routeConsole(
      post('/console/mfa-setup', { enrolment: hidden(String(page.body), 'enrolment') ?? '', code: '000000' }),
      auth,
      () => clock,
    );
    // Assess
    expect(again.statusCode).toBe(401);
    expect(again.cookies).toBeUndefined();
    expect(String(again.body)).toContain('The code is wrong or has expired');
    expect(String(again.body)).toContain('JBSW Y3DP EHPK 3PXP');
    expect(cognito).not.toHaveReceivedCommand(SetUserMFAPreferenceCommand);
    expect([...table.values()].some((item) => Number(item.failures) === 1)).toBe(true);
  });

  it('refuses an altered or stale set-up form without asking Cognito', async () => {
    // Prepare
    const page = await passwordOnly();
    const enrolment = hidden(String(page.body), 'enrolment') ?? '';
    const altered = `${enrolment.slice(0, 30)}${enrolment[30] === 'A' ? 'B' : 'A'}${enrolment.slice(31)}`;
    // Act
    const forged = await routeConsole(
      post('/console/mfa-setup', { enrolment: altered, code: '123456' }),
      auth,
      () => clock,
    );
    clock = new Date(clock.getTime() + 11 * 60_000);
    const stale = await routeConsole(post('/console/mfa-setup', { enrolment, code: '123456' }), auth, () => clock);
    // Assess
    expect(forged.statusCode).toBe(400);
    expect(stale.statusCode).toBe(401);
    expect(String(stale.body)).toContain('The sign-in expired');
    expect(cognito).not.toHaveReceivedCommand(VerifySoftwareTokenCommand);
  });

  it("signs a leader in on a password alone: a leader's second factor is their own choice", async () => {
    // Prepare
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: LEADER_TOKEN, ExpiresIn: 3600 } });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'leader' }] });
    // Act
    const signedIn = await routeConsole(
      post('/console/sign-in', { username: 'leader', password: 'Correct-Horse-1' }),
      auth,
      () => clock,
    );
    // Assess
    expect(signedIn.statusCode).toBe(303);
    expect(cognito).not.toHaveReceivedCommand(AssociateSoftwareTokenCommand);
  });
});

describe("the console's signature on a sign-in challenge", () => {
  const password = { password: 'Chosen-Password-2026!', confirm: 'Chosen-Password-2026!' };

  it.each([
    ['without a signature', () => ({ username: 'organizer', userId: 'organizer', session: SESSION, ...password })],
    [
      'whose user was changed after signing',
      () => ({ ...challengeForm('new-password'), username: 'leader', userId: 'leader', ...password }),
    ],
    [
      'whose session was changed after signing',
      () => ({ ...challengeForm('new-password'), session: `${SESSION}y`, ...password }),
    ],
    ['signed for the authenticator-code form', () => ({ ...challengeForm('mfa'), ...password })],
    [
      'signed with another key',
      () => ({
        ...signChallenge(
          challengeKey('another-secret-entirely-0123456789abcdef'),
          'new-password',
          { username: 'organizer', userId: 'organizer', session: SESSION },
          new Date(),
        ),
        ...password,
      }),
    ],
  ])('refuses a new-password form %s, without asking Cognito', async (_case, form) => {
    // Act
    const page = await routeConsole(post('/console/new-password', form()), auth);
    // Assess
    expect(page.statusCode).toBe(400);
    expect(page.cookies).toBeUndefined();
    expect(String(page.body)).toContain('action="/console/sign-in?lang=en"');
    expect(cognito).not.toHaveReceivedCommand(RespondToAuthChallengeCommand);
  });

  it('refuses a challenge signed more than five minutes ago, without asking Cognito', async () => {
    // Prepare
    const form = { ...challengeForm('mfa', new Date(Date.now() - 301_000)), code: '123456' };
    // Act
    const page = await routeConsole(post('/console/mfa', form), auth);
    // Assess
    expect(page.statusCode).toBe(401);
    expect(String(page.body)).toContain('The sign-in expired');
    expect(cognito).not.toHaveReceivedCommand(RespondToAuthChallengeCommand);
  });

  it('signs the challenge it hands out, so that its own form is accepted', async () => {
    // Prepare
    cognito.on(InitiateAuthCommand).resolves({
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: SESSION,
      ChallengeParameters: { USER_ID_FOR_SRP: 'organizer' },
    });
    cognito.on(RespondToAuthChallengeCommand).resolves(signedInAs);
    const first = await routeConsole(
      post('/console/sign-in', { username: 'organizer', password: 'Temporary-1' }),
      auth,
    );
    // Act
    const page = await routeConsole(
      post('/console/new-password', { ...challengeOf(String(first.body)), ...password }),
      auth,
    );
    // Assess
    expect(hidden(String(first.body), 'sig')).toMatch(/^[\w-]{43}$/);
    expect(page.statusCode).toBe(200);
    expect(String(page.body)).toContain('action="/console/mfa-setup?lang=en"');
  });
});

/** A GET of a console page with the cookie of `session`. */
const get = (path: string, cookie: string): APIGatewayProxyEventV2 => {
  const event = post(path, {});
  event.requestContext.http.method = 'GET';
  event.body = undefined;
  event.cookies = [cookie];
  return event;
};

/** Signs the organizer in with a password and an authenticator code; returns the session cookie (`name=value`). */
const signInOrganizer = async (): Promise<string> => {
  cognito.on(InitiateAuthCommand).resolves({
    ChallengeName: 'SOFTWARE_TOKEN_MFA',
    Session: SESSION,
    ChallengeParameters: { USER_ID_FOR_SRP: 'organizer' },
  });
  cognito.on(RespondToAuthChallengeCommand).resolves({
    AuthenticationResult: { ...signedInAs.AuthenticationResult, RefreshToken: 'refresh-token-of-organizer' },
  });
  const codePage = await routeConsole(
    post('/console/sign-in', { username: 'organizer', password: 'Correct-Horse-1' }),
    auth,
    () => clock,
  );
  const signedIn = await routeConsole(
    post('/console/mfa', { ...challengeOf(String(codePage.body)), code: '123456' }),
    auth,
    () => clock,
  );
  return signedIn.cookies?.[0]?.split(';')[0] ?? '';
};

describe('console sessions held by the server', () => {
  it('keeps the session in the table under the hash of its id, never the ID token, and revokes the refresh token', async () => {
    // Act
    const cookie = await signInOrganizer();
    // Assess
    const id = cookie.split('=')[1] ?? '';
    const [record] = [...table.values()].filter((item) => String(item.PK).startsWith('SESSION#'));
    expect(record).toMatchObject({
      SK: 'SESSION',
      username: 'organizer',
      role: 'organizer',
      expiresAt: '2026-12-05T09:00:00.000Z',
    });
    expect(JSON.stringify(record)).not.toContain(id);
    expect(JSON.stringify(record)).not.toContain(ID_TOKEN);
    expect(cognito).toReceiveCommandWith(RevokeTokenCommand, {
      ClientId: 'console-client',
      Token: 'refresh-token-of-organizer',
    });
  });

  it('refuses the old cookie once its user signed out', async () => {
    // Prepare
    const cookie = await signInOrganizer();
    const before = await routeConsole(get('/console', cookie), auth, () => clock);
    // Act
    const out = await routeConsole({ ...post('/console/sign-out', {}), cookies: [cookie] }, auth, () => clock);
    const after = await routeConsole(get('/console', cookie), auth, () => clock);
    // Assess
    expect(before.statusCode).toBe(200);
    expect(out.statusCode).toBe(303);
    expect(after.statusCode).toBe(303);
    expect(after.headers?.location).toBe('/console/sign-in?lang=en');
    expect(after.cookies?.[0]).toMatch(/^console_session=; .*Max-Age=0/);
  });

  it('refuses the next request of a user whose role was taken away in the pool, and keeps refusing it', async () => {
    // Prepare
    const cookie = await signInOrganizer();
    const before = await routeConsole(get('/console', cookie), auth, () => clock);
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [] });
    // Act
    const removed = await routeConsole(get('/console', cookie), auth, () => clock);
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'city-organizer' }] });
    const restored = await routeConsole(get('/console', cookie), auth, () => clock);
    // Assess
    expect(before.statusCode).toBe(200);
    expect(removed.statusCode).toBe(303);
    expect(removed.headers?.location).toBe('/console/sign-in?lang=en');
    // The session ended with the role: giving the role back asks for a new sign-in.
    expect(restored.statusCode).toBe(303);
    expect(cognito).toReceiveCommandWith(AdminListGroupsForUserCommand, {
      UserPoolId: 'eu-west-1_TestPool1',
      Username: 'organizer',
    });
  });

  it('refuses a session demoted to another role, though still in a console group', async () => {
    // Prepare
    const cookie = await signInOrganizer();
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'leader' }] });
    // Act
    const demoted = await routeConsole(get('/console', cookie), auth, () => clock);
    // Assess
    expect(demoted.statusCode).toBe(303);
  });

  it('refuses a session past its end, though its record is still in the table (no TTL locally)', async () => {
    // Prepare
    const cookie = await signInOrganizer();
    clock = new Date('2026-12-05T09:00:01Z');
    // Act
    const expired = await routeConsole(get('/console', cookie), auth, () => clock);
    // Assess
    expect(expired.statusCode).toBe(303);
    expect([...table.keys()].some((key) => key.startsWith('SESSION#'))).toBe(true);
  });

  it('refuses an ID token offered as the cookie', async () => {
    // Act
    const page = await routeConsole(get('/console', `console_session=${ID_TOKEN}`), auth, () => clock);
    // Assess
    expect(page.statusCode).toBe(303);
    expect(page.headers?.location).toBe('/console/sign-in?lang=en');
  });
});

describe('failed authenticator codes', () => {
  it('counts a wrong code as a failed sign-in, audited, and locks the username after five', async () => {
    // Prepare
    cognito
      .on(RespondToAuthChallengeCommand)
      .rejects(new CodeMismatchException({ message: 'Invalid code received for user', $metadata: {} }));
    // Act
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const page = await routeConsole(
        post('/console/mfa', { ...challengeForm('mfa'), code: '000000' }),
        auth,
        () => clock,
      );
      statuses.push(page.statusCode);
    }
    // Assess
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    expect(cognito).toHaveReceivedCommandTimes(RespondToAuthChallengeCommand, 5);
    const audited = [...table.values()]
      .filter((item) => String(item.PK) === 'AUDIT#console')
      .map((item) => item.action);
    expect(audited.filter((action) => action === 'sign-in.code-failed')).toHaveLength(5);
    expect(audited).toContain('sign-in.locked');
  });
});
