/**
 * Import of questionnaires designed with SurveyJS tools (Creator, the JSON editor, or a survey found
 * elsewhere); export back is in export.ts.
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
import { DIMENSION_LABELS } from '../../i18n.ts';
import { DIMENSIONS, type Dimension, Id, Questionnaire } from '../../model.ts';
import { readElement } from './element.ts';
import {
  createReader,
  type ImportProblem,
  isObject,
  type Json,
  type Path,
  type ReadQuestion,
  reportError,
  reportWarning,
  type SurveyJsReader,
} from './reader.ts';
import { REFUSED_SURVEY_PROPERTIES } from './supported.ts';
import { readText } from './text.ts';
import { readVisibleIf } from './visible-if.ts';

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

/** Whether parsed JSON looks like a SurveyJS document rather than the questionnaire format. */
export const isSurveyJsDocument = (data: unknown): boolean =>
  isObject(data) && data.sections === undefined && (Array.isArray(data.pages) || Array.isArray(data.elements));

/** Refuses the survey properties that cannot be honoured; warns of texts that are not shown. */
const checkSurveyProperties = (reader: SurveyJsReader, doc: Json): void => {
  for (const [prop, instead] of Object.entries(REFUSED_SURVEY_PROPERTIES))
    if (Array.isArray(doc[prop]) && (doc[prop] as unknown[]).length > 0)
      reportError(reader, [prop], 'survey', `"${prop}" is not supported`, instead);
  for (const prop of ['description', 'completedHtml', 'completedBeforeHtml', 'loadingHtml'])
    if (doc[prop] !== undefined)
      reportWarning(
        reader,
        [prop],
        'survey',
        `"${prop}" is not shown`,
        'the survey page shows the campaign, the center and the questions',
      );
};

/** Reads page p (or the survey's top-level elements as one page) and its elements. */
const readPage = (reader: SurveyJsReader, doc: Json, page: unknown, p: number, pagesAt: Path): void => {
  const where = isObject(page) && typeof page.name === 'string' ? `page "${page.name}"` : `page ${p + 1}`;
  const path = Array.isArray(doc.pages) ? [...pagesAt, p] : [];
  if (!isObject(page)) {
    reportError(reader, path, where, 'must be an object');
    return;
  }
  // A page for one dimension gives its section the page's title; other titles are not shown.
  const pageTitle =
    (DIMENSIONS as readonly unknown[]).includes(page.dimension) && page.title !== undefined
      ? readText(reader, page.title, undefined, [...path, 'title'], `${where} title`)
      : undefined;
  if (pageTitle && !reader.sectionTitles.has(page.dimension as Dimension))
    reader.sectionTitles.set(page.dimension as Dimension, pageTitle);
  if (Array.isArray(doc.pages) && ((page.title !== undefined && !pageTitle) || page.description !== undefined))
    reader.dropped.push(where);
  const read =
    typeof page.visibleIf === 'string' && page.visibleIf.trim()
      ? readVisibleIf(reader, page.visibleIf, [...path, 'visibleIf'], where)
      : {};
  if (!read) return;
  const key = Array.isArray(page.elements) ? 'elements' : 'questions';
  const elements = Array.isArray(page[key]) ? (page[key] as unknown[]) : [];
  elements.forEach((el, i) => {
    readElement(
      reader,
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
};

/** Reports questions without a dimension (at once) and dimensions that are not known. */
const checkDimensions = (reader: SurveyJsReader): void => {
  const { missingDimension, questions } = reader;
  if (missingDimension.length > 0) {
    const first = missingDimension[0] as { path: Path };
    reportError(
      reader,
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
      reportError(
        reader,
        reader.pathOf.get(q.id) ?? [],
        `element "${q.id}"`,
        `dimension "${String(q.dimension)}" is not one of ${DIMENSIONS.join(', ')}`,
      );
  }
};

/** One section per dimension, in the order the dimensions first appear. */
const sectionsOf = (reader: SurveyJsReader, doc: Json) => {
  const weights = isObject(doc.dimensionWeights) ? doc.dimensionWeights : {};
  const usable = reader.questions.filter((q) => (DIMENSIONS as readonly unknown[]).includes(q.dimension));
  const order = [...new Set(usable.map((q) => q.dimension as Dimension))];
  return order.map((dimension) => ({
    dimension,
    title: reader.sectionTitles.get(dimension) ?? DIMENSION_LABELS[dimension],
    ...(weights[dimension] !== undefined ? { weight: weights[dimension] } : {}),
    questions: usable.filter((q) => q.dimension === dimension),
  }));
};

/**
 * Reports the model's own findings at the element concerned, leaving out what the import already
 * reported (a question found wrong, a condition on a failed element, an empty questionnaire).
 */
const reportModelIssues = (
  reader: SurveyJsReader,
  issues: readonly { path: PropertyKey[]; message: string }[],
  sections: readonly { questions: readonly ReadQuestion[] }[],
  errorsBefore: boolean,
): void => {
  const { problems, pathOf } = reader;
  const failed = new Set([...reader.names.values()].filter((n) => n.kind === 'failed').map((n) => n.id));
  for (const issue of issues) {
    const [, s, , q, ...rest] = issue.path;
    const question = typeof s === 'number' && typeof q === 'number' ? sections[s]?.questions[q] : undefined;
    if (errorsBefore && issue.path.length <= 1 && /at least one (section|question)/.test(issue.message)) continue;
    if ([...failed].some((f) => issue.message.includes(`{${f}}`))) continue;
    const at = question ? (pathOf.get(question.id) ?? []) : [];
    // A question the import already found wrong is not reported again through the model.
    const prefix = JSON.stringify(at).slice(0, -1);
    const within = (p: ImportProblem) => [`${prefix}]`, `${prefix},`].some((x) => JSON.stringify(p.path).startsWith(x));
    if (question && problems.some((p) => p.severity === 'error' && within(p))) continue;
    const field = rest[0] === 'condition' ? 'visibleIf' : rest[0] === 'options' ? 'choices' : rest[0];
    reportError(
      reader,
      field !== undefined && question ? [...at, String(field)] : at,
      question ? `element "${question.id}"` : 'survey',
      issue.message,
      /nothing is scored/.test(issue.message)
        ? 'add "indicator" (and a "score" on each choice of a radiogroup) to the elements that judge a center'
        : undefined,
    );
  }
};

/** Reads every page, then checks what spans them: dropped titles, dimensions. */
const readPages = (reader: SurveyJsReader, doc: Json): { pages: unknown[] | undefined; pagesAt: Path } => {
  const pagesAt: Path = Array.isArray(doc.pages) ? ['pages'] : ['elements'];
  const pages = Array.isArray(doc.pages)
    ? doc.pages
    : Array.isArray(doc.elements)
      ? [{ elements: doc.elements }]
      : undefined;
  if (!pages) reportError(reader, [], 'survey', 'the document has neither "pages" nor "elements"');
  (pages ?? []).forEach((page: unknown, p) => {
    readPage(reader, doc, page, p, pagesAt);
  });
  if (reader.dropped.length > 0)
    reportWarning(
      reader,
      pagesAt,
      'survey',
      `titles and descriptions of pages and panels are not shown (${reader.dropped.join('; ')})`,
      "questions are grouped by dimension on the page; put what supervisors must read in a question's description",
    );
  checkDimensions(reader);
  return { pages, pagesAt };
};

/**
 * Converts a SurveyJS JSON document with our scoring extension into a questionnaire, reporting every
 * problem at once (errors and warnings, each at its JSON path). `defaultId` is used when the document
 * has no `id`.
 */
export const convertSurveyJs = (doc: unknown, options: { id?: string; defaultId?: string } = {}): SurveyJsImport => {
  const problems: ImportProblem[] = [];
  if (!isObject(doc)) {
    reportError({ problems }, [], 'survey', 'the document must be a SurveyJS JSON object with "pages" or "elements"');
    return { problems, elementPaths: new Map() };
  }
  const reader = createReader(problems, typeof doc.locale === 'string' ? doc.locale.toLowerCase() : 'en');
  checkSurveyProperties(reader, doc);
  const { pages, pagesAt } = readPages(reader, doc);
  const id = options.id ?? doc.id ?? options.defaultId;
  if (typeof id !== 'string' || !Id.safeParse(id).success)
    reportError(
      reader,
      ['id'],
      'survey',
      'the questionnaire needs an "id" (1–64 letters, digits, "-" or "_")',
      'add "id": "…" at the top of the document',
    );
  if (reader.elementsSeen === 0 && pages) reportError(reader, pagesAt, 'survey', 'the document has no questions');
  const title = readText(reader, doc.title, typeof id === 'string' ? id : 'questionnaire', ['title'], 'survey title');
  const sections = sectionsOf(reader, doc);
  const hasErrors = () => problems.some((p) => p.severity === 'error');
  const errorsBefore = hasErrors();
  // The model's own checks run even when the import found errors, so that every problem shows at once.
  const parsed = Questionnaire.safeParse({
    id: typeof id === 'string' && Id.safeParse(id).success ? id : 'questionnaire',
    title,
    sections,
  });
  if (!parsed.success) reportModelIssues(reader, parsed.error.issues, sections, errorsBefore);
  if (hasErrors() || !parsed.success) return { problems, elementPaths: reader.pathOf };
  return { questionnaire: parsed.data, problems, elementPaths: reader.pathOf };
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
