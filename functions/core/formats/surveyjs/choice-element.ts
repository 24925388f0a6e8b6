/**
 * Elements answered with one choice: `radiogroup`, `dropdown` and `rating` (a 1–5 scale is a rating,
 * other scales scored choices), and `boolean` (yes/no). "Other", "none" and a comment area become an
 * option and a follow-up text question.
 */
import type { LocalizedText } from '../../model.ts';
import { readChoices } from './choices.ts';
import { addFollowUp, buildBaseQuestion, describeOther, type ElementContext, pushQuestion } from './element-context.ts';
import { allocateId, reportError, type SurveyJsReader } from './reader.ts';
import { MAX_SCALE_POINTS } from './supported.ts';
import { readText } from './text.ts';

/** One option as read, with its score when given. */
interface ReadOption {
  value: string;
  label: LocalizedText;
  score?: unknown;
}

/**
 * A rating without rateValues: 'rating' for the 1–5 scale, the points of another scale as options
 * scoring linearly, or undefined (with an error) for a scale that cannot be read.
 */
const ratingScale = (
  reader: SurveyJsReader,
  ctx: ElementContext,
  values: Map<string, string>,
): 'rating' | ReadOption[] | undefined => {
  const { el, path, where } = ctx;
  const min = el.rateMin ?? 1;
  const max = el.rateMax ?? (typeof el.rateCount === 'number' ? (min as number) + el.rateCount - 1 : 5);
  const step = el.rateStep ?? 1;
  if (
    !Number.isInteger(min) ||
    !Number.isInteger(max) ||
    step !== 1 ||
    (max as number) <= (min as number) ||
    (max as number) - (min as number) + 1 > MAX_SCALE_POINTS
  ) {
    reportError(
      reader,
      path,
      where,
      `rateMin and rateMax must be whole numbers with rateMin < rateMax, at most ${MAX_SCALE_POINTS} points, rateStep 1`,
      'or list the points in rateValues',
    );
    return undefined;
  }
  const lo = min as number;
  const hi = max as number;
  if (lo === 1 && hi === 5) return 'rating';
  // Other scales keep their points and score linearly, as a 1–5 rating does.
  const options: ReadOption[] = [];
  for (let v = lo; v <= hi; v++) {
    const value = String(v).replace('-', 'm');
    values.set(String(v), value);
    options.push({
      value,
      label: { zh: String(v), en: String(v) },
      score: Math.round(((v - lo) / (hi - lo)) * 10_000) / 100,
    });
  }
  return options;
};

/** Requires a score on every option of a scored question. */
const checkOptionScores = (reader: SurveyJsReader, ctx: ElementContext, options: readonly ReadOption[]): void => {
  for (const o of options)
    if (o.score === undefined)
      reportError(
        reader,
        [...ctx.path, 'choices'],
        `${ctx.where} choice "${o.value}"`,
        'a scored question needs a "score" (0–100) on every choice',
        o.value === 'other' || o.value === 'none'
          ? `set "${o.value}Score" (0–100) on the element, or remove "${o.value === 'other' ? 'showOtherItem' : 'showNoneItem'}"`
          : 'add "score" to each choice, or remove "indicator" to leave it unscored',
      );
};

/**
 * The options listed in choices (or a rating's rateValues, a scale from the first, 0, to the last,
 * 100), with "none" and "other" when shown; checks that a scored question scores every option.
 */
const listedOptions = (reader: SurveyJsReader, ctx: ElementContext, values: Map<string, string>): ReadOption[] => {
  const { el, type, path, where } = ctx;
  let scored = ctx.indicator !== undefined;
  const choices = readChoices(
    reader,
    type === 'rating' ? el.rateValues : el.choices,
    [...path, type === 'rating' ? 'rateValues' : 'choices'],
    where,
    values,
  );
  let options: ReadOption[] = choices;
  if (type === 'rating' && choices.every((c) => c.score === undefined) && choices.length > 1) {
    // rateValues are a scale: from the first (0) to the last (100).
    options = choices.map((c, i) => ({ ...c, score: Math.round((i / (choices.length - 1)) * 10_000) / 100 }));
    scored = false;
  }
  if (el.showNoneItem === true || el.hasNone === true) {
    values.set('none', 'none');
    options.push({
      value: 'none',
      label: readText(reader, el.noneText, undefined, [...path, 'noneText'], where) ?? { zh: '无', en: 'None' },
      score: el.noneScore,
    });
  }
  if (el.showOtherItem === true || el.hasOther === true) {
    values.set('other', 'other');
    options.push({
      value: 'other',
      label: readText(reader, el.otherText, undefined, [...path, 'otherText'], where) ?? { zh: '其他', en: 'Other' },
      score: el.otherScore,
    });
  }
  if (options.length < 2) reportError(reader, [...path, 'choices'], where, 'needs at least two choices');
  if (scored) checkOptionScores(reader, ctx, options);
  return options;
};

/** A radiogroup, dropdown or rating: one rating or choice question, with its follow-ups. */
export const readChoiceElement = (reader: SurveyJsReader, ctx: ElementContext): void => {
  const { el, type, rawName, path, where } = ctx;
  const id = allocateId(reader, rawName, [...path, 'name'], where);
  const values = new Map<string, string>();
  reader.names.set(rawName, { id, kind: 'question', values });
  const options =
    type === 'rating' && !Array.isArray(el.rateValues)
      ? ratingScale(reader, ctx, values)
      : listedOptions(reader, ctx, values);
  if (options === undefined) return;
  if (options === 'rating') {
    pushQuestion(reader, ctx, buildBaseQuestion(ctx, id, { kind: 'rating' }));
    return;
  }
  pushQuestion(
    reader,
    ctx,
    buildBaseQuestion(ctx, id, {
      kind: 'choice',
      options: options.map(({ value, label, score }) => ({
        value,
        label,
        ...(score !== undefined ? { score } : {}),
      })),
    }),
  );
  if (el.showOtherItem === true || el.hasOther === true)
    addFollowUp(reader, ctx, id, describeOther(ctx), { op: '=', question: id, value: 'other' });
  if (el.showCommentArea === true || el.hasComment === true)
    addFollowUp(
      reader,
      ctx,
      id,
      readText(reader, el.commentText, undefined, [...path, 'commentText'], where) ?? { zh: '补充说明', en: 'Comment' },
      undefined,
    );
};

/** A boolean: a yes/no question, good when `goodAnswer` says (yes by default). */
export const readBooleanElement = (reader: SurveyJsReader, ctx: ElementContext): void => {
  const { el, rawName, path, where } = ctx;
  const id = allocateId(reader, rawName, [...path, 'name'], where);
  reader.names.set(rawName, {
    id,
    kind: 'question',
    values: new Map([
      ['true', 'yes'],
      ['false', 'no'],
    ]),
  });
  if (el.goodAnswer !== undefined && typeof el.goodAnswer !== 'boolean')
    reportError(reader, [...path, 'goodAnswer'], where, 'goodAnswer must be true or false');
  pushQuestion(
    reader,
    ctx,
    buildBaseQuestion(ctx, id, { kind: 'yesno', good: el.goodAnswer === false ? 'no' : 'yes' }),
  );
};
