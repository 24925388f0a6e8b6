import type { TaskFunction } from './execution-types.ts';
import { isJsonObject, isTimerSeconds, type JsonObject, MAX_TIMER_SECONDS } from './json-values.ts';

/** Key under which a `TimeoutSecondsPath` value travels in the task's Parameters. */
export const TIMEOUT_KEY = '__timeoutSeconds';
/** Key under which the input of a task without Parameters travels. */
export const INPUT_KEY = '__input';
const TOKEN_PLACEHOLDER = '__local-task-token__';
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

/** How a Task state is run: which function, how it is called, and where its timeout comes from. */
export interface TaskPlan {
  kind: 'lambda' | 'lambda-invoke' | 'callback';
  functionArn: string;
  timeoutSeconds?: number;
  /** TimeoutSecondsPath was moved into Parameters under TIMEOUT_KEY. */
  timeoutFromPath: boolean;
  /** The state had no Parameters: its input was wrapped under INPUT_KEY. */
  wrappedInput: boolean;
}

/**
 * Plans a Task state, rewriting it where the interpreter needs help (the task token placeholder, a
 * `TimeoutSecondsPath` carried through Parameters); adds a problem for anything it would run unlike AWS.
 */
export function planTask(
  state: JsonObject,
  statePath: string,
  functions: Readonly<Record<string, TaskFunction>>,
  problems: string[],
): TaskPlan | undefined {
  const target = resolveTaskTarget(state, statePath, problems);
  if (!target) return undefined;
  const { kind, functionArn } = target;
  if (typeof functionArn !== 'string' || !(functionArn in functions)) {
    problems.push(`${statePath}: no function is registered for ${String(functionArn)}`);
  }
  checkTaskTimeout(state, statePath, problems);
  const parameters = isJsonObject(state.Parameters) ? state.Parameters : undefined;
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
  carryTimeoutPath(state, plan);
  return plan;
}

/** Replaces the token placeholder, wherever it is in a task's payload, by the task's token. */
export function replaceToken(value: unknown, token: string): unknown {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => replaceToken(item, token));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceToken(item, token)]));
  }
  return value;
}

/** The kind of call and the function of a Task state's Resource; only Lambda functions run locally. */
function resolveTaskTarget(
  state: JsonObject,
  statePath: string,
  problems: string[],
): { kind: TaskPlan['kind']; functionArn: unknown } | undefined {
  const resource = state.Resource;
  const parameters = isJsonObject(state.Parameters) ? state.Parameters : undefined;
  if (typeof resource === 'string' && LAMBDA_FUNCTION_ARN.test(resource)) {
    return { kind: 'lambda', functionArn: resource };
  }
  if (resource === LAMBDA_INVOKE || resource === LAMBDA_INVOKE_CALLBACK) {
    const functionArn = parameters?.FunctionName;
    if (typeof functionArn !== 'string') {
      problems.push(`${statePath}: Parameters.FunctionName must be a literal function ARN locally`);
      return undefined;
    }
    if (!parameters || !('Payload' in parameters || 'Payload.$' in parameters)) {
      problems.push(`${statePath}: Parameters.Payload is required locally`);
    }
    return { kind: resource === LAMBDA_INVOKE ? 'lambda-invoke' : 'callback', functionArn };
  }
  problems.push(`${statePath}: Resource ${String(resource)} is not supported locally (use a Lambda function)`);
  return undefined;
}

/** A task needs a timeout the local timers can keep: AWS never stops one without it, the interpreter does. */
function checkTaskTimeout(state: JsonObject, statePath: string, problems: string[]): void {
  const hasTimeout = state.TimeoutSeconds !== undefined;
  if (!hasTimeout && state.TimeoutSecondsPath === undefined) {
    problems.push(
      `${statePath}: Task without TimeoutSeconds or TimeoutSecondsPath (the local interpreter stops it after 60 s; AWS never does)`,
    );
  }
  if (hasTimeout && !isTimerSeconds(state.TimeoutSeconds)) {
    problems.push(`${statePath}: TimeoutSeconds must be an integer from 1 to ${MAX_TIMER_SECONDS} locally`);
  }
}

/**
 * AWS reads TimeoutSecondsPath from the state input; the interpreter reads it after Parameters, so carry
 * it there (wrapping the input when the state has no Parameters).
 */
function carryTimeoutPath(state: JsonObject, plan: TaskPlan): void {
  const timeoutPath = state.TimeoutSecondsPath;
  if (typeof timeoutPath !== 'string' || state.TimeoutSeconds !== undefined) return;
  const current = isJsonObject(state.Parameters) ? state.Parameters : undefined;
  state.Parameters = current
    ? { ...current, [`${TIMEOUT_KEY}.$`]: timeoutPath }
    : { [`${INPUT_KEY}.$`]: '$', [`${TIMEOUT_KEY}.$`]: timeoutPath };
  state.TimeoutSecondsPath = `$.${TIMEOUT_KEY}`;
  plan.timeoutFromPath = true;
  plan.wrappedInput = current === undefined;
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
