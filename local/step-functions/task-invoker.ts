import { randomBytes } from 'node:crypto';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { RunOptions } from 'aws-local-stepfunctions';
import type { StatePlan } from './definition-plan.ts';
import {
  DataLimitExceeded,
  ExecutionClosed,
  InvalidOutput,
  InvalidToken,
  lambdaError,
  namedError,
  TaskDoesNotExist,
  TaskTimedOut,
} from './errors.ts';
import type { CallbackTask, ExecutionRecord, LocalExecutionEvent, TaskFunction } from './execution-types.ts';
import type { HistoryRecorder } from './history.ts';
import {
  deferred,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  MAX_TIMER_SECONDS,
  PAYLOAD_LIMIT_BYTES,
  parseJson,
} from './json-values.ts';
import { INPUT_KEY, replaceToken, type TaskPlan, TIMEOUT_KEY } from './task-plan.ts';

/** The task overrides the interpreter takes, by state name. */
export type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/**
 * Runs Task states on the in-process functions: a plain or `lambda:invoke` call, or a
 * `.waitForTaskToken` call whose token comes back through {@link TaskInvoker.succeed} or `fail`.
 */
export class TaskInvoker {
  private readonly callbacks = new Map<string, CallbackTask>();
  private readonly functions: Readonly<Record<string, TaskFunction>>;
  private readonly history: HistoryRecorder;

  /** Invokes `functions` by ARN and records task token events with `history`. */
  constructor(functions: Readonly<Record<string, TaskFunction>>, history: HistoryRecorder) {
    this.functions = functions;
    this.history = history;
  }

  /** The overrides of every Task state of `states`, for one execution. */
  handlersFor(record: ExecutionRecord, states: ReadonlyMap<string, StatePlan>): TaskHandlers {
    const handlers: TaskHandlers = {};
    for (const [stateName, plan] of states) {
      const task = plan.task;
      if (task) handlers[stateName] = (input) => this.runTask(record, stateName, task, input);
    }
    return handlers;
  }

  /** Completes the waiting task of this token with `output` (JSON text) as its result. */
  succeed(taskToken: string, output: string): void {
    const task = this.openTask(taskToken);
    const result = parseJson(output);
    if (result === undefined) throw new InvalidOutput('Invalid Output: not JSON');
    if (Buffer.byteLength(output) > PAYLOAD_LIMIT_BYTES) throw new InvalidOutput('Invalid Output: larger than 256 KiB');
    this.finishTask(task);
    this.recordTaskEvent(task, { type: 'TaskTokenSucceeded', output: result });
    task.result.resolve(result);
  }

  /** Fails the waiting task of this token with the given error name and cause. */
  fail(taskToken: string, error: string, cause: string): void {
    const task = this.openTask(taskToken);
    this.finishTask(task);
    this.recordTaskEvent(task, { type: 'TaskTokenFailed', error, cause });
    task.result.reject(namedError(error, cause));
  }

  /** Confirms the task of this token is still waiting. */
  heartbeat(taskToken: string): void {
    this.openTask(taskToken);
  }

  /** Settles waiting callbacks so that the interpreter clears its timers and nothing keeps the process alive. */
  closeOpenTasks(record: ExecutionRecord): void {
    for (const task of record.openTasks) {
      this.finishTask(task);
      task.result.reject(new ExecutionClosed());
    }
  }

  /**
   * The override the interpreter calls for a Task state. Its synchronous part runs before the
   * interpreter reads the task's timeout from the same input object.
   */
  private runTask(record: ExecutionRecord, stateName: string, plan: TaskPlan, input: JsonValue): Promise<JsonValue> {
    if (record.description.status !== 'RUNNING') return Promise.reject(new ExecutionClosed());
    let timeoutSeconds = plan.timeoutSeconds;
    let taskInput: unknown = input;
    let shortenedFrom: number | undefined;
    if (plan.timeoutFromPath && isJsonObject(input)) {
      const requested = input[TIMEOUT_KEY];
      if (typeof requested === 'number' && requested > MAX_TIMER_SECONDS) {
        // A longer Node timer fires at once; the loop that waits re-plans once this one ends.
        input[TIMEOUT_KEY] = MAX_TIMER_SECONDS;
        shortenedFrom = requested;
      }
      const effective = input[TIMEOUT_KEY];
      timeoutSeconds = typeof effective === 'number' ? effective : undefined;
      const { [TIMEOUT_KEY]: _timeout, ...rest } = input;
      taskInput = plan.wrappedInput ? rest[INPUT_KEY] : rest;
    }
    const deadline = timeoutSeconds === undefined ? undefined : Date.now() + timeoutSeconds * 1000;
    return this.invokeTask(record, stateName, plan, taskInput, deadline, shortenedFrom);
  }

  private async invokeTask(
    record: ExecutionRecord,
    stateName: string,
    plan: TaskPlan,
    input: unknown,
    deadline: number | undefined,
    shortenedFrom: number | undefined,
  ): Promise<JsonValue> {
    // The interpreter's own events for this state reach the history first.
    await nextMacrotask();
    if (shortenedFrom !== undefined) {
      this.history.record(record, {
        type: 'TaskTimeoutShortened',
        timestamp: new Date(),
        stateName,
        cause: `TimeoutSecondsPath gave ${shortenedFrom} s; local timers stop at ${MAX_TIMER_SECONDS} s`,
      });
    }
    if (plan.kind === 'lambda') return this.invokeFunction(plan.functionArn, input);
    const request = isJsonObject(input) ? input : {};
    if (plan.kind === 'lambda-invoke') {
      const payload = await this.invokeFunction(plan.functionArn, request.Payload);
      return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
    }
    return this.awaitCallback(record, stateName, plan, request, deadline);
  }

  private async awaitCallback(
    record: ExecutionRecord,
    stateName: string,
    plan: TaskPlan,
    request: JsonObject,
    deadline: number | undefined,
  ): Promise<JsonValue> {
    const token = randomBytes(32).toString('base64url');
    const task: CallbackTask = { token, execution: record, stateName, open: true, result: deferred<JsonValue>() };
    this.callbacks.set(token, task);
    record.openTasks.add(task);
    if (deadline !== undefined) this.markTimeout(task, deadline);
    const payload = replaceToken(request.Payload, token);
    this.recordTaskEvent(task, { type: 'TaskTokenIssued', input: payload });
    try {
      await this.invokeFunction(plan.functionArn, payload);
    } catch (error) {
      if (task.open) this.finishTask(task);
      throw error;
    }
    return task.result.promise;
  }

  /** Just before the interpreter's own timer fails the task with States.Timeout, the token stops being accepted. */
  private markTimeout(task: CallbackTask, deadline: number): void {
    task.timeoutMarker = setTimeout(
      () => {
        if (!task.open) return;
        this.finishTask(task);
        this.recordTaskEvent(task, { type: 'TaskTokenTimedOut', error: 'States.Timeout' });
      },
      Math.max(0, deadline - Date.now() - 1),
    );
    task.timeoutMarker.unref();
  }

  private async invokeFunction(functionArn: string, payload: unknown): Promise<JsonValue> {
    const handler = this.functions[functionArn];
    if (!handler) throw namedError('Lambda.ResourceNotFoundException', `Function not found: ${functionArn}`);
    let result: unknown;
    try {
      result = await handler(JSON.parse(JSON.stringify(payload ?? null)));
    } catch (error) {
      throw lambdaError(error);
    }
    const text = JSON.stringify(result ?? null);
    if (Buffer.byteLength(text) > PAYLOAD_LIMIT_BYTES) throw new DataLimitExceeded(functionArn);
    return JSON.parse(text) as JsonValue;
  }

  private recordTaskEvent(
    task: CallbackTask,
    partial: Omit<LocalExecutionEvent, 'id' | 'executionArn' | 'timestamp'>,
  ): void {
    this.history.record(task.execution, {
      timestamp: new Date(),
      stateName: task.stateName,
      taskToken: task.token,
      ...partial,
    });
  }

  private openTask(taskToken: string): CallbackTask {
    if (taskToken.length < 1 || taskToken.length > 1024) throw new InvalidToken('Invalid Token: length must be 1–1024');
    const task = this.callbacks.get(taskToken);
    if (!task) throw new TaskDoesNotExist('Task Does Not Exist: the token was never issued');
    if (!task.open) throw new TaskTimedOut('Task Timed Out: the task of this token has already ended');
    return task;
  }

  private finishTask(task: CallbackTask): void {
    task.open = false;
    clearTimeout(task.timeoutMarker);
    task.execution.openTasks.delete(task);
  }
}
