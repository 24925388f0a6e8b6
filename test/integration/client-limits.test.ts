import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_RATE_LIMITS } from '../../infra/edge-stack.ts';
import { ClientLimiter, readClientLimits } from '../../local/client-limits.ts';
import { type EmbeddedCloud, startEmbeddedCloud, synthesizeLocalStacks } from '../../local/cloud.ts';

let cloud: EmbeddedCloud;

beforeAll(async () => {
  cloud = await startEmbeddedCloud({ console: true });
});

afterAll(async () => {
  await cloud?.close();
});

/** A sign-in attempt sent from one loopback address, as a distinct client would. */
const signIn = (from: string, username: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const url = new URL('/console/sign-in?lang=zh', cloud.urls.api);
    const body = new URLSearchParams({ username, password: 'not-the-password' }).toString();
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        localAddress: from,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          origin: url.origin,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

describe("WAF's per-client rate limits on the embedded cloud", () => {
  it('reads the rate-based rules of the synthesized edge stack', async () => {
    // Act
    const { edge } = await synthesizeLocalStacks();
    const limits = readClientLimits(edge);

    // Assess
    expect(limits.map((l) => [l.name, l.limit, l.windowSeconds])).toEqual(
      CLIENT_RATE_LIMITS.map((l) => [`RateLimit${l.name}`, l.limit, l.windowSeconds]),
    );
    expect(limits[0]).toMatchObject({ methods: ['POST'], pathPrefixes: expect.arrayContaining(['/console/sign-in']) });
  });

  it('limits a client guessing passwords while another client is served', async () => {
    // Prepare
    const signInLimit = CLIENT_RATE_LIMITS.find((l) => l.name === 'ConsoleSignIn')?.limit ?? 0;

    // Act
    const noisy: number[] = [];
    // A different account each time: the console's own lockout counts per account, WAF per address.
    for (let i = 0; i <= signInLimit; i++) noisy.push(await signIn('127.0.0.2', `guess-${i}`));
    const quiet = await signIn('127.0.0.3', 'organizer');

    // Assess
    expect(noisy.slice(0, signInLimit).every((status) => status !== 429)).toBe(true);
    expect(noisy.at(-1)).toBe(429);
    expect(quiet).not.toBe(429);
    expect(quiet).toBe(401);
    expect(noisy[0]).toBe(401);
  });

  it('lets a client in again once its requests in the window fall under the limit', () => {
    // Prepare
    let now = 0;
    const limiter = new ClientLimiter(() => now);
    limiter.use([{ name: 'Links', limit: 2, windowSeconds: 60, pathPrefixes: ['/s/'], methods: [] }]);

    // Act
    const first = [
      limiter.admit('a', 'GET', '/s/x'),
      limiter.admit('a', 'GET', '/s/x'),
      limiter.admit('a', 'GET', '/s/x'),
    ];
    const otherPath = limiter.admit('a', 'GET', '/console');
    now = 61_000;
    const later = limiter.admit('a', 'GET', '/s/x');

    // Assess
    expect(first.map((r) => r?.name)).toEqual([undefined, undefined, 'Links']);
    expect(otherPath).toBeUndefined();
    expect(later).toBeUndefined();
  });
});
