import type { StateMachine } from 'aws-local-stepfunctions';
import type { DefinitionPlan } from './definition-plan.ts';
import type { ExecutionCounters, ExecutionRecord, LocalExecutionEvent, RecordedEvent } from './execution-types.ts';
import { optional } from './json-values.ts';

/** An event as the interpreter reports it. */
export type InterpreterEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

type StateEvent = Extract<
  InterpreterEvent,
  { type: 'StateEntered' | 'StateExited' | 'StateFailed' | 'StateRetried' | 'StateCaught' }
>;

/** Fresh counters of one execution (root or child). */
export function newCounters(executionId: string): ExecutionCounters {
  return { executionId, stateTransitions: 0, events: 0, awsHistoryEvents: 0 };
}

/**
 * Writes events into executions' histories: numbers them, names the Distributed Map child execution an
 * event belongs to, counts transitions and AWS's history events, and tells the observer.
 */
export class HistoryRecorder {
  /** State transitions over every execution recorded, child executions included. */
  transitions = 0;

  private readonly plan: DefinitionPlan;
  private readonly onEvent: ((event: LocalExecutionEvent) => void) | undefined;

  /** Records into histories of executions of `plan`, telling `onEvent` of each event. */
  constructor(plan: DefinitionPlan, onEvent: ((event: LocalExecutionEvent) => void) | undefined) {
    this.plan = plan;
    this.onEvent = onEvent;
  }

  /** Appends the event to the execution's history, unless it belongs to a state the runner added. */
  record(record: ExecutionRecord, partial: RecordedEvent): void {
    const { mapRunStates } = this.plan;
    if (mapRunStates.has(partial.stateName ?? '') || mapRunStates.has(partial.parentState ?? '')) return;
    const executionArn = record.description.executionArn;
    const event: LocalExecutionEvent = { id: record.events.length + 1, executionArn, ...partial };
    this.markChildExecution(record, event);
    this.count(record, event);
    record.events.push(event);
    try {
      this.onEvent?.(event);
    } catch (error) {
      // An observer that throws must not stop the execution it observes.
      process.emitWarning(`onEvent threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Names the child execution of an event inside an outermost DISTRIBUTED Map: `<Map>#<entry>/<index>`. */
  private markChildExecution(record: ExecutionRecord, event: LocalExecutionEvent): void {
    const { states } = this.plan;
    const isOutermostMap = (name: string | undefined): name is string => {
      const plan = name === undefined ? undefined : states.get(name);
      return plan?.type === 'Map' && plan.maps.length === 0;
    };
    if (event.type === 'StateEntered' && isOutermostMap(event.stateName)) {
      record.mapEntries.set(event.stateName, (record.mapEntries.get(event.stateName) ?? 0) + 1);
    }
    const outerMap = event.type.startsWith('MapIteration')
      ? event.parentState
      : event.stateName === undefined
        ? undefined
        : states.get(event.stateName)?.maps[0];
    if (isOutermostMap(outerMap) && states.get(outerMap)?.distributed && event.mapIndex !== undefined) {
      event.childExecution = `${outerMap}#${record.mapEntries.get(outerMap) ?? 0}/${event.mapIndex}`;
    }
  }

  /** Counts the event for its execution, or for its child execution. */
  private count(record: ExecutionRecord, event: LocalExecutionEvent): void {
    const counterId = event.childExecution ?? event.executionArn;
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
  }

  /** Events AWS would write for a local event: a Lambda task attempt adds Scheduled, Started and an outcome. */
  private awsHistoryWeight(event: LocalExecutionEvent): number {
    const attempt = (): number => {
      const plan = event.stateName === undefined ? undefined : this.plan.states.get(event.stateName);
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
}

/** The interpreter's event in the shape of our history. */
export function toLocalEvent(event: InterpreterEvent): RecordedEvent {
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
    case 'StateCaught':
      return toStateEvent(event, timestamp);
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

/** A state's event with what each kind carries: input, output, error, or the retrier or catcher that matched. */
function toStateEvent(event: StateEvent, timestamp: Date): RecordedEvent {
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

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause) ?? '';
}
