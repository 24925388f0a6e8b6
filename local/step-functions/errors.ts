import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';
import type { ExecutionDescription } from './execution-types.ts';

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

  /** One line per problem, naming the state (or the top level) it is in. */
  readonly problems: string[];

  constructor(problems: string[], options?: ErrorOptions) {
    super(`The workflow definition cannot run locally:\n- ${problems.join('\n- ')}`, options);
    this.problems = problems;
  }
}

/** Marks what is left of an execution that has ended; the interpreter neither retries nor catches it. */
export class ExecutionClosed extends Error {
  override name = 'States.Runtime';
  /** Read by the interpreter: no Retry applies. */
  readonly isRetryable = false;
  /** Read by the interpreter: no Catch applies. */
  readonly isCatchable = false;

  constructor() {
    super('The execution has ended');
  }
}

/** A task result above 256 KiB: terminal on AWS, so neither retried nor caught here. */
export class DataLimitExceeded extends Error {
  override name = 'States.DataLimitExceeded';
  /** Read by the interpreter: no Retry applies. */
  readonly isRetryable = false;
  /** Read by the interpreter: no Catch applies. */
  readonly isCatchable = false;

  constructor(functionArn: string) {
    super(`The result of ${functionArn} is larger than 256 KiB`);
  }
}

/** The error a Lambda function reports to Step Functions: its name, and the runtime's JSON as the cause. */
export function lambdaError(error: unknown): Error {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const trace = error instanceof Error ? (error.stack ?? '').split('\n') : [];
  return namedError(name, JSON.stringify({ errorType: name, errorMessage: message, trace }));
}

/** An Error whose `name` is the given error name, as Step Functions matches it. */
export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The status, error and cause an execution ends with when the interpreter rejects its result. */
export function describeFailure(error: unknown): Partial<ExecutionDescription> {
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran longer than TimeoutSeconds' };
  }
  const cause = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) return { status: 'FAILED', error: cause.name, cause: cause.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(cause) };
}
