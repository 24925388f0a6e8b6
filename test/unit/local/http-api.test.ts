import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpApi } from '../../../local/http-api.ts';

/** The local HTTP API answers only to its own names, as API Gateway answers only to its domains. */

let api: Awaited<ReturnType<typeof startHttpApi>>;
let port = 0;

/** A GET of `/console` with this Host header, as a browser sends it after a DNS rebinding. */
const getWithHost = (host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/console', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });

beforeAll(async () => {
  api = await startHttpApi(
    () => [{ method: 'GET', path: '/console', handler: async () => ({ statusCode: 200, body: 'console' }) }],
    { hosts: ['console.example.gov.cn'] },
  );
  port = Number(new URL(api.url).port);
});

afterAll(async () => {
  await api?.close();
});

describe('the local HTTP API', () => {
  it('answers its own address, localhost and a configured host on its port', async () => {
    // Act
    const statuses = await Promise.all(
      [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `console.example.gov.cn:${port}`].map(
        getWithHost,
      ),
    );
    // Assess
    expect(statuses).toEqual([200, 200, 200, 200]);
  });

  it('refuses another Host with 421, as a DNS-rebinding page sends it, before the handler runs', async () => {
    // Act
    const statuses = await Promise.all(
      [
        `attacker.example:${port}`,
        'attacker.example',
        `127.0.0.1:${port + 1}`,
        '127.0.0.1',
        `rebound.localhost:${port}`,
      ].map(getWithHost),
    );
    // Assess
    expect(statuses).toEqual([421, 421, 421, 421, 421]);
  });
});
