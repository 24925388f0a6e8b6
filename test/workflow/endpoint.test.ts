import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type StepFunctionsEndpoint, startStepFunctionsEndpoint } from '../../local/step-functions/endpoint.ts';
import { LocalStepFunctions } from '../../local/step-functions/runner.ts';

const AWAIT_SIGNAL = 'arn:aws:lambda:us-east-1:000000000000:function:await-signal';
const DEFINITION = JSON.stringify({
  Comment: 'Waits for one signal, then ends.',
  StartAt: 'AwaitSignal',
  States: {
    AwaitSignal: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: `\${AwaitSignalFunctionArn}`,
        Payload: { 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' },
      },
      TimeoutSeconds: 300,
      ResultPath: '$.signal',
      End: true,
    },
  },
});
const SignalRequest = z.object({ orderId: z.string(), taskToken: z.string().min(32) });
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

let runner: LocalStepFunctions;
let endpoint: StepFunctionsEndpoint;
let sfn: SFNClient;
let signalRequests: z.infer<typeof SignalRequest>[];
let waiters: ((request: z.infer<typeof SignalRequest>) => void)[];

/** Resolves with the payload of the next AwaitSignal invocation. */
function nextSignalRequest(): Promise<z.infer<typeof SignalRequest>> {
  return new Promise((resolve) => waiters.push(resolve));
}

async function start(name: string, orderId: string) {
  const waiting = nextSignalRequest();
  const input = JSON.stringify({ orderId });
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: runner.stateMachineArn, name, input }));
  const { taskToken } = await waiting;
  return { executionArn: started.executionArn ?? '', startDate: started.startDate, taskToken };
}

async function post(target: string, body: string) {
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
    body,
  });
  return { status: response.status, body: z.object({ __type: z.string() }).parse(await response.json()) };
}

beforeEach(async () => {
  signalRequests = [];
  waiters = [];
  runner = new LocalStepFunctions({
    definition: DEFINITION,
    substitutions: { AwaitSignalFunctionArn: AWAIT_SIGNAL },
    functions: {
      [AWAIT_SIGNAL]: async (event) => {
        const request = SignalRequest.parse(event);
        signalRequests.push(request);
        for (const waiter of waiters.splice(0)) waiter(request);
        return null;
      },
    },
  });
  endpoint = await startStepFunctionsEndpoint(runner, { port: 0 });
  sfn = new SFNClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: CREDENTIALS });
});

afterEach(async () => {
  sfn.destroy();
  await endpoint.close();
  await runner.close();
});

describe('local Step Functions endpoint', () => {
  it('starts an execution and describes it while it runs', async () => {
    // Prepare
    const input = JSON.stringify({ orderId: 'order-1' });

    // Act
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: runner.stateMachineArn, name: 'order-1', input }),
    );
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));

    // Assess
    expect(started.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:campaign:order-1');
    expect(started.startDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({
      name: 'order-1',
      status: 'RUNNING',
      input,
      stateMachineArn: runner.stateMachineArn,
    });
    expect(described.startDate?.getTime()).toBe(started.startDate?.getTime());
  });

  it('wakes the waiting task with SendTaskSuccess and returns its output as the task result', async () => {
    // Prepare
    const { executionArn, taskToken } = await start('order-2', 'order-2');

    // Act
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approved: true }) }));
    await runner.waitForExecution(executionArn);

    // Assess
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual({ orderId: 'order-2', signal: { approved: true } });
    expect(described.stopDate).toBeInstanceOf(Date);
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('fails the waiting task with SendTaskFailure, error name and cause included', async () => {
    // Prepare
    const { executionArn, taskToken } = await start('order-3', 'order-3');

    // Act
    await sfn.send(new SendTaskFailureCommand({ taskToken, error: 'OrderRejected', cause: 'out of stock' }));
    await runner.waitForExecution(executionArn);

    // Assess
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'FAILED', error: 'OrderRejected', cause: 'out of stock' });
  });

  it('accepts a heartbeat for a waiting task', async () => {
    // Prepare
    const { executionArn, taskToken } = await start('order-4', 'order-4');

    // Act
    const heartbeat = await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));

    // Assess
    expect(heartbeat.$metadata.httpStatusCode).toBe(200);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
  });

  it('returns the same execution for the same name and input, and ExecutionAlreadyExists for other input', async () => {
    // Prepare
    const first = await start('order-5', 'order-5');
    const again = new StartExecutionCommand({
      stateMachineArn: runner.stateMachineArn,
      name: 'order-5',
      input: JSON.stringify({ orderId: 'order-5' }),
    });
    const conflicting = new StartExecutionCommand({
      stateMachineArn: runner.stateMachineArn,
      name: 'order-5',
      input: JSON.stringify({ orderId: 'order-6' }),
    });

    // Act
    const second = await sfn.send(again);
    const conflict = sfn.send(conflicting);

    // Assess
    expect(second.executionArn).toBe(first.executionArn);
    await expect(conflict).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    expect(signalRequests).toHaveLength(1);
  });

  it('answers TaskDoesNotExist for a token it never issued', async () => {
    // Prepare
    const command = new SendTaskSuccessCommand({ taskToken: 'not-a-token-we-issued', output: '{}' });

    // Act
    const sending = sfn.send(command);

    // Assess
    await expect(sending).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('stops a running execution', async () => {
    // Prepare
    const { executionArn, taskToken } = await start('order-7', 'order-7');

    // Act
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'by test' }));

    // Assess
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'by test' });
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });

  it('is found by an SDK client through AWS_ENDPOINT_URL_SFN', async () => {
    // Prepare
    const previous = process.env.AWS_ENDPOINT_URL_SFN;
    process.env.AWS_ENDPOINT_URL_SFN = endpoint.url;
    const client = new SFNClient({ region: 'us-east-1', credentials: CREDENTIALS });
    const input = JSON.stringify({ orderId: 'order-8' });

    // Act
    const started = await client
      .send(new StartExecutionCommand({ stateMachineArn: runner.stateMachineArn, name: 'order-8', input }))
      .finally(() => {
        client.destroy();
        if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SFN;
        else process.env.AWS_ENDPOINT_URL_SFN = previous;
      });

    // Assess
    expect(runner.describeExecution(started.executionArn ?? '').input).toBe(input);
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    // Prepare
    const target = 'AWSStepFunctions.CreateStateMachine';

    // Act
    const response = await post(target, '{}');

    // Assess
    expect(response).toEqual({ status: 400, body: expect.objectContaining({ __type: 'UnknownOperationException' }) });
  });

  it('answers a request without its required fields with ValidationException', async () => {
    // Prepare
    const body = JSON.stringify({ output: '{}' });

    // Act
    const response = await post('AWSStepFunctions.SendTaskSuccess', body);

    // Assess
    expect(response).toEqual({ status: 400, body: expect.objectContaining({ __type: 'ValidationException' }) });
  });
});
