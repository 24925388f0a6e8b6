import { DIMENSION_LABELS } from '../i18n.ts';
import {
  ACTIVITIES,
  type Activity,
  DIMENSIONS,
  type Dimension,
  Id,
  type LocalizedText,
  type Question,
  Questionnaire,
} from '../model.ts';
import { RESERVED_FIELDS } from '../responses/answers.ts';
import {
  type Condition,
  ConditionSyntaxError,
  comparisonsOf,
  evaluateCondition,
  formatCondition,
  parseCondition,
  renameQuestions,
} from '../responses/condition.ts';

/**
 * Import of questionnaires designed with SurveyJS tools (Creator, the JSON editor, or a survey found
 * elsewhere), and export back to SurveyJS JSON.
 *
 * Read: `pages` (or top-level `elements`) and `panel`s; `radiogroup` and `dropdown` (one choice),
 * `rating` (`rateMin`/`rateMax`/`rateCount`/`rateValues`; a 1–5 scale is a rating, other scales scored
 * choices), `boolean` (yes/no), `checkbox` and `tagbox` (one yes/no question per choice), `matrix` (one
 * question per row, the columns its scale), `comment` and `text` (`inputType: "number"` is a number;
 * email, tel, date… are kept as free text). Choices as `"value|text"`, plain values or objects;
 * `showOtherItem`, `showNoneItem` and `showCommentArea` become an option and a follow-up text question.
 * Titles and descriptions as text or localized objects (`default` in the survey's `locale`, `zh-cn`,
 * `zh-tw`, `en`). `isRequired`; numeric and length `validators`. `visibleIf` on earlier answers becomes the
 * question's condition (see condition.ts); `visibleIf` on `{activity}` alone chooses the activities.
 * Names that are not ids (spaces, Chinese) get an id, with a warning.
 *
 * The scoring extension, as extra properties SurveyJS keeps on elements (register them with
 * `Serializer.addProperty` to edit them in Creator):
 * - `dimension`: standardization | regulation | facilitation | hotline (on the element, its panel, its
 *   page or the survey);
 * - `indicator`: the indicator id; only elements with one are scored (on a matrix, each row scores as
 *   `<indicator>-<row>`); `weight` (default 1);
 * - the scoring rule: ratings score linearly; `goodAnswer: true|false` on booleans (default true);
 *   `score` 0–100 on each choice (and matrix column); `best`, `worst` and `unit` on numbers;
 * - `activities` and `centers` on an element: where it is asked;
 * - on the survey: `id`, and `dimensionWeights` `{ "regulation": 1.5, … }`.
 */

/** Element types the import understands, as messages list them. */
export const SUPPORTED_SURVEYJS_TYPES = [
  'radiogroup',
  'dropdown',
  'rating',
  'boolean',
  'checkbox',
  'tagbox',
  'matrix',
  'comment',
  'text',
  'panel',
  'html (not shown)',
] as const;

/** One finding of an import, at its JSON path in the document. */
export interface ImportProblem {
  severity: 'error' | 'warning';
  /** JSON path of the element or property concerned, e.g. `['pages', 0, 'elements', 2, 'visibleIf']`. */
  path: (string | number)[];
  /** The element as the organizer knows it: `page "p1" › element "q-wait"`. */
  where: string;
  message: string;
  hint?: string;
}

/** The result of an import: the questionnaire when there is no error, and every problem at once. */
export interface SurveyJsImport {
  questionnaire?: Questionnaire;
  problems: ImportProblem[];
  /** JSON path of the element each question came from, by question id. */
  elementPaths: ReadonlyMap<string, (string | number)[]>;
}

/** A SurveyJS document could not be imported; `problems` lists every error at once. */
export class SurveyJsImportError extends Error {
  override name = 'SurveyJsImportError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`the SurveyJS questionnaire cannot be imported:\n- ${problems.join('\n- ')}`, options);
    this.problems = problems;
  }
}

/** Element types refused, with what to do instead. */
const REFUSED_TYPES: Record<string, string> = {
  matrixdropdown: 'use a matrix (one choice per row) or separate questions',
  matrixdynamic: 'use a matrix (one choice per row) or separate questions',
  paneldynamic: 'repeat the questions in a panel as many times as needed',
  multipletext: 'ask one text question per item',
  file: 'files are not collected; ask for a description in a comment',
  signaturepad: 'signatures are not collected; the personal link identifies the supervisor',
  ranking: 'ask a rating per item, e.g. in a matrix',
  imagepicker: 'use a radiogroup with the choices written out',
  slider: 'use a rating or a number (text with inputType "number")',
};
/** Display-only elements: skipped with a warning. */
const SKIPPED_TYPES = new Set(['html', 'image', 'expression']);

/** Properties that change what is asked and cannot be honoured, with what to do instead. */
const REFUSED_PROPERTIES: Record<string, string> = {
  enableIf: 'use visibleIf to ask the question only when it applies',
  requiredIf: 'make the question required, or optional, or ask it only when it applies with visibleIf',
  setValueIf: 'remove it; answers are not filled in for the supervisor',
  setValueExpression: 'remove it; answers are not filled in for the supervisor',
  resetValueIf: 'remove it',
  choicesByUrl: 'list the choices in "choices"',
  choicesFromQuestion: 'list the choices in "choices"',
  choicesVisibleIf: 'list only the choices that always apply, or split the question',
  choicesEnableIf: 'list only the choices that always apply, or split the question',
  rowsVisibleIf: 'list only the rows that always apply',
  columnsVisibleIf: 'list only the columns that always apply',
};
/** Properties dropped with a warning: they change only how the page looks or pre-fills. */
const DROPPED_PROPERTIES: Record<string, string> = {
  defaultValue: 'the default answer is not pre-filled',
  defaultValueExpression: 'the default answer is not pre-filled',
  correctAnswer: 'there is no right answer in a supervision questionnaire',
  placeholder: 'the placeholder is not shown',
  minRateDescription: 'the ends of the scale are not labelled this way (a 1–5 scale shows 非常不满意 … 非常满意)',
  maxRateDescription: 'the ends of the scale are not labelled this way (a 1–5 scale shows 非常不满意 … 非常满意)',
  labelTrue: 'yes/no questions show 是 / 否 (Yes / No)',
  labelFalse: 'yes/no questions show 是 / 否 (Yes / No)',
  requiredErrorText: 'the page says 此题为必答题 (this question is required)',
};
const REFUSED_SURVEY_PROPERTIES: Record<string, string> = {
  triggers: 'remove them; answers are not set or completed by triggers',
  calculatedValues: 'remove them; conditions may only look at earlier answers',
};
const MAX_SCALE_POINTS = 11;
const CONDITION_HINT =
  "conditions may compare an earlier answer: {q} = 'value', !=, <, <=, >, >=, empty, notempty, anyof ['a', 'b'], contains 'a' (checkbox), joined with and / or";

type Json = Record<string, unknown>;
type Path = (string | number)[];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether parsed JSON looks like a SurveyJS document rather than the questionnaire format. */
export const isSurveyJsDocument = (data: unknown): boolean =>
  isObject(data) && data.sections === undefined && (Array.isArray(data.pages) || Array.isArray(data.elements));

/** A name as an id: kept when usable, else folded to letters, digits and `-`. */
const slug = (name: string): string =>
  name
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 64);

interface Scope {
  where: string;
  path: Path;
  dimension?: unknown;
  activities?: readonly Activity[];
  /** The condition of the enclosing panels and page, in question ids. */
  condition?: Condition;
}

/** What the import knows of each element name, to rename conditions on it. */
interface Named {
  id: string;
  kind: 'question' | 'checkbox' | 'failed';
  /** SurveyJS choice value → option value (or, for a checkbox, → the id of its yes/no question). */
  values: Map<string, string>;
}

/**
 * Converts a SurveyJS JSON document with our scoring extension into a questionnaire, reporting every
 * problem at once (errors and warnings, each at its JSON path). `defaultId` is used when the document
 * has no `id`.
 */
export const convertSurveyJs = (doc: unknown, options: { id?: string; defaultId?: string } = {}): SurveyJsImport => {
  const problems: ImportProblem[] = [];
  const error = (path: Path, where: string, message: string, hint?: string) =>
    problems.push({ severity: 'error', path, where, message, ...(hint ? { hint } : {}) });
  const warn = (path: Path, where: string, message: string, hint?: string) =>
    problems.push({ severity: 'warning', path, where, message, ...(hint ? { hint } : {}) });
  if (!isObject(doc)) {
    error([], 'survey', 'the document must be a SurveyJS JSON object with "pages" or "elements"');
    return { problems, elementPaths: new Map() };
  }
  const locale = typeof doc.locale === 'string' ? doc.locale.toLowerCase() : 'en';
  const defaultIsZh = locale.startsWith('zh');
  // Traditional Chinese shown as the Chinese text is said once, at the first text concerned.
  let traditionalWarned = false;

  const text = (value: unknown, fallback: string | undefined, path: Path, where: string): LocalizedText | undefined => {
    if (value === undefined || value === null) return fallback ? { zh: fallback, en: fallback } : undefined;
    if (typeof value === 'string' || typeof value === 'number') {
      const s = String(value).trim();
      return s ? { zh: s, en: s } : fallback ? { zh: fallback, en: fallback } : undefined;
    }
    if (!isObject(value)) {
      error(path, where, 'must be text or a localized object such as { "default": "…", "zh-cn": "…" }');
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
    const simplified = get('zh-cn', 'zh', 'zh-hans');
    const traditional = get('zh-tw', 'zh-hant', 'zh-hk');
    const defaultLocaleIsTraditional = /^zh-(tw|hant|hk)/.test(locale);
    let zh = simplified ?? (defaultIsZh ? fallbackText : undefined);
    const fromTraditional =
      zh === undefined ? traditional : defaultLocaleIsTraditional && simplified === undefined ? zh : undefined;
    zh ??= traditional;
    if (fromTraditional !== undefined && !traditionalWarned) {
      traditionalWarned = true;
      warn(
        path,
        where,
        `Traditional Chinese text such as "${fromTraditional}" is shown as the Chinese text (no zh-cn text)`,
        'add "zh-cn" texts if the page should read in Simplified Chinese, or keep them',
      );
    }
    const en = get('en', 'en-us', 'en-gb') ?? (!defaultIsZh ? fallbackText : undefined);
    const other = Object.entries(value).find(([, v]) => typeof v === 'string' && v.trim())?.[1] as string | undefined;
    const any = zh ?? en ?? fallbackText ?? other?.trim() ?? fallback;
    if (!any) {
      error(path, where, 'has no Chinese, English or default text');
      return undefined;
    }
    if (!zh && !en && !fallbackText && other)
      warn(path, where, `has neither Chinese nor English text; "${any}" is shown in both`);
    return { zh: zh ?? any, en: en ?? any };
  };

  const questions: (Record<string, unknown> & { id: string; dimension?: unknown })[] = [];
  const pathOf = new Map<string, Path>();
  const names = new Map<string, Named>();
  const ids = new Set<string>();
  const missingDimension: { name: string; path: Path; where: string }[] = [];
  const sectionTitles = new Map<Dimension, LocalizedText>();
  const dropped: string[] = [];
  let elementsSeen = 0;

  /** A fresh question id for a name, with a warning when the name could not be kept. */
  const idFor = (name: string, path: Path, where: string): string => {
    let id = Id.safeParse(name).success ? name : slug(name);
    if (RESERVED_FIELDS.has(id)) {
      warn(path, where, `the name "${name}" is reserved; the question's id is "${id}-q"`);
      id = `${id}-q`;
    }
    if (!Id.safeParse(id).success || ids.has(id)) {
      let n = questions.length + 1;
      while (ids.has(`q${n}`)) n++;
      id = `q${n}`;
    }
    if (id !== name && !RESERVED_FIELDS.has(name))
      warn(
        path,
        where,
        `the name "${name}" is not an id (letters, digits, - or _); the question's id is "${id}"`,
        'rename it in the survey to choose the id yourself',
      );
    ids.add(id);
    return id;
  };

  /** Reads a visibleIf: activities when it looks only at {activity}, else a condition in question ids. */
  const readVisibleIf = (
    expression: string,
    path: Path,
    where: string,
  ): { activities?: Activity[]; condition?: Condition } | undefined => {
    // `{x} contains 'a'` on a checkbox is a test of the yes/no question made for choice a.
    const rewritten = expression.replace(
      /\{([^}]+)\}\s+(notcontains|contains)\s+(['"])(.*?)\3/gi,
      (all, name: string, op: string, _q: string, value: string) => {
        const named = names.get(name.trim());
        const target = named?.kind === 'checkbox' ? named.values.get(value) : undefined;
        if (!target) return all;
        return `{${target}} ${op.toLowerCase() === 'contains' ? '=' : '!='} 'yes'`;
      },
    );
    let condition: Condition;
    try {
      condition = parseCondition(rewritten);
    } catch (e) {
      if (!(e instanceof ConditionSyntaxError)) throw e;
      error(
        path,
        where,
        `visibleIf "${expression}" is not supported: ${e.message}`,
        `${CONDITION_HINT}; or remove visibleIf to ask it always`,
      );
      return undefined;
    }
    const refs = comparisonsOf(condition).map((c) => c.question);
    if (refs.every((r) => r === 'activity')) {
      const unknown = comparisonsOf(condition)
        .flatMap((c) => ('values' in c ? c.values : 'value' in c ? [c.value] : []))
        .filter((v) => !(ACTIVITIES as readonly unknown[]).includes(v));
      if (unknown.length > 0) {
        error(
          path,
          where,
          `visibleIf "${expression}" names no activity: ${unknown.join(', ')}`,
          `activities: ${ACTIVITIES.join(', ')}`,
        );
        return undefined;
      }
      const activities = ACTIVITIES.filter((a) => evaluateCondition(condition, { activity: a }));
      if (activities.length === 0)
        error(path, where, `visibleIf "${expression}" leaves no activity in which to ask it`);
      return { activities };
    }
    if (refs.includes('activity')) {
      error(
        path,
        where,
        `visibleIf "${expression}" mixes {activity} with answers`,
        'put the {activity} part on the page or panel and the rest on the question',
      );
      return undefined;
    }
    let ok = true;
    const renamed = renameQuestions(condition, (name) => {
      // A `contains` test was rewritten to the id of the yes/no question of its choice.
      const named =
        names.get(name) ??
        (questions.some((q) => q.id === name) ? { id: name, kind: 'question' as const, values: new Map() } : undefined);
      if (!named) {
        ok = false;
        error(
          path,
          where,
          `visibleIf "${expression}" looks at {${name}}, which is not an earlier question`,
          'conditions may only look at questions asked before this one',
        );
        return name;
      }
      if (named.kind === 'checkbox') {
        ok = false;
        error(
          path,
          where,
          `visibleIf "${expression}" compares the checkbox {${name}} as a whole`,
          `use {${name}} contains 'value'`,
        );
      }
      return named.id;
    });
    if (!ok) return undefined;
    // Choice values renamed with their question (a "Very good" choice became very-good).
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
    return { condition: withValues(renamed) };
  };

  const join = (a: Condition | undefined, b: Condition | undefined): Condition | undefined =>
    a && b ? { op: 'and', left: a, right: b } : (a ?? b);
  const intersect = (a: readonly Activity[] | undefined, b: readonly Activity[] | undefined) =>
    a && b ? a.filter((x) => b.includes(x)) : (a ?? b);

  /** Choices as options: `"value|text"`, plain values or objects; values that are not ids get one. */
  const readChoices = (raw: unknown, path: Path, where: string, values: Map<string, string>) => {
    const list = Array.isArray(raw) ? raw : [];
    const taken = new Set<string>();
    return list.flatMap((c: unknown, i) => {
      const at = [...path, i];
      let value: unknown = isObject(c) ? c.value : c;
      let label: unknown = isObject(c) ? c.text : undefined;
      if (typeof value === 'string' && !isObject(c) && value.includes('|')) {
        const [v, ...rest] = value.split('|');
        value = v;
        label = rest.join('|');
      }
      if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
      if (typeof value !== 'string' || value.trim() === '') {
        error(at, `${where} choice ${i + 1}`, `the choice has no value (got ${JSON.stringify(c)})`);
        return [];
      }
      let id = Id.safeParse(value).success ? value : slug(value);
      if (!Id.safeParse(id).success || taken.has(id)) id = `o${i + 1}`;
      taken.add(id);
      values.set(value, id);
      const shown = text(label, value, at, `${where} choice "${value}"`);
      return shown ? [{ value: id, label: shown, source: value, score: isObject(c) ? c.score : undefined, at }] : [];
    });
  };

  const readElement = (el: unknown, scope: Scope, index: number) => {
    const path = [...scope.path, index];
    const rawName =
      isObject(el) && (typeof el.name === 'string' || typeof el.name === 'number') ? String(el.name) : undefined;
    const where = `${scope.where} › ${rawName !== undefined ? `element "${rawName}"` : `element ${index + 1}`}`;
    if (!isObject(el)) {
      error(path, where, 'must be an object');
      return;
    }
    elementsSeen++;
    const type = typeof el.type === 'string' ? el.type.toLowerCase() : '';
    if (el.visible === false) {
      warn(path, where, 'is hidden (visible: false) and left out');
      return;
    }
    let activities = scope.activities;
    let condition = scope.condition;
    if (Array.isArray(el.activities)) {
      const listed = el.activities.filter((a): a is Activity => (ACTIVITIES as readonly unknown[]).includes(a));
      if (listed.length !== el.activities.length)
        error([...path, 'activities'], where, `"activities" may list only ${ACTIVITIES.join(', ')}`);
      activities = intersect(activities, listed);
    }
    if (typeof el.visibleIf === 'string' && el.visibleIf.trim()) {
      const read = readVisibleIf(el.visibleIf, [...path, 'visibleIf'], where);
      if (!read) {
        if (rawName !== undefined) names.set(rawName, { id: rawName, kind: 'failed', values: new Map() });
        return;
      }
      activities = intersect(activities, read.activities);
      condition = join(condition, read.condition);
    }
    for (const [prop, instead] of Object.entries(REFUSED_PROPERTIES))
      if (
        el[prop] !== undefined &&
        el[prop] !== false &&
        !(Array.isArray(el[prop]) && (el[prop] as unknown[]).length === 0)
      )
        error([...path, prop], where, `"${prop}" is not supported`, instead);
    for (const [prop, why] of Object.entries(DROPPED_PROPERTIES))
      if (el[prop] !== undefined && el[prop] !== '') warn([...path, prop], where, `"${prop}" is dropped: ${why}`);
    if (type === 'panel') {
      if (el.title !== undefined || el.description !== undefined) dropped.push(where);
      const elements = Array.isArray(el.elements) ? el.elements : [];
      elements.forEach((child, i) => {
        readElement(
          child,
          { where, path: [...path, 'elements'], dimension: el.dimension ?? scope.dimension, activities, condition },
          i,
        );
      });
      return;
    }
    if (SKIPPED_TYPES.has(type)) {
      warn(
        path,
        where,
        `${type} elements are not shown`,
        type === 'html' ? "put the text in a question's description" : undefined,
      );
      return;
    }
    if (type in REFUSED_TYPES) {
      error(path, where, `"${type}" elements are not supported`, REFUSED_TYPES[type]);
      if (rawName !== undefined) names.set(rawName, { id: rawName, kind: 'failed', values: new Map() });
      return;
    }
    if (rawName === undefined || rawName.trim() === '') {
      error(path, where, 'has no "name"', 'give every question a name; it becomes the question id');
      return;
    }
    if (names.has(rawName)) {
      error([...path, 'name'], where, `the name "${rawName}" is used twice`, 'give each question its own name');
      return;
    }
    const dimension = el.dimension ?? scope.dimension;
    const title = text(el.title, rawName, [...path, 'title'], `${where} title`);
    const description =
      el.description !== undefined
        ? text(el.description, undefined, [...path, 'description'], `${where} description`)
        : undefined;
    const indicator = el.indicator;
    const base = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      title,
      required: el.isRequired === true,
      dimension,
      ...(indicator !== undefined ? { indicator } : {}),
      ...(el.weight !== undefined ? { weight: el.weight } : {}),
      ...(activities ? { activities } : {}),
      ...(Array.isArray(el.centers) ? { centers: el.centers } : {}),
      ...(description ? { description } : {}),
      ...(condition ? { condition: formatCondition(condition) } : {}),
      ...extra,
    });
    const push = (q: Record<string, unknown> & { id: string }) => {
      if (!Id.safeParse(q.id).success) return;
      questions.push(q);
      pathOf.set(q.id, path);
      if (dimension === undefined) missingDimension.push({ name: q.id, path, where });
    };
    const validators = Array.isArray(el.validators) ? el.validators.filter(isObject) : [];
    const numeric = validators.find((v) => v.type === 'numeric');
    const length = validators.find((v) => v.type === 'text');
    for (const v of validators)
      if (v !== numeric && v !== length)
        warn(
          [...path, 'validators'],
          where,
          `the ${String(v.type ?? 'unknown')} validator is not checked`,
          'only numeric (minValue, maxValue) and text (maxLength) validators are',
        );
    const inputType = typeof el.inputType === 'string' ? el.inputType.toLowerCase() : undefined;

    /** A follow-up free text for "other" or a comment area, asked when its condition holds. */
    const followUp = (id: string, label: LocalizedText, when: Condition | undefined) => {
      const followId = `${id}-comment`.slice(0, 64);
      ids.add(followId);
      const { indicator: _i, weight: _w, ...rest } = base(followId);
      const joined = join(condition, when);
      push({
        ...rest,
        title: label,
        required: false,
        kind: 'text',
        ...(joined ? { condition: formatCondition(joined) } : { condition: undefined }),
      });
    };

    switch (type) {
      case 'radiogroup':
      case 'dropdown':
      case 'rating': {
        const id = idFor(rawName, [...path, 'name'], where);
        const values = new Map<string, string>();
        names.set(rawName, { id, kind: 'question', values });
        let options: { value: string; label: LocalizedText; score?: unknown }[];
        let scored = indicator !== undefined;
        if (type === 'rating' && !Array.isArray(el.rateValues)) {
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
            error(
              path,
              where,
              `rateMin and rateMax must be whole numbers with rateMin < rateMax, at most ${MAX_SCALE_POINTS} points, rateStep 1`,
              'or list the points in rateValues',
            );
            return;
          }
          const lo = min as number;
          const hi = max as number;
          if (lo === 1 && hi === 5) {
            push(base(id, { kind: 'rating' }));
            return;
          }
          // Other scales keep their points and score linearly, as a 1–5 rating does.
          options = [];
          for (let v = lo; v <= hi; v++) {
            const value = String(v).replace('-', 'm');
            values.set(String(v), value);
            options.push({
              value,
              label: { zh: String(v), en: String(v) },
              score: Math.round(((v - lo) / (hi - lo)) * 10_000) / 100,
            });
          }
          scored = false;
        } else {
          const choices = readChoices(
            type === 'rating' ? el.rateValues : el.choices,
            [...path, type === 'rating' ? 'rateValues' : 'choices'],
            where,
            values,
          );
          options = choices;
          if (type === 'rating' && choices.every((c) => c.score === undefined) && choices.length > 1) {
            // rateValues are a scale: from the first (0) to the last (100).
            options = choices.map((c, i) => ({ ...c, score: Math.round((i / (choices.length - 1)) * 10_000) / 100 }));
            scored = false;
          }
          const otherItem = el.showOtherItem === true || el.hasOther === true;
          const noneItem = el.showNoneItem === true || el.hasNone === true;
          if (noneItem) {
            values.set('none', 'none');
            options.push({
              value: 'none',
              label: text(el.noneText, undefined, [...path, 'noneText'], where) ?? { zh: '无', en: 'None' },
              score: el.noneScore,
            });
          }
          if (otherItem) {
            values.set('other', 'other');
            options.push({
              value: 'other',
              label: text(el.otherText, undefined, [...path, 'otherText'], where) ?? { zh: '其他', en: 'Other' },
              score: el.otherScore,
            });
          }
          if (options.length < 2) error([...path, 'choices'], where, 'needs at least two choices');
          if (scored)
            for (const o of options)
              if (o.score === undefined)
                error(
                  [...path, 'choices'],
                  `${where} choice "${o.value}"`,
                  'a scored question needs a "score" (0–100) on every choice',
                  o.value === 'other' || o.value === 'none'
                    ? `set "${o.value}Score" (0–100) on the element, or remove "${o.value === 'other' ? 'showOtherItem' : 'showNoneItem'}"`
                    : 'add "score" to each choice, or remove "indicator" to leave it unscored',
                );
        }
        push(
          base(id, {
            kind: 'choice',
            options: options.map(({ value, label, score }) => ({
              value,
              label,
              ...(score !== undefined ? { score } : {}),
            })),
          }),
        );
        if (el.showOtherItem === true || el.hasOther === true)
          followUp(
            id,
            { zh: `${title?.zh ?? rawName}（其他，请说明）`, en: `${title?.en ?? rawName} (other, please describe)` },
            { op: '=', question: id, value: 'other' },
          );
        if (el.showCommentArea === true || el.hasComment === true)
          followUp(
            id,
            text(el.commentText, undefined, [...path, 'commentText'], where) ?? { zh: '补充说明', en: 'Comment' },
            undefined,
          );
        return;
      }
      case 'boolean': {
        const id = idFor(rawName, [...path, 'name'], where);
        names.set(rawName, {
          id,
          kind: 'question',
          values: new Map([
            ['true', 'yes'],
            ['false', 'no'],
          ]),
        });
        if (el.goodAnswer !== undefined && typeof el.goodAnswer !== 'boolean')
          error([...path, 'goodAnswer'], where, 'goodAnswer must be true or false');
        push(base(id, { kind: 'yesno', good: el.goodAnswer === false ? 'no' : 'yes' }));
        return;
      }
      case 'checkbox':
      case 'tagbox': {
        const values = new Map<string, string>();
        const id = idFor(rawName, [...path, 'name'], where);
        names.set(rawName, { id, kind: 'checkbox', values });
        if (indicator !== undefined)
          error(
            [...path, 'indicator'],
            where,
            `a ${type} is not scored`,
            'score a radiogroup or one boolean per choice instead, or remove "indicator"',
          );
        const choiceValues = new Map<string, string>();
        const choices = readChoices(el.choices, [...path, 'choices'], where, choiceValues);
        if (el.showOtherItem === true || el.hasOther === true)
          choices.push({
            value: 'other',
            label: text(el.otherText, undefined, [...path, 'otherText'], where) ?? { zh: '其他', en: 'Other' },
            source: 'other',
            score: undefined,
            at: path,
          });
        if (choices.length === 0) error([...path, 'choices'], where, 'needs choices');
        warn(
          path,
          where,
          `a ${type} becomes ${choices.length} yes/no questions, one per choice (${choices.map((c) => `${id}-${c.value}`).join(', ')})`,
          el.isRequired === true ? '"at least one" is not checked: each choice is answered yes or no' : undefined,
        );
        for (const c of choices) {
          const choiceId = `${id}-${c.value}`.slice(0, 64);
          ids.add(choiceId);
          values.set(c.source, choiceId);
          const { indicator: _i, weight: _w, ...rest } = base(choiceId);
          push({
            ...rest,
            title: { zh: `${title?.zh}：${c.label.zh}`, en: `${title?.en}: ${c.label.en}` },
            kind: 'yesno',
            good: 'yes',
          });
        }
        if (el.showOtherItem === true || el.hasOther === true)
          followUp(
            id,
            { zh: `${title?.zh ?? rawName}（其他，请说明）`, en: `${title?.en ?? rawName} (other, please describe)` },
            { op: '=', question: `${id}-other`, value: 'yes' },
          );
        return;
      }
      case 'matrix': {
        const columnValues = new Map<string, string>();
        const columns = readChoices(el.columns, [...path, 'columns'], where, columnValues);
        const rowValues = new Map<string, string>();
        const rows = readChoices(el.rows, [...path, 'rows'], where, rowValues);
        const id = idFor(rawName, [...path, 'name'], where);
        names.set(rawName, { id, kind: 'failed', values: new Map() });
        if (columns.length < 2 || rows.length === 0) {
          error(path, where, 'a matrix needs rows and at least two columns');
          return;
        }
        const numbers = columns.map((c) => Number(c.source));
        const consecutive = numbers.every((n, i) => Number.isInteger(n) && n === (numbers[0] as number) + i);
        const isFivePoint = consecutive && numbers[0] === 1 && numbers.length === 5;
        if (indicator !== undefined && !consecutive && columns.some((c) => c.score === undefined))
          error(
            [...path, 'columns'],
            where,
            'a scored matrix needs a "score" (0–100) on every column, or columns 1, 2, 3 … that score linearly',
          );
        warn(
          path,
          where,
          `the matrix becomes ${rows.length} questions, one per row (${rows.map((r) => `${id}-${r.value}`).join(', ')})`,
        );
        for (const row of rows) {
          const rowId = `${id}-${row.value}`.slice(0, 64);
          ids.add(rowId);
          const sub = new Map<string, string>();
          for (const c of columns) sub.set(c.source, c.value);
          names.set(`${rawName}.${row.source}`, { id: rowId, kind: 'question', values: sub });
          const rowTitle = { zh: `${title?.zh}：${row.label.zh}`, en: `${title?.en}: ${row.label.en}` };
          const required = el.isRequired === true || el.isAllRowRequired === true || el.eachRowRequired === true;
          const rowIndicator = indicator !== undefined ? `${String(indicator)}-${row.value}`.slice(0, 64) : undefined;
          const { indicator: _i, ...rest } = base(rowId);
          const q = { ...rest, title: rowTitle, required, ...(rowIndicator ? { indicator: rowIndicator } : {}) };
          if (isFivePoint) push({ ...q, kind: 'rating' });
          else
            push({
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
        return;
      }
      case 'comment':
      case 'text': {
        const id = idFor(rawName, [...path, 'name'], where);
        names.set(rawName, { id, kind: 'question', values: new Map() });
        if (type === 'text' && (inputType === 'number' || inputType === 'range')) {
          const minValue = Number(el.min ?? numeric?.minValue ?? 0);
          const maxValue = Number(el.max ?? numeric?.maxValue ?? 100_000);
          const unit = text(el.unit, undefined, [...path, 'unit'], `${where} unit`);
          if (!unit)
            error(
              [...path, 'unit'],
              where,
              'a number needs a "unit"',
              'add "unit": { "zh-cn": "分钟", "en": "minutes" } (or "次", "天", "元" …)',
            );
          if (indicator !== undefined && (el.best === undefined || el.worst === undefined))
            error(path, where, 'a scored number needs "best" and "worst" (the values scoring 100 and 0)');
          push(
            base(id, {
              kind: 'number',
              unit,
              minValue,
              maxValue,
              best: el.best ?? minValue,
              worst: el.worst ?? maxValue,
            }),
          );
          return;
        }
        if (type === 'text' && inputType !== undefined && inputType !== 'text')
          warn(
            [...path, 'inputType'],
            where,
            `inputType "${inputType}" is kept as free text; its format is not checked`,
          );
        if (indicator !== undefined)
          error([...path, 'indicator'], where, 'free text is never scored', 'remove "indicator"');
        const maxLength = el.maxLength ?? length?.maxLength;
        const { indicator: _unused, ...unscored } = base(id);
        push({ ...unscored, kind: 'text', ...(maxLength !== undefined && maxLength !== 0 ? { maxLength } : {}) });
        return;
      }
      default: {
        error(
          path,
          where,
          `element type "${type || '(none)'}" is not supported`,
          `supported: ${SUPPORTED_SURVEYJS_TYPES.join(', ')}`,
        );
        names.set(rawName, { id: rawName, kind: 'failed', values: new Map() });
      }
    }
  };

  for (const [prop, instead] of Object.entries(REFUSED_SURVEY_PROPERTIES))
    if (Array.isArray(doc[prop]) && (doc[prop] as unknown[]).length > 0)
      error([prop], 'survey', `"${prop}" is not supported`, instead);
  for (const prop of ['description', 'completedHtml', 'completedBeforeHtml', 'loadingHtml'])
    if (doc[prop] !== undefined)
      warn(
        [prop],
        'survey',
        `"${prop}" is not shown`,
        'the survey page shows the campaign, the center and the questions',
      );
  const pagesAt: Path = Array.isArray(doc.pages) ? ['pages'] : ['elements'];
  const pages = Array.isArray(doc.pages)
    ? doc.pages
    : Array.isArray(doc.elements)
      ? [{ elements: doc.elements }]
      : undefined;
  if (!pages) error([], 'survey', 'the document has neither "pages" nor "elements"');
  (pages ?? []).forEach((page: unknown, p) => {
    const where = isObject(page) && typeof page.name === 'string' ? `page "${page.name}"` : `page ${p + 1}`;
    const path = Array.isArray(doc.pages) ? [...pagesAt, p] : [];
    if (!isObject(page)) {
      error(path, where, 'must be an object');
      return;
    }
    // A page for one dimension gives its section the page's title; other titles are not shown.
    const pageTitle =
      (DIMENSIONS as readonly unknown[]).includes(page.dimension) && page.title !== undefined
        ? text(page.title, undefined, [...path, 'title'], `${where} title`)
        : undefined;
    if (pageTitle && !sectionTitles.has(page.dimension as Dimension))
      sectionTitles.set(page.dimension as Dimension, pageTitle);
    if (Array.isArray(doc.pages) && ((page.title !== undefined && !pageTitle) || page.description !== undefined))
      dropped.push(where);
    const read =
      typeof page.visibleIf === 'string' && page.visibleIf.trim()
        ? readVisibleIf(page.visibleIf, [...path, 'visibleIf'], where)
        : {};
    if (!read) return;
    const key = Array.isArray(page.elements) ? 'elements' : 'questions';
    const elements = Array.isArray(page[key]) ? (page[key] as unknown[]) : [];
    elements.forEach((el, i) => {
      readElement(
        el,
        {
          where,
          path: Array.isArray(doc.pages) ? [...path, key] : ['elements'],
          dimension: page.dimension ?? doc.dimension,
          ...read,
        },
        i,
      );
    });
  });
  if (dropped.length > 0)
    warn(
      pagesAt,
      'survey',
      `titles and descriptions of pages and panels are not shown (${dropped.join('; ')})`,
      "questions are grouped by dimension on the page; put what supervisors must read in a question's description",
    );

  if (missingDimension.length > 0) {
    const first = missingDimension[0] as { path: Path };
    error(
      first.path,
      'survey',
      `${missingDimension.length === questions.length ? 'no question has a' : `${missingDimension.length} question${missingDimension.length === 1 ? ' has' : 's have'} no`} "dimension" (${missingDimension
        .map((m) => m.name)
        .slice(0, 8)
        .join(', ')}${missingDimension.length > 8 ? ' …' : ''})`,
      `set "dimension" on the survey, a page, a panel or the question: ${DIMENSIONS.join(', ')}`,
    );
  }
  for (const q of questions) {
    if (q.dimension !== undefined && !(DIMENSIONS as readonly unknown[]).includes(q.dimension))
      error(
        pathOf.get(q.id) ?? [],
        `element "${q.id}"`,
        `dimension "${String(q.dimension)}" is not one of ${DIMENSIONS.join(', ')}`,
      );
  }
  const id = options.id ?? doc.id ?? options.defaultId;
  if (typeof id !== 'string' || !Id.safeParse(id).success)
    error(
      ['id'],
      'survey',
      'the questionnaire needs an "id" (1–64 letters, digits, "-" or "_")',
      'add "id": "…" at the top of the document',
    );
  if (elementsSeen === 0 && pages) error(pagesAt, 'survey', 'the document has no questions');
  const title = text(doc.title, typeof id === 'string' ? id : 'questionnaire', ['title'], 'survey title');

  // Sections follow the dimensions in the order they first appear.
  const weights = isObject(doc.dimensionWeights) ? doc.dimensionWeights : {};
  const usable = questions.filter((q) => (DIMENSIONS as readonly unknown[]).includes(q.dimension));
  const order = [...new Set(usable.map((q) => q.dimension as Dimension))];
  const sections = order.map((dimension) => ({
    dimension,
    title: sectionTitles.get(dimension) ?? DIMENSION_LABELS[dimension],
    ...(weights[dimension] !== undefined ? { weight: weights[dimension] } : {}),
    questions: usable.filter((q) => q.dimension === dimension),
  }));
  const failed = new Set([...names.values()].filter((n) => n.kind === 'failed').map((n) => n.id));
  const hasErrors = () => problems.some((p) => p.severity === 'error');
  const errorsBefore = hasErrors();
  // The model's own checks run even when the import found errors, so that every problem shows at once.
  const parsed = Questionnaire.safeParse({
    id: typeof id === 'string' && Id.safeParse(id).success ? id : 'questionnaire',
    title,
    sections,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [, s, , q, ...rest] = issue.path;
      const question = typeof s === 'number' && typeof q === 'number' ? sections[s]?.questions[q] : undefined;
      if (errorsBefore && issue.path.length <= 1 && /at least one (section|question)/.test(issue.message)) continue;
      if ([...failed].some((f) => issue.message.includes(`{${f}}`))) continue;
      const at = question ? (pathOf.get(question.id) ?? []) : [];
      // A question the import already found wrong is not reported again through the model.
      const prefix = JSON.stringify(at).slice(0, -1);
      const within = (p: ImportProblem) =>
        [`${prefix}]`, `${prefix},`].some((x) => JSON.stringify(p.path).startsWith(x));
      if (question && problems.some((p) => p.severity === 'error' && within(p))) continue;
      const field = rest[0] === 'condition' ? 'visibleIf' : rest[0] === 'options' ? 'choices' : rest[0];
      error(
        field !== undefined && question ? [...at, String(field)] : at,
        question ? `element "${question.id}"` : 'survey',
        issue.message,
        /nothing is scored/.test(issue.message)
          ? 'add "indicator" (and a "score" on each choice of a radiogroup) to the elements that judge a center'
          : undefined,
      );
    }
  }
  if (hasErrors() || !parsed.success) return { problems, elementPaths: pathOf };
  return { questionnaire: parsed.data, problems, elementPaths: pathOf };
};

/**
 * Converts a SurveyJS document into a questionnaire; throws SurveyJsImportError listing every error at
 * once (warnings are left out: use convertSurveyJs to see them).
 */
export const importSurveyJs = (doc: unknown, options: { id?: string; defaultId?: string } = {}): Questionnaire => {
  const { questionnaire, problems } = convertSurveyJs(doc, options);
  if (!questionnaire)
    throw new SurveyJsImportError(
      problems
        .filter((p) => p.severity === 'error')
        .map((p) => `${p.where}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`),
    );
  return questionnaire;
};

const localized = (t: LocalizedText) => (t.zh === t.en ? t.zh : { default: t.zh, en: t.en });

/** A question's condition as SurveyJS reads it: yes/no answers are true and false there. */
const surveyJsCondition = (text: string, byId: ReadonlyMap<string, Question>): string => {
  const c = parseCondition(text);
  const yesno = (q: string) => byId.get(q)?.kind === 'yesno';
  let out = formatCondition(c);
  for (const cmp of comparisonsOf(c))
    if (yesno(cmp.question) && 'value' in cmp)
      out = out.replace(
        `{${cmp.question}} ${cmp.op} '${cmp.value}'`,
        `{${cmp.question}} ${cmp.op} ${cmp.value === 'yes'}`,
      );
  return out;
};

/** Writes a questionnaire as a SurveyJS document (locale zh-cn) with the scoring extension, one page per section. */
export const exportSurveyJs = (questionnaire: Questionnaire): Record<string, unknown> => {
  const byId = new Map(questionnaire.sections.flatMap((s) => s.questions.map((q) => [q.id, q] as const)));
  const weights = Object.fromEntries(
    questionnaire.sections.filter((s) => s.weight !== 1).map((s) => [s.dimension, s.weight]),
  );
  return {
    id: questionnaire.id,
    locale: 'zh-cn',
    title: localized(questionnaire.title),
    ...(Object.keys(weights).length > 0 ? { dimensionWeights: weights } : {}),
    pages: questionnaire.sections.map((section) => ({
      name: section.dimension,
      title: localized(section.title),
      dimension: section.dimension,
      elements: section.questions.map((q) => {
        const common = {
          name: q.id,
          title: localized(q.title),
          ...(q.description ? { description: localized(q.description) } : {}),
          ...(q.required ? { isRequired: true } : {}),
          ...(q.condition ? { visibleIf: surveyJsCondition(q.condition, byId) } : {}),
          ...(q.indicator ? { indicator: q.indicator } : {}),
          ...(q.weight !== 1 ? { weight: q.weight } : {}),
          ...(q.activities ? { activities: q.activities } : {}),
          ...(q.centers ? { centers: q.centers } : {}),
        };
        switch (q.kind) {
          case 'rating':
            return { type: 'rating', ...common, rateMin: q.min, rateMax: q.max };
          case 'yesno':
            return { type: 'boolean', ...common, ...(q.good === 'no' ? { goodAnswer: false } : {}) };
          case 'choice':
            return {
              type: 'radiogroup',
              ...common,
              choices: q.options.map((o) => ({
                value: o.value,
                text: localized(o.label),
                ...(o.score !== undefined ? { score: o.score } : {}),
              })),
            };
          case 'number':
            return {
              type: 'text',
              inputType: 'number',
              ...common,
              unit: { 'zh-cn': q.unit.zh, en: q.unit.en },
              min: q.minValue,
              max: q.maxValue,
              best: q.best,
              worst: q.worst,
            };
          default:
            return { type: 'comment', ...common, maxLength: q.maxLength };
        }
      }),
    })),
  };
};
