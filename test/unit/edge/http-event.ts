import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpRequest } from '../../../functions/edge/http/types.ts';

/** A payload 2.0 event as API Gateway sends one, with only what a test names. */
export const httpEvent = (
  method: string,
  path: string,
  init: {
    headers?: Record<string, string>;
    query?: Record<string, string>;
    body?: string;
    base64?: boolean;
    cookies?: string[];
    domainName?: string;
  } = {},
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: init.headers ?? {},
    queryStringParameters: init.query,
    ...(init.cookies ? { cookies: init.cookies } : {}),
    body: init.body,
    isBase64Encoded: init.base64 ?? false,
    requestContext: {
      domainName: init.domainName ?? 'supervision.example.gov.cn',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 't' },
    },
  }) as unknown as APIGatewayProxyEventV2;

/** A request as the router hands it to a handler. */
export const httpRequest = (
  event: APIGatewayProxyEventV2,
  over: Partial<Omit<HttpRequest, 'event'>> = {},
): HttpRequest => ({
  event,
  method: event.requestContext.http.method,
  path: event.rawPath,
  params: {},
  query: event.queryStringParameters ?? {},
  lang: 'zh',
  json: false,
  ...over,
});
