/**
 * One Lambda execution environment of the embedded cloud: a thread with the function's own environment
 * (from the synthesized template, plus its own local credentials), which loads the handler file once
 * (the init phase) and then runs one invocation at a time, as a Lambda sandbox does. Events and results
 * cross as JSON text, as Lambda's runtime API carries them. Started by `lambda-runtime.ts`.
 */

import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

/** What the runtime passes to this thread. */
export interface LambdaWorkerData {
  /** Absolute path of the handler file; it exports `handler`. */
  entry: string;
  functionName: string;
  functionArn: string;
  memoryMb: number;
}

/** A message from the runtime: one invocation. */
export interface InvokeMessage {
  id: number;
  event: string;
  /** Epoch ms at which the invocation times out. */
  deadline: number;
}

/** A message to the runtime. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: number; ok: true; result: string }
  | { type: 'result'; id: number; ok: false; error: SerializedError };

/** An error as Lambda reports it: errorType, errorMessage, trace. */
export interface SerializedError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

const serialize = (error: unknown): SerializedError =>
  error instanceof Error
    ? { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') }
    : { errorType: 'Error', errorMessage: String(error), trace: [] };

const port = parentPort;
if (!port) throw new Error('lambda-worker.ts runs as a worker thread of the embedded cloud');
const data = workerData as LambdaWorkerData;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
let handler: Handler;
// A thread reads no NODE_OPTIONS: the stack's --enable-source-maps (traces that name the sources) is applied here.
if (process.env.NODE_OPTIONS?.split(/\s+/).includes('--enable-source-maps')) process.setSourceMapsEnabled(true);
try {
  const loaded = (await import(pathToFileURL(data.entry).href)) as { handler?: Handler };
  if (typeof loaded.handler !== 'function') throw new Error(`${data.entry} does not export a handler function`);
  handler = loaded.handler;
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ type: 'init-error', error: serialize(error) } satisfies WorkerReply);
}

port.on('message', async (message: InvokeMessage) => {
  const context: Context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: data.functionArn,
    memoryLimitInMB: String(data.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${data.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  let reply: WorkerReply;
  try {
    const result = await handler(JSON.parse(message.event), context);
    reply = { type: 'result', id: message.id, ok: true, result: JSON.stringify(result ?? null) };
  } catch (error) {
    reply = { type: 'result', id: message.id, ok: false, error: serialize(error) };
  }
  port.postMessage(reply);
});
