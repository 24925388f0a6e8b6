/**
 * Lambda for the embedded cloud: each function of the synthesized stack runs in execution environments
 * of its own (worker threads), one invocation at a time each, with the environment, memory and timeout
 * the template gives it and its own local credentials. What Lambda refuses, this refuses: an invocation
 * past its timeout ends as `Sandbox.Timedout` and its environment is discarded (nothing of it runs on),
 * an event over the invocation type's limit or a response over 6 MB is an error, and an environment that
 * runs out of memory is replaced.
 */

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InvokeMessage, LambdaWorkerData, SerializedError, WorkerReply } from './lambda-worker.ts';
import type { FunctionSpec } from './stack-model.ts';

/** Lambda's payload limits: 6 MB each way for a synchronous call, 256 KB for an event (asynchronous) call. */
export const LAMBDA_LIMITS = { syncPayloadBytes: 6 * 1024 * 1024, asyncEventBytes: 256 * 1024 } as const;

const WORKER = fileURLToPath(new URL('./lambda-worker.ts', import.meta.url));
const FUNCTIONS = fileURLToPath(new URL('../functions/', import.meta.url));

/** An error a function or the Lambda service reported, named as Lambda names it (`errorType`). */
export class LambdaError extends Error {
  constructor(reported: SerializedError) {
    super(reported.errorMessage);
    this.name = reported.errorType;
    // The function's own trace: Step Functions shows it in the Cause.
    this.stack = reported.trace.join('\n');
  }
}

const lambdaError = (errorType: string, errorMessage: string) =>
  new LambdaError({ errorType, errorMessage, trace: [] });

/** One finished invocation, for the meter and the hooks. */
export interface InvocationRecord {
  functionName: string;
  memoryMb: number;
  durationMs: number;
  event: unknown;
  outcome: 'ok' | 'error' | 'timeout';
}

interface Environment {
  worker: Worker;
  /** The access key of this environment's credentials, as Lambda gives each sandbox its own session. */
  accessKeyId: string;
  /** The campaign of the invocation running now, when its event names one. */
  campaignId?: string;
  ready: Promise<void>;
  busy: boolean;
  pending?: { id: number; resolve: (reply: WorkerReply & { type: 'result' }) => void; reject: (error: Error) => void };
}

/** A local function: its execution environments and how to invoke it. */
export class LocalLambdaFunction {
  readonly spec: FunctionSpec;
  private readonly environment: Record<string, string>;
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  /** Invocations waiting for an environment while the function runs as many as it may. */
  private readonly waiting: { resolve: (environment: Environment) => void; reject: (error: Error) => void }[] = [];
  private readonly maxEnvironments: number;
  private nextId = 1;
  private closed = false;
  private readonly onInvoked: (record: InvocationRecord) => void;

  /**
   * `maxEnvironments` caps the environments running at once: each loads the handler's whole module graph
   * on this machine's cores, where AWS would start as many as the account's concurrency allows. Beyond
   * it, invocations wait for a free environment (their timeout starts when they run).
   */
  constructor(
    spec: FunctionSpec,
    environment: Record<string, string>,
    onInvoked: (record: InvocationRecord) => void,
    maxEnvironments = 4,
  ) {
    this.spec = spec;
    this.maxEnvironments = maxEnvironments;
    this.onInvoked = onInvoked;
    this.environment = {
      ...environment,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    };
  }

  /**
   * Invokes the function as Lambda would: `sync` as API Gateway and Step Functions do (6 MB each way),
   * `async` as SNS does (256 KB event). Rejects with a {@link LambdaError}.
   */
  async invoke(event: unknown, type: 'sync' | 'async' = 'sync'): Promise<unknown> {
    if (this.closed) throw lambdaError('Lambda.ServiceException', `function ${this.spec.name} has been shut down`);
    const text = JSON.stringify(event ?? null);
    const limit = type === 'sync' ? LAMBDA_LIMITS.syncPayloadBytes : LAMBDA_LIMITS.asyncEventBytes;
    if (Buffer.byteLength(text) > limit)
      throw lambdaError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${limit} bytes for the ${type === 'sync' ? 'RequestResponse' : 'Event'} invocation type`,
      );
    const started = Date.now();
    let outcome: InvocationRecord['outcome'] = 'error';
    try {
      const environment = await this.acquire();
      const campaignId = (event as { campaignId?: unknown } | null)?.campaignId;
      environment.campaignId = typeof campaignId === 'string' ? campaignId : undefined;
      const timeoutMs = this.spec.timeoutSeconds * 1000;
      const deadline = Date.now() + timeoutMs;
      const reply = await new Promise<WorkerReply & { type: 'result' }>((resolve, reject) => {
        const id = this.nextId++;
        const timer = setTimeout(() => {
          // As Lambda freezes and discards a timed-out sandbox: nothing of this invocation runs on.
          this.discard(environment);
          outcome = 'timeout';
          reject(
            lambdaError('Sandbox.Timedout', `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`),
          );
        }, timeoutMs);
        timer.unref();
        environment.pending = {
          id,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        environment.worker.postMessage({ id, event: text, deadline } satisfies InvokeMessage);
      });
      environment.pending = undefined;
      this.release(environment);
      if (!reply.ok) throw new LambdaError(reply.error);
      if (Buffer.byteLength(reply.result) > LAMBDA_LIMITS.syncPayloadBytes)
        throw lambdaError(
          'Function.ResponseSizeTooLarge',
          `Response payload size exceeded maximum allowed payload size (${LAMBDA_LIMITS.syncPayloadBytes} bytes).`,
        );
      outcome = 'ok';
      return JSON.parse(reply.result) as unknown;
    } finally {
      this.onInvoked({
        functionName: this.spec.name,
        memoryMb: this.spec.memoryMb,
        durationMs: Date.now() - started,
        event,
        outcome,
      });
    }
  }

  /** The function and the campaign at work behind an access key of one of its environments. */
  callerOf(accessKeyId: string): { spec: FunctionSpec; campaignId?: string } | undefined {
    for (const environment of this.all)
      if (environment.accessKeyId === accessKeyId) return { spec: this.spec, campaignId: environment.campaignId };
    return undefined;
  }

  /** Ends every execution environment. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0))
      waiter.reject(lambdaError('Lambda.ServiceException', `function ${this.spec.name} has been shut down`));
    await Promise.all([...this.all].map((e) => this.discard(e)));
  }

  private async acquire(): Promise<Environment> {
    let environment = this.idle.pop();
    if (!environment && this.all.size < this.maxEnvironments) environment = this.start();
    if (!environment)
      environment = await new Promise<Environment>((resolve, reject) => this.waiting.push({ resolve, reject }));
    environment.busy = true;
    try {
      await environment.ready;
    } catch (error) {
      this.discard(environment);
      throw error;
    }
    return environment;
  }

  private release(environment: Environment): void {
    environment.busy = false;
    if (!this.all.has(environment)) return;
    const next = this.waiting.shift();
    if (next) next.resolve(environment);
    else this.idle.push(environment);
  }

  /** A discarded environment's place goes to the next waiting invocation, in a new environment. */
  private replace(): void {
    if (this.closed || this.all.size >= this.maxEnvironments) return;
    const next = this.waiting.shift();
    if (next) next.resolve(this.start());
  }

  private start(): Environment {
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const worker = new Worker(WORKER, {
      workerData: {
        entry: this.spec.entry ?? `${FUNCTIONS}${this.spec.name}.ts`,
        functionName: this.spec.name,
        functionArn: this.spec.arn,
        memoryMb: this.spec.memoryMb,
      } satisfies LambdaWorkerData,
      env: {
        ...this.environment,
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: randomBytes(20).toString('base64'),
        AWS_SESSION_TOKEN: randomBytes(32).toString('base64'),
      },
      // Node strips the types itself; the parent's loaders (tsx, vitest) are not the runtime's.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.spec.memoryMb },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    let settleReady: { resolve: () => void; reject: (e: Error) => void } | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      settleReady = { resolve, reject };
    });
    // Awaited by whoever invokes; a start failure must not surface as an unhandled rejection meanwhile.
    ready.catch(() => undefined);
    const environment: Environment = { worker, accessKeyId, ready, busy: false };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') settleReady?.resolve();
      else if (reply.type === 'init-error') settleReady?.reject(new LambdaError(reply.error));
      else if (environment.pending?.id === reply.id) environment.pending.resolve(reply);
    });
    const crashed = (error: Error) => {
      const failure =
        (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? lambdaError(
              'Runtime.OutOfMemory',
              `Runtime exited with error: the function ran out of its ${this.spec.memoryMb} MB`,
            )
          : lambdaError('Runtime.ExitError', `Runtime exited with error: ${error.message}`);
      settleReady?.reject(failure);
      environment.pending?.reject(failure);
      this.discard(environment);
    };
    worker.on('error', crashed);
    worker.on('exit', (code) => {
      if (this.all.has(environment)) crashed(new Error(`exit status ${code}`));
    });
    this.all.add(environment);
    return environment;
  }

  private async discard(environment: Environment): Promise<void> {
    if (!this.all.delete(environment)) return;
    const at = this.idle.indexOf(environment);
    if (at >= 0) this.idle.splice(at, 1);
    this.replace();
    await environment.worker.terminate();
  }
}
