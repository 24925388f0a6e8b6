import type { StateMachine } from 'aws-local-stepfunctions';

/** A JSON value as the interpreter passes it between states. */
export type JsonValue = Parameters<StateMachine['run']>[0];
/** A JSON object of a definition or a state's input. */
export type JsonObject = Record<string, unknown>;

/** AWS caps state payloads at 256 KiB; it is a terminal error. */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;
/** Node timers overflow above 2^31-1 ms (about 24.8 days) and then fire at once. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A promise with its resolve and reject functions at hand. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is an array, else an empty one. */
export function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Parses JSON text; `undefined` when it is not JSON. */
export function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** True for a whole number of seconds a local timer can wait (1 to {@link MAX_TIMER_SECONDS}). */
export function isTimerSeconds(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TIMER_SECONDS;
}

/** `{ [key]: value }`, or `{}` when the value is undefined: for spreading optional fields. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A promise settled from outside; a rejection nobody awaits is not reported as unhandled. */
export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // A task that ended unobserved (its execution stopped) must not surface as an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
