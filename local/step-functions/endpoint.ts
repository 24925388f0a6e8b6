import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as z from 'zod';
import { listen } from '../listen.ts';
import { StepFunctionsApiError } from './errors.ts';
import type { ExecutionDescription, LocalExecutionEvent } from './execution-types.ts';
import type { LocalStepFunctions } from './runner.ts';

/** A running local Step Functions endpoint. */
export interface StepFunctionsEndpoint {
  /** Base URL for `AWS_ENDPOINT_URL_SFN` or the client's `endpoint`. */
  url: string;
  /** Stops listening and drops open connections; executions keep running in the runner. */
  close: () => Promise<void>;
}

/** Where the endpoint listens; port 0 (the default) picks a free port. */
export interface StepFunctionsEndpointOptions {
  port?: number;
  host?: string;
}

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_BODY_BYTES = 1024 * 1024;

const taskToken = z.string();
const requests = {
  StartExecution: z.object({
    stateMachineArn: z.string().min(1),
    name: z.string().optional(),
    input: z.string().optional(),
    traceHeader: z.string().optional(),
  }),
  DescribeExecution: z.object({ executionArn: z.string().min(1) }),
  StopExecution: z.object({
    executionArn: z.string().min(1),
    error: z.string().max(256).optional(),
    cause: z.string().max(32768).optional(),
  }),
  SendTaskSuccess: z.object({ taskToken, output: z.string() }),
  SendTaskFailure: z.object({
    taskToken,
    error: z.string().max(256).optional(),
    cause: z.string().max(32768).optional(),
  }),
  SendTaskHeartbeat: z.object({ taskToken }),
  GetExecutionHistory: z.object({
    executionArn: z.string().min(1),
    maxResults: z.number().int().min(0).max(1000).optional(),
    nextToken: z.string().optional(),
    reverseOrder: z.boolean().optional(),
    includeExecutionData: z.boolean().optional(),
  }),
};
type Operation = keyof typeof requests;

/** An error answered in the AWS JSON 1.0 shape: HTTP status, `__type` and `message`. */
class EndpointError extends Error {
  readonly type: string;
  readonly status: number;

  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

/**
 * Serves the Step Functions API (AWS JSON 1.0: `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`)
 * for one local runner, so the unchanged AWS SDK talks to it through `AWS_ENDPOINT_URL_SFN`.
 */
export async function startStepFunctionsEndpoint(
  runner: LocalStepFunctions,
  options: StepFunctionsEndpointOptions = {},
): Promise<StepFunctionsEndpoint> {
  const server = createServer((request, response) => {
    void handle(runner, request, response);
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, { service: 'Step Functions', host, port: options.port ?? 0 });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(runner: LocalStepFunctions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    if (request.method !== 'POST') throw new EndpointError('UnknownOperationException', 'Only POST is supported', 405);
    const target = request.headers['x-amz-target'];
    const operation =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const body = await readJson(request);
    if (!isOperation(operation)) {
      throw new EndpointError('UnknownOperationException', `Unknown operation: ${String(target)}`);
    }
    send(response, 200, dispatch(runner, operation, body));
  } catch (error) {
    if (error instanceof EndpointError) {
      sendError(response, error.status, error.type, error.message);
    } else if (error instanceof StepFunctionsApiError) {
      sendError(response, 400, error.name, error.message);
    } else {
      sendError(response, 500, 'InternalServerError', error instanceof Error ? error.message : String(error));
    }
  }
}

function dispatch(runner: LocalStepFunctions, operation: Operation, body: unknown): object {
  switch (operation) {
    case 'StartExecution': {
      const { stateMachineArn, name, input } = parse(requests.StartExecution, body);
      const started = runner.startExecution({ stateMachineArn, name, input });
      return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
    }
    case 'DescribeExecution': {
      const { executionArn } = parse(requests.DescribeExecution, body);
      return describe(runner.describeExecution(executionArn));
    }
    case 'StopExecution': {
      const { executionArn, error, cause } = parse(requests.StopExecution, body);
      const { stopDate } = runner.stopExecution(executionArn, { error, cause });
      return { stopDate: epochSeconds(stopDate) };
    }
    case 'SendTaskSuccess': {
      const { taskToken, output } = parse(requests.SendTaskSuccess, body);
      runner.sendTaskSuccess(taskToken, output);
      return {};
    }
    case 'SendTaskFailure': {
      const { taskToken, error, cause } = parse(requests.SendTaskFailure, body);
      runner.sendTaskFailure(taskToken, error, cause);
      return {};
    }
    case 'SendTaskHeartbeat': {
      const { taskToken } = parse(requests.SendTaskHeartbeat, body);
      runner.sendTaskHeartbeat(taskToken);
      return {};
    }
    case 'GetExecutionHistory': {
      const query = parse(requests.GetExecutionHistory, body);
      const events = toAwsHistory(runner.history(query.executionArn), query.includeExecutionData ?? true);
      if (query.reverseOrder) events.reverse();
      const start = query.nextToken === undefined ? 0 : Number.parseInt(query.nextToken, 10);
      if (!Number.isInteger(start) || start < 0) throw new EndpointError('InvalidToken', 'Invalid nextToken');
      const pageSize = query.maxResults || 100;
      const page = events.slice(start, start + pageSize);
      const next = start + pageSize < events.length ? { nextToken: String(start + pageSize) } : {};
      return { events: page, ...next };
    }
  }
}

function describe(execution: ExecutionDescription): object {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: epochSeconds(execution.startDate),
    input: execution.input,
    inputDetails: { included: true },
    ...(execution.stopDate ? { stopDate: epochSeconds(execution.stopDate) } : {}),
    ...(execution.output === undefined ? {} : { output: execution.output, outputDetails: { included: true } }),
    ...(execution.error === undefined ? {} : { error: execution.error }),
    ...(execution.cause === undefined ? {} : { cause: execution.cause }),
  };
}

/** The parent execution's events as AWS history events; Distributed Map iterations belong to child executions. */
function toAwsHistory(events: LocalExecutionEvent[], includeData: boolean): object[] {
  const data = (value: unknown) => (includeData ? JSON.stringify(value ?? null) : undefined);
  const converted: object[] = [];
  for (const event of events) {
    if (event.childExecution !== undefined) continue;
    const details = toAwsEvent(event, data);
    if (!details) continue;
    const id = converted.length + 1;
    converted.push({ timestamp: epochSeconds(event.timestamp), id, previousEventId: id - 1, ...details });
  }
  return converted;
}

function toAwsEvent(event: LocalExecutionEvent, data: (value: unknown) => string | undefined): object | undefined {
  const errorDetails = { error: event.error, cause: event.cause };
  switch (event.type) {
    case 'ExecutionStarted':
      return { type: 'ExecutionStarted', executionStartedEventDetails: { input: data(event.input) } };
    case 'ExecutionSucceeded':
      return { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: data(event.output) } };
    case 'ExecutionFailed':
      return { type: 'ExecutionFailed', executionFailedEventDetails: errorDetails };
    case 'ExecutionAborted':
      return { type: 'ExecutionAborted', executionAbortedEventDetails: errorDetails };
    case 'ExecutionTimedOut':
      return { type: 'ExecutionTimedOut', executionTimedOutEventDetails: errorDetails };
    case 'StateEntered':
      return {
        type: `${event.stateType}StateEntered`,
        stateEnteredEventDetails: { name: event.stateName, input: data(event.input) },
      };
    case 'StateExited':
      return {
        type: `${event.stateType}StateExited`,
        stateExitedEventDetails: { name: event.stateName, output: data(event.output) },
      };
    case 'StateFailed': {
      if (event.stateType === 'Task') {
        const task = { resourceType: 'lambda', resource: 'invoke', ...errorDetails };
        return event.error === 'States.Timeout'
          ? { type: 'TaskTimedOut', taskTimedOutEventDetails: task }
          : { type: 'TaskFailed', taskFailedEventDetails: task };
      }
      if (event.stateType === 'Map' || event.stateType === 'Parallel') return { type: `${event.stateType}StateFailed` };
      return undefined;
    }
    case 'MapIterationStarted':
      return { type: event.type, mapIterationStartedEventDetails: { name: event.parentState, index: event.mapIndex } };
    case 'MapIterationSucceeded':
      return {
        type: event.type,
        mapIterationSucceededEventDetails: { name: event.parentState, index: event.mapIndex },
      };
    case 'MapIterationFailed':
      return { type: event.type, mapIterationFailedEventDetails: { name: event.parentState, index: event.mapIndex } };
    default:
      return undefined;
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new EndpointError('ValidationException', z.prettifyError(result.error));
  return result.data;
}

function isOperation(name: string): name is Operation {
  return Object.hasOwn(requests, name);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new EndpointError('ValidationException', 'Request body too large', 413);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EndpointError('SerializationException', 'Request body is not JSON');
  }
}

function send(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  send(response, status, { __type: type, message }, { 'x-amzn-errortype': type });
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
