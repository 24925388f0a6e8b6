/**
 * Strict-Transport-Security of every page and API answer: browsers keep to https for a year,
 * subdomains included. Sent on every response (the API is reached over https only; a browser ignores
 * the header on a plain-http answer such as the embedded cloud's).
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';
