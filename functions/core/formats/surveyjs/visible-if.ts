/**
 * `visibleIf` of a SurveyJS element: on `{activity}` alone it chooses the activities a question is asked
 * in; on earlier answers it becomes the question's condition, in question ids and option values.
 */
import { ACTIVITIES, type Activity } from '../../model.ts';
import {
  type Condition,
  ConditionSyntaxError,
  comparisonsOf,
  evaluateCondition,
  parseCondition,
  renameQuestions,
} from '../../responses/condition.ts';
import { type Named, type Path, reportError, type SurveyJsReader } from './reader.ts';
import { CONDITION_HINT } from './supported.ts';

/** `{x} contains 'a'` on a checkbox is a test of the yes/no question made for choice a. */
const rewriteContains = (names: ReadonlyMap<string, Named>, expression: string): string =>
  expression.replace(
    /\{([^}]+)\}\s+(notcontains|contains)\s+(['"])(.*?)\3/gi,
    (all, name: string, op: string, _q: string, value: string) => {
      const named = names.get(name.trim());
      const target = named?.kind === 'checkbox' ? named.values.get(value) : undefined;
      if (!target) return all;
      return `{${target}} ${op.toLowerCase() === 'contains' ? '=' : '!='} 'yes'`;
    },
  );

/** The activities a condition on `{activity}` alone allows; undefined (with an error) when it names none. */
const activitiesOf = (
  reader: SurveyJsReader,
  condition: Condition,
  expression: string,
  path: Path,
  where: string,
): { activities: Activity[] } | undefined => {
  const unknown = comparisonsOf(condition)
    .flatMap((c) => ('values' in c ? c.values : 'value' in c ? [c.value] : []))
    .filter((v) => !(ACTIVITIES as readonly unknown[]).includes(v));
  if (unknown.length > 0) {
    reportError(
      reader,
      path,
      where,
      `visibleIf "${expression}" names no activity: ${unknown.join(', ')}`,
      `activities: ${ACTIVITIES.join(', ')}`,
    );
    return undefined;
  }
  const activities = ACTIVITIES.filter((a) => evaluateCondition(condition, { activity: a }));
  if (activities.length === 0)
    reportError(reader, path, where, `visibleIf "${expression}" leaves no activity in which to ask it`);
  return { activities };
};

/** The condition with element names as question ids; undefined (with errors) when one is not usable. */
const renameToIds = (
  reader: SurveyJsReader,
  condition: Condition,
  expression: string,
  path: Path,
  where: string,
): Condition | undefined => {
  let ok = true;
  const renamed = renameQuestions(condition, (name) => {
    // A `contains` test was rewritten to the id of the yes/no question of its choice.
    const named =
      reader.names.get(name) ??
      (reader.questions.some((q) => q.id === name)
        ? { id: name, kind: 'question' as const, values: new Map() }
        : undefined);
    if (!named) {
      ok = false;
      reportError(
        reader,
        path,
        where,
        `visibleIf "${expression}" looks at {${name}}, which is not an earlier question`,
        'conditions may only look at questions asked before this one',
      );
      return name;
    }
    if (named.kind === 'checkbox') {
      ok = false;
      reportError(
        reader,
        path,
        where,
        `visibleIf "${expression}" compares the checkbox {${name}} as a whole`,
        `use {${name}} contains 'value'`,
      );
    }
    return named.id;
  });
  return ok ? renamed : undefined;
};

/** Choice values renamed with their question (a "Very good" choice became very-good). */
const withChoiceValues = (names: ReadonlyMap<string, Named>, condition: Condition): Condition => {
  const mapValue = (question: string, v: string | number) => {
    const named = [...names.values()].find((n) => n.id === question);
    return named?.values.get(String(v)) ?? v;
  };
  const withValues = (c: Condition): Condition =>
    c.op === 'and' || c.op === 'or'
      ? { ...c, left: withValues(c.left), right: withValues(c.right) }
      : 'values' in c
        ? { ...c, values: c.values.map((v) => mapValue(c.question, v)) }
        : 'value' in c
          ? { ...c, value: mapValue(c.question, c.value) }
          : c;
  return withValues(condition);
};

/** Reads a visibleIf: activities when it looks only at {activity}, else a condition in question ids. */
export const readVisibleIf = (
  reader: SurveyJsReader,
  expression: string,
  path: Path,
  where: string,
): { activities?: Activity[]; condition?: Condition } | undefined => {
  let condition: Condition;
  try {
    condition = parseCondition(rewriteContains(reader.names, expression));
  } catch (e) {
    if (!(e instanceof ConditionSyntaxError)) throw e;
    reportError(
      reader,
      path,
      where,
      `visibleIf "${expression}" is not supported: ${e.message}`,
      `${CONDITION_HINT}; or remove visibleIf to ask it always`,
    );
    return undefined;
  }
  const refs = comparisonsOf(condition).map((c) => c.question);
  if (refs.every((r) => r === 'activity')) return activitiesOf(reader, condition, expression, path, where);
  if (refs.includes('activity')) {
    reportError(
      reader,
      path,
      where,
      `visibleIf "${expression}" mixes {activity} with answers`,
      'put the {activity} part on the page or panel and the rest on the question',
    );
    return undefined;
  }
  const renamed = renameToIds(reader, condition, expression, path, where);
  return renamed ? { condition: withChoiceValues(reader.names, renamed) } : undefined;
};
