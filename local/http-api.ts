import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { listen } from './listen.ts';

/** API Gateway's own payload limit; the handler enforces the product's much smaller one. */
const MAX_PAYLOAD = 10 * 1024 * 1024;

/** One route of the local HTTP API: a path pattern with `{name}` parameters and `{proxy+}`. */
export interface LocalRoute {
  method: string;
  path: string;
  /** Invokes the route's function, as API Gateway's Lambda integration does. */
  handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
}

const compile = (path: string) => {
  const names: string[] = [];
  const pattern = path.replace(/\{(\w+)(\+?)\}/g, (_m, name: string, greedy: string) => {
    names.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { regex: new RegExp(`^${pattern}$`), names };
};

const readBody = (req: IncomingMessage): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_PAYLOAD) {
        resolve('too-large');
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * The Host headers the local API answers to: its own address and `localhost` on its port, and any
 * `hosts` configured. API Gateway answers only its own domains; here a page of another site that
 * points its own name at 127.0.0.1 (DNS rebinding) would otherwise be same-origin with the console.
 */
export const servedHosts = (host: string, port: number, hosts: readonly string[] = []): Set<string> =>
  new Set(
    [host === '0.0.0.0' ? '127.0.0.1' : host, '127.0.0.1', 'localhost', '[::1]', ...hosts].flatMap((name) => {
      const lower = name.toLowerCase();
      return lower.includes(':') && !lower.startsWith('[') ? [lower] : [`${lower}:${port}`];
    }),
  );

/**
 * A small HTTP server standing in for API Gateway HTTP APIs: each request becomes a payload-format
 * 2.0 event for the same handler that runs on Lambda.
 */
export const startHttpApi = async (
  routes: () => readonly LocalRoute[],
  /** `service` names it in the error of a taken port (default `survey API`). */
  /** `hosts`: further names (`name` or `name:port`) it answers to, beside its own address and localhost. */
  options: { port?: number; host?: string; service?: string; hosts?: readonly string[] } = {},
): Promise<{ url: string; server: Server; close: () => Promise<void> }> => {
  const host = options.host ?? '127.0.0.1';
  let served = new Set<string>();
  const server = createServer(async (req, res) => {
    if (!served.has((req.headers.host ?? '').toLowerCase())) {
      // 421 Misdirected Request: this server does not serve that name.
      sendMessage(res, 421, 'Misdirected Request');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const match = matchRoute(routes(), method, url.pathname);
    if (!match) {
      sendMessage(res, 404, 'Not Found');
      return;
    }
    const body = await readBody(req);
    if (body === 'too-large') {
      sendMessage(res, 413, 'Request Entity Too Large');
      return;
    }
    const event = toEvent(req, url, method, match, body);
    try {
      sendResult(res, await match.route.handler(event), method);
    } catch {
      sendMessage(res, 500, 'Internal Server Error');
    }
  });
  const port = await listen(server, { service: options.service ?? 'survey API', host, port: options.port ?? 0 });
  served = servedHosts(host, port, options.hosts);
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** A route and the values of its path parameters. */
interface RouteMatch {
  route: LocalRoute;
  params: Record<string, string>;
}

/** The first route of `method` (or ANY) whose path matches, with its parameters decoded. */
const matchRoute = (routes: readonly LocalRoute[], method: string, pathname: string): RouteMatch | undefined => {
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const { regex, names } = compile(route.path);
    const m = regex.exec(pathname);
    if (m) return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')])) };
  }
  return undefined;
};

/** An answer of API Gateway's own: a status and a JSON message. */
const sendMessage = (res: ServerResponse, status: number, message: string): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
};

/** The request as a payload-format 2.0 event, as API Gateway passes it to the route's function. */
const toEvent = (
  req: IncomingMessage,
  url: URL,
  method: string,
  match: RouteMatch,
  body: Buffer,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${match.route.method} ${match.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: match.params,
    // As API Gateway's v2 payload: the Cookie header's cookies as a list.
    ...(headers.cookie
      ? {
          cookies: headers.cookie
            .split(';')
            .map((c) => c.trim())
            .filter(Boolean),
        }
      : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `${now.getTime()}-${Math.random().toString(36).slice(2)}`,
      routeKey: `${match.route.method} ${match.route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length > 0 ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
  };
};

/** The function's v2 result as API Gateway answers it: a whole body with its length, one Set-Cookie per cookie. */
const sendResult = (res: ServerResponse, out: APIGatewayProxyStructuredResultV2, method: string): void => {
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers ?? {})) outHeaders[k] = String(v);
  const payload = out.body === undefined ? '' : out.isBase64Encoded ? Buffer.from(out.body, 'base64') : out.body;
  // A whole body with its length, as API Gateway answers (not chunked).
  outHeaders['content-length'] = String(Buffer.byteLength(payload));
  const outgoing: Record<string, string | string[]> = { ...outHeaders };
  // The v2 response's cookies become one Set-Cookie header each, as API Gateway sends them.
  if (out.cookies && out.cookies.length > 0) outgoing['set-cookie'] = out.cookies;
  res.writeHead(out.statusCode ?? 200, outgoing).end(method === 'HEAD' ? undefined : payload);
};
