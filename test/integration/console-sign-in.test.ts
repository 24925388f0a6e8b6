import {
  AdminAddUserToGroupCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCentersAndSupervisors } from '../../cli/sample-data/centers.ts';
import { type ConsoleUser, Unauthorized } from '../../functions/core/access/console-access.ts';
import { type EmbeddedCloud, startEmbeddedCloud } from '../../local/cloud.ts';
import { totpCode } from '../../local/totp.ts';
import { createAccountWithTemporaryPassword } from '../support/console-accounts.ts';

/**
 * Console sign-in on the embedded cloud: the demo accounts sign in against cognito-local through
 * the same adapter the console's handler uses, and their ID tokens verify to the right role.
 */

type ConsoleAuth = typeof import('../../functions/adapters/sign-in/console-auth.ts');

let cloud: EmbeddedCloud;
let auth: ConsoleAuth;

const rejectionOf = async (work: Promise<unknown>): Promise<Error> => {
  const outcome = await work.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected a rejection');
  return outcome;
};

const accountNamed = (username: string) => {
  const account = cloud.consoleAccounts.find((a) => a.username === username);
  if (!account) throw new Error(`no demo account ${username}`);
  return account;
};

/**
 * Signs a demo account in through the adapter as the console does: the password, then (for a role
 * that must give one) the code of its authenticator app.
 */
const signInWithCode = async (username: string, password: string, totpSecret?: string) => {
  try {
    return await auth.signInToConsole(username, password);
  } catch (error) {
    if (!(error instanceof auth.MfaCodeRequired) || !error.session || !totpSecret) throw error;
    return auth.answerMfaChallenge(error.userId, error.session, totpCode(totpSecret));
  }
};

beforeAll(async () => {
  cloud = await startEmbeddedCloud({ console: true });
  // Loaded once the cloud has put the pool and its endpoint in the environment.
  auth = await import('../../functions/adapters/sign-in/console-auth.ts');
});

afterAll(async () => {
  await cloud?.close();
});

describe('console sign-in on the embedded cloud', () => {
  it('has one demo account per role, the coordinator in a district of the demo', () => {
    // Act
    const accounts = cloud.consoleAccounts.map(({ username, role, district }) => ({ username, role, district }));
    // Assess
    expect(accounts).toEqual([
      { username: 'organizer', role: 'organizer', district: undefined },
      { username: 'coordinator-xuanwu', role: 'coordinator', district: '玄武区' },
      { username: 'leader', role: 'leader', district: undefined },
    ]);
    expect(demoCentersAndSupervisors().centers.some((center) => center.district === '玄武区')).toBe(true);
    expect(cloud.urls.cognito).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each(['organizer', 'coordinator-xuanwu', 'leader'])(
    'signs %s in and verifies the ID token to their role',
    async (username) => {
      // Prepare
      const account = accountNamed(username);
      // Act
      const session = await signInWithCode(account.username, account.password, account.totpSecret);
      const user: ConsoleUser = await auth.verifyConsoleToken(session.idToken);
      // Assess
      expect(user).toEqual({
        sub: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: account.username,
        role: account.role,
        ...(account.district ? { district: account.district } : {}),
      });
      // The console's client issues ID tokens for an hour.
      expect(session.expiresInSeconds).toBeGreaterThan(3500);
      expect(session.expiresInSeconds).toBeLessThanOrEqual(3600);
    },
  );

  it.each([
    ['a wrong password', 'organizer', 'not-the-password-1A!'],
    ['an unknown user', 'nobody', 'not-the-password-1A!'],
  ])('refuses %s with the same Unauthorized', async (_case, username, password) => {
    // Act
    const error = await rejectionOf(auth.signInToConsole(username, password));
    // Assess
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.message).toBe('wrong username or password');
  });

  it("refuses a leader's token whose payload was altered to make them organizer", async () => {
    // Prepare
    const leader = accountNamed('leader');
    const { idToken } = await auth.signInToConsole(leader.username, leader.password);
    const [header, payload, signature] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const promoted = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['city-organizer'] })).toString(
      'base64url',
    );
    // Act
    const error = await rejectionOf(auth.verifyConsoleToken(`${header}.${promoted}.${signature}`));
    // Assess
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.message).toMatch(/signature does not verify/);
  });

  it('has a new account choose its password at its first sign-in, and refuses a weak or mismatched one (an expired session is refused by Cognito itself: console-auth.test.ts)', async () => {
    // Prepare: an administrator creates a leader with a temporary password, as the guide says
    await createAccountWithTemporaryPassword(cloud, {
      username: 'new-leader',
      role: 'leader',
      temporaryPassword: 'Temporary-pass-1',
    });
    const post = (path: string, form: Record<string, string>) =>
      fetch(`${cloud.urls.api}${path}?lang=zh`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: cloud.urls.api },
        body: new URLSearchParams(form).toString(),
      });
    const hidden = (html: string, name: string) =>
      new RegExp(`name="${name}" value="([^"]*)"`)
        .exec(html)?.[1]
        ?.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));

    // Act
    const first = await post('/console/sign-in', { username: 'new-leader', password: 'Temporary-pass-1' });
    const challenge = await first.text();
    const session = hidden(challenge, 'session') ?? '';
    const signed = Object.fromEntries(
      ['username', 'userId', 'session', 'expires', 'sig'].map((name) => [name, hidden(challenge, name) ?? '']),
    );
    const weak = await post('/console/new-password', {
      ...signed,
      password: 'short',
      confirm: 'short',
    });
    const mismatched = await post('/console/new-password', {
      ...signed,
      password: 'Chosen-Password-2026!',
      confirm: 'Chosen-Password-2027!',
    });
    const chosen = await post('/console/new-password', {
      ...signed,
      password: 'Chosen-Password-2026!',
      confirm: 'Chosen-Password-2026!',
    });
    const cookie = chosen.headers.get('set-cookie') ?? '';
    const campaigns = await fetch(`${cloud.urls.api}/console?lang=zh`, {
      headers: { cookie: cookie.split(';')[0] ?? '' },
    });
    const again = await auth.signInToConsole('new-leader', 'Chosen-Password-2026!');

    // Assess
    expect(first.status).toBe(200);
    expect(challenge).toContain('首次登录，请设置新密码。');
    expect(session.length).toBeGreaterThanOrEqual(20);
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('新密码至少 12 位');
    expect(mismatched.status).toBe(400);
    expect(await mismatched.text()).toContain('两次输入的新密码不一致。');
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get('location')).toBe('/console?lang=zh');
    expect(cookie).toMatch(/HttpOnly/i);
    expect(campaigns.status).toBe(200);
    expect(await campaigns.text()).toContain('new-leader');
    expect((await auth.verifyConsoleToken(again.idToken)).role).toBe('leader');
  });

  it('has a new organizer set up an authenticator at the first sign-in, then asks for its code at every sign-in', async () => {
    // Prepare
    await createAccountWithTemporaryPassword(cloud, {
      username: 'new-organizer',
      role: 'organizer',
      temporaryPassword: 'Temporary-pass-1',
    });
    const post = (path: string, form: Record<string, string>) =>
      fetch(`${cloud.urls.api}${path}?lang=en`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: cloud.urls.api },
        body: new URLSearchParams(form).toString(),
      });
    const field = (html: string, name: string) =>
      new RegExp(`${name}="([^"]*)"`).exec(html)?.[1]?.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
    const first = await (
      await post('/console/sign-in', { username: 'new-organizer', password: 'Temporary-pass-1' })
    ).text();
    const signed = Object.fromEntries(
      ['username', 'userId', 'session', 'expires', 'sig'].map((name) => [
        name,
        field(first, `name="${name}" value`) ?? '',
      ]),
    );
    // Act
    const setUp = await (
      await post('/console/new-password', {
        ...signed,
        password: 'Chosen-Password-2026!',
        confirm: 'Chosen-Password-2026!',
      })
    ).text();
    const otpauth = field(setUp, 'data-otpauth') ?? '';
    const secret = new URL(otpauth).searchParams.get('secret') ?? '';
    const enrolment = field(setUp, 'name="enrolment" value') ?? '';
    const wrong = await post('/console/mfa-setup', {
      enrolment,
      code: totpCode(secret, new Date(Date.now() - 600_000)),
    });
    const done = await post('/console/mfa-setup', { enrolment, code: totpCode(secret) });
    const passwordAgain = await rejectionOf(auth.signInToConsole('new-organizer', 'Chosen-Password-2026!'));
    const withCode = await signInWithCode('new-organizer', 'Chosen-Password-2026!', secret);
    // Assess
    expect(setUp).toContain('Set up two-step verification');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(done.status).toBe(303);
    expect(done.headers.get('set-cookie')).toMatch(/^console_session=/);
    expect(passwordAgain).toBeInstanceOf(auth.MfaCodeRequired);
    expect((await auth.verifyConsoleToken(withCode.idToken)).role).toBe('organizer');
  });

  it("refuses a forged new-password challenge, though cognito-local never checks the session, and keeps the organizer's password", async () => {
    // Prepare: what an attacker can make up: cognito-local takes any session for any user
    const organizer = accountNamed('organizer');
    const forged = {
      username: 'organizer',
      userId: 'organizer',
      session: 'made-up-session-0000000000000000',
      expires: String(Math.floor(Date.now() / 1000) + 300),
      sig: 'A'.repeat(43),
      password: 'Attacker-Chosen-2026!',
      confirm: 'Attacker-Chosen-2026!',
    };
    // Act
    const answer = await fetch(`${cloud.urls.api}/console/new-password?lang=en`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: cloud.urls.api },
      body: new URLSearchParams(forged).toString(),
    });
    const attacker = await rejectionOf(auth.signInToConsole('organizer', 'Attacker-Chosen-2026!'));
    const owner = await signInWithCode(organizer.username, organizer.password, organizer.totpSecret);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(attacker).toBeInstanceOf(Unauthorized);
    expect((await auth.verifyConsoleToken(owner.idToken)).role).toBe('organizer');
  });
});

/** Signs `username` in through the console's own form; the session cookie as a browser sends it back. */
const signInThroughConsole = async (username: string): Promise<string> => {
  const res = await fetch(`${cloud.urls.api}/console/sign-in?lang=en`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: cloud.urls.api },
    body: new URLSearchParams({ username, password: accountNamed(username).password }).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`signing ${username} in was answered ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
};

const campaignsWith = async (cookie: string) => {
  const res = await fetch(`${cloud.urls.api}/console?lang=en`, { redirect: 'manual', headers: { cookie } });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
};

describe('console sessions on the embedded cloud', () => {
  it('refuses the old cookie after its user signed out', async () => {
    // Prepare
    const cookie = await signInThroughConsole('leader');
    const before = await campaignsWith(cookie);
    // Act
    const out = await fetch(`${cloud.urls.api}/console/sign-out?lang=en`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: cloud.urls.api, cookie },
    });
    const after = await campaignsWith(cookie);
    // Assess
    expect(before.status).toBe(200);
    expect(out.status).toBe(303);
    expect(after).toEqual({ status: 303, location: '/console/sign-in?lang=en' });
  });

  it("refuses a user's next request once an administrator took their role away", async () => {
    // Prepare
    const cookie = await signInThroughConsole('leader');
    const before = await campaignsWith(cookie);
    const admin = new CognitoIdentityProviderClient({
      endpoint: cloud.urls.cognito,
      region: cloud.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const membership = { UserPoolId: process.env.CONSOLE_USER_POOL_ID, Username: 'leader', GroupName: 'leader' };
    try {
      // Act
      await admin.send(new AdminRemoveUserFromGroupCommand(membership));
      const after = await campaignsWith(cookie);
      // Assess
      expect(before.status).toBe(200);
      expect(after).toEqual({ status: 303, location: '/console/sign-in?lang=en' });
    } finally {
      await admin.send(new AdminAddUserToGroupCommand(membership));
      admin.destroy();
    }
  });
});

describe('failed console sign-ins on the embedded cloud', () => {
  it('locks a username after five wrong passwords, refusing even the right one, and audits every refusal', async () => {
    // Prepare
    const account = accountNamed('coordinator-xuanwu');
    const attempt = async (password: string) => {
      const res = await fetch(`${cloud.urls.api}/console/sign-in?lang=en`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: cloud.urls.api },
        body: new URLSearchParams({ username: account.username, password }).toString(),
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
    };
    // Act
    const wrong = [];
    for (let i = 0; i < 6; i++) wrong.push(await attempt(`${account.password}-wrong-${i}`));
    const right = await attempt(account.password);
    const { store } = await import('../../functions/adapters/table.ts');
    const log = (await store.audit.listAudit('console')).filter((e) => e.target === account.username);
    // Assess
    expect(wrong.map((w) => w.status)).toEqual([401, 401, 401, 401, 429, 429]);
    expect(wrong[4]?.body).toContain('Too many failed sign-ins');
    expect(right.status).toBe(429);
    // A minute after the fifth failure; attempts while locked reach no password check and count no further.
    expect(Number(right.retryAfter)).toBeGreaterThan(50);
    expect(Number(right.retryAfter)).toBeLessThanOrEqual(60);
    expect(log.filter((e) => e.action === 'sign-in.failed')).toHaveLength(5);
    expect(log.filter((e) => e.action === 'sign-in.locked')).toHaveLength(2);
    expect(log.some((e) => e.action === 'sign-in')).toBe(false);
    expect(log[0]?.detail).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/) });
  });
});
