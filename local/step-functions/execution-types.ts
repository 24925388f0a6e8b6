import type { Deferred, JsonValue } from './json-values.ts';

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

/** An event before the history numbers it and names its execution. */
export type RecordedEvent = Omit<LocalExecutionEvent, 'id' | 'executionArn'>;

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

/** A `.waitForTaskToken` task waiting for its token to come back. */
export interface CallbackTask {
  token: string;
  execution: ExecutionRecord;
  stateName: string;
  open: boolean;
  result: Deferred<JsonValue>;
  timeoutMarker?: NodeJS.Timeout;
}

/** What the runner keeps of one execution: its description, history, counters and open tasks. */
export interface ExecutionRecord {
  description: ExecutionDescription;
  parsedInput: JsonValue;
  events: LocalExecutionEvent[];
  counters: Map<string, ExecutionCounters>;
  mapEntries: Map<string, number>;
  openTasks: Set<CallbackTask>;
  abort: () => void;
  done: Promise<void>;
}
