import { failMapRunAsAws } from './distributed-map.ts';
import { WorkflowDefinitionRefused } from './errors.ts';
import type { TaskFunction } from './execution-types.ts';
import { arrayOf, isJsonObject, isTimerSeconds, type JsonObject, MAX_TIMER_SECONDS } from './json-values.ts';
import { planTask, type TaskPlan } from './task-plan.ts';

/** What the runner knows of one state of the definition. */
export interface StatePlan {
  type: string;
  /** Enclosing Map states, outermost first. */
  maps: string[];
  distributed: boolean;
  task?: TaskPlan;
}

/** The definition as prepared for the interpreter, and what the runner knows of its states. */
export interface DefinitionPlan {
  /** The definition to run, rewritten where the interpreter needs help. */
  definition: JsonObject;
  /** Every state by name (names are unique in the whole state machine). */
  states: Map<string, StatePlan>;
  /** States the runner adds around a Distributed Map's child execution; they stay out of the history. */
  mapRunStates: Set<string>;
}

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

/** Planning state: the plan being filled, the registered functions, and the problems found so far. */
interface Planner {
  readonly plan: DefinitionPlan;
  readonly functions: Readonly<Record<string, TaskFunction>>;
  readonly problems: string[];
}

/**
 * Substitutes the placeholders of an ASL text, checks it and plans its states; throws
 * {@link WorkflowDefinitionRefused} listing every problem of something the interpreter would run unlike AWS.
 */
export function planDefinition(
  text: string,
  substitutions: Record<string, string>,
  functions: Readonly<Record<string, TaskFunction>>,
): DefinitionPlan {
  const definition = parseDefinition(substitute(text, substitutions));
  const planner: Planner = {
    plan: { definition, states: new Map(), mapRunStates: new Set() },
    functions,
    problems: [],
  };
  planMachine(planner, definition, '', []);
  if (definition.TimeoutSeconds !== undefined && !isTimerSeconds(definition.TimeoutSeconds)) {
    planner.problems.push(`(top level): TimeoutSeconds must be an integer from 1 to ${MAX_TIMER_SECONDS} locally`);
  }
  if (planner.problems.length > 0) throw new WorkflowDefinitionRefused(planner.problems);
  return planner.plan;
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

/** Plans the states of a state machine, of a Map's item processor or of a Parallel branch. */
function planMachine(planner: Planner, machine: JsonObject, path: string, maps: string[]): void {
  const { problems, plan } = planner;
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
    if (plan.states.has(name)) {
      problems.push(`${statePath}: state names must be unique in the whole state machine`);
      continue;
    }
    const statePlan: StatePlan = { type: String(state.Type), maps, distributed: false };
    plan.states.set(name, statePlan);
    refuseUnsupported(state, statePath, problems);
    planStateKind(planner, name, state, statePath, statePlan);
  }
}

/** JSONata and variables are refused; a ResultPath of `$` is dropped, which means the same on AWS. */
function refuseUnsupported(state: JsonObject, statePath: string, problems: string[]): void {
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
      problems.push(`${statePath}.Choices[${index}]: Condition/Assign (JSONata, variables) are not supported locally`);
    }
  }
}

/** What each kind of state needs: a task plan, the states nested in a Map or Parallel, a Wait's limit. */
function planStateKind(planner: Planner, name: string, state: JsonObject, statePath: string, plan: StatePlan): void {
  const { problems } = planner;
  switch (state.Type) {
    case 'Task':
      plan.task = planTask(state, statePath, planner.functions, problems);
      break;
    case 'Map':
      planMap(planner, name, state, statePath, plan);
      break;
    case 'Parallel':
      for (const [index, branch] of arrayOf(state.Branches).entries()) {
        if (!isJsonObject(branch)) continue;
        planMachine(planner, branch, `${statePath}.Branches[${index}].`, plan.maps);
      }
      break;
    case 'Wait':
      if (typeof state.Seconds === 'number' && state.Seconds > MAX_TIMER_SECONDS) {
        problems.push(`${statePath}: Seconds above ${MAX_TIMER_SECONDS} overflow local timers`);
      }
      break;
  }
}

/** Plans a Map's item processor; a Distributed Map's fails its Map Run as AWS does. */
function planMap(planner: Planner, name: string, state: JsonObject, statePath: string, plan: StatePlan): void {
  const processor = isJsonObject(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
  const config = isJsonObject(processor) ? processor.ProcessorConfig : undefined;
  plan.distributed = isJsonObject(config) && config.Mode === 'DISTRIBUTED';
  if (!isJsonObject(processor)) {
    planner.problems.push(`${statePath}: Map without ItemProcessor`);
    return;
  }
  const field = isJsonObject(state.ItemProcessor) ? 'ItemProcessor' : 'Iterator';
  planMachine(planner, processor, `${statePath}.${field}.`, [...plan.maps, name]);
  if (plan.distributed) failMapRunAsAws(name, processor, planner.plan.mapRunStates);
}
