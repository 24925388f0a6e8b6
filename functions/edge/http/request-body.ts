import { decodeFormBody, findDuplicateJsonKey } from '../../core/responses/body-decoding.ts';
import { isSafeText } from '../../core/responses/text-guard.ts';

/** What a strictly read request body holds, or what is wrong with it. */
export type RequestBody =
  | { ok: true; kind: 'form'; fields: [string, string][] }
  | { ok: true; kind: 'json'; value: unknown }
  | { ok: false; problem: 'unsupported' | 'tooLarge' | 'encoding' | 'malformed' }
  | { ok: false; problem: 'duplicateKey'; key: string };

/**
 * Reads a form (when `form` is allowed) or JSON body strictly: UTF-8 only (declared charset and
 * bytes), at most `maxBytes`, JSON without a key given twice in one object.
 */
export const readRequestBody = (
  request: { contentType?: string | undefined; body?: string | undefined; isBase64Encoded?: boolean },
  options: { maxBytes: number; form: boolean },
): RequestBody => {
  const [type = '', ...params] = (request.contentType ?? '')
    .toLowerCase()
    .split(';')
    .map((p) => p.trim());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  const isJson = type === 'application/json';
  const isForm = type === 'application/x-www-form-urlencoded' && options.form;
  if ((!isJson && !isForm) || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8'))
    return { ok: false, problem: 'unsupported' };
  const bytes =
    request.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(request.body, request.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > options.maxBytes) return { ok: false, problem: 'tooLarge' };
  if (isForm) {
    const fields = decodeFormBody(bytes);
    return fields ? { ok: true, kind: 'form', fields } : { ok: false, problem: 'encoding' };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'encoding' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const key = findDuplicateJsonKey(text);
  return key === undefined ? { ok: true, kind: 'json', value } : { ok: false, problem: 'duplicateKey', key };
};
