import { logger } from '../../adapters/logger.ts';
import type { HttpRequest, HttpResult } from './types.ts';

/** Answers one kind of error thrown while serving a request. */
export type ErrorHandler<E> = (error: E, request: HttpRequest) => HttpResult | Promise<HttpResult>;

/** A class of errors a handler is registered for (abstract classes too). */
export type ErrorClass<E extends Error = Error> = abstract new (...args: never[]) => E;

/**
 * Named errors mapped to responses. A thrown error finds its handler by its exact class first, then
 * by `instanceof` (in the order registered), then by `error.name` (names registered with `onName`:
 * a minified bundle renames classes, never the names errors give themselves), then by the tests of
 * `when`; anything else is logged by name only and answered with the site's 500.
 */
export interface ErrorRegistry {
  /** Answers errors of these classes (and their subclasses) with `handler`. */
  on: <E extends Error>(type: ErrorClass<E> | readonly ErrorClass<E>[], handler: ErrorHandler<E>) => ErrorRegistry;
  /** Answers errors whose `name` is one of these with `handler`. */
  onName: (name: string | readonly string[], handler: ErrorHandler<Error>) => ErrorRegistry;
  /** Answers errors `test` accepts with `handler`, after every class and name. */
  when: (test: (error: unknown) => boolean, handler: ErrorHandler<unknown>) => ErrorRegistry;
  /** The handler an error finds, or undefined for an unknown error. */
  handlerFor: (error: unknown) => ErrorHandler<never> | undefined;
  /** The response to an error thrown while serving `request`. */
  handle: (error: unknown, request: HttpRequest) => Promise<HttpResult>;
}

/** What a site answers an error no handler knows: its log line's label and its 500 response. */
export interface UnknownErrors {
  /** Names the site in the log line: `<label> request failed`. */
  readonly label: string;
  /** The 500 answer (or whatever the site answers an unexpected failure with). */
  readonly failed: (request: HttpRequest) => HttpResult | Promise<HttpResult>;
}

const readErrorName = (error: unknown): string => (error instanceof Error ? error.name : '');

/** A registry of error handlers for one site; `unknown` answers what none of them knows. */
export const createErrorRegistry = (unknown: UnknownErrors): ErrorRegistry => {
  const byClass = new Map<ErrorClass, ErrorHandler<never>>();
  const byName = new Map<string, ErrorHandler<never>>();
  const tests: [(error: unknown) => boolean, ErrorHandler<never>][] = [];

  const findByClass = (error: object): ErrorHandler<never> | undefined => {
    const exact = byClass.get(error.constructor as ErrorClass);
    if (exact) return exact;
    for (const [type, handler] of byClass) if (error instanceof type) return handler;
    return undefined;
  };

  const registry: ErrorRegistry = {
    on: (type, handler) => {
      for (const one of Array.isArray(type) ? type : [type])
        byClass.set(one as ErrorClass, handler as ErrorHandler<never>);
      return registry;
    },
    onName: (name, handler) => {
      for (const one of typeof name === 'string' ? [name] : name) byName.set(one, handler as ErrorHandler<never>);
      return registry;
    },
    when: (test, handler) => {
      tests.push([test, handler as ErrorHandler<never>]);
      return registry;
    },
    handlerFor: (error) => {
      const found = typeof error === 'object' && error !== null ? findByClass(error) : undefined;
      return found ?? byName.get(readErrorName(error)) ?? tests.find(([test]) => test(error))?.[1];
    },
    handle: async (error, request) => {
      const handler = registry.handlerFor(error);
      if (handler) {
        try {
          return await (handler as ErrorHandler<unknown>)(error, request);
        } catch (failure) {
          logger.error(`${unknown.label} request failed`, { error: readErrorName(failure) });
          return unknown.failed(request);
        }
      }
      // The name only: messages of some errors quote the input, which may hold personal data.
      logger.error(`${unknown.label} request failed`, { error: readErrorName(error) });
      return unknown.failed(request);
    },
  };
  return registry;
};
