/**
 * Strict-Transport-Security of every page and API answer: browsers keep to https for a year,
 * subdomains included. Sent on every response (the API is reached over https only; a browser ignores
 * the header on a plain-http answer such as the embedded cloud's).
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** Content-Security-Policy of an answer that is not a page (JSON, redirects, empty answers): nothing loads, nothing frames it. */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

/** What differs between the sites' protections: the policy of pages and of other answers, Referer, Permissions-Policy. */
export interface HeaderProfile {
  /** Content-Security-Policy of HTML pages. */
  readonly pageCsp: string;
  /** Content-Security-Policy of every other answer (JSON, redirects, empty, files). */
  readonly dataCsp: string;
  readonly referrerPolicy: 'no-referrer' | 'same-origin';
  /** Permissions-Policy, for a site that sends one. */
  readonly permissionsPolicy?: string;
}

/** What a response carries: a page (HTML) or anything else. */
export type ContentKind = 'page' | 'data';

const computed = new WeakMap<HeaderProfile, Record<ContentKind, Readonly<Record<string, string>>>>();

const headersOf = (profile: HeaderProfile, kind: ContentKind): Readonly<Record<string, string>> => ({
  'strict-transport-security': STRICT_TRANSPORT_SECURITY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': profile.referrerPolicy,
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  ...(profile.permissionsPolicy ? { 'permissions-policy': profile.permissionsPolicy } : {}),
  'content-security-policy': kind === 'page' ? profile.pageCsp : profile.dataCsp,
});

/**
 * The security headers of one kind of answer of a site (computed once per profile); every response
 * the HTTP edge builds starts with them.
 */
export const securityHeaders = (profile: HeaderProfile, kind: ContentKind): Readonly<Record<string, string>> => {
  let both = computed.get(profile);
  if (!both) {
    both = { page: Object.freeze(headersOf(profile, 'page')), data: Object.freeze(headersOf(profile, 'data')) };
    computed.set(profile, both);
  }
  return both[kind];
};
