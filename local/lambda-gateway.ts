/**
 * The Lambda Invoke API of the embedded cloud (`AWS_ENDPOINT_URL_LAMBDA`): a function that starts
 * another (the console starting an evidence ZIP) reaches it here. The call is judged against the
 * caller's role (`lambda:InvokeFunction` on the target's ARN), then run by the local Lambda runtime:
 * `Event` queued and answered 202 at once (retried as Lambda retries an asynchronous invocation),
 * `RequestResponse` answered with the function's result.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from './iam-gateway.ts';
import { readBody } from './read-body.ts';
import type { Authorize } from './s3-gateway.ts';
import type { FunctionSpec, StackModel } from './stack-model.ts';

/** Runs a function of the stack by its local name. */
export type InvokeFunction = (name: string, event: unknown, type: 'sync' | 'async') => Promise<unknown>;

/** What the Lambda endpoint needs: the stack, who holds an access key, IAM, and the runtime. */
export interface LambdaGatewayOptions {
  model: StackModel;
  callerOf: (accessKeyId: string) => Caller | undefined;
  authorize: Authorize;
  invoke: InvokeFunction;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** The function a `FunctionName` names: its local name, its ARN, or a partial ARN ending in `function:<name>`. */
export const functionNamed = (model: StackModel, given: string): FunctionSpec | undefined => {
  const name = decodeURIComponent(given);
  return model.functions.find(
    (f) => f.name === name || f.arn === name || f.arn.endsWith(`:function:${name}`) || name.endsWith(`:${f.name}`),
  );
};

const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

const error = (res: ServerResponse, status: number, type: string, message: string) =>
  answer(res, status, { Type: 'User', message, Message: message }, { 'x-amzn-errortype': type });

/** The payload as an event: JSON, as Lambda requires of an invocation's payload. */
const eventOf = (body: Buffer): { event: unknown } | undefined => {
  if (body.length === 0) return { event: {} };
  try {
    return { event: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return undefined;
  }
};

/** Answers one call of the Lambda API; only Invoke is served. */
export const handleLambdaCall = async (
  req: IncomingMessage,
  res: ServerResponse,
  options: LambdaGatewayOptions,
): Promise<void> => {
  try {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://lambda.local').pathname;
    const match = INVOKE_PATH.exec(path);
    if (req.method !== 'POST' || !match?.[1])
      return error(
        res,
        400,
        'InvalidRequestContentException',
        `the embedded cloud serves only Invoke, not ${req.method} ${path}`,
      );
    const target = functionNamed(options.model, match[1]);
    if (!target) return error(res, 404, 'ResourceNotFoundException', `Function not found: ${match[1]}`);
    const accessKey = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const caller = accessKey === undefined ? undefined : options.callerOf(accessKey);
    if (caller) {
      const decision = await options.authorize(caller.spec, {
        action: 'lambda:InvokeFunction',
        resource: target.arn,
        context: {},
      });
      if (!decision.allowed) {
        const message = `User: ${caller.spec.name} is not authorized to perform: lambda:InvokeFunction on resource: ${target.arn} because no identity-based policy allows the lambda:InvokeFunction action`;
        return error(res, 403, 'AccessDeniedException', message);
      }
    }
    const payload = eventOf(body);
    if (!payload) return error(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    if (body.length > 256 * 1024 && req.headers['x-amz-invocation-type'] === 'Event')
      return error(res, 413, 'RequestTooLargeException', 'an asynchronous invocation carries at most 256 KB');
    if (req.headers['x-amz-invocation-type'] === 'Event') {
      // Queued: the caller does not wait, and a failed run is retried by the runtime as Lambda would.
      void options.invoke(target.name, payload.event, 'async').catch(() => undefined);
      return answer(res, 202, '');
    }
    try {
      const result = await options.invoke(target.name, payload.event, 'sync');
      return answer(res, 200, result === undefined ? 'null' : JSON.stringify(result), {
        'x-amz-executed-version': '$LATEST',
      });
    } catch (failure) {
      // A function's own error is a 200 whose header says so, as Lambda answers it.
      const errorType = failure instanceof Error ? failure.name : 'Error';
      const errorMessage = failure instanceof Error ? failure.message : String(failure);
      return answer(res, 200, { errorType, errorMessage }, { 'x-amz-function-error': 'Unhandled' });
    }
  } catch (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    error(res, 502, 'ServiceException', message);
  }
};
