import { randomBytes, randomUUID } from 'node:crypto';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { RunOptions, StateMachineDefinition } from 'aws-local-stepfunctions';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';

// aws-local-stepfunctions calls Promise.withResolvers, which Node only has from version 22.
const promiseStatics = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseStatics.withResolvers !== 'function') {
  promiseStatics.withResolvers = () => {
    let resolve: (value: unknown) => void = () => undefined;
    let reject: (reason?: unknown) => void = () => undefined;
    const promise = new Promise((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    return { promise, resolve, reject };
  };
}

type JsonValue = Parameters<StateMachine['run']>[0];
type JsonObject = Record<string, unknown>;
type InterpreterEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** A task handler registered for one Lambda function ARN: receives the task input, returns the task result. */
export type TaskFunction = (event: unknown) => Promise<unknown>;

/** How to build a {@link LocalStepFunctions}. */
export interface LocalStepFunctionsOptions {
  /** The ASL text, with `${Name}` placeholders. */
  definition: string;
  /** Placeholder name → value (a Lambda function ARN for our workflow). */
  substitutions: Record<string, string>;
  /** Lambda function ARN → the in-process function that stands in for it. */
  functions: Record<string, TaskFunction>;
  /** State name → milliseconds to wait before each retry, instead of the definition's backoff. */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Called for every event as it is recorded. */
  onEvent?: (event: LocalExecutionEvent) => void;
  /** The ARN the state machine answers to; defaults to {@link DEFAULT_STATE_MACHINE_ARN}. */
  stateMachineArn?: string;
}

/** The state machine ARN used when none is given. */
export const DEFAULT_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:campaign';

/** Status of an execution, as Step Functions reports it. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** What `startExecution` returns. */
export interface StartedExecution {
  executionArn: string;
  startDate: Date;
}

/** What `describeExecution` returns; `input` and `output` are JSON text, as on AWS. */
export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
}

/** Kinds of events in a local execution history. */
export type LocalExecutionEventType =
  | 'ExecutionStarted'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionAborted'
  | 'ExecutionTimedOut'
  | 'StateEntered'
  | 'StateExited'
  | 'StateFailed'
  | 'StateRetried'
  | 'StateCaught'
  | 'MapIterationStarted'
  | 'MapIterationSucceeded'
  | 'MapIterationFailed'
  | 'ParallelBranchStarted'
  | 'ParallelBranchSucceeded'
  | 'ParallelBranchFailed'
  | 'TaskTokenIssued'
  | 'TaskTokenSucceeded'
  | 'TaskTokenFailed'
  | 'TaskTokenTimedOut'
  | 'TaskTimeoutShortened';

/** One event of an execution history. */
export interface LocalExecutionEvent {
  /** 1-based position in the history of the root execution. */
  id: number;
  executionArn: string;
  /** Set when the event belongs to an iteration of a DISTRIBUTED Map, which AWS runs as a child execution. */
  childExecution?: string;
  type: LocalExecutionEventType;
  timestamp: Date;
  stateName?: string;
  stateType?: string;
  /** The Map (or Parallel) state of an iteration (or branch) event. */
  parentState?: string;
  /** Index of the Map iteration the event belongs to (the outermost Map when Maps are nested). */
  mapIndex?: number;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  /** For `StateRetried`: how many retries the matching retrier has made so far. */
  retryAttempt?: number;
  /** For `StateRetried` and `StateCaught`: the `ErrorEquals` of the retrier or catcher that matched. */
  errorEquals?: string[];
  /** For `StateCaught`: the state the catcher goes to. */
  next?: string;
  /** For `TaskToken*` events. */
  taskToken?: string;
}

type RecordedEvent = Omit<LocalExecutionEvent, 'id' | 'executionArn'>;

/** Counters of one execution (root or child). */
export interface ExecutionCounters {
  /** The execution ARN, or for a Distributed Map iteration `<Map state>#<entry>/<index>`. */
  executionId: string;
  /** States entered plus retries, as AWS bills them. */
  stateTransitions: number;
  /** Events in the local history. */
  events: number;
  /** Estimate of the events AWS would record (Lambda tasks add Scheduled/Started/Succeeded…); the AWS limit is 25,000. */
  awsHistoryEvents: number;
}

/** Counters of an execution and of the child executions its Distributed Maps ran. */
export interface ExecutionStatistics extends ExecutionCounters {
  childExecutions: ExecutionCounters[];
}

/** Base of the errors the Step Functions API reports; `name` is the AWS error code. */
export class StepFunctionsApiError extends Error {}

/** StartExecution with a name already used (by a closed execution, or a running one with other input). */
export class ExecutionAlreadyExists extends StepFunctionsApiError {
  override name = 'ExecutionAlreadyExists';
}

/** No execution has this ARN. */
export class ExecutionDoesNotExist extends StepFunctionsApiError {
  override name = 'ExecutionDoesNotExist';
}

/** The ARN names another state machine. */
export class StateMachineDoesNotExist extends StepFunctionsApiError {
  override name = 'StateMachineDoesNotExist';
}

/** The execution input is not JSON. */
export class InvalidExecutionInput extends StepFunctionsApiError {
  override name = 'InvalidExecutionInput';
}

/** The execution name breaks the AWS naming rules. */
export class InvalidName extends StepFunctionsApiError {
  override name = 'InvalidName';
}

/** The task token is empty or too long. */
export class InvalidToken extends StepFunctionsApiError {
  override name = 'InvalidToken';
}

/** The output sent with SendTaskSuccess is not JSON, or too large. */
export class InvalidOutput extends StepFunctionsApiError {
  override name = 'InvalidOutput';
}

/** No task was ever given this token. */
export class TaskDoesNotExist extends StepFunctionsApiError {
  override name = 'TaskDoesNotExist';
}

/** The task of this token already ended (answered, failed, timed out, or its execution stopped). */
export class TaskTimedOut extends StepFunctionsApiError {
  override name = 'TaskTimedOut';
}

/** The definition uses something the local interpreter would not run as AWS does; `problems` lists each state. */
export class WorkflowDefinitionRefused extends Error {
  override name = 'WorkflowDefinitionRefused';

  readonly problems: string[];

  constructor(problems: string[], options?: ErrorOptions) {
    super(`The workflow definition cannot run locally:\n- ${problems.join('\n- ')}`, options);
    this.problems = problems;
  }
}

/** AWS caps state payloads at 256 KiB; it is a terminal error. */
const PAYLOAD_LIMIT_BYTES = 256 * 1024;
/** Node timers overflow above 2^31-1 ms (about 24.8 days) and then fire at once. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
const TOKEN_PLACEHOLDER = '__local-task-token__';
const TIMEOUT_KEY = '__timeoutSeconds';
const INPUT_KEY = '__input';
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

const REFUSED_FIELDS: Record<string, string> = {
  Assign: 'Assign (workflow variables) is not supported by the local interpreter',
  Arguments: 'Arguments is a JSONata field; the local interpreter runs JSONPath only',
  Output: 'Output is a JSONata field; the local interpreter runs JSONPath only',
  Items: 'Items is a JSONata field; the local interpreter runs JSONPath only',
  ItemReader: 'ItemReader is ignored by the local interpreter',
  ItemBatcher: 'ItemBatcher is ignored by the local interpreter',
  ResultWriter: 'ResultWriter is ignored by the local interpreter',
  ToleratedFailurePercentage: 'ToleratedFailurePercentage is ignored by the local interpreter',
  ToleratedFailurePercentagePath: 'ToleratedFailurePercentagePath is ignored by the local interpreter',
  ToleratedFailureCount: 'ToleratedFailureCount is ignored by the local interpreter',
  ToleratedFailureCountPath: 'ToleratedFailureCountPath is ignored by the local interpreter',
  HeartbeatSeconds: 'HeartbeatSeconds is not enforced locally (and AWS matches its timeout by two error names)',
  HeartbeatSecondsPath: 'HeartbeatSecondsPath is not enforced locally (and AWS matches its timeout by two error names)',
};

const validatedDefinitions = new Set<string>();

interface TaskPlan {
  kind: 'lambda' | 'lambda-invoke' | 'callback';
  functionArn: string;
  timeoutSeconds?: number;
  /** TimeoutSecondsPath was moved into Parameters under TIMEOUT_KEY. */
  timeoutFromPath: boolean;
  /** The state had no Parameters: its input was wrapped under INPUT_KEY. */
  wrappedInput: boolean;
}

interface StatePlan {
  type: string;
  /** Enclosing Map states, outermost first. */
  maps: string[];
  distributed: boolean;
  task?: TaskPlan;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

interface CallbackTask {
  token: string;
  executionArn: string;
  stateName: string;
  open: boolean;
  result: Deferred<JsonValue>;
  timeoutMarker?: NodeJS.Timeout;
}

interface ExecutionRecord {
  description: ExecutionDescription;
  parsedInput: JsonValue;
  events: LocalExecutionEvent[];
  counters: Map<string, ExecutionCounters>;
  mapEntries: Map<string, number>;
  openTasks: Set<CallbackTask>;
  abort: () => void;
  done: Promise<void>;
}

/**
 * Runs the workflow definition on aws-local-stepfunctions, with the task handlers in process.
 * It refuses what the interpreter would run differently from AWS, bridges `.waitForTaskToken`
 * and `TimeoutSecondsPath`, and keeps each execution's history and counters.
 */
export class LocalStepFunctions {
  /** The ARN `startExecution` calls are made against. */
  readonly stateMachineArn: string;
  private readonly machine: StateMachine;
  private readonly states = new Map<string, StatePlan>();
  /** States the runner adds around a Distributed Map's child execution; they stay out of the history. */
  private readonly mapRunStates = new Set<string>();
  private readonly functions: Record<string, TaskFunction>;
  private readonly retryIntervalOverrides: Record<string, number | number[]>;
  private readonly onEvent: ((event: LocalExecutionEvent) => void) | undefined;
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly callbacks = new Map<string, CallbackTask>();
  private transitions = 0;

  /** Checks and prepares the definition; throws {@link WorkflowDefinitionRefused} listing every problem. */
  constructor(options: LocalStepFunctionsOptions) {
    this.stateMachineArn = options.stateMachineArn ?? DEFAULT_STATE_MACHINE_ARN;
    this.functions = options.functions;
    this.retryIntervalOverrides = options.retryIntervalOverrides ?? {};
    this.onEvent = options.onEvent;
    const definition = parseDefinition(substitute(options.definition, options.substitutions));
    const problems: string[] = [];
    this.prepareMachine(definition, '', [], problems);
    if (definition.TimeoutSeconds !== undefined && !isTimerSeconds(definition.TimeoutSeconds)) {
      problems.push(`(top level): TimeoutSeconds must be an integer from 1 to ${MAX_TIMER_SECONDS} locally`);
    }
    if (problems.length > 0) throw new WorkflowDefinitionRefused(problems);
    const prepared = JSON.stringify(definition);
    try {
      // Validating compiles the ASL schema, which takes a while; a definition valid once stays valid.
      this.machine = new StateMachine(definition as unknown as StateMachineDefinition, {
        validationOptions: { noValidate: validatedDefinitions.has(prepared) },
      });
      validatedDefinitions.add(prepared);
    } catch (error) {
      throw new WorkflowDefinitionRefused([error instanceof Error ? error.message : String(error)], { cause: error });
    }
  }

  /** Total state transitions over every execution of this runner, child executions included. */
  get stateTransitions(): number {
    return this.transitions;
  }

  /**
   * Starts an execution in the background. A name is unique per runner: the same name and input while
   * it runs returns that execution (as AWS does for Standard workflows); anything else throws
   * {@link ExecutionAlreadyExists}.
   */
  startExecution(request: { name?: string; input?: string; stateMachineArn?: string }): StartedExecution {
    if (request.stateMachineArn !== undefined && request.stateMachineArn !== this.stateMachineArn) {
      throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${request.stateMachineArn}'`);
    }
    const name = request.name ?? randomUUID();
    if (!isExecutionName(name)) throw new InvalidName(`Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.description.status === 'RUNNING' && existing.description.input === input) {
        return { executionArn, startDate: existing.description.startDate };
      }
      throw new ExecutionAlreadyExists(`Execution Already Exists: '${executionArn}'`);
    }
    const parsedInput = parseJson(input);
    if (parsedInput === undefined) throw new InvalidExecutionInput('Invalid State Machine Execution Input: not JSON');
    const record: ExecutionRecord = {
      description: {
        executionArn,
        stateMachineArn: this.stateMachineArn,
        name,
        status: 'RUNNING',
        input,
        startDate: new Date(),
      },
      parsedInput,
      events: [],
      counters: new Map([[executionArn, newCounters(executionArn)]]),
      mapEntries: new Map(),
      openTasks: new Set(),
      abort: () => undefined,
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, record);
    record.done = this.run(record);
    return { executionArn, startDate: record.description.startDate };
  }

  /** The execution's current status, input and, once ended, output or error. */
  describeExecution(executionArn: string): ExecutionDescription {
    return { ...this.record(executionArn).description };
  }

  /** Resolves with the description once the execution has ended and its history is complete. */
  async waitForExecution(executionArn: string): Promise<ExecutionDescription> {
    const record = this.record(executionArn);
    await record.done;
    return { ...record.description };
  }

  /** Aborts a running execution (a no-op once it has ended) and returns its stop date. */
  stopExecution(executionArn: string, reason: { error?: string; cause?: string } = {}): { stopDate: Date } {
    const record = this.record(executionArn);
    const description = record.description;
    if (description.status === 'RUNNING') {
      description.status = 'ABORTED';
      description.stopDate = new Date();
      if (reason.error !== undefined) description.error = reason.error;
      if (reason.cause !== undefined) description.cause = reason.cause;
      this.closeOpenTasks(record);
      record.abort();
    }
    return { stopDate: description.stopDate ?? new Date() };
  }

  /** The recorded events of the execution, child executions' included, in order. */
  history(executionArn: string): LocalExecutionEvent[] {
    return [...this.record(executionArn).events];
  }

  /** State transitions and event counts of the execution and of each child execution. */
  statistics(executionArn: string): ExecutionStatistics {
    const record = this.record(executionArn);
    const [root, ...children] = [...record.counters.values()];
    const own = root ?? newCounters(executionArn);
    return { ...own, childExecutions: children.map((child) => ({ ...child })) };
  }

  /** Completes the waiting `.waitForTaskToken` task with `output` (JSON text) as its result. */
  sendTaskSuccess(taskToken: string, output: string): void {
    const task = this.openTask(taskToken);
    const result = parseJson(output);
    if (result === undefined) throw new InvalidOutput('Invalid Output: not JSON');
    if (Buffer.byteLength(output) > PAYLOAD_LIMIT_BYTES) throw new InvalidOutput('Invalid Output: larger than 256 KiB');
    this.finishTask(task);
    this.recordTaskEvent(task, { type: 'TaskTokenSucceeded', output: result });
    task.result.resolve(result);
  }

  /** Fails the waiting `.waitForTaskToken` task with the given error name and cause. */
  sendTaskFailure(taskToken: string, error = '', cause = ''): void {
    const task = this.openTask(taskToken);
    this.finishTask(task);
    this.recordTaskEvent(task, { type: 'TaskTokenFailed', error, cause });
    task.result.reject(namedError(error, cause));
  }

  /** Confirms the task of this token is still waiting (no heartbeat timeouts run locally). */
  sendTaskHeartbeat(taskToken: string): void {
    this.openTask(taskToken);
  }

  /** Stops every running execution and waits until each has ended. */
  async close(): Promise<void> {
    const records = [...this.executions.values()];
    for (const record of records) this.stopExecution(record.description.executionArn);
    await Promise.all(records.map((record) => record.done));
  }

  private record(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (!record) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  private async run(record: ExecutionRecord): Promise<void> {
    const { executionArn, name } = record.description;
    const handlers: TaskHandlers = {};
    for (const [stateName, plan] of this.states) {
      const task = plan.task;
      if (task) handlers[stateName] = (input) => this.runTask(record, stateName, task, input);
    }
    const execution = this.machine.run(record.parsedInput, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: this.retryIntervalOverrides },
      context: {
        Execution: { Id: executionArn, Name: name },
        StateMachine: { Id: this.stateMachineArn, Name: this.stateMachineArn.split(':').at(-1) },
      },
    });
    record.abort = execution.abort;
    const drained = this.drainEvents(record, execution.eventLogs);
    let outcome: Partial<ExecutionDescription>;
    try {
      const output = await execution.result;
      outcome = { status: 'SUCCEEDED', output: JSON.stringify(output) };
    } catch (error) {
      outcome = describeFailure(error);
    }
    await drained;
    this.closeOpenTasks(record);
    const description = record.description;
    if (description.status === 'RUNNING') {
      Object.assign(description, outcome, { stopDate: new Date() });
    }
  }

  private async drainEvents(record: ExecutionRecord, events: AsyncGenerator<InterpreterEvent>): Promise<void> {
    for await (const event of events) {
      const converted = toLocalEvent(event);
      if (converted.type === 'ExecutionAborted') {
        // The interpreter knows nothing of the reason given to StopExecution.
        const { error, cause } = record.description;
        Object.assign(converted, optional('error', error), optional('cause', cause));
      }
      this.recordEvent(record, converted);
    }
  }

  private recordEvent(record: ExecutionRecord, partial: RecordedEvent): void {
    if (this.mapRunStates.has(partial.stateName ?? '') || this.mapRunStates.has(partial.parentState ?? '')) return;
    const executionArn = record.description.executionArn;
    const event: LocalExecutionEvent = { id: record.events.length + 1, executionArn, ...partial };
    const isOutermostMap = (name: string | undefined): name is string => {
      const plan = name === undefined ? undefined : this.states.get(name);
      return plan?.type === 'Map' && plan.maps.length === 0;
    };
    if (event.type === 'StateEntered' && isOutermostMap(event.stateName)) {
      record.mapEntries.set(event.stateName, (record.mapEntries.get(event.stateName) ?? 0) + 1);
    }
    const outerMap = event.type.startsWith('MapIteration')
      ? event.parentState
      : event.stateName === undefined
        ? undefined
        : this.states.get(event.stateName)?.maps[0];
    if (isOutermostMap(outerMap) && this.states.get(outerMap)?.distributed && event.mapIndex !== undefined) {
      event.childExecution = `${outerMap}#${record.mapEntries.get(outerMap) ?? 0}/${event.mapIndex}`;
    }
    const counterId = event.childExecution ?? executionArn;
    let counters = record.counters.get(counterId);
    if (!counters) {
      counters = newCounters(counterId);
      record.counters.set(counterId, counters);
    }
    counters.events += 1;
    counters.awsHistoryEvents += this.awsHistoryWeight(event);
    if (event.type === 'StateEntered' || event.type === 'StateRetried') {
      counters.stateTransitions += 1;
      this.transitions += 1;
    }
    record.events.push(event);
    try {
      this.onEvent?.(event);
    } catch (error) {
      // An observer that throws must not stop the execution it observes.
      process.emitWarning(`onEvent threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Events AWS would write for a local event: a Lambda task attempt adds Scheduled, Started and an outcome. */
  private awsHistoryWeight(event: LocalExecutionEvent): number {
    const attempt = (): number => {
      const plan = event.stateName === undefined ? undefined : this.states.get(event.stateName);
      if (plan?.task) return plan.task.kind === 'callback' ? 4 : 3;
      return plan?.type === 'Map' || plan?.type === 'Parallel' ? 2 : 0;
    };
    switch (event.type) {
      case 'StateEntered':
        return 1 + attempt();
      case 'StateRetried':
        return attempt();
      case 'ExecutionStarted':
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionAborted':
      case 'ExecutionTimedOut':
      case 'StateExited':
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        return 1;
      default:
        return 0;
    }
  }

  private recordTaskEvent(task: CallbackTask, partial: Omit<LocalExecutionEvent, 'id' | 'executionArn' | 'timestamp'>) {
    const record = this.executions.get(task.executionArn);
    if (!record) return;
    this.recordEvent(record, { timestamp: new Date(), stateName: task.stateName, taskToken: task.token, ...partial });
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
      this.recordEvent(record, {
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
    const task: CallbackTask = {
      token,
      executionArn: record.description.executionArn,
      stateName,
      open: true,
      result: deferred<JsonValue>(),
    };
    this.callbacks.set(token, task);
    record.openTasks.add(task);
    if (deadline !== undefined) {
      // Just before the interpreter's own timer fails the task with States.Timeout, the token stops being accepted.
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
    this.executions.get(task.executionArn)?.openTasks.delete(task);
  }

  /** Settles waiting callbacks so that the interpreter clears its timers and nothing keeps the process alive. */
  private closeOpenTasks(record: ExecutionRecord): void {
    for (const task of record.openTasks) {
      this.finishTask(task);
      task.result.reject(new ExecutionClosed());
    }
  }

  private prepareMachine(machine: JsonObject, path: string, maps: string[], problems: string[]): void {
    const where = path === '' ? '(top level)' : path.slice(0, -1);
    if (machine.QueryLanguage === 'JSONata') problems.push(`${where}: QueryLanguage JSONata is not supported locally`);
    const states = machine.States;
    if (!isJsonObject(states)) {
      problems.push(`${where}: States is missing`);
      return;
    }
    for (const [name, state] of Object.entries(states)) {
      const statePath = `${path}States.${name}`;
      if (!isJsonObject(state)) {
        problems.push(`${statePath}: not an object`);
        continue;
      }
      if (this.states.has(name)) {
        problems.push(`${statePath}: state names must be unique in the whole state machine`);
        continue;
      }
      const plan: StatePlan = { type: String(state.Type), maps, distributed: false };
      this.states.set(name, plan);
      this.prepareState(name, state, statePath, plan, problems);
    }
  }

  private prepareState(name: string, state: JsonObject, statePath: string, plan: StatePlan, problems: string[]): void {
    if (state.QueryLanguage === 'JSONata') {
      problems.push(`${statePath}: QueryLanguage JSONata is not supported locally`);
    }
    for (const [field, reason] of Object.entries(REFUSED_FIELDS)) {
      if (field in state) problems.push(`${statePath}: ${reason}`);
    }
    // The interpreter stores a ResultPath of "$" under a key named "$"; leaving it out means the same on AWS.
    if (state.ResultPath === '$') delete state.ResultPath;
    for (const [index, catcher] of arrayOf(state.Catch).entries()) {
      if (!isJsonObject(catcher)) continue;
      if ('Assign' in catcher || 'Output' in catcher) {
        problems.push(`${statePath}.Catch[${index}]: Assign/Output (variables, JSONata) are not supported locally`);
      }
      if (catcher.ResultPath === '$') delete catcher.ResultPath;
    }
    for (const [index, choice] of arrayOf(state.Choices).entries()) {
      if (isJsonObject(choice) && ('Condition' in choice || 'Assign' in choice)) {
        problems.push(
          `${statePath}.Choices[${index}]: Condition/Assign (JSONata, variables) are not supported locally`,
        );
      }
    }
    switch (state.Type) {
      case 'Task':
        plan.task = this.prepareTask(state, statePath, problems);
        break;
      case 'Map': {
        const processor = isJsonObject(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
        const config = isJsonObject(processor) ? processor.ProcessorConfig : undefined;
        plan.distributed = isJsonObject(config) && config.Mode === 'DISTRIBUTED';
        if (isJsonObject(processor)) {
          const field = isJsonObject(state.ItemProcessor) ? 'ItemProcessor' : 'Iterator';
          this.prepareMachine(processor, `${statePath}.${field}.`, [...plan.maps, name], problems);
          if (plan.distributed) this.failMapRunAsAws(name, processor);
        } else {
          problems.push(`${statePath}: Map without ItemProcessor`);
        }
        break;
      }
      case 'Parallel':
        for (const [index, branch] of arrayOf(state.Branches).entries()) {
          if (!isJsonObject(branch)) continue;
          this.prepareMachine(branch, `${statePath}.Branches[${index}].`, plan.maps, problems);
        }
        break;
      case 'Wait':
        if (typeof state.Seconds === 'number' && state.Seconds > MAX_TIMER_SECONDS) {
          problems.push(`${statePath}: Seconds above ${MAX_TIMER_SECONDS} overflow local timers`);
        }
        break;
    }
  }

  /**
   * On AWS a Distributed Map runs each item as a child execution, and a failed child fails the Map Run
   * (tolerated failures: none) with `States.ExceedToleratedFailureThreshold`, not with the child's own
   * error: Catch and Retry on the Map state see that name. The interpreter runs items inline and lets the
   * child's error through, so the child's states run inside a Parallel whose Catch ends in a Fail state
   * with AWS's error; both stay out of the history, where the child's own failure is still recorded.
   */
  private failMapRunAsAws(mapName: string, processor: JsonObject): void {
    const run = `${mapName} MapRun`;
    const failed = `${mapName} MapRunFailed`;
    const child: JsonObject = { StartAt: processor.StartAt ?? null, States: processor.States ?? {} };
    processor.StartAt = run;
    processor.States = {
      [run]: {
        Type: 'Parallel',
        Branches: [child],
        OutputPath: '$[0]',
        End: true,
        Catch: [{ ErrorEquals: ['States.ALL'], Next: failed }],
      },
      [failed]: {
        Type: 'Fail',
        Error: 'States.ExceedToleratedFailureThreshold',
        Cause: 'The specified tolerated failure threshold was exceeded',
      },
    };
    this.mapRunStates.add(run);
    this.mapRunStates.add(failed);
  }

  private prepareTask(state: JsonObject, statePath: string, problems: string[]): TaskPlan | undefined {
    const resource = state.Resource;
    let kind: TaskPlan['kind'];
    let functionArn: unknown;
    const parameters = isJsonObject(state.Parameters) ? state.Parameters : undefined;
    if (typeof resource === 'string' && LAMBDA_FUNCTION_ARN.test(resource)) {
      kind = 'lambda';
      functionArn = resource;
    } else if (resource === LAMBDA_INVOKE || resource === LAMBDA_INVOKE_CALLBACK) {
      kind = resource === LAMBDA_INVOKE ? 'lambda-invoke' : 'callback';
      functionArn = parameters?.FunctionName;
      if (typeof functionArn !== 'string') {
        problems.push(`${statePath}: Parameters.FunctionName must be a literal function ARN locally`);
        return undefined;
      }
      if (!parameters || !('Payload' in parameters || 'Payload.$' in parameters)) {
        problems.push(`${statePath}: Parameters.Payload is required locally`);
      }
    } else {
      problems.push(`${statePath}: Resource ${String(resource)} is not supported locally (use a Lambda function)`);
      return undefined;
    }
    if (typeof functionArn !== 'string' || !(functionArn in this.functions)) {
      problems.push(`${statePath}: no function is registered for ${String(functionArn)}`);
    }
    const hasTimeout = state.TimeoutSeconds !== undefined;
    const timeoutPath = state.TimeoutSecondsPath;
    if (!hasTimeout && timeoutPath === undefined) {
      problems.push(
        `${statePath}: Task without TimeoutSeconds or TimeoutSecondsPath (the local interpreter stops it after 60 s; AWS never does)`,
      );
    }
    if (hasTimeout && !isTimerSeconds(state.TimeoutSeconds)) {
      problems.push(`${statePath}: TimeoutSeconds must be an integer from 1 to ${MAX_TIMER_SECONDS} locally`);
    }
    if (kind === 'callback' && parameters) {
      state.Parameters = insertTokenPlaceholder(parameters, `${statePath}.Parameters`, problems);
    } else if (JSON.stringify(state.Parameters ?? null).includes('$$.Task.Token')) {
      problems.push(`${statePath}: $$.Task.Token is only available to .waitForTaskToken tasks`);
    }
    const plan: TaskPlan = {
      kind,
      functionArn: String(functionArn),
      timeoutFromPath: false,
      wrappedInput: false,
    };
    if (typeof state.TimeoutSeconds === 'number') plan.timeoutSeconds = state.TimeoutSeconds;
    if (typeof timeoutPath === 'string' && !hasTimeout) {
      // AWS reads TimeoutSecondsPath from the state input; the interpreter reads it after Parameters, so carry it there.
      const current = isJsonObject(state.Parameters) ? state.Parameters : undefined;
      state.Parameters = current
        ? { ...current, [`${TIMEOUT_KEY}.$`]: timeoutPath }
        : { [`${INPUT_KEY}.$`]: '$', [`${TIMEOUT_KEY}.$`]: timeoutPath };
      state.TimeoutSecondsPath = `$.${TIMEOUT_KEY}`;
      plan.timeoutFromPath = true;
      plan.wrappedInput = current === undefined;
    }
    return plan;
  }
}

/** Marks what is left of an execution that has ended; the interpreter neither retries nor catches it. */
class ExecutionClosed extends Error {
  override name = 'States.Runtime';
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor() {
    super('The execution has ended');
  }
}

/** A task result above 256 KiB: terminal on AWS, so neither retried nor caught here. */
class DataLimitExceeded extends Error {
  override name = 'States.DataLimitExceeded';
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(functionArn: string) {
    super(`The result of ${functionArn} is larger than 256 KiB`);
  }
}

/** The interpreter's event in the shape of our history. */
function toLocalEvent(event: InterpreterEvent): RecordedEvent {
  const timestamp = new Date(event.timestamp);
  switch (event.type) {
    case 'ExecutionStarted':
      return { type: 'ExecutionStarted', timestamp, input: event.input };
    case 'ExecutionSucceeded':
      return { type: 'ExecutionSucceeded', timestamp, output: event.output };
    case 'ExecutionFailed':
      return { type: 'ExecutionFailed', timestamp, error: event.Error, cause: causeText(event.Cause) };
    case 'ExecutionAborted':
      return { type: 'ExecutionAborted', timestamp };
    case 'ExecutionTimeout':
      return { type: 'ExecutionTimedOut', timestamp };
    case 'StateEntered':
    case 'StateExited':
    case 'StateFailed':
    case 'StateRetried':
    case 'StateCaught': {
      const recorded: RecordedEvent = {
        type: event.type,
        timestamp,
        stateName: event.state.name,
        stateType: event.state.type,
        ...optional('mapIndex', event.index),
      };
      if (event.type === 'StateEntered' || event.type === 'StateRetried') recorded.input = event.state.input;
      if (event.type === 'StateExited') recorded.output = event.state.output;
      if (event.type === 'StateFailed') {
        recorded.error = event.Error;
        recorded.cause = causeText(event.Cause);
      }
      if (event.type === 'StateRetried') {
        recorded.retryAttempt = event.retry.attempt;
        recorded.errorEquals = event.retry.retrier.ErrorEquals;
      }
      if (event.type === 'StateCaught') {
        recorded.errorEquals = event.catch.catcher.ErrorEquals;
        recorded.next = event.catch.catcher.Next;
      }
      return recorded;
    }
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      return {
        type: event.type,
        timestamp,
        parentState: event.parentState.name,
        mapIndex: event.index,
        ...(event.type === 'MapIterationFailed' ? { error: event.Error, cause: causeText(event.Cause) } : {}),
      };
    case 'ParallelBranchStarted':
    case 'ParallelBranchSucceeded':
    case 'ParallelBranchFailed':
      return {
        type: event.type,
        timestamp,
        parentState: event.parentState.name,
        ...(event.type === 'ParallelBranchFailed' ? { error: event.Error, cause: causeText(event.Cause) } : {}),
      };
  }
}

function substitute(definition: string, substitutions: Record<string, string>): string {
  const missing = new Set<string>();
  const text = definition.replace(/\$\{([^}]*)\}/g, (placeholder, name: string) => {
    const value = substitutions[name];
    if (value === undefined) {
      missing.add(placeholder);
      return placeholder;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new WorkflowDefinitionRefused([`placeholders without a substitution: ${[...missing].join(', ')}`]);
  }
  return text;
}

function parseDefinition(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new WorkflowDefinitionRefused(['the definition is not JSON'], { cause: error });
  }
  if (!isJsonObject(parsed)) throw new WorkflowDefinitionRefused(['the definition is not a JSON object']);
  return parsed;
}

/** Replaces each `"name.$": "$$.Task.Token"` by a placeholder the task fills with a fresh token. */
function insertTokenPlaceholder(template: JsonObject, path: string, problems: string[]): JsonObject {
  const entries = Object.entries(template).map(([key, value]): [string, unknown] => {
    if (key.endsWith('.$') && value === '$$.Task.Token') return [key.slice(0, -2), TOKEN_PLACEHOLDER];
    if (typeof value === 'string' && value.includes('$$.Task.Token')) {
      problems.push(`${path}.${key}: use "$$.Task.Token" directly; expressions around it are not supported locally`);
    }
    if (isJsonObject(value)) return [key, insertTokenPlaceholder(value, `${path}.${key}`, problems)];
    return [key, value];
  });
  return Object.fromEntries(entries);
}

function replaceToken(value: unknown, token: string): unknown {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => replaceToken(item, token));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceToken(item, token)]));
  }
  return value;
}

/** The error a Lambda function reports to Step Functions: its name, and the runtime's JSON as the cause. */
function lambdaError(error: unknown): Error {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const trace = error instanceof Error ? (error.stack ?? '').split('\n') : [];
  return namedError(name, JSON.stringify({ errorType: name, errorMessage: message, trace }));
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function describeFailure(error: unknown): Partial<ExecutionDescription> {
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran longer than TimeoutSeconds' };
  }
  const cause = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) return { status: 'FAILED', error: cause.name, cause: cause.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(cause) };
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause) ?? '';
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** AWS naming rules: 1–80 characters, no whitespace, brackets, wildcards, punctuation or control characters. */
function isExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) return false;
  return [...name].every((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isTimerSeconds(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TIMER_SECONDS;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function newCounters(executionId: string): ExecutionCounters {
  return { executionId, stateTransitions: 0, events: 0, awsHistoryEvents: 0 };
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // A task that ended unobserved (its execution stopped) must not surface as an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
