/**
 * One question row of the survey sheet as its kind's reader sees it: the fields every question has
 * (with what its groups give it), the constraint it may carry, and whether the row is broken.
 */
import { ACTIVITY_LABELS } from '../../i18n.ts';
import { ACTIVITIES, type Activity, DIMENSIONS, type Dimension, Id } from '../../model.ts';
import { type Condition, formatCondition } from '../../responses/condition.ts';
import {
  type FormReader,
  joinConditions,
  locateCell,
  type ReadQuestion,
  readCondition,
  readText,
  reportError,
  reportWarning,
} from './reader.ts';
import { isYes, splitList, type TableRow } from './table.ts';

/** What the open groups give a question: the innermost dimension with its weight, conditions, activities. */
interface GroupScope {
  dimension?: string;
  weight?: string;
  condition?: Condition;
  activities?: Activity[];
  row?: number;
}

/** A question row being read. */
export interface RowContext {
  r: TableRow;
  name: string;
  /** The type as written (single spaces), its first word lower case, and the words after it. */
  rawType: string;
  type: string;
  args: string[];
  /** The fields every question of the row has. */
  base: ReadQuestion;
  /** An error was found on the row: it is checked to the end, but gives no question. */
  broken: boolean;
  indicator: string | undefined;
  /** A constraint `. >= a and . <= b`, or `string-length(.) <= n`. */
  range: RegExpExecArray | null;
  length: RegExpExecArray | null;
}

const groupScope = (reader: FormReader): GroupScope =>
  reader.groups.reduce<GroupScope>(
    (s, g) => ({
      dimension: g.dimension ?? s.dimension,
      weight: g.dimension ? g.weight : s.weight,
      row: g.dimension ? g.row : s.row,
      condition: joinConditions(s.condition, g.condition),
      activities: g.activities
        ? s.activities
          ? s.activities.filter((a) => g.activities?.includes(a))
          : g.activities
        : s.activities,
    }),
    {},
  );

/** The row's dimension (its own or its group's); false when missing or unknown (with an error). */
const rowDimension = (reader: FormReader, r: TableRow, name: string, scope: GroupScope) => {
  const { survey } = reader;
  const dimension = r.get('dimension') || scope.dimension;
  if (!dimension) {
    reportError(
      reader,
      locateCell(survey, r.row, survey.columns.has('dimension') ? 'dimension' : 'type'),
      `question "${name}" has no dimension`,
      `write ${DIMENSIONS.join(', ')} in its dimension column or on its group`,
    );
    return { dimension, ok: false };
  }
  if (!(DIMENSIONS as readonly string[]).includes(dimension)) {
    reportError(
      reader,
      locateCell(survey, r.row, r.get('dimension') ? 'dimension' : 'type'),
      `dimension "${dimension}" is not one of ${DIMENSIONS.join(', ')}`,
      `use ${DIMENSIONS.join(', ')}`,
    );
    return { dimension, ok: false };
  }
  return { dimension, ok: true };
};

/** The section weight a group gives the dimension, taken from the first group that gives one. */
const noteSectionWeight = (reader: FormReader, dimension: string | undefined, scope: GroupScope): void => {
  if (scope.weight === undefined || scope.row === undefined || reader.sectionWeights.has(dimension as Dimension))
    return;
  const w = Number(scope.weight);
  if (!Number.isFinite(w) || w < 0)
    reportError(reader, locateCell(reader.survey, scope.row, 'weight'), `weight "${scope.weight}" is not a number`);
  else reader.sectionWeights.set(dimension as Dimension, { weight: w, row: scope.row });
};

/** The row's activities (its own or its groups'), reporting unknown ones. */
const rowActivities = (reader: FormReader, r: TableRow, scope: GroupScope): Activity[] | undefined => {
  const activitiesText = r.get('activities');
  let activities = scope.activities;
  if (activitiesText) activities = splitList(activitiesText) as Activity[];
  const unknownActivity = (activities ?? []).filter((a) => !(ACTIVITIES as readonly string[]).includes(a));
  if (unknownActivity.length > 0)
    reportError(
      reader,
      locateCell(reader.survey, r.row, 'activities'),
      `unknown activit${unknownActivity.length === 1 ? 'y' : 'ies'} ${unknownActivity.join(', ')}`,
      `use ${ACTIVITIES.map((a) => `${a} (${ACTIVITY_LABELS[a].zh})`).join(', ')}`,
    );
  return activities;
};

/** The row's weight and indicator, reporting unusable ones. */
const rowWeightAndIndicator = (reader: FormReader, r: TableRow) => {
  const { survey } = reader;
  const weightText = r.get('weight');
  const weight = weightText === '' ? undefined : Number(weightText);
  if (weight !== undefined && (!Number.isFinite(weight) || weight < 0))
    reportError(
      reader,
      locateCell(survey, r.row, 'weight'),
      `weight "${weightText}" is not a number`,
      'write a number such as 1 or 1.5',
    );
  const indicator = r.get('indicator') || undefined;
  if (indicator !== undefined && !Id.safeParse(indicator).success)
    reportError(
      reader,
      locateCell(survey, r.row, 'indicator'),
      `indicator "${indicator}" is not a usable id`,
      'use 1–64 letters, digits, "-" or "_"',
    );
  return { weight, indicator };
};

/** The row's constraint, when it is one that is checked (a warning otherwise). */
const rowConstraint = (reader: FormReader, r: TableRow) => {
  const constraint = r.get('constraint');
  const range = /^\s*\.\s*>=?\s*(-?\d+(?:\.\d+)?)\s+and\s+\.\s*<=?\s*(-?\d+(?:\.\d+)?)\s*$/.exec(constraint);
  const length = /^\s*string-length\(\s*\.\s*\)\s*<=?\s*(\d+)\s*$/.exec(constraint);
  if (constraint && !range && !length)
    reportWarning(
      reader,
      locateCell(reader.survey, r.row, 'constraint'),
      `constraint "${constraint}" is not checked`,
      'only . >= a and . <= b (numbers) and string-length(.) <= n (text) are',
    );
  return { range, length };
};

/**
 * Reads the fields every question of a row has, with what its groups give it. A row with an error is
 * still checked to the end, so that all its problems show at once; its name is then marked failed.
 */
export const describeRow = (
  reader: FormReader,
  r: TableRow,
  name: string,
  type: { rawType: string; type: string; args: string[] },
): RowContext => {
  const scope = groupScope(reader);
  let broken = false;
  const own = readCondition(reader, r);
  if (own === null) broken = true;
  const condition = joinConditions(scope.condition, own ?? undefined);
  const { dimension, ok } = rowDimension(reader, r, name, scope);
  if (!ok) broken = true;
  noteSectionWeight(reader, dimension, scope);
  const activities = rowActivities(reader, r, scope);
  const centers = r.get('centers') ? splitList(r.get('centers')) : undefined;
  const label = readText(reader, reader.survey, r, 'label');
  if (!label)
    reportError(
      reader,
      locateCell(reader.survey, r.row, 'label::zh'),
      `question "${name}" has no label`,
      'write its text in label::zh and label::en',
    );
  const hint = readText(reader, reader.survey, r, 'hint');
  const { weight, indicator } = rowWeightAndIndicator(reader, r);
  const base: ReadQuestion = {
    id: name,
    title: label ?? { zh: name, en: name },
    required: isYes(r.get('required')),
    dimension,
    ...(indicator ? { indicator } : {}),
    ...(weight !== undefined && Number.isFinite(weight) ? { weight } : {}),
    ...(activities ? { activities } : {}),
    ...(centers ? { centers } : {}),
    ...(hint ? { description: hint } : {}),
    ...(condition ? { condition: formatCondition(condition) } : {}),
  };
  const { range, length } = rowConstraint(reader, r);
  if (broken) reader.failed.add(name);
  return { r, name, ...type, base, broken, indicator, range, length };
};

/** Adds a question read from the row, unless the row is broken. */
export const pushRowQuestion = (reader: FormReader, ctx: RowContext, q: ReadQuestion): void => {
  if (ctx.broken) return;
  reader.questions.push(q);
  reader.questionRows.set(q.id, ctx.r.row);
  reader.known.add(q.id);
};
