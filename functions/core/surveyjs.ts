import { RESERVED_FIELDS } from './answers.ts';
import { DIMENSION_LABELS } from './i18n.ts';
import {
  ACTIVITIES,
  type Activity,
  DIMENSIONS,
  type Dimension,
  Id,
  type LocalizedText,
  Questionnaire,
} from './model.ts';

/**
 * Import of questionnaires designed with SurveyJS tools (Creator, the JSON editor).
 *
 * Accepted: `pages` (or top-level `elements`), `panel` to group elements, and elements of type
 * `rating`, `boolean`, `radiogroup`, `text` with `inputType: "number"` (plain `text` becomes free
 * text), and `comment`. Titles may be strings or localized objects (`{ "default": …, "zh-cn": …,
 * "en": … }`; `default` is in the survey's `locale`, English unless set). `isRequired`,
 * `rateMin`/`rateMax` (a 1–5 scale is a rating; other integer scales become scored choices), and
 * `visibleIf` on the `{activity}` variable (`{activity} = 'hotline'`, `anyof [...]`, `!=`, `noneof`).
 *
 * The scoring extension, as extra properties SurveyJS keeps on elements (register them with
 * `Serializer.addProperty` to edit them in Creator):
 * - `dimension`: standardization | regulation | facilitation | hotline (on the element, its panel or its page);
 * - `indicator`: the indicator id; only elements with one are scored;
 * - `weight`: the indicator's weight (default 1);
 * - the scoring rule: ratings score linearly; `goodAnswer: true|false` on booleans (default true);
 *   `score` 0–100 on each radiogroup choice; `best`, `worst` and `unit` on numbers;
 * - on the survey: `id`, and `dimensionWeights` `{ "regulation": 1.5, … }`.
 */

/** Element types the import understands, as the error message lists them. */
export const SUPPORTED_SURVEYJS_TYPES = [
  'rating',
  'boolean',
  'radiogroup',
  'text (inputType "number" or plain text)',
  'comment',
  'panel',
] as const;

/** A SurveyJS document could not be imported; `problems` lists every reason at once. */
export class SurveyJsImportError extends Error {
  override name = 'SurveyJsImportError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`the SurveyJS questionnaire cannot be imported:\n- ${problems.join('\n- ')}`, options);
    this.problems = problems;
  }
}

// SurveyJS features that change what is asked or stored and that the product cannot honour.
const UNSUPPORTED_PROPERTIES = [
  'validators',
  'enableIf',
  'requiredIf',
  'setValueIf',
  'resetValueIf',
  'defaultValue',
  'defaultValueExpression',
  'correctAnswer',
  'hasOther',
  'showOtherItem',
  'hasNone',
  'showNoneItem',
  'choicesByUrl',
  'choicesFromQuestion',
  'choicesVisibleIf',
  'choicesEnableIf',
  'rateValues',
  'rateCount',
];
const UNSUPPORTED_SURVEY_PROPERTIES = ['triggers', 'calculatedValues'];
const MAX_SCALE_POINTS = 11;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Scope {
  where: string;
  dimension?: unknown;
  activities?: readonly Activity[];
}

/** Reads an `{activity}` condition; undefined with a problem for anything else. */
const parseVisibleIf = (expression: string, where: string, problems: string[]): Activity[] | undefined => {
  const m = /^\s*\{activity\}\s*(=|==|equals|!=|<>|notequal|anyof|noneof)\s*(.+?)\s*$/i.exec(expression);
  const listed = m?.[2]?.trim() ?? '';
  const values = /^\[.*\]$/s.test(listed) ? listed.slice(1, -1).split(',') : [listed];
  const activities = values.map((v) => v.trim().replace(/^(['"])(.*)\1$/, '$2'));
  const op = m?.[1]?.toLowerCase();
  const unknown = activities.filter((a) => !(ACTIVITIES as readonly string[]).includes(a));
  if (!m || !op || unknown.length > 0 || activities.length === 0) {
    problems.push(
      `${where}: visibleIf "${expression}" is not supported; only conditions on {activity} are, such as {activity} = 'hotline' or {activity} anyof ['accompanied', 'experiential'] (activities: ${ACTIVITIES.join(', ')})`,
    );
    return undefined;
  }
  const negate = op === '!=' || op === '<>' || op === 'notequal' || op === 'noneof';
  const chosen = ACTIVITIES.filter((a) => activities.includes(a) !== negate);
  if (chosen.length === 0) problems.push(`${where}: visibleIf "${expression}" leaves no activity in which to ask it`);
  return chosen;
};

const intersect = (a: readonly Activity[] | undefined, b: readonly Activity[] | undefined) =>
  a && b ? a.filter((x) => b.includes(x)) : (a ?? b);

/**
 * Converts a SurveyJS JSON document with our scoring extension into a questionnaire. Throws
 * SurveyJsImportError listing every problem found, unsupported element types first.
 */
export const importSurveyJs = (doc: unknown, options: { id?: string } = {}): Questionnaire => {
  if (!isObject(doc))
    throw new SurveyJsImportError(['the document must be a SurveyJS JSON object with "pages" or "elements"']);
  const problems: string[] = [];
  const unsupported = new Map<string, string[]>();
  const locale = typeof doc.locale === 'string' ? doc.locale.toLowerCase() : 'en';
  const defaultIsZh = locale.startsWith('zh');

  const text = (value: unknown, fallback: string | undefined, where: string): LocalizedText | undefined => {
    if (value === undefined || value === null) return fallback ? { zh: fallback, en: fallback } : undefined;
    if (typeof value === 'string')
      return value.trim()
        ? { zh: value.trim(), en: value.trim() }
        : fallback
          ? { zh: fallback, en: fallback }
          : undefined;
    if (!isObject(value)) {
      problems.push(`${where}: must be text or a localized object such as { "default": "…", "zh-cn": "…" }`);
      return undefined;
    }
    const get = (...keys: string[]) => {
      for (const key of keys) {
        const v = Object.entries(value).find(([k]) => k.toLowerCase() === key)?.[1];
        if (typeof v === 'string' && v.trim()) return v.trim();
      }
      return undefined;
    };
    const fallbackText = get('default');
    const zh = get('zh-cn', 'zh', 'zh-hans') ?? (defaultIsZh ? fallbackText : undefined);
    const en = get('en', 'en-us', 'en-gb') ?? (!defaultIsZh ? fallbackText : undefined);
    const any = zh ?? en ?? fallbackText ?? fallback;
    if (!any) {
      problems.push(`${where}: has no Chinese, English or default text`);
      return undefined;
    }
    return { zh: zh ?? any, en: en ?? any };
  };

  const questions: Record<string, unknown>[] = [];
  const seen = new Set<string>();

  const readElement = (el: unknown, scope: Scope, index: number) => {
    const name = isObject(el) && typeof el.name === 'string' ? el.name : undefined;
    const where = `${scope.where} › ${name ? `element "${name}"` : `element ${index + 1}`}`;
    if (!isObject(el)) {
      problems.push(`${where}: must be an object`);
      return;
    }
    const type = typeof el.type === 'string' ? el.type.toLowerCase() : '';
    const inputType = typeof el.inputType === 'string' ? el.inputType.toLowerCase() : undefined;
    let activities = scope.activities;
    if (typeof el.visibleIf === 'string' && el.visibleIf.trim())
      activities = intersect(activities, parseVisibleIf(el.visibleIf, where, problems));
    if (el.visible === false) return;
    if (type === 'panel') {
      const elements = Array.isArray(el.elements) ? el.elements : [];
      elements.forEach((child, i) => {
        readElement(child, { where, dimension: el.dimension ?? scope.dimension, activities }, i);
      });
      return;
    }
    const kind =
      type === 'rating'
        ? 'rating'
        : type === 'boolean'
          ? 'yesno'
          : type === 'radiogroup'
            ? 'choice'
            : type === 'comment'
              ? 'text'
              : type === 'text' && inputType === 'number'
                ? 'number'
                : type === 'text' && (inputType === undefined || inputType === 'text')
                  ? 'text'
                  : undefined;
    if (!kind) {
      const label = type === 'text' ? `text (inputType "${inputType}")` : type || '(no type)';
      unsupported.set(label, [...(unsupported.get(label) ?? []), name ?? `#${index + 1}`]);
      return;
    }
    for (const prop of UNSUPPORTED_PROPERTIES) {
      if (el[prop] !== undefined && el[prop] !== false) problems.push(`${where}: "${prop}" is not supported`);
    }
    if (!name || !Id.safeParse(name).success) {
      problems.push(
        `${where}: "name" must be 1–64 letters, digits, "-" or "_", starting with a letter or digit (it becomes the question id)`,
      );
      return;
    }
    if (RESERVED_FIELDS.has(name)) problems.push(`${where}: the name "${name}" is reserved; choose another`);
    if (seen.has(name)) problems.push(`${where}: the name "${name}" is used twice`);
    seen.add(name);
    const dimension = el.dimension ?? scope.dimension;
    if (dimension === undefined) {
      problems.push(
        `${where}: no "dimension"; set it on the element, its panel or its page (${DIMENSIONS.join(', ')})`,
      );
      return;
    }
    if (!(DIMENSIONS as readonly unknown[]).includes(dimension)) {
      problems.push(`${where}: dimension "${String(dimension)}" is not one of ${DIMENSIONS.join(', ')}`);
      return;
    }
    const title = text(el.title, name, `${where} title`);
    if (!title) return;
    const question: Record<string, unknown> = {
      id: name,
      title,
      required: el.isRequired === true,
      dimension,
      ...(el.indicator !== undefined ? { indicator: el.indicator } : {}),
      ...(el.weight !== undefined ? { weight: el.weight } : {}),
      ...(activities ? { activities } : {}),
    };
    switch (kind) {
      case 'rating': {
        const min = el.rateMin ?? 1;
        const max = el.rateMax ?? 5;
        const step = el.rateStep ?? 1;
        if (
          !Number.isInteger(min) ||
          !Number.isInteger(max) ||
          step !== 1 ||
          (max as number) <= (min as number) ||
          (max as number) - (min as number) + 1 > MAX_SCALE_POINTS
        ) {
          problems.push(
            `${where}: rateMin and rateMax must be whole numbers with rateMin < rateMax, at most ${MAX_SCALE_POINTS} points, rateStep 1`,
          );
          return;
        }
        const lo = min as number;
        const hi = max as number;
        if (lo === 1 && hi === 5) questions.push({ ...question, kind: 'rating' });
        else {
          // Other scales keep their points and score linearly, as a 1–5 rating does.
          const options = [];
          for (let v = lo; v <= hi; v++)
            options.push({
              value: String(v).replace('-', 'm'),
              label: { zh: String(v), en: String(v) },
              score: Math.round(((v - lo) / (hi - lo)) * 10_000) / 100,
            });
          questions.push({ ...question, kind: 'choice', options });
        }
        return;
      }
      case 'yesno': {
        if (el.goodAnswer !== undefined && typeof el.goodAnswer !== 'boolean')
          problems.push(`${where}: goodAnswer must be true or false`);
        questions.push({ ...question, kind: 'yesno', good: el.goodAnswer === false ? 'no' : 'yes' });
        return;
      }
      case 'choice': {
        const choices = Array.isArray(el.choices) ? el.choices : [];
        if (choices.length < 2) problems.push(`${where}: needs at least two choices`);
        const options = choices.flatMap((c: unknown, i) => {
          const raw = isObject(c) ? c.value : c;
          const value = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
          if (typeof value !== 'string' || !Id.safeParse(value).success) {
            problems.push(
              `${where} choice ${i + 1}: the value must be 1–64 letters, digits, "-" or "_" (got ${JSON.stringify(raw)})`,
            );
            return [];
          }
          const label = text(isObject(c) ? c.text : undefined, value, `${where} choice "${value}"`);
          const score = isObject(c) ? c.score : undefined;
          if (question.indicator !== undefined && score === undefined)
            problems.push(`${where} choice "${value}": a scored radiogroup needs a "score" (0–100) on every choice`);
          return label ? [{ value, label, ...(score !== undefined ? { score } : {}) }] : [];
        });
        questions.push({ ...question, kind: 'choice', options });
        return;
      }
      case 'number': {
        const minValue = el.min === undefined ? 0 : Number(el.min);
        const maxValue = el.max === undefined ? 100_000 : Number(el.max);
        const unit = text(el.unit, undefined, `${where} unit`);
        if (!unit) problems.push(`${where}: a number needs a "unit", such as { "zh-cn": "分钟", "en": "minutes" }`);
        if (question.indicator !== undefined && (el.best === undefined || el.worst === undefined)) {
          problems.push(`${where}: a scored number needs "best" and "worst" (the values scoring 100 and 0)`);
        }
        questions.push({
          ...question,
          kind: 'number',
          unit,
          minValue,
          maxValue,
          best: el.best ?? minValue,
          worst: el.worst ?? maxValue,
        });
        return;
      }
      case 'text': {
        if (question.indicator !== undefined) problems.push(`${where}: free text is never scored; remove "indicator"`);
        const { indicator: _unused, ...unscored } = question;
        questions.push({
          ...unscored,
          kind: 'text',
          ...(el.maxLength !== undefined ? { maxLength: el.maxLength } : {}),
        });
        return;
      }
    }
  };

  for (const prop of UNSUPPORTED_SURVEY_PROPERTIES) {
    if (Array.isArray(doc[prop]) && (doc[prop] as unknown[]).length > 0)
      problems.push(`survey: "${prop}" is not supported`);
  }
  const pages = Array.isArray(doc.pages)
    ? doc.pages
    : Array.isArray(doc.elements)
      ? [{ elements: doc.elements }]
      : undefined;
  if (!pages) problems.push('the document has neither "pages" nor "elements"');
  (pages ?? []).forEach((page: unknown, p) => {
    const where = isObject(page) && typeof page.name === 'string' ? `page "${page.name}"` : `page ${p + 1}`;
    if (!isObject(page)) {
      problems.push(`${where}: must be an object`);
      return;
    }
    const activities =
      typeof page.visibleIf === 'string' && page.visibleIf.trim()
        ? parseVisibleIf(page.visibleIf, where, problems)
        : undefined;
    const elements = Array.isArray(page.elements) ? page.elements : Array.isArray(page.questions) ? page.questions : [];
    elements.forEach((el, i) => {
      readElement(el, { where, dimension: page.dimension, activities }, i);
    });
  });

  if (unsupported.size > 0) {
    const list = [...unsupported].map(([type, names]) => `${type} (${names.join(', ')})`).join('; ');
    problems.unshift(`unsupported element types: ${list}. Supported: ${SUPPORTED_SURVEYJS_TYPES.join(', ')}`);
  }
  const id = options.id ?? doc.id;
  if (typeof id !== 'string' || !Id.safeParse(id).success)
    problems.push(
      'the questionnaire needs an "id" (1–64 letters, digits, "-" or "_"), in the document or given to the import',
    );
  if (questions.length === 0 && unsupported.size === 0) problems.push('the document has no questions');
  const title = text(doc.title, typeof id === 'string' ? id : undefined, 'survey title');
  if (problems.length > 0) throw new SurveyJsImportError(problems);

  // Sections follow the dimensions in the order they first appear.
  const weights = isObject(doc.dimensionWeights) ? doc.dimensionWeights : {};
  const order = [...new Set(questions.map((q) => q.dimension as Dimension))];
  const sections = order.map((dimension) => ({
    dimension,
    title: DIMENSION_LABELS[dimension],
    ...(weights[dimension] !== undefined ? { weight: weights[dimension] } : {}),
    questions: questions.filter((q) => q.dimension === dimension),
  }));
  const parsed = Questionnaire.safeParse({ id, title, sections });
  if (!parsed.success) {
    throw new SurveyJsImportError(
      parsed.error.issues.map((issue) => {
        const [, s, , q, ...rest] = issue.path;
        const question = typeof s === 'number' && typeof q === 'number' ? sections[s]?.questions[q]?.id : undefined;
        return `${question ? `element "${String(question)}"` : issue.path.join('.') || 'questionnaire'}${rest.length > 0 ? ` ${rest.join('.')}` : ''}: ${issue.message}`;
      }),
    );
  }
  return parsed.data;
};
