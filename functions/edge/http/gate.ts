import type { HttpRequest, HttpResult, RouteHandler } from './types.ts';

/** What a gate decides: let the request through with what it found (e.g. the signed-in user), or answer it. */
export type GateOutcome<T> = { readonly pass: T } | { readonly refuse: HttpResult };

/** Checks a request before its route's handler runs (a session, a role, a link). */
export type Gate<T> = (request: HttpRequest) => Promise<GateOutcome<T>>;

/** A route handler behind a gate: `handler` runs with what the gate found, only when it lets the request through. */
export const gated =
  <T>(gate: Gate<T>, handler: (request: HttpRequest, value: T) => Promise<HttpResult>): RouteHandler =>
  async (request) => {
    const outcome = await gate(request);
    return 'refuse' in outcome ? outcome.refuse : handler(request, outcome.pass);
  };
