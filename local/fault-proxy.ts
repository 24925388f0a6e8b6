import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a fault rule sees of a request. */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** DynamoDB/Step Functions operation (`X-Amz-Target` suffix) or SES query `Action`. */
  operation: string;
}

/**
 * A canned response, `'reset'` to drop the connection, a delay before forwarding as usual, or a hold:
 * the request is forwarded once `holdUntil` settles (or when the rules are cleared).
 */
export type FaultResponse =
  | { status: number; headers?: Record<string, string>; body: string }
  | 'reset'
  | { delayMs: number }
  | { holdUntil: Promise<unknown> };

/** One rule: when it matches, it answers instead of the real service (up to `times` times). */
export interface FaultRule {
  name: string;
  matches: (req: ProxiedRequest) => boolean;
  respond: (req: ProxiedRequest) => FaultResponse;
  /** How many times the rule fires; unlimited when absent. */
  times?: number;
}

/** A fault-injecting HTTP proxy in front of one local service. */
export interface FaultProxy {
  url: string;
  add: (rule: FaultRule) => void;
  /** Removes every rule and forwards the requests still held. */
  clear: () => void;
  /** Requests forwarded, and faults injected by rule name. */
  stats: () => { forwarded: number; injected: Record<string, number>; byOperation: Record<string, number> };
  /** Called after each forwarded request with the service's status. */
  onForwarded?: (req: ProxiedRequest, status: number) => void;
  close: () => Promise<void>;
}

const operationOf = (headers: IncomingHttpHeaders, body: string): string => {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  const action = /(?:^|&)Action=([^&]+)/.exec(body);
  return action?.[1] ? decodeURIComponent(action[1]) : '';
};

/** DynamoDB's throttling answer, as the SDK expects it (retried with backoff). */
export const dynamoThrottle = (): FaultResponse => ({
  status: 400,
  headers: {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-errortype': 'ProvisionedThroughputExceededException',
  },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  }),
});

/** DynamoDB answering "service unavailable" (HTTP 503). */
export const dynamoUnavailable = (): FaultResponse => ({
  status: 503,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
    message: 'Service unavailable',
  }),
});

/** A DynamoDB error the SDK does not retry. */
export const dynamoFailure = (type = 'ValidationException', message = 'injected failure'): FaultResponse => ({
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type },
  body: JSON.stringify({ __type: `com.amazon.coral.validate#${type}`, message }),
});

/** An SES (query API) error response. */
export const sesError = (code: string, message: string): FaultResponse => ({
  status: 400,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault</RequestId></ErrorResponse>`,
});

/**
 * Starts a proxy that forwards to `target` unless a rule answers first. Used to inject throttling,
 * outages and rejections into the embedded cloud without touching the code under test.
 */
export const startFaultProxy = async (
  target: string,
  options: { host?: string; port?: number } = {},
): Promise<FaultProxy> => {
  const host = options.host ?? '127.0.0.1';
  const upstream = new URL(target);
  let rules: { rule: FaultRule; left: number }[] = [];
  // Releases of the requests held by a `holdUntil` answer; each forwards its request once.
  const held = new Set<() => void>();
  let forwarded = 0;
  const injected: Record<string, number> = {};
  const byOperation: Record<string, number> = {};
  const proxy: FaultProxy = {
    url: '',
    add: (rule) => rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }),
    clear: () => {
      rules = [];
      for (const release of [...held]) release();
    },
    stats: () => ({ forwarded, injected: { ...injected }, byOperation: { ...byOperation } }),
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const seen: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
        operation: operationOf(req.headers, body),
      };
      byOperation[seen.operation] = (byOperation[seen.operation] ?? 0) + 1;
      const hit = rules.find((r) => r.left > 0 && r.rule.matches(seen));
      if (hit) {
        hit.left--;
        injected[hit.rule.name] = (injected[hit.rule.name] ?? 0) + 1;
        const answer = hit.rule.respond(seen);
        if (answer === 'reset') {
          req.socket.destroy();
          return;
        }
        if ('delayMs' in answer) {
          setTimeout(() => forward(seen), answer.delayMs);
          return;
        }
        if ('holdUntil' in answer) {
          const release = () => {
            if (held.delete(release)) forward(seen);
          };
          held.add(release);
          answer.holdUntil.then(release, release);
          return;
        }
        res
          .writeHead(answer.status, { 'content-length': Buffer.byteLength(answer.body), ...answer.headers })
          .end(answer.body);
        return;
      }
      forward(seen);
    });
    const forward = (seen: ProxiedRequest) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          forwarded++;
          proxy.onForwarded?.(seen, up.statusCode ?? 0);
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    };
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  proxy.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      // Held requests are dropped with their connections, not forwarded to a service going away.
      held.clear();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
};
