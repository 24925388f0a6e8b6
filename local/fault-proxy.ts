import { createServer, type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
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

/** The rules of a fault proxy, the requests they hold, and what it counted. */
class FaultRules {
  /** Releases of the requests held by a `holdUntil` answer; each forwards its request once. */
  readonly held = new Set<() => void>();
  /** Requests forwarded to the service. */
  forwarded = 0;
  private rules: { rule: FaultRule; left: number }[] = [];
  private readonly injected: Record<string, number> = {};
  private readonly byOperation: Record<string, number> = {};

  /** Adds a rule, used up to its `times`. */
  add(rule: FaultRule): void {
    this.rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
  }

  /** Removes every rule and forwards the requests still held. */
  clear(): void {
    this.rules = [];
    for (const release of [...this.held]) release();
  }

  /** What was forwarded, and injected by rule name, and seen by operation. */
  stats(): ReturnType<FaultProxy['stats']> {
    return { forwarded: this.forwarded, injected: { ...this.injected }, byOperation: { ...this.byOperation } };
  }

  /** Counts the request and returns the first rule with uses left that matches it, now used once more. */
  match(seen: ProxiedRequest): FaultRule | undefined {
    this.byOperation[seen.operation] = (this.byOperation[seen.operation] ?? 0) + 1;
    const hit = this.rules.find((r) => r.left > 0 && r.rule.matches(seen));
    if (!hit) return undefined;
    hit.left--;
    this.injected[hit.rule.name] = (this.injected[hit.rule.name] ?? 0) + 1;
    return hit.rule;
  }
}

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
  const rules = new FaultRules();
  const proxy: FaultProxy = {
    url: '',
    add: (rule) => rules.add(rule),
    clear: () => rules.clear(),
    stats: () => rules.stats(),
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const seen: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
        operation: operationOf(req.headers, body),
      };
      const forward = () =>
        forwardRequest(upstream, req, res, Buffer.concat(chunks), (status) => {
          rules.forwarded++;
          proxy.onForwarded?.(seen, status);
        });
      const rule = rules.match(seen);
      if (rule) answerWith(rule.respond(seen), req, res, forward, rules.held);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  proxy.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      // Held requests are dropped with their connections, not forwarded to a service going away.
      rules.held.clear();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
};

/** Does what a rule's answer says: drop the connection, forward late, hold until released, or answer. */
const answerWith = (
  answer: FaultResponse,
  req: IncomingMessage,
  res: ServerResponse,
  forward: () => void,
  held: Set<() => void>,
): void => {
  if (answer === 'reset') {
    req.socket.destroy();
    return;
  }
  if ('delayMs' in answer) {
    setTimeout(() => forward(), answer.delayMs);
    return;
  }
  if ('holdUntil' in answer) {
    const release = () => {
      if (held.delete(release)) forward();
    };
    held.add(release);
    answer.holdUntil.then(release, release);
    return;
  }
  res
    .writeHead(answer.status, { 'content-length': Buffer.byteLength(answer.body), ...answer.headers })
    .end(answer.body);
};

/** Forwards the request to the service and pipes its answer back; `onAnswer` is told its status first. */
const forwardRequest = (
  upstream: URL,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  onAnswer: (status: number) => void,
): void => {
  const out = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    },
    (up) => {
      onAnswer(up.statusCode ?? 0);
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  out.on('error', () => res.destroy());
  out.end(body);
};
