/**
 * The IAM gateway's S3 endpoint: a function's S3 calls, and the browser's presigned POSTs and GETs a
 * function signed, are authorized as that function's role would be (object actions on `bucket/key` ARNs,
 * with the KMS use of an SSE-KMS bucket); a POST is held to its signed policy and a presigned URL to its
 * lifetime, as S3 holds them. What passes is forwarded to s3rver unsigned (s3rver knows none of the
 * functions' keys, and the decision was made here).
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Authorization } from './iam-authorizations.ts';
import type { AuthorizedCall, IamGatewayOptions } from './iam-gateway.ts';
import { readBody } from './read-body.ts';
import {
  accessKeyOfS3,
  bucketAndKey,
  checkPostPolicy,
  checkPresignedExpiry,
  parseMultipart,
  type S3Refusal,
  s3Authorizations,
  s3ErrorBody,
} from './s3-requests.ts';
import type { FunctionSpec } from './stack-model.ts';

/** Decides one authorization of a function's call, as the gateway's IAM does for every service. */
export type Authorize = (spec: FunctionSpec, authorization: Authorization) => Promise<AuthorizedCall>;

/** The CORS headers the bucket's rules give a browser's request from `origin`, for answers made here. */
const corsFor = (options: IamGatewayOptions, bucket: string, origin: string | undefined): Record<string, string> => {
  if (!origin) return {};
  const spec = options.model.buckets.find((b) => b.name === bucket);
  const allowed = spec?.cors.some((rule) => rule.allowedOrigins.includes(origin) || rule.allowedOrigins.includes('*'));
  return allowed ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
};

const refuse = (res: ServerResponse, refusal: S3Refusal, headers: Record<string, string>): void => {
  const requestId = randomUUID();
  res
    .writeHead(refusal.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId, ...headers })
    .end(s3ErrorBody(refusal, requestId));
};

/** Authorizes one S3 request and forwards it to s3rver, or answers it as S3 would. */
export const handleS3Call = async (
  req: IncomingMessage,
  res: ServerResponse,
  options: IamGatewayOptions,
  authorize: Authorize,
): Promise<void> => {
  try {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://s3.local');
    const method = req.method ?? 'GET';
    const contentType = String(req.headers['content-type'] ?? '');
    const form =
      method === 'POST' && contentType.startsWith('multipart/form-data')
        ? parseMultipart(body, contentType)
        : undefined;
    const { bucket } = bucketAndKey(url.pathname);
    const cors = corsFor(options, bucket, req.headers.origin);
    const now = new Date();
    const refusal =
      (form ? checkPostPolicy(form, bucket, now) : undefined) ?? checkPresignedExpiry(url.searchParams, now);
    if (refusal) return refuse(res, refusal, cors);
    const accessKey = accessKeyOfS3(String(req.headers.authorization ?? ''), url.searchParams, form);
    const caller = accessKey === undefined ? undefined : options.callerOf(accessKey);
    if (caller) {
      for (const authorization of s3Authorizations(
        method,
        url.pathname,
        url.searchParams,
        form,
        options.model.buckets,
      )) {
        if ((await authorize(caller.spec, authorization)).allowed) continue;
        options.log?.(`iam: denied ${caller.spec.name} ${authorization.action} on ${authorization.resource}`);
        const principal = `arn:aws:sts::${options.model.account}:assumed-role/${caller.spec.roleArn.split('/').pop()}/${caller.spec.name}`;
        return refuse(
          res,
          {
            status: 403,
            code: 'AccessDenied',
            message: `User: ${principal} is not authorized to perform: ${authorization.action} on resource: "${authorization.resource}" because no identity-based policy allows the ${authorization.action} action`,
          },
          cors,
        );
      }
    }
    forward(req, res, url, body, options);
  } catch (error) {
    options.log?.(`s3: ${req.method} ${req.url?.split('?')[0]} failed in the gateway: ${String(error)}`);
    res.destroy();
  }
};

/** Forwards a request without its signature (headers and query) to s3rver, and its answer back. */
const forward = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
  options: IamGatewayOptions,
): void => {
  const upstream = new URL(options.upstream.s3);
  for (const name of [...url.searchParams.keys()])
    if (name.toLowerCase().startsWith('x-amz-')) url.searchParams.delete(name);
  const headers: Record<string, string | string[] | undefined> = {
    ...req.headers,
    host: upstream.host,
    'content-length': String(body.length),
  };
  delete headers.authorization;
  // The body was read whole: it goes on with its length, not in chunks.
  delete headers['transfer-encoding'];
  const send = (retried: boolean) => {
    let answered = false;
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
        // A retry goes on a connection of its own: the reused one was closed under it.
        ...(retried ? { agent: false } : {}),
      },
      (answer) => {
        answered = true;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    forwarded.on('error', (error: NodeJS.ErrnoException) => {
      // s3rver may close an idle kept-alive connection just as it is reused; the body is held whole, so
      // the request is sent once more before anything was answered (S3 writes are by key: no double).
      if (!answered && !retried && error.code === 'ECONNRESET') return send(true);
      options.log?.(`s3: forwarding ${req.method} ${url.pathname} failed: ${String(error)}`);
      res.destroy();
    });
    forwarded.end(body);
  };
  send(false);
};
