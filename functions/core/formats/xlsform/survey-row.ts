/**
 * One row of the survey sheet: a group opened or closed, a row skipped (metadata, notes) or refused,
 * or a question, whose name is checked before the reader of its type reads it.
 */
import { type Activity, DIMENSIONS, type Dimension, Id } from '../../model.ts';
import { RESERVED_FIELDS } from '../../responses/answers.ts';
import { readNumberRow, readScaleRow, readSelectRow, readTextRow } from './question-rows.ts';
import { type FormReader, locateCell, readCondition, readText, reportError, reportWarning } from './reader.ts';
import { describeRow } from './row-context.ts';
import { METADATA_TYPES, REFUSED_TYPES, TEXT_LIKE_TYPES } from './supported.ts';
import { splitList, type TableRow } from './table.ts';

/** A begin group row: what it gives the questions inside, and its label as its dimension's title. */
const openGroup = (reader: FormReader, r: TableRow): void => {
  const condition = readCondition(reader, r);
  const groupLabel = readText(reader, reader.survey, r, 'label');
  const groupDimension = r.get('dimension') as Dimension;
  if (
    groupLabel &&
    (DIMENSIONS as readonly string[]).includes(groupDimension) &&
    !reader.sectionTitles.has(groupDimension)
  )
    reader.sectionTitles.set(groupDimension, groupLabel);
  const activitiesText = r.get('activities');
  const activities = activitiesText ? (splitList(activitiesText) as Activity[]) : undefined;
  reader.groups.push({
    row: r.row,
    dimension: r.get('dimension') || undefined,
    weight: r.get('weight') || undefined,
    ...(condition ? { condition } : {}),
    ...(activities ? { activities } : {}),
  });
};

/** Whether a row that is no group is a question to read: skipped and refused rows are not. */
const isQuestionRow = (reader: FormReader, r: TableRow, rawType: string, type: string, two: string): boolean => {
  const name = r.get('name');
  if (METADATA_TYPES.has(type)) return false;
  if (type === 'note') {
    reportWarning(
      reader,
      locateCell(reader.survey, r.row, 'type'),
      `note "${name}" is not shown`,
      'put what supervisors must read in the hint of a question',
    );
    return false;
  }
  if (REFUSED_TYPES[two] !== undefined || REFUSED_TYPES[type] !== undefined) {
    reportError(
      reader,
      locateCell(reader.survey, r.row, 'type'),
      `type "${rawType}" is not supported`,
      REFUSED_TYPES[two] ?? REFUSED_TYPES[type],
    );
    if (name) reader.failed.add(name);
    return false;
  }
  return true;
};

/** Whether the question's name is usable: present, an id, not reserved, not taken. */
const isUsableName = (reader: FormReader, r: TableRow, name: string): boolean => {
  const at = locateCell(reader.survey, r.row, 'name');
  if (name === '') {
    reportError(reader, at, 'the question has no name', 'every question needs a name; it becomes the question id');
    return false;
  }
  if (!Id.safeParse(name).success || RESERVED_FIELDS.has(name)) {
    reportError(
      reader,
      at,
      RESERVED_FIELDS.has(name) ? `the name "${name}" is reserved` : `"${name}" is not a usable name`,
      'use 1–64 letters, digits, "-" or "_", starting with a letter or digit',
    );
    reader.failed.add(name);
    return false;
  }
  if (reader.known.has(name) || reader.failed.has(name)) {
    reportError(reader, at, `the name "${name}" is used twice`, 'give each question its own name');
    return false;
  }
  return true;
};

/** Reads a question row with the reader of its type. */
const readQuestionRow = (
  reader: FormReader,
  r: TableRow,
  name: string,
  rawType: string,
  type: string,
  args: string[],
) => {
  const ctx = describeRow(reader, r, name, { rawType, type, args });
  if (type === 'select_one' || type === 'select_multiple' || type === 'select_one_external') readSelectRow(reader, ctx);
  else if (type === 'range' || type === 'rating') readScaleRow(reader, ctx);
  else if (type === 'integer' || type === 'decimal') readNumberRow(reader, ctx);
  else if (type === 'text' || TEXT_LIKE_TYPES.has(type)) readTextRow(reader, ctx);
  else {
    reportError(
      reader,
      locateCell(reader.survey, r.row, 'type'),
      `type "${rawType}" is not supported`,
      'use select_one, select_multiple, range, integer, decimal, text, begin group / end group or note',
    );
    reader.failed.add(name);
  }
};

/** Reads one row of the survey sheet. */
export const readSurveyRow = (reader: FormReader, r: TableRow): void => {
  const rawType = r.get('type').replace(/\s+/g, ' ');
  const name = r.get('name');
  if (rawType === '' && name === '') return;
  const [head = '', ...args] = rawType.split(' ');
  const type = head.toLowerCase();
  const two = `${type} ${(args[0] ?? '').toLowerCase()}`;
  if (two === 'begin group' || type === 'begin_group') {
    openGroup(reader, r);
    return;
  }
  if (two === 'end group' || type === 'end_group') {
    if (!reader.groups.pop())
      reportError(reader, locateCell(reader.survey, r.row, 'type'), '"end group" without a "begin group" above it');
    return;
  }
  if (!isQuestionRow(reader, r, rawType, type, two) || !isUsableName(reader, r, name)) return;
  readQuestionRow(reader, r, name, rawType, type, args);
};
