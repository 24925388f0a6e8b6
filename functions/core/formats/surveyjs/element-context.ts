/**
 * One question element as its kind's reader sees it: what the element says and what its page and
 * panels give it; with the question fields every kind shares, and how a question or follow-up is added.
 */
import { type Activity, Id, type LocalizedText } from '../../model.ts';
import { type Condition, formatCondition } from '../../responses/condition.ts';
import { type Json, joinConditions, type Path, type ReadQuestion, type SurveyJsReader } from './reader.ts';

/** A question element being read. */
export interface ElementContext {
  el: Json;
  /** The element type, lower case. */
  type: string;
  rawName: string;
  path: Path;
  where: string;
  dimension: unknown;
  title: LocalizedText | undefined;
  description: LocalizedText | undefined;
  indicator: unknown;
  activities: readonly Activity[] | undefined;
  condition: Condition | undefined;
  /** The numeric and text validators, when given. */
  numeric: Json | undefined;
  length: Json | undefined;
  /** The input type of a text element, lower case. */
  inputType: string | undefined;
}

/** The fields a question of this element has whatever its kind, then `extra`. */
export const buildBaseQuestion = (
  ctx: ElementContext,
  id: string,
  extra: Record<string, unknown> = {},
): ReadQuestion => {
  const { el, indicator, activities, description, condition } = ctx;
  return {
    id,
    title: ctx.title,
    required: el.isRequired === true,
    dimension: ctx.dimension,
    ...(indicator !== undefined ? { indicator } : {}),
    ...(el.weight !== undefined ? { weight: el.weight } : {}),
    ...(activities ? { activities } : {}),
    ...(Array.isArray(el.centers) ? { centers: el.centers } : {}),
    ...(description ? { description } : {}),
    ...(condition ? { condition: formatCondition(condition) } : {}),
    ...extra,
  };
};

/** Adds a question read from this element (one whose id is not usable is left out). */
export const pushQuestion = (reader: SurveyJsReader, ctx: ElementContext, q: ReadQuestion): void => {
  if (!Id.safeParse(q.id).success) return;
  reader.questions.push(q);
  reader.pathOf.set(q.id, ctx.path);
  if (ctx.dimension === undefined) reader.missingDimension.push({ name: q.id, path: ctx.path, where: ctx.where });
};

/** A follow-up free text for "other" or a comment area, asked when its condition holds. */
export const addFollowUp = (
  reader: SurveyJsReader,
  ctx: ElementContext,
  id: string,
  label: LocalizedText,
  when: Condition | undefined,
): void => {
  const followId = `${id}-comment`.slice(0, 64);
  reader.ids.add(followId);
  const { indicator: _i, weight: _w, ...rest } = buildBaseQuestion(ctx, followId);
  const joined = joinConditions(ctx.condition, when);
  pushQuestion(reader, ctx, {
    ...rest,
    title: label,
    required: false,
    kind: 'text',
    ...(joined ? { condition: formatCondition(joined) } : { condition: undefined }),
  });
};

/** The follow-up question's label for an "other" choice. */
export const describeOther = (ctx: ElementContext): LocalizedText => ({
  zh: `${ctx.title?.zh ?? ctx.rawName}（其他，请说明）`,
  en: `${ctx.title?.en ?? ctx.rawName} (other, please describe)`,
});
