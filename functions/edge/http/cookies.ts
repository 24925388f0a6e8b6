import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** How a cookie is set: where it is sent, for how long, and what may read it. */
export interface CookieOptions {
  readonly path: string;
  /** Seconds it lives; 0 deletes it. */
  readonly maxAge: number;
  readonly httpOnly?: boolean;
  readonly sameSite?: 'Strict' | 'Lax';
  /** Only over https. */
  readonly secure?: boolean;
}

/** The value of a request's cookie (payload 2.0's `cookies`, else the Cookie header), or undefined. */
export const readCookie = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const all = event.cookies ?? (event.headers.cookie ? event.headers.cookie.split(';') : []);
  for (const cookie of all) {
    const [key, ...value] = cookie.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
};

/** Whether the request came over https (the embedded cloud on 127.0.0.1 speaks plain http). */
export const isHttps = (event: APIGatewayProxyEventV2): boolean =>
  event.headers['x-forwarded-proto'] !== 'http' && !event.requestContext.domainName?.startsWith('127.0.0.1');

/** A Set-Cookie value: `name=value; Path=…; HttpOnly; SameSite=…; Max-Age=…; Secure`, in that order. */
export const formatCookie = (name: string, value: string, options: CookieOptions): string =>
  [
    `${name}=${value}`,
    `Path=${options.path}`,
    ...(options.httpOnly ? ['HttpOnly'] : []),
    ...(options.sameSite ? [`SameSite=${options.sameSite}`] : []),
    `Max-Age=${options.maxAge}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
