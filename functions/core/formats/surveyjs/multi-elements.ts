/**
 * Elements that become several questions: a `checkbox` or `tagbox` (one yes/no question per choice)
 * and a `matrix` (one question per row, the columns its scale).
 */
import { readChoices } from './choices.ts';
import { addFollowUp, buildBaseQuestion, describeOther, type ElementContext, pushQuestion } from './element-context.ts';
import { allocateId, reportError, reportWarning, type SurveyJsReader } from './reader.ts';
import { readText } from './text.ts';

/** A checkbox or tagbox: one yes/no question per choice, and a follow-up for "other". */
export const readCheckboxElement = (reader: SurveyJsReader, ctx: ElementContext): void => {
  const { el, type, rawName, path, where, title } = ctx;
  const values = new Map<string, string>();
  const id = allocateId(reader, rawName, [...path, 'name'], where);
  reader.names.set(rawName, { id, kind: 'checkbox', values });
  if (ctx.indicator !== undefined)
    reportError(
      reader,
      [...path, 'indicator'],
      where,
      `a ${type} is not scored`,
      'score a radiogroup or one boolean per choice instead, or remove "indicator"',
    );
  const choiceValues = new Map<string, string>();
  const choices = readChoices(reader, el.choices, [...path, 'choices'], where, choiceValues);
  if (el.showOtherItem === true || el.hasOther === true)
    choices.push({
      value: 'other',
      label: readText(reader, el.otherText, undefined, [...path, 'otherText'], where) ?? { zh: '其他', en: 'Other' },
      source: 'other',
      score: undefined,
      at: path,
    });
  if (choices.length === 0) reportError(reader, [...path, 'choices'], where, 'needs choices');
  reportWarning(
    reader,
    path,
    where,
    `a ${type} becomes ${choices.length} yes/no questions, one per choice (${choices.map((c) => `${id}-${c.value}`).join(', ')})`,
    el.isRequired === true ? '"at least one" is not checked: each choice is answered yes or no' : undefined,
  );
  for (const c of choices) {
    const choiceId = `${id}-${c.value}`.slice(0, 64);
    reader.ids.add(choiceId);
    values.set(c.source, choiceId);
    const { indicator: _i, weight: _w, ...rest } = buildBaseQuestion(ctx, choiceId);
    pushQuestion(reader, ctx, {
      ...rest,
      title: { zh: `${title?.zh}：${c.label.zh}`, en: `${title?.en}: ${c.label.en}` },
      kind: 'yesno',
      good: 'yes',
    });
  }
  if (el.showOtherItem === true || el.hasOther === true)
    addFollowUp(reader, ctx, id, describeOther(ctx), { op: '=', question: `${id}-other`, value: 'yes' });
};

/** A matrix: one rating (columns 1–5) or choice question per row, scored as `<indicator>-<row>`. */
export const readMatrixElement = (reader: SurveyJsReader, ctx: ElementContext): void => {
  const { el, rawName, path, where, title, indicator } = ctx;
  const columnValues = new Map<string, string>();
  const columns = readChoices(reader, el.columns, [...path, 'columns'], where, columnValues);
  const rowValues = new Map<string, string>();
  const rows = readChoices(reader, el.rows, [...path, 'rows'], where, rowValues);
  const id = allocateId(reader, rawName, [...path, 'name'], where);
  reader.names.set(rawName, { id, kind: 'failed', values: new Map() });
  if (columns.length < 2 || rows.length === 0) {
    reportError(reader, path, where, 'a matrix needs rows and at least two columns');
    return;
  }
  const numbers = columns.map((c) => Number(c.source));
  const consecutive = numbers.every((n, i) => Number.isInteger(n) && n === (numbers[0] as number) + i);
  const isFivePoint = consecutive && numbers[0] === 1 && numbers.length === 5;
  if (indicator !== undefined && !consecutive && columns.some((c) => c.score === undefined))
    reportError(
      reader,
      [...path, 'columns'],
      where,
      'a scored matrix needs a "score" (0–100) on every column, or columns 1, 2, 3 … that score linearly',
    );
  reportWarning(
    reader,
    path,
    where,
    `the matrix becomes ${rows.length} questions, one per row (${rows.map((r) => `${id}-${r.value}`).join(', ')})`,
  );
  for (const row of rows) {
    const rowId = `${id}-${row.value}`.slice(0, 64);
    reader.ids.add(rowId);
    const sub = new Map<string, string>();
    for (const c of columns) sub.set(c.source, c.value);
    reader.names.set(`${rawName}.${row.source}`, { id: rowId, kind: 'question', values: sub });
    const rowTitle = { zh: `${title?.zh}：${row.label.zh}`, en: `${title?.en}: ${row.label.en}` };
    const required = el.isRequired === true || el.isAllRowRequired === true || el.eachRowRequired === true;
    const rowIndicator = indicator !== undefined ? `${String(indicator)}-${row.value}`.slice(0, 64) : undefined;
    const { indicator: _i, ...rest } = buildBaseQuestion(ctx, rowId);
    const q = { ...rest, title: rowTitle, required, ...(rowIndicator ? { indicator: rowIndicator } : {}) };
    if (isFivePoint) pushQuestion(reader, ctx, { ...q, kind: 'rating' });
    else
      pushQuestion(reader, ctx, {
        ...q,
        kind: 'choice',
        options: columns.map((c, i) => ({
          value: c.value,
          label: c.label,
          ...(c.score !== undefined
            ? { score: c.score }
            : consecutive
              ? { score: Math.round((i / (columns.length - 1)) * 10_000) / 100 }
              : {}),
        })),
      });
  }
};
