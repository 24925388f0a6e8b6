import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type InvocationRecord, LAMBDA_LIMITS, LocalLambdaFunction } from '../../../local/lambda-runtime.ts';
import type { FunctionSpec } from '../../../local/stack-model.ts';
import { failure } from '../../support/failure.ts';

const ENTRY = path.resolve(import.meta.dirname, '../../fixtures/lambda/handlers.ts');
const functions: LocalLambdaFunction[] = [];

const localFunction = (
  overrides: Partial<FunctionSpec> = {},
  records: InvocationRecord[] = [],
  maxEnvironments = 4,
) => {
  const spec: FunctionSpec = {
    logicalId: 'FixtureFunction',
    name: 'fixture',
    entry: ENTRY,
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:fixture',
    timeoutSeconds: 1,
    memoryMb: 256,
    environment: {},
    roleArn: 'arn:aws:iam::000000000000:role/FixtureRole',
    policies: [],
    ...overrides,
  };
  const fn = new LocalLambdaFunction(spec, { FROM_TEMPLATE: 'yes' }, (r) => records.push(r), maxEnvironments);
  functions.push(fn);
  return fn;
};

afterEach(async () => {
  await Promise.all(functions.splice(0).map((fn) => fn.close()));
});

describe('the embedded cloud runs each function as Lambda does', () => {
  it('ends an invocation past its timeout as Sandbox.Timedout, and nothing of it runs on', async () => {
    // Prepare
    const records: InvocationRecord[] = [];
    const fn = localFunction({ timeoutSeconds: 1 }, records);
    const markFile = path.join(mkdtempSync(path.join(tmpdir(), 'lambda-timeout-')), 'ran-on');

    // Act
    const error = await failure(fn.invoke({ waitMs: 2_000, markFile }));
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    // Assess
    expect(error.name).toBe('Sandbox.Timedout');
    expect(error.message).toBe('Task timed out after 1.00 seconds');
    expect(existsSync(markFile)).toBe(false);
    expect(records).toMatchObject([{ functionName: 'fixture', outcome: 'timeout' }]);
  });

  it('gives each execution environment its own credentials and the time left of its invocation', async () => {
    // Prepare
    const fn = localFunction({ timeoutSeconds: 10 });

    // Act
    const [first, second] = (await Promise.all([fn.invoke({ waitMs: 200 }), fn.invoke({ waitMs: 200 })])) as {
      accessKeyId: string;
      remainingMs: number;
      functionName: string;
    }[];

    // Assess
    expect(first?.functionName).toBe('fixture');
    expect(first?.accessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(second?.accessKeyId).not.toBe(first?.accessKeyId);
    expect(fn.callerOf(first?.accessKeyId ?? '')?.spec.name).toBe('fixture');
    expect(first?.remainingMs).toBeGreaterThan(9_000);
    expect(first?.remainingMs).toBeLessThanOrEqual(10_000);
  });

  it('runs no more environments than allowed: further invocations wait for one to be free', async () => {
    // Prepare
    const fn = localFunction({ timeoutSeconds: 10 }, [], 1);

    // Act
    const answers = (await Promise.all([fn.invoke({ waitMs: 300 }), fn.invoke({ waitMs: 300 })])) as {
      accessKeyId: string;
    }[];

    // Assess
    expect(answers).toHaveLength(2);
    expect(answers[1]?.accessKeyId).toBe(answers[0]?.accessKeyId);
  });

  it("reports a function's error by its name, as Step Functions matches it", async () => {
    // Prepare
    const fn = localFunction();

    // Act
    const error = await failure(fn.invoke({ fail: 'DailyQuotaExceeded' }));

    // Assess
    expect(error.name).toBe('DailyQuotaExceeded');
    expect(error.message).toBe('asked to fail as DailyQuotaExceeded');
  });

  it('refuses an event over the invocation type’s limit and a response over 6 MB', async () => {
    // Prepare
    const fn = localFunction({ timeoutSeconds: 10 });
    const bigEvent = { padding: 'x'.repeat(LAMBDA_LIMITS.asyncEventBytes) };

    // Act
    const asyncError = await failure(fn.invoke(bigEvent, 'async'));
    const syncResult = await fn.invoke({ ...bigEvent, answerBytes: 10 }, 'sync');
    const responseError = await failure(fn.invoke({ answerBytes: LAMBDA_LIMITS.syncPayloadBytes + 1 }));

    // Assess
    expect(asyncError.name).toBe('RequestEntityTooLargeException');
    expect(syncResult).toBe('x'.repeat(10));
    expect(responseError.name).toBe('Function.ResponseSizeTooLarge');
  });

  it('replaces an execution environment that ran out of its memory', async () => {
    // Prepare
    const fn = localFunction({ memoryMb: 64, timeoutSeconds: 20 });

    // Act
    const error = await failure(fn.invoke({ holdMb: 512 }));
    const after = await fn.invoke({});

    // Assess
    expect(error.name).toBe('Runtime.OutOfMemory');
    expect(after).toMatchObject({ functionName: 'fixture' });
  });
});
