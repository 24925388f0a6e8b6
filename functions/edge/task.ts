import type { MiddlewareObj } from '@middy/core';
import type * as z from 'zod';
import { logger } from '../adapters/logger.ts';
import { isTransient, TransientError } from '../core/errors.ts';

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
