import type { MiddlewareObj } from '@middy/core';
import type * as z from 'zod';
import { logger } from '../adapters/logger.ts';

/** The workflow handed a task an input it cannot use; not retried. */
export class InvalidTaskInput extends Error {
  override name = 'InvalidTaskInput';
}

/** Validates a task's event with a zod schema in one place, replacing it with the parsed value. */
export const parseEvent = <S extends z.ZodType>(schema: S): MiddlewareObj<z.output<S>> => ({
  before: (request) => {
    const parsed = schema.safeParse(request.event);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
      throw new InvalidTaskInput(`invalid task input: ${detail}`, { cause: parsed.error });
    }
    request.event = parsed.data;
  },
});

/** A failure worth retrying: the workflow's Retry matches this name with backoff and jitter. */
export class TransientError extends Error {
  override name = 'TransientError';
}

const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'TransactionConflictException',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** Whether an error is throttling, an outage or a network fault, after the SDK's own retries. */
export const isTransient = (error: unknown): boolean =>
  error instanceof Error &&
  (TRANSIENT.has(error.name) ||
    ('code' in error && NETWORK.has(String(error.code))) ||
    error.name === 'TransientError');

/** Renames throttling and outages to TransientError so the workflow retries them instead of failing. */
export const classifyErrors = (): MiddlewareObj<unknown> => ({
  onError: (request) => {
    const { error } = request;
    if (error && error.name !== 'TransientError' && isTransient(error)) {
      request.error = new TransientError(`${error.name}: ${error.message}`, { cause: error });
    }
    // The name only: messages of some errors quote the input, which may hold personal data.
    if (error) logger.warn('task failed', { error: error.name, retried: request.error?.name === 'TransientError' });
  },
});
