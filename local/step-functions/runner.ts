import { randomUUID } from 'node:crypto';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { StateMachine } from 'aws-local-stepfunctions';
import { type DefinitionPlan, planDefinition } from './definition-plan.ts';
import {
  describeFailure,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidExecutionInput,
  InvalidName,
  StateMachineDoesNotExist,
  WorkflowDefinitionRefused,
} from './errors.ts';
import {
  DEFAULT_STATE_MACHINE_ARN,
  type ExecutionDescription,
  type ExecutionRecord,
  type ExecutionStatistics,
  type LocalExecutionEvent,
  type LocalStepFunctionsOptions,
  type StartedExecution,
} from './execution-types.ts';
import { HistoryRecorder, type InterpreterEvent, newCounters, toLocalEvent } from './history.ts';
import { optional, parseJson } from './json-values.ts';
import { TaskInvoker } from './task-invoker.ts';

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

const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

const validatedDefinitions = new Set<string>();

/**
 * Runs the workflow definition on aws-local-stepfunctions, with the task handlers in process.
 * It refuses what the interpreter would run differently from AWS, bridges `.waitForTaskToken`
 * and `TimeoutSecondsPath`, and keeps each execution's history and counters.
 */
export class LocalStepFunctions {
  /** The ARN `startExecution` calls are made against. */
  readonly stateMachineArn: string;
  private readonly machine: StateMachine;
  private readonly plan: DefinitionPlan;
  private readonly retryIntervalOverrides: Record<string, number | number[]>;
  private readonly recorder: HistoryRecorder;
  private readonly tasks: TaskInvoker;
  private readonly executions = new Map<string, ExecutionRecord>();

  /** Checks and prepares the definition; throws {@link WorkflowDefinitionRefused} listing every problem. */
  constructor(options: LocalStepFunctionsOptions) {
    this.stateMachineArn = options.stateMachineArn ?? DEFAULT_STATE_MACHINE_ARN;
    this.retryIntervalOverrides = options.retryIntervalOverrides ?? {};
    this.plan = planDefinition(options.definition, options.substitutions, options.functions);
    this.recorder = new HistoryRecorder(this.plan, options.onEvent);
    this.tasks = new TaskInvoker(options.functions, this.recorder);
    const prepared = JSON.stringify(this.plan.definition);
    try {
      // Validating compiles the ASL schema, which takes a while; a definition valid once stays valid.
      this.machine = new StateMachine(this.plan.definition as unknown as StateMachineDefinition, {
        validationOptions: { noValidate: validatedDefinitions.has(prepared) },
      });
      validatedDefinitions.add(prepared);
    } catch (error) {
      throw new WorkflowDefinitionRefused([error instanceof Error ? error.message : String(error)], { cause: error });
    }
  }

  /** Total state transitions over every execution of this runner, child executions included. */
  get stateTransitions(): number {
    return this.recorder.transitions;
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
      this.tasks.closeOpenTasks(record);
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
    this.tasks.succeed(taskToken, output);
  }

  /** Fails the waiting `.waitForTaskToken` task with the given error name and cause. */
  sendTaskFailure(taskToken: string, error = '', cause = ''): void {
    this.tasks.fail(taskToken, error, cause);
  }

  /** Confirms the task of this token is still waiting (no heartbeat timeouts run locally). */
  sendTaskHeartbeat(taskToken: string): void {
    this.tasks.heartbeat(taskToken);
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
    const execution = this.machine.run(record.parsedInput, {
      overrides: {
        taskResourceLocalHandlers: this.tasks.handlersFor(record, this.plan.states),
        retryIntervalOverrides: this.retryIntervalOverrides,
      },
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
    this.tasks.closeOpenTasks(record);
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
      this.recorder.record(record, converted);
    }
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
