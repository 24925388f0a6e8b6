import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Lang } from '../../core/i18n.ts';

/** What an HTTP function answers API Gateway (payload format 2.0). */
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** One request as a route handler sees it: the event, the route's path parameters and what the client prefers. */
export interface HttpRequest {
  readonly event: APIGatewayProxyEventV2;
  /** The method as sent: HEAD stays HEAD when a GET route answers it. */
  readonly method: string;
  /** The path matched, without trailing slashes. */
  readonly path: string;
  /** The route's `{name}` segments, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The page language: `?lang=` first, then Accept-Language, Chinese by default. */
  readonly lang: Lang;
  /** Whether the answer is JSON rather than a page (see `negotiation.ts`). */
  readonly json: boolean;
}

/** Answers one route. */
export type RouteHandler = (request: HttpRequest) => Promise<HttpResult>;

/** Runs around every request of a router (before matching): answers itself, or calls `next`. */
export type Middleware = (request: HttpRequest, next: () => Promise<HttpResult>) => Promise<HttpResult>;
