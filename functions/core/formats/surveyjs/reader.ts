/**
 * The state of one SurveyJS import: the problems found so far, the questions read, what is known of
 * each element name, and the ids taken; with the helpers every step shares to report and name.
 */
import type { Activity, Dimension, LocalizedText } from '../../model.ts';
import { Id } from '../../model.ts';
import { RESERVED_FIELDS } from '../../responses/answers.ts';
import type { Condition } from '../../responses/condition.ts';

/** A JSON object of the document. */
export type Json = Record<string, unknown>;

/** A JSON path in the document. */
export type Path = (string | number)[];

/** Whether a JSON value is an object (not an array, not null). */
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

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

/** Where an element sits: its page and panels, and what they give it. */
export interface Scope {
  where: string;
  path: Path;
  dimension?: unknown;
  activities?: readonly Activity[];
  /** The condition of the enclosing panels and page, in question ids. */
  condition?: Condition;
}

/** What the import knows of each element name, to rename conditions on it. */
export interface Named {
  id: string;
  kind: 'question' | 'checkbox' | 'failed';
  /** SurveyJS choice value → option value (or, for a checkbox, → the id of its yes/no question). */
  values: Map<string, string>;
}

/** A question as read, before the model checks it. */
export type ReadQuestion = Record<string, unknown> & { id: string; dimension?: unknown };

/** The state of one import, filled as the document is read. */
export interface SurveyJsReader {
  readonly problems: ImportProblem[];
  /** The survey's locale, lower case. */
  readonly locale: string;
  readonly defaultIsZh: boolean;
  /** Traditional Chinese shown as the Chinese text is said once, at the first text concerned. */
  traditionalWarned: boolean;
  readonly questions: ReadQuestion[];
  /** JSON path of the element each question came from, by question id. */
  readonly pathOf: Map<string, Path>;
  readonly names: Map<string, Named>;
  readonly ids: Set<string>;
  readonly missingDimension: { name: string; path: Path; where: string }[];
  readonly sectionTitles: Map<Dimension, LocalizedText>;
  /** Pages and panels whose titles and descriptions are not shown. */
  readonly dropped: string[];
  elementsSeen: number;
}

/** A fresh reader for a document whose locale is `locale` (lower case). */
export const createReader = (problems: ImportProblem[], locale: string): SurveyJsReader => ({
  problems,
  locale,
  defaultIsZh: locale.startsWith('zh'),
  traditionalWarned: false,
  questions: [],
  pathOf: new Map(),
  names: new Map(),
  ids: new Set(),
  missingDimension: [],
  sectionTitles: new Map(),
  dropped: [],
  elementsSeen: 0,
});

/** Records an error at a path. */
export const reportError = (
  reader: Pick<SurveyJsReader, 'problems'>,
  path: Path,
  where: string,
  message: string,
  hint?: string,
): void => {
  reader.problems.push({ severity: 'error', path, where, message, ...(hint ? { hint } : {}) });
};

/** Records a warning at a path. */
export const reportWarning = (
  reader: Pick<SurveyJsReader, 'problems'>,
  path: Path,
  where: string,
  message: string,
  hint?: string,
): void => {
  reader.problems.push({ severity: 'warning', path, where, message, ...(hint ? { hint } : {}) });
};

/** A name as an id: kept when usable, else folded to letters, digits and `-`. */
export const slugify = (name: string): string =>
  name
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 64);

/** A fresh question id for a name, with a warning when the name could not be kept. */
export const allocateId = (reader: SurveyJsReader, name: string, path: Path, where: string): string => {
  const { ids } = reader;
  let id = Id.safeParse(name).success ? name : slugify(name);
  if (RESERVED_FIELDS.has(id)) {
    reportWarning(reader, path, where, `the name "${name}" is reserved; the question's id is "${id}-q"`);
    id = `${id}-q`;
  }
  if (!Id.safeParse(id).success || ids.has(id)) {
    let n = reader.questions.length + 1;
    while (ids.has(`q${n}`)) n++;
    id = `q${n}`;
  }
  if (id !== name && !RESERVED_FIELDS.has(name))
    reportWarning(
      reader,
      path,
      where,
      `the name "${name}" is not an id (letters, digits, - or _); the question's id is "${id}"`,
      'rename it in the survey to choose the id yourself',
    );
  ids.add(id);
  return id;
};

/** Both conditions (and), or the one given. */
export const joinConditions = (a: Condition | undefined, b: Condition | undefined): Condition | undefined =>
  a && b ? { op: 'and', left: a, right: b } : (a ?? b);

/** The activities in both lists, or the one list given. */
export const intersectActivities = (a: readonly Activity[] | undefined, b: readonly Activity[] | undefined) =>
  a && b ? a.filter((x) => b.includes(x)) : (a ?? b);
