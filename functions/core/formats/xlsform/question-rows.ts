/**
 * The kinds of question rows: `select_one` (a list of exactly yes/no is a yes/no question) and
 * `select_multiple` (one yes/no question per choice), `range` and `rating`, `integer` and `decimal`,
 * `text` (date and time kept as free text).
 */
import type { LocalizedText } from '../../model.ts';
import { type FormReader, type ListedChoice, locateCell, readText, reportError, reportWarning } from './reader.ts';
import { pushRowQuestion, type RowContext } from './row-context.ts';
import { TEXT_LIKE_TYPES } from './supported.ts';

/** A select_multiple: one yes/no question per choice, which conditions test with selected(). */
const readSelectMultiple = (reader: FormReader, ctx: RowContext, options: readonly ListedChoice[]): void => {
  const { r, name, base } = ctx;
  if (ctx.indicator)
    reportError(
      reader,
      locateCell(reader.survey, r.row, 'indicator'),
      'select_multiple is not scored',
      'score a select_one instead, or remove the indicator',
    );
  const ids = new Map<string, string>();
  reader.multiples.set(name, ids);
  reportWarning(
    reader,
    locateCell(reader.survey, r.row, 'type'),
    `select_multiple becomes ${options.length} yes/no questions, one per choice (${options.map((o) => `${name}-${o.value}`).join(', ')})`,
  );
  reader.known.add(name);
  for (const o of options) {
    const choiceId = `${name}-${o.value}`.slice(0, 64);
    ids.set(o.value, choiceId);
    const { indicator: _i, weight: _w, ...rest } = base;
    pushRowQuestion(reader, ctx, {
      ...rest,
      id: choiceId,
      required: false,
      title: {
        zh: `${base.title && (base.title as LocalizedText).zh}：${o.label.zh}`,
        en: `${(base.title as LocalizedText).en}: ${o.label.en}`,
      },
      kind: 'yesno',
      good: 'yes',
    });
  }
};

/** A select_one: a yes/no question for the list yes/no, else a choice question scored per choice. */
const readSelectOne = (reader: FormReader, ctx: RowContext, listName: string, options: readonly ListedChoice[]) => {
  const { r, name, base } = ctx;
  const values = options.map((o) => o.value).sort();
  if (values.length === 2 && values[0] === 'no' && values[1] === 'yes') {
    const good = r.get('good') || 'yes';
    if (good !== 'yes' && good !== 'no')
      reportError(reader, locateCell(reader.survey, r.row, 'good'), `good "${good}" must be yes or no`);
    pushRowQuestion(reader, ctx, { ...base, kind: 'yesno', good: good === 'no' ? 'no' : 'yes' });
    return;
  }
  const { choices } = reader;
  if (ctx.indicator && options.some((o) => o.score === undefined))
    for (const o of options.filter((x) => x.score === undefined))
      if (choices)
        reportError(
          reader,
          locateCell(choices, o.row, choices.columns.has('score') ? 'score' : 'name'),
          `choice "${o.value}" of ${listName} has no score, and ${name} is scored`,
          'write a score from 0 to 100 for every choice of a scored question',
        );
  pushRowQuestion(reader, ctx, {
    ...base,
    kind: 'choice',
    options: options.map(({ value, label, score }) => ({
      value,
      label,
      ...(score !== undefined ? { score } : {}),
    })),
  });
};

/** A select_one or select_multiple on a list of the choices sheet. */
export const readSelectRow = (reader: FormReader, ctx: RowContext): void => {
  const listName = ctx.args[0] ?? '';
  const options = reader.lists.get(listName);
  if (!options) {
    reportError(
      reader,
      locateCell(reader.survey, ctx.r.row, 'type'),
      `the choice list "${listName}" is not in the choices sheet`,
      reader.choices
        ? `add rows with list_name ${listName} to the choices sheet`
        : 'add a "choices" sheet with list_name, name, label::zh, label::en',
    );
    reader.failed.add(ctx.name);
    return;
  }
  if (ctx.type === 'select_multiple') readSelectMultiple(reader, ctx, options);
  else readSelectOne(reader, ctx, listName, options);
};

/** A range or rating: start=1 end=5 is a rating; other scales are choices scoring linearly. */
export const readScaleRow = (reader: FormReader, ctx: RowContext): void => {
  const { r, type, base } = ctx;
  const params = Object.fromEntries(
    [...(r.get('parameters') || '').matchAll(/(\w+)\s*=\s*(-?\d+(?:\.\d+)?)/g)].map((m) => [m[1], Number(m[2])]),
  );
  const start = params.start ?? 1;
  const end = params.end ?? (type === 'rating' ? 5 : 10);
  const step = params.step ?? 1;
  if (!Number.isInteger(start) || !Number.isInteger(end) || step !== 1 || end <= start || end - start > 10) {
    reportError(
      reader,
      locateCell(reader.survey, r.row, 'parameters'),
      `a ${type} needs whole-number start < end, step=1, at most 11 points (got "${r.get('parameters')}")`,
      'e.g. start=1 end=5 step=1',
    );
    reader.failed.add(ctx.name);
    return;
  }
  if (start === 1 && end === 5) pushRowQuestion(reader, ctx, { ...base, kind: 'rating' });
  else {
    const opts = [];
    for (let v = start; v <= end; v++)
      opts.push({
        value: String(v).replace('-', 'm'),
        label: { zh: String(v), en: String(v) },
        score: Math.round(((v - start) / (end - start)) * 10_000) / 100,
      });
    pushRowQuestion(reader, ctx, { ...base, kind: 'choice', options: opts });
  }
};

/** An integer or decimal: a number with its unit, range (from the constraint), best and worst. */
export const readNumberRow = (reader: FormReader, ctx: RowContext): void => {
  const { r, name, base, range } = ctx;
  const { survey } = reader;
  const unit = readText(reader, survey, r, 'unit');
  if (!unit)
    reportError(
      reader,
      locateCell(survey, r.row, survey.columns.has('unit::zh') ? 'unit::zh' : 'type'),
      `number "${name}" has no unit`,
      'write it in unit::zh and unit::en, e.g. 分钟 / minutes',
    );
  const minValue = range ? Number(range[1]) : 0;
  const maxValue = range ? Number(range[2]) : 100_000;
  const best = r.get('best');
  const worst = r.get('worst');
  if (ctx.indicator && (best === '' || worst === ''))
    reportError(
      reader,
      locateCell(survey, r.row, best === '' ? 'best' : 'worst'),
      `scored number "${name}" needs best and worst (the values scoring 100 and 0)`,
    );
  pushRowQuestion(reader, ctx, {
    ...base,
    kind: 'number',
    unit,
    minValue,
    maxValue,
    best: best === '' ? minValue : Number(best),
    worst: worst === '' ? maxValue : Number(worst),
  });
};

/** A text (or date, time: kept as free text): never scored, its length from the constraint. */
export const readTextRow = (reader: FormReader, ctx: RowContext): void => {
  const { r, type, base, length } = ctx;
  if (TEXT_LIKE_TYPES.has(type))
    reportWarning(
      reader,
      locateCell(reader.survey, r.row, 'type'),
      `type "${type}" is kept as free text; its format is not checked`,
    );
  if (ctx.indicator)
    reportError(
      reader,
      locateCell(reader.survey, r.row, 'indicator'),
      'free text is never scored',
      'remove the indicator',
    );
  const { indicator: _i, ...unscored } = base;
  pushRowQuestion(reader, ctx, { ...unscored, kind: 'text', ...(length ? { maxLength: Number(length[1]) } : {}) });
};
