import { type RequestBody, readRequestBody } from './request-body.ts';
import type { HttpRequest } from './types.ts';

/** What a route accepts as a body: a form or JSON, or JSON only. */
export type BodyFormats = 'form-or-json' | 'json';

/** Why a body was refused, as read by `readBody`. */
export type BodyProblem = Extract<RequestBody, { ok: false }>['problem'];

/**
 * The request's body read strictly (`request-body.ts`): UTF-8, at most `maxBytes`, a form only when
 * `formats` allows one, JSON without a key given twice.
 */
export const readBody = (
  request: HttpRequest,
  maxBytes: number,
  formats: BodyFormats = 'form-or-json',
): RequestBody => {
  const { event } = request;
  return readRequestBody(
    { contentType: event.headers['content-type'], body: event.body, isBase64Encoded: event.isBase64Encoded },
    { maxBytes, form: formats === 'form-or-json' },
  );
};

/** The status of a refused body: 415 for a type or charset not taken, 413 over the limit, 400 otherwise. */
export const bodyProblemStatus = (problem: BodyProblem): 400 | 413 | 415 =>
  problem === 'unsupported' ? 415 : problem === 'tooLarge' ? 413 : 400;

/**
 * A posted form's fields by name (a later field of the same name wins), or a JSON object's with
 * every value as text; `unsupported` for anything else (another type, bad encoding, malformed JSON),
 * `tooLarge` over `maxBytes`.
 */
export const readFormFields = (
  request: HttpRequest,
  maxBytes: number,
): Record<string, string> | 'unsupported' | 'tooLarge' => {
  const body = readBody(request, maxBytes);
  if (!body.ok) return body.problem === 'tooLarge' ? 'tooLarge' : 'unsupported';
  if (body.kind === 'form') return Object.fromEntries(body.fields);
  const value = body.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'unsupported';
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]));
};
