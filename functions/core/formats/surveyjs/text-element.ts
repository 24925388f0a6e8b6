/**
 * `comment` and `text` elements: free text (email, tel, date… kept as free text), or a number for a
 * text with `inputType: "number"` (or "range").
 */
import { buildBaseQuestion, type ElementContext, pushQuestion } from './element-context.ts';
import { allocateId, reportError, reportWarning, type SurveyJsReader } from './reader.ts';
import { readText } from './text.ts';

/** A number question: its range from min/max or a numeric validator, its unit, best and worst. */
const readNumber = (reader: SurveyJsReader, ctx: ElementContext, id: string): void => {
  const { el, path, where, numeric } = ctx;
  const minValue = Number(el.min ?? numeric?.minValue ?? 0);
  const maxValue = Number(el.max ?? numeric?.maxValue ?? 100_000);
  const unit = readText(reader, el.unit, undefined, [...path, 'unit'], `${where} unit`);
  if (!unit)
    reportError(
      reader,
      [...path, 'unit'],
      where,
      'a number needs a "unit"',
      'add "unit": { "zh-cn": "分钟", "en": "minutes" } (or "次", "天", "元" …)',
    );
  if (ctx.indicator !== undefined && (el.best === undefined || el.worst === undefined))
    reportError(reader, path, where, 'a scored number needs "best" and "worst" (the values scoring 100 and 0)');
  pushQuestion(
    reader,
    ctx,
    buildBaseQuestion(ctx, id, {
      kind: 'number',
      unit,
      minValue,
      maxValue,
      best: el.best ?? minValue,
      worst: el.worst ?? maxValue,
    }),
  );
};

/** A comment or text element: a number question, or free text (never scored). */
export const readTextElement = (reader: SurveyJsReader, ctx: ElementContext): void => {
  const { el, type, rawName, path, where, inputType } = ctx;
  const id = allocateId(reader, rawName, [...path, 'name'], where);
  reader.names.set(rawName, { id, kind: 'question', values: new Map() });
  if (type === 'text' && (inputType === 'number' || inputType === 'range')) {
    readNumber(reader, ctx, id);
    return;
  }
  if (type === 'text' && inputType !== undefined && inputType !== 'text')
    reportWarning(
      reader,
      [...path, 'inputType'],
      where,
      `inputType "${inputType}" is kept as free text; its format is not checked`,
    );
  if (ctx.indicator !== undefined)
    reportError(reader, [...path, 'indicator'], where, 'free text is never scored', 'remove "indicator"');
  const maxLength = el.maxLength ?? ctx.length?.maxLength;
  const { indicator: _unused, ...unscored } = buildBaseQuestion(ctx, id);
  pushQuestion(reader, ctx, {
    ...unscored,
    kind: 'text',
    ...(maxLength !== undefined && maxLength !== 0 ? { maxLength } : {}),
  });
};
