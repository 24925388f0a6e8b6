/**
 * One element of a SurveyJS page: where it is asked (activities, visibleIf), the properties refused or
 * dropped, panels read through, display and refused types set aside; a question element then goes to
 * the reader of its kind.
 */
import { ACTIVITIES, type Activity } from '../../model.ts';
import type { Condition } from '../../responses/condition.ts';
import { readBooleanElement, readChoiceElement } from './choice-element.ts';
import type { ElementContext } from './element-context.ts';
import { readCheckboxElement, readMatrixElement } from './multi-elements.ts';
import {
  intersectActivities,
  isObject,
  type Json,
  joinConditions,
  type Path,
  reportError,
  reportWarning,
  type Scope,
  type SurveyJsReader,
} from './reader.ts';
import {
  DROPPED_PROPERTIES,
  REFUSED_PROPERTIES,
  REFUSED_TYPES,
  SKIPPED_TYPES,
  SUPPORTED_SURVEYJS_TYPES,
} from './supported.ts';
import { readText } from './text.ts';
import { readTextElement } from './text-element.ts';
import { readVisibleIf } from './visible-if.ts';

/** Where the element is asked: its scope's activities and condition narrowed by its own. */
interface Placement {
  activities: readonly Activity[] | undefined;
  condition: Condition | undefined;
}

/** The element's activities and condition; undefined when its visibleIf cannot be read (its name fails). */
const placeElement = (
  reader: SurveyJsReader,
  el: Json,
  scope: Scope,
  path: Path,
  where: string,
  rawName: string | undefined,
): Placement | undefined => {
  let activities = scope.activities;
  let condition = scope.condition;
  if (Array.isArray(el.activities)) {
    const listed = el.activities.filter((a): a is Activity => (ACTIVITIES as readonly unknown[]).includes(a));
    if (listed.length !== el.activities.length)
      reportError(reader, [...path, 'activities'], where, `"activities" may list only ${ACTIVITIES.join(', ')}`);
    activities = intersectActivities(activities, listed);
  }
  if (typeof el.visibleIf === 'string' && el.visibleIf.trim()) {
    const read = readVisibleIf(reader, el.visibleIf, [...path, 'visibleIf'], where);
    if (!read) {
      if (rawName !== undefined) reader.names.set(rawName, { id: rawName, kind: 'failed', values: new Map() });
      return undefined;
    }
    activities = intersectActivities(activities, read.activities);
    condition = joinConditions(condition, read.condition);
  }
  return { activities, condition };
};

/** Refuses the properties that change what is asked; warns of those dropped. */
const checkElementProperties = (reader: SurveyJsReader, el: Json, path: Path, where: string): void => {
  for (const [prop, instead] of Object.entries(REFUSED_PROPERTIES))
    if (
      el[prop] !== undefined &&
      el[prop] !== false &&
      !(Array.isArray(el[prop]) && (el[prop] as unknown[]).length === 0)
    )
      reportError(reader, [...path, prop], where, `"${prop}" is not supported`, instead);
  for (const [prop, why] of Object.entries(DROPPED_PROPERTIES))
    if (el[prop] !== undefined && el[prop] !== '')
      reportWarning(reader, [...path, prop], where, `"${prop}" is dropped: ${why}`);
};

/** The question element as its kind's reader needs it; warns of validators that are not checked. */
const describeElement = (
  reader: SurveyJsReader,
  el: Json,
  type: string,
  rawName: string,
  at: { path: Path; where: string; scope: Scope; placement: Placement },
): ElementContext => {
  const { path, where } = at;
  const title = readText(reader, el.title, rawName, [...path, 'title'], `${where} title`);
  const description =
    el.description !== undefined
      ? readText(reader, el.description, undefined, [...path, 'description'], `${where} description`)
      : undefined;
  const validators = Array.isArray(el.validators) ? el.validators.filter(isObject) : [];
  const numeric = validators.find((v) => v.type === 'numeric');
  const length = validators.find((v) => v.type === 'text');
  for (const v of validators)
    if (v !== numeric && v !== length)
      reportWarning(
        reader,
        [...path, 'validators'],
        where,
        `the ${String(v.type ?? 'unknown')} validator is not checked`,
        'only numeric (minValue, maxValue) and text (maxLength) validators are',
      );
  return {
    el,
    type,
    rawName,
    path,
    where,
    dimension: el.dimension ?? at.scope.dimension,
    title,
    description,
    indicator: el.indicator,
    activities: at.placement.activities,
    condition: at.placement.condition,
    numeric,
    length,
    inputType: typeof el.inputType === 'string' ? el.inputType.toLowerCase() : undefined,
  };
};

/** Hands a question element to the reader of its kind. */
const readQuestionElement = (reader: SurveyJsReader, ctx: ElementContext): void => {
  switch (ctx.type) {
    case 'radiogroup':
    case 'dropdown':
    case 'rating':
      readChoiceElement(reader, ctx);
      return;
    case 'boolean':
      readBooleanElement(reader, ctx);
      return;
    case 'checkbox':
    case 'tagbox':
      readCheckboxElement(reader, ctx);
      return;
    case 'matrix':
      readMatrixElement(reader, ctx);
      return;
    case 'comment':
    case 'text':
      readTextElement(reader, ctx);
      return;
    default: {
      reportError(
        reader,
        ctx.path,
        ctx.where,
        `element type "${ctx.type || '(none)'}" is not supported`,
        `supported: ${SUPPORTED_SURVEYJS_TYPES.join(', ')}`,
      );
      reader.names.set(ctx.rawName, { id: ctx.rawName, kind: 'failed', values: new Map() });
    }
  }
};

/**
 * Whether an element of this type is read as a question; display-only, refused and nameless
 * elements, and a name used twice, are reported instead.
 */
const isQuestionElement = (
  reader: SurveyJsReader,
  type: string,
  rawName: string | undefined,
  path: Path,
  where: string,
): rawName is string => {
  if (SKIPPED_TYPES.has(type)) {
    reportWarning(
      reader,
      path,
      where,
      `${type} elements are not shown`,
      type === 'html' ? "put the text in a question's description" : undefined,
    );
    return false;
  }
  if (type in REFUSED_TYPES) {
    reportError(reader, path, where, `"${type}" elements are not supported`, REFUSED_TYPES[type]);
    if (rawName !== undefined) reader.names.set(rawName, { id: rawName, kind: 'failed', values: new Map() });
    return false;
  }
  if (rawName === undefined || rawName.trim() === '') {
    reportError(reader, path, where, 'has no "name"', 'give every question a name; it becomes the question id');
    return false;
  }
  if (reader.names.has(rawName)) {
    reportError(
      reader,
      [...path, 'name'],
      where,
      `the name "${rawName}" is used twice`,
      'give each question its own name',
    );
    return false;
  }
  return true;
};

/** Reads the element at `index` of its scope (a page or panel), panels recursively. */
export const readElement = (reader: SurveyJsReader, el: unknown, scope: Scope, index: number): void => {
  const path = [...scope.path, index];
  const rawName =
    isObject(el) && (typeof el.name === 'string' || typeof el.name === 'number') ? String(el.name) : undefined;
  const where = `${scope.where} › ${rawName !== undefined ? `element "${rawName}"` : `element ${index + 1}`}`;
  if (!isObject(el)) {
    reportError(reader, path, where, 'must be an object');
    return;
  }
  reader.elementsSeen++;
  const type = typeof el.type === 'string' ? el.type.toLowerCase() : '';
  if (el.visible === false) {
    reportWarning(reader, path, where, 'is hidden (visible: false) and left out');
    return;
  }
  const placement = placeElement(reader, el, scope, path, where, rawName);
  if (!placement) return;
  checkElementProperties(reader, el, path, where);
  if (type === 'panel') {
    if (el.title !== undefined || el.description !== undefined) reader.dropped.push(where);
    const elements = Array.isArray(el.elements) ? el.elements : [];
    const dimension = el.dimension ?? scope.dimension;
    elements.forEach((child, i) => {
      readElement(reader, child, { where, path: [...path, 'elements'], dimension, ...placement }, i);
    });
    return;
  }
  if (!isQuestionElement(reader, type, rawName, path, where)) return;
  readQuestionElement(reader, describeElement(reader, el, type, rawName, { path, where, scope, placement }));
};
