import { createServer, type Server } from 'node:http';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizedCall } from '../../../local/iam-gateway.ts';
import { handleLambdaCall, type InvokeFunction } from '../../../local/lambda-gateway.ts';
import type { FunctionSpec, StackModel } from '../../../local/stack-model.ts';

/**
 * The embedded cloud's Lambda Invoke API, called with the SDK as a function calls it: IAM judges the
 * caller, an Event invocation is queued (202) and a RequestResponse one answered with the result.
 */

const spec = (name: string): FunctionSpec =>
  ({ name, arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}` }) as unknown as FunctionSpec;
const CONSOLE = spec('console-api');
const SURVEY = spec('survey-api');
const model = { functions: [CONSOLE, SURVEY, spec('export-evidence')] } as unknown as StackModel;

const invoked: { name: string; event: unknown; type: string }[] = [];
const invoke: InvokeFunction = async (name, event, type) => {
  invoked.push({ name, event, type });
  if ((event as { fail?: boolean }).fail) throw new TypeError('the function failed');
  return { echoed: event };
};

let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer(
    (req, res) =>
      void handleLambdaCall(req, res, {
        model,
        // Access key "AK-<function>" is that function's; any other is the operator's.
        callerOf: (key) => {
          const fn = model.functions.find((f) => `AK-${f.name}` === key);
          return fn ? { spec: fn } : undefined;
        },
        // Only the console may start the exporter.
        authorize: async (caller, authorization): Promise<AuthorizedCall> => ({
          ...authorization,
          functionName: caller.name,
          allowed: caller.name === 'console-api' && authorization.resource.endsWith(':function:export-evidence'),
        }),
        invoke,
      }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const clientAs = (accessKeyId: string) =>
  new LambdaClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 's' },
    maxAttempts: 1,
  });
const payload = (value: object) => new TextEncoder().encode(JSON.stringify(value));

describe("the embedded cloud's Lambda Invoke API", () => {
  it('queues an Event invocation the caller may make and answers 202 at once', async () => {
    // Act
    const out = await clientAs('AK-console-api').send(
      new InvokeCommand({ FunctionName: 'export-evidence', InvocationType: 'Event', Payload: payload({ job: 1 }) }),
    );
    // Assess
    expect(out.StatusCode).toBe(202);
    expect(invoked.at(-1)).toEqual({ name: 'export-evidence', event: { job: 1 }, type: 'async' });
  });

  it('refuses a caller whose role does not allow lambda:InvokeFunction on the target, running nothing', async () => {
    // Prepare
    const before = invoked.length;
    // Act
    const refusal = await clientAs('AK-survey-api')
      .send(new InvokeCommand({ FunctionName: 'export-evidence', InvocationType: 'Event', Payload: payload({}) }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    // Assess
    expect(refusal).toMatchObject({ name: 'AccessDeniedException' });
    expect(String((refusal as Error).message)).toContain('lambda:InvokeFunction');
    expect(invoked.length).toBe(before);
  });

  it('answers an unknown function 404 and a RequestResponse call with the result or the function error', async () => {
    // Act
    const missing = await clientAs('operator')
      .send(new InvokeCommand({ FunctionName: 'no-such-function', Payload: payload({}) }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const ok = await clientAs('operator').send(
      new InvokeCommand({
        FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:survey-api',
        Payload: payload({ a: 1 }),
      }),
    );
    const failed = await clientAs('operator').send(
      new InvokeCommand({ FunctionName: 'survey-api', Payload: payload({ fail: true }) }),
    );
    // Assess
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(ok.StatusCode).toBe(200);
    expect(JSON.parse(new TextDecoder().decode(ok.Payload))).toEqual({ echoed: { a: 1 } });
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(new TextDecoder().decode(failed.Payload))).toEqual({
      errorType: 'TypeError',
      errorMessage: 'the function failed',
    });
  });
});
