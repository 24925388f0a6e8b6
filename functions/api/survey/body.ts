import type { FieldError } from '../../core/responses/answers.ts';
import { readFormSubmission, readJsonSubmission, type SubmissionInput } from '../../core/responses/submission-input.ts';
import { type BodyFormats, bodyProblemStatus, readBody } from '../../edge/http/body.ts';
import type { HttpRequest } from '../../edge/http/types.ts';
import { type MessageKey, text } from './messages.ts';
import { MAX_BODY_BYTES } from './site.ts';

/** A submission's body read, or what is wrong with it: status, message and the fields at fault. */
export type BodyResult =
  | { ok: true; input: SubmissionInput; json: boolean }
  | { ok: false; status: 400 | 413 | 415; key: MessageKey; errors?: FieldError[] };

/**
 * Reads a form or JSON body strictly: UTF-8 only, at most 64 KB, no duplicate fields or JSON keys,
 * answers as flat values. Says what is wrong otherwise.
 */
export const readSubmissionBody = (request: HttpRequest, accept: BodyFormats = 'form-or-json'): BodyResult => {
  const read = readBody(request, MAX_BODY_BYTES, accept);
  if (!read.ok) {
    const status = bodyProblemStatus(read.problem);
    if (read.problem === 'duplicateKey') {
      return {
        ok: false,
        status,
        key: 'duplicateKey',
        errors: [{ field: read.key.slice(0, 64), message: text('字段重复出现', 'appears more than once') }],
      };
    }
    return { ok: false, status, key: read.problem };
  }
  const input = read.kind === 'form' ? readFormSubmission(read.fields) : readJsonSubmission(read.value);
  return input.ok
    ? { ok: true, input: input.input, json: read.kind === 'json' }
    : { ok: false, status: 400, key: 'invalid', errors: input.errors };
};
