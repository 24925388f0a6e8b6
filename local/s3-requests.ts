/**
 * S3 requests as IAM and S3 judge them, for the IAM gateway: who signed a request (header, presigned
 * query or POST form), whether a presigned URL expired, whether a browser's POST keeps to its signed
 * policy (expiration, every field covered, eq / starts-with conditions, content-length-range), and which
 * actions it needs on which ARNs (with the KMS use an SSE-KMS bucket implies). Nothing here checks a
 * signature's bytes: the gateway trusts the access key it reads, as for every other service.
 */
import type { Authorization } from './iam-authorizations.ts';
import type { BucketSpec } from './stack-model.ts';

/** A multipart form as S3 reads it: the fields before the file, and the file's size. */
export interface PostForm {
  fields: [string, string][];
  fileSize: number | undefined;
}

/** Reads a `multipart/form-data` body (the fields and the size of the part named `file`). */
export const parseMultipart = (body: Buffer, contentType: string): PostForm | undefined => {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) return undefined;
  const delimiter = Buffer.from(`--${mark}`);
  const form: PostForm = { fields: [], fileSize: undefined };
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) return undefined;
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return undefined;
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
    if (name === 'file') form.fileSize = content.length;
    else if (form.fileSize === undefined) form.fields.push([name, content.toString('utf8')]);
    at = next;
  }
  return form;
};

/** A refusal as S3 words it. */
export interface S3Refusal {
  status: number;
  code: string;
  message: string;
}

type Condition = Record<string, string> | [string, ...unknown[]];

/** Fields a POST carries that no condition needs to cover. */
const EXEMPT = new Set(['policy', 'x-amz-signature', 'file', 'awsaccesskeyid', 'signature']);

/**
 * Whether a browser's POST keeps to its policy, as S3 checks it: not expired, every field but the exempt
 * ones covered by a condition, each condition met, the file's size within content-length-range.
 */
export const checkPostPolicy = (form: PostForm, bucket: string, now: Date): S3Refusal | undefined => {
  const fields = new Map(form.fields.map(([name, value]) => [name.toLowerCase(), value]));
  fields.set('bucket', bucket);
  const encoded = fields.get('policy');
  if (!encoded) return { status: 403, code: 'AccessDenied', message: 'Bucket POST must contain a policy' };
  let policy: { expiration?: string; conditions?: Condition[] };
  try {
    policy = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as typeof policy;
  } catch {
    return { status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid JSON.' };
  }
  if (!policy.expiration || Date.parse(policy.expiration) <= now.getTime())
    return { status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' };
  const covered = new Set<string>(['bucket']);
  for (const condition of policy.conditions ?? []) {
    const refusal = checkCondition(condition, fields, form.fileSize ?? 0, covered);
    if (refusal) return refusal;
  }
  const extra = [...fields.keys()].filter(
    (name) => !covered.has(name) && !EXEMPT.has(name) && !name.startsWith('x-ignore-'),
  );
  if (extra.length > 0)
    return {
      status: 403,
      code: 'AccessDenied',
      message: `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`,
    };
  if (form.fileSize === undefined)
    return { status: 400, code: 'InvalidArgument', message: 'POST requires exactly one file upload per request.' };
  return undefined;
};

const checkCondition = (
  condition: Condition,
  fields: Map<string, string>,
  fileSize: number,
  covered: Set<string>,
): S3Refusal | undefined => {
  const failed = (): S3Refusal => ({
    status: 403,
    code: 'AccessDenied',
    message: `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
  });
  if (!Array.isArray(condition)) {
    for (const [name, value] of Object.entries(condition)) {
      covered.add(name.toLowerCase());
      if (fields.get(name.toLowerCase()) !== value) return failed();
    }
    return undefined;
  }
  const [operator, first, second] = condition;
  if (operator === 'content-length-range') {
    if (fileSize < Number(first) || fileSize > Number(second))
      return {
        status: 400,
        code: fileSize > Number(second) ? 'EntityTooLarge' : 'EntityTooSmall',
        message: `Your proposed upload ${fileSize > Number(second) ? 'exceeds the maximum' : 'is smaller than the minimum'} allowed size`,
      };
    return undefined;
  }
  const name = String(first).replace(/^\$/, '').toLowerCase();
  covered.add(name);
  const value = fields.get(name) ?? '';
  if (operator === 'eq' && value !== String(second)) return failed();
  if (operator === 'starts-with' && !value.startsWith(String(second))) return failed();
  return undefined;
};

/** The access key a request is signed with: its Authorization header, presigned query or POST form. */
export const accessKeyOfS3 = (
  authorization: string,
  query: URLSearchParams,
  form: PostForm | undefined,
): string | undefined => {
  const credential =
    /Credential=([^,\s]+)/.exec(authorization)?.[1] ??
    query.get('X-Amz-Credential') ??
    form?.fields.find(([name]) => name.toLowerCase() === 'x-amz-credential')?.[1];
  return credential?.split('/')[0];
};

/** A presigned URL past its `X-Amz-Expires`, refused as S3 refuses it. */
export const checkPresignedExpiry = (query: URLSearchParams, now: Date): S3Refusal | undefined => {
  const date = query.get('X-Amz-Date');
  const expires = query.get('X-Amz-Expires');
  if (!date || !expires) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  if (!m) return { status: 403, code: 'AccessDenied', message: 'X-Amz-Date must be in the ISO8601 Long Format' };
  const signedAt = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (signedAt + Number(expires) * 1000 < now.getTime())
    return { status: 403, code: 'AccessDenied', message: 'Request has expired' };
  return undefined;
};

/** A request's bucket and key from its path-style URL. */
export const bucketAndKey = (pathname: string): { bucket: string; key: string } => {
  const [, bucket = '', ...rest] = pathname.split('/');
  return { bucket: decodeURIComponent(bucket), key: rest.map(decodeURIComponent).join('/') };
};

/**
 * What IAM authorizes for one S3 request: the object action on `arn:aws:s3:::bucket/key` (a POST names
 * its key in the form), the KMS use an SSE-KMS bucket adds (writing needs kms:GenerateDataKey, reading
 * kms:Decrypt), or the bucket action for a request on the bucket itself.
 */
export const s3Authorizations = (
  method: string,
  pathname: string,
  query: URLSearchParams,
  form: PostForm | undefined,
  buckets: readonly BucketSpec[],
): Authorization[] => {
  const { bucket, key: pathKey } = bucketAndKey(pathname);
  const key = method === 'POST' && !pathKey ? (form?.fields.find(([n]) => n === 'key')?.[1] ?? '') : pathKey;
  const spec = buckets.find((b) => b.name === bucket);
  const object = (action: string): Authorization => ({
    action,
    resource: `arn:aws:s3:::${bucket}/${key}`,
    context: {},
  });
  const kms = (action: string): Authorization[] =>
    spec?.kmsKeyArn ? [{ action, resource: spec.kmsKeyArn, context: {}, resourcePolicy: spec.kmsKeyPolicy }] : [];
  if (!key) {
    const action =
      method === 'GET'
        ? query.has('uploads')
          ? 's3:ListBucketMultipartUploads'
          : 's3:ListBucket'
        : `s3:${method}Bucket`;
    return [{ action, resource: `arn:aws:s3:::${bucket}`, context: {} }];
  }
  switch (method) {
    case 'GET':
      return [object('s3:GetObject'), ...kms('kms:Decrypt')];
    case 'HEAD':
      return [object('s3:GetObject')];
    case 'PUT':
    case 'POST':
      return [object('s3:PutObject'), ...kms('kms:GenerateDataKey')];
    case 'DELETE':
      return [object('s3:DeleteObject')];
    default:
      return [object(`s3:${method}Object`)];
  }
};

/** AWS's XML error body. */
export const s3ErrorBody = (refusal: S3Refusal, requestId: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${refusal.message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message><RequestId>${requestId}</RequestId></Error>`;
