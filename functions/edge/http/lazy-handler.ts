import { lazy } from '../../adapters/clients/lazy.ts';

/**
 * A handler (a route's, an error's, a middleware) whose code is imported at its first call: `load`
 * imports its module (`import('…')`, a chunk of its own in the bundle) and returns the handler, which
 * every later call reuses. A cold start then loads the router alone; each request loads only what
 * its route needs. A load that failed is tried again by the next call.
 *
 * `lazyHandler(async () => (await import('./api/survey/page.ts')).showSurvey)`
 */
export const lazyHandler = <A extends unknown[], T>(
  load: () => Promise<(...args: A) => T | Promise<T>>,
): ((...args: A) => Promise<T>) => {
  const loaded = lazy(load);
  return async (...args) => (await loaded())(...args);
};
