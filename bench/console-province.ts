import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ConsoleUser } from '../functions/core/access/console-access.ts';
import { runProvince } from './province.ts';
import type { BenchSuite } from './suite.ts';

/** Each page is served this many times; the line gives the median (the first, cold, one included). */
const RUNS = 3;
/** Targets per page. */
const MAX_SERVER_MS = 1000;
const MAX_BYTES = 300 * 1024;

const ORGANIZER: ConsoleUser = { sub: 'bench-organizer', username: 'organizer', role: 'organizer' };

/** A signed-in GET of a console page as API Gateway hands it to the console's function. */
const pageEvent = (path: string, query: Record<string, string>): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: 'GET /console/{proxy+}',
  rawPath: path,
  rawQueryString: new URLSearchParams(query).toString(),
  headers: { host: 'console.bench.local', accept: 'text/html' },
  cookies: ['console_session=bench'],
  queryStringParameters: query,
  isBase64Encoded: false,
  requestContext: {
    accountId: 'local',
    apiId: 'local',
    domainName: 'console.bench.local',
    domainPrefix: 'console',
    http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    requestId: 'bench',
    routeKey: 'GET /console/{proxy+}',
    stage: '$default',
    time: '',
    timeEpoch: 0,
  },
});

/**
 * The organizers' console on the province campaign (20,000 centers, 60,000 assignments, ~57,000
 * responses), published: each page's server time (the console's handler, against dynalite as the
 * embedded cloud runs it) and size. One line per page.
 */
export const suite: BenchSuite = {
  name: 'console-province',
  summary: "the console's pages on the province campaign: server time and bytes per page (targets ≤ 1 s, ≤ 300 KB)",
  run: (out) =>
    runProvince(out, async (_cloud, id) => {
      const { routeConsole } = await import('../functions/console-api.ts');
      const { store } = await import('../functions/adapters/table.ts');
      const auth = {
        open: async () => ({ cookie: 'bench', user: ORGANIZER }),
        close: async () => {},
        verify: async () => ORGANIZER,
        signIn: async () => ({ idToken: 'bench', expiresInSeconds: 3600 }),
        completeNewPassword: async () => ({ idToken: 'bench', expiresInSeconds: 3600 }),
        answerMfa: async () => ({ idToken: 'bench', expiresInSeconds: 3600 }),
      };
      // A center with problems found (rectification items), and a district and level to filter on.
      const items = await store.rectification.listRectificationItems(
        (await store.campaigns.getMeta(id)).campaign.series,
      );
      const centerId = items[0]?.centerId ?? '';
      const center = await store.rosters.getCenter(id, centerId);
      const base = `/console/campaigns/${id}`;
      const pages: [string, string, Record<string, string>][] = [
        ['campaign-list', '/console', {}],
        ['progress', base, {}],
        ['review-queue', `${base}/review`, { status: 'all' }],
        [
          'review-queue-filtered',
          `${base}/review`,
          { status: 'all', district: center?.district ?? '', level: 'community', flag: 'none' },
        ],
        ['center', `${base}/centers/${centerId}`, {}],
        ['results', `${base}/results`, {}],
      ];
      out(`console-province: rectification-items=${items.length} center=${centerId}`);
      for (const [name, path, query] of pages) {
        const times: number[] = [];
        let bytes = 0;
        let status = 0;
        for (let i = 0; i < RUNS; i++) {
          const started = performance.now();
          const res = await routeConsole(pageEvent(path, { lang: 'zh', ...query }), auth as never);
          times.push(performance.now() - started);
          bytes = Buffer.byteLength(typeof res.body === 'string' ? res.body : '');
          status = res.statusCode ?? 0;
        }
        times.sort((a, b) => a - b);
        const ms = times[Math.floor(RUNS / 2)] ?? Number.NaN;
        const ok = status === 200 && ms <= MAX_SERVER_MS && bytes <= MAX_BYTES;
        out(
          `console-province: ${name} server_ms=${ms.toFixed(0)} bytes=${bytes} status=${status} runs_ms=${times.map((t) => t.toFixed(0)).join('/')} ${ok ? 'within target' : 'OVER TARGET'}`,
        );
      }
    }),
};
