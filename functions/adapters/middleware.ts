import type { MiddlewareObj } from '@middy/core';
import type { z } from 'zod';

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
