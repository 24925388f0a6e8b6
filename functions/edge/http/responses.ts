import { type HeaderProfile, securityHeaders } from './security-headers.ts';
import type { HttpResult } from './types.ts';

/** What a response may add to its site's headers: more headers (they win) and cookies to set. */
export interface ResponseOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Set-Cookie values, as API Gateway's payload 2.0 takes them. */
  readonly cookies?: readonly string[];
}

/** A file to download: its bytes, type and the name the browser saves it under. */
export interface Download {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly fileName: string;
}

/** The responses of one site, each with the site's security headers. */
export interface Responses {
  /** An HTML page. */
  html: (status: number, body: string, options?: ResponseOptions) => HttpResult;
  /** A JSON document (`body` is serialized). */
  json: (status: number, body: unknown, options?: ResponseOptions) => HttpResult;
  /** 303 See Other to `location`, with an empty body. */
  redirect: (location: string, options?: ResponseOptions) => HttpResult;
  /** A response without a body, e.g. 204. */
  empty: (status: number, options?: ResponseOptions) => HttpResult;
  /** 200 with a file to save (base64 in the payload), named in Content-Disposition for any browser. */
  download: (file: Download, options?: ResponseOptions) => HttpResult;
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

const addCookies = (result: HttpResult, options: ResponseOptions | undefined): HttpResult =>
  options?.cookies ? { ...result, cookies: [...options.cookies] } : result;

/** Builds the responses of a site whose protections `profile` describes; the headers are computed once. */
export const createResponses = (profile: HeaderProfile): Responses => {
  const page = securityHeaders(profile, 'page');
  const data = securityHeaders(profile, 'data');
  return {
    html: (status, body, options) =>
      addCookies(
        { statusCode: status, headers: { ...page, 'content-type': HTML, ...options?.headers }, body },
        options,
      ),
    json: (status, body, options) =>
      addCookies(
        {
          statusCode: status,
          headers: { ...data, 'content-type': JSON_TYPE, ...options?.headers },
          body: JSON.stringify(body),
        },
        options,
      ),
    redirect: (location, options) =>
      addCookies({ statusCode: 303, headers: { ...data, location, ...options?.headers }, body: '' }, options),
    empty: (status, options) =>
      addCookies({ statusCode: status, headers: { ...data, ...options?.headers }, body: '' }, options),
    download: (file, options) => {
      const name = encodeURIComponent(file.fileName);
      return addCookies(
        {
          statusCode: 200,
          headers: {
            ...data,
            'content-type': file.contentType,
            'content-disposition': `attachment; filename="${name}"; filename*=UTF-8''${name}`,
            ...options?.headers,
          },
          body: Buffer.from(file.bytes).toString('base64'),
          isBase64Encoded: true,
        },
        options,
      );
    },
  };
};

/**
 * The response with every security header of its kind it lacks added (a page by its Content-Type),
 * never replacing one it has: the router's net under responses built by hand. Unchanged when complete.
 */
export const completeSecurityHeaders = (result: HttpResult, profile: HeaderProfile): HttpResult => {
  const headers = result.headers ?? {};
  const type = String(headers['content-type'] ?? '');
  const wanted = securityHeaders(profile, type.startsWith('text/html') ? 'page' : 'data');
  const missing = Object.keys(wanted).filter((key) => !(key in headers));
  if (missing.length === 0) return result;
  return { ...result, headers: { ...Object.fromEntries(missing.map((key) => [key, wanted[key] ?? ''])), ...headers } };
};
