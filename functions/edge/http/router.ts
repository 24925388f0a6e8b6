import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ErrorRegistry } from './errors.ts';
import { chooseLanguage, wantsJson } from './negotiation.ts';
import { completeSecurityHeaders } from './responses.ts';
import type { HeaderProfile } from './security-headers.ts';
import type { HttpRequest, HttpResult, Middleware, RouteHandler } from './types.ts';

/** What a router answers beside its routes, and with which protections. */
export interface RouterOptions {
  /**
   * The site's security headers: any response lacking one of them gets it. Given as a loader when the
   * profile lives in a module the router should import only once a request is answered (its CSP hashes
   * a page's inline assets).
   */
  readonly headers: HeaderProfile | (() => Promise<HeaderProfile>);
  /** Named errors to responses, and the 500 of anything else. */
  readonly errors: ErrorRegistry;
  /** A path no route matches. */
  readonly notFound: (request: HttpRequest) => HttpResult | Promise<HttpResult>;
  /** A route's path with a method it does not take; the router adds `allow` (e.g. `GET, HEAD, POST`). */
  readonly methodNotAllowed: (request: HttpRequest, allow: string) => HttpResult | Promise<HttpResult>;
  /** Run around every request, outermost first, before the route is matched (404 and 405 included). */
  readonly use?: readonly Middleware[];
}

/** Routes of one HTTP function by method and path (`/s/{token}/draft`: `{name}` matches one segment). */
export interface Router {
  get: (path: string, handler: RouteHandler) => Router;
  post: (path: string, handler: RouteHandler) => Router;
  put: (path: string, handler: RouteHandler) => Router;
  patch: (path: string, handler: RouteHandler) => Router;
  delete: (path: string, handler: RouteHandler) => Router;
  /** One handler for several methods of a path. */
  route: (methods: readonly string[], path: string, handler: RouteHandler) => Router;
  /** Answers the methods `path` does not take with `handler` instead of the router's own 405 (Allow is still added). */
  methodNotAllowed: (path: string, handler: RouteHandler) => Router;
  /** Answers one event: its route's handler, 404, 405 with Allow, or the error registry's answer to a throw. */
  resolve: (event: APIGatewayProxyEventV2) => Promise<HttpResult>;
}

/** One path pattern and the handlers of its methods, in the order registered. */
interface Resource {
  readonly segments: readonly string[];
  readonly handlers: Map<string, RouteHandler>;
  /** The path's own answer to a method it does not take, if it has one. */
  refuse: RouteHandler | undefined;
}

const splitPath = (path: string): string[] => path.split('/').slice(1);

/** The path without trailing slashes (`/` stays). */
const trimPath = (path: string): string => path.replace(/\/+$/, '') || '/';

const isParam = (segment: string): boolean => segment.startsWith('{') && segment.endsWith('}');

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The path parameters of a resource matching `parts`, or undefined when it does not match. */
const matchResource = (resource: Resource, parts: readonly string[]): Record<string, string> | undefined => {
  if (resource.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const segment = resource.segments[i] ?? '';
    const part = parts[i] ?? '';
    if (isParam(segment)) {
      if (part === '') return undefined;
      params[segment.slice(1, -1)] = decodeSegment(part);
    } else if (segment !== part) return undefined;
  }
  return params;
};

/** Whether `a` is more specific than `b`: at the first segment where they differ, a literal beats a parameter. */
const compareSpecificity = (a: Resource, b: Resource): number => {
  for (let i = 0; i < a.segments.length; i++) {
    const literalA = !isParam(a.segments[i] ?? '');
    const literalB = !isParam(b.segments[i] ?? '');
    if (literalA !== literalB) return literalA ? -1 : 1;
  }
  return 0;
};

/** The methods a resource takes, HEAD right after GET when GET answers it. */
const listAllowed = (resources: readonly Resource[]): string => {
  const methods: string[] = [];
  for (const resource of resources) {
    for (const method of resource.handlers.keys()) {
      if (!methods.includes(method)) methods.push(method);
      if (method === 'GET' && !resource.handlers.has('HEAD') && !methods.includes('HEAD')) methods.push('HEAD');
    }
  }
  return methods.join(', ');
};

const findHandler = (resource: Resource, method: string): RouteHandler | undefined =>
  resource.handlers.get(method) ?? (method === 'HEAD' ? resource.handlers.get('GET') : undefined);

const buildRequest = (
  event: APIGatewayProxyEventV2,
  path: string,
  method: string,
  params: Record<string, string>,
): HttpRequest => ({
  event,
  method,
  path,
  params,
  query: event.queryStringParameters ?? {},
  lang: chooseLanguage(event),
  json: wantsJson(event.headers),
});

/** What a path and method find among the resources: a handler, only other methods of the path, or nothing. */
type Match =
  | { found: 'route'; handler: RouteHandler; params: Record<string, string> }
  | { found: 'path'; allow: string; params: Record<string, string>; refuse: RouteHandler | undefined }
  | { found: 'nothing' };

const findRoute = (resources: readonly Resource[], path: string, method: string): Match => {
  const parts = splitPath(path);
  const matched: { resource: Resource; params: Record<string, string> }[] = [];
  for (const resource of resources) {
    const params = matchResource(resource, parts);
    if (!params) continue;
    const handler = findHandler(resource, method);
    if (handler) return { found: 'route', handler, params };
    matched.push({ resource, params });
  }
  const [first] = matched;
  if (!first) return { found: 'nothing' };
  const candidates = matched.map((m) => m.resource);
  const refuse = candidates.find((r) => r.refuse)?.refuse;
  return { found: 'path', allow: listAllowed(candidates), params: first.params, refuse };
};

/** A router answering with `options` what no route does. */
export const createRouter = (options: RouterOptions): Router => {
  const resources: Resource[] = [];
  const resourceOf = (path: string): Resource => {
    const segments = splitPath(trimPath(path));
    const key = segments.join('/');
    const known = resources.find((r) => r.segments.join('/') === key);
    if (known) return known;
    const resource: Resource = { segments, handlers: new Map(), refuse: undefined };
    resources.push(resource);
    resources.sort(compareSpecificity);
    return resource;
  };
  const add = (methods: readonly string[], path: string, handler: RouteHandler): Router => {
    const resource = resourceOf(path);
    for (const method of methods) resource.handlers.set(method.toUpperCase(), handler);
    return router;
  };

  const dispatch = async (request: HttpRequest, match: Match): Promise<HttpResult> => {
    if (match.found === 'route') return match.handler(request);
    if (match.found === 'nothing') return options.notFound(request);
    const refused = await (match.refuse ? match.refuse(request) : options.methodNotAllowed(request, match.allow));
    return { ...refused, headers: { ...refused.headers, allow: match.allow } };
  };

  const run = (request: HttpRequest, match: Match, middleware: readonly Middleware[]): Promise<HttpResult> => {
    const [outer, ...inner] = middleware;
    return outer ? outer(request, () => run(request, match, inner)) : dispatch(request, match);
  };

  const router: Router = {
    get: (path, handler) => add(['GET'], path, handler),
    post: (path, handler) => add(['POST'], path, handler),
    put: (path, handler) => add(['PUT'], path, handler),
    patch: (path, handler) => add(['PATCH'], path, handler),
    delete: (path, handler) => add(['DELETE'], path, handler),
    route: add,
    methodNotAllowed: (path, handler) => {
      resourceOf(path).refuse = handler;
      return router;
    },
    resolve: async (event) => {
      const path = trimPath(event.rawPath ?? event.requestContext.http.path);
      const method = event.requestContext.http.method;
      const match = findRoute(resources, path, method);
      const request = buildRequest(event, path, method, match.found === 'nothing' ? {} : match.params);
      let result: HttpResult;
      try {
        result = await run(request, match, options.use ?? []);
      } catch (error) {
        result = await options.errors.handle(error, request);
      }
      const headers = typeof options.headers === 'function' ? await options.headers() : options.headers;
      return completeSecurityHeaders(result, headers);
    },
  };
  return router;
};
