import { ACTIVITY_LABELS, DIMENSION_LABELS } from '../i18n.ts';
import {
  ACTIVITIES,
  type Activity,
  DIMENSIONS,
  type Dimension,
  Id,
  type LocalizedText,
  Questionnaire,
} from '../model.ts';
import { RESERVED_FIELDS } from '../responses/answers.ts';
import {
  type Condition,
  ConditionSyntaxError,
  comparisonsOf,
  formatCondition,
  isJunction,
  parseCondition,
} from '../responses/condition.ts';

/**
 * Questionnaires as XLSForm workbooks (the ODK / Kobo convention field-survey users know): a `survey`
 * sheet with type, name, label, hint, required, relevant, constraint; a `choices` sheet with list_name,
 * name, label; a `settings` sheet with form_id and form_title. Labels in both languages as `label::zh`
 * and `label::en` (also `label::Chinese (zh)`; `zh-TW` is read with a warning). Our columns sit alongside:
 * `dimension`, `indicator`, `weight`, `activities`, `centers`, `good` (yes/no), `best`, `worst`,
 * `unit::zh`/`unit::en` (numbers), and `score` on choices.
 *
 * Types read: `select_one` (a list of exactly yes/no is a yes/no question), `select_multiple` (one yes/no
 * question per choice), `range` (start=1 end=5 is a rating; other scales score linearly), `rating`,
 * `integer`, `decimal`, `text`, `begin group` / `end group` (dimension, weight and relevant of the group
 * apply inside), `note` (skipped). `relevant` as XLSForm writes it — `${q} = 'v'`, `selected(${q}, 'v')`,
 * `not(selected(…))`, `${q} != ''`, numeric comparisons, and/or — becomes the question's condition.
 * Pure: the workbook is read and written by cli/roster/xlsform-workbook.ts.
 */

/** One sheet as plain rows of text, row numbers as the spreadsheet shows them (header = 1). */
export interface FormSheet {
  name: string;
  rows: { row: number; cells: string[] }[];
}

/** One finding, at its sheet, row and column. */
export interface FormProblem {
  severity: 'error' | 'warning';
  sheet: string;
  row?: number;
  /** Column letter, e.g. `F`. */
  column?: string;
  /** The column header concerned, e.g. `relevant`. */
  field?: string;
  message: string;
  hint?: string;
}

/** What reading a workbook gives: the questionnaire when there is no error, every problem at once. */
export interface XlsFormRead {
  questionnaire?: Questionnaire;
  problems: FormProblem[];
  /** Sheet row of each question, by id. */
  questionRows: ReadonlyMap<string, number>;
}

const REFUSED_TYPES: Record<string, string> = {
  'begin repeat': 'repeat the questions in a group as many times as needed',
  begin_repeat: 'repeat the questions in a group as many times as needed',
  geopoint: 'the center is known from the assignment; ask for a description in text',
  geotrace: 'the center is known from the assignment; ask for a description in text',
  geoshape: 'the center is known from the assignment; ask for a description in text',
  image: 'photos are not collected; ask for a description in text',
  audio: 'recordings are not collected; ask for a description in text',
  video: 'recordings are not collected; ask for a description in text',
  file: 'files are not collected; ask for a description in text',
  barcode: 'ask for the number in text',
  rank: 'ask a rating per item',
  select_one_from_file: 'list the choices in the choices sheet',
  select_multiple_from_file: 'list the choices in the choices sheet',
  calculate: 'remove it; conditions may only look at earlier answers',
};
/** XLSForm survey-sheet columns that are not carried out here, and what to do instead. */
const UNSUPPORTED_COLUMNS: readonly [string, { en: string; zh: string }][] = [
  [
    'choice_filter',
    {
      en: 'every choice is offered; split the question into one per case with a relevant condition',
      zh: '“choice_filter”列不会生效：所有选项都会显示；请按情形拆成多个问题，并用 relevant 条件控制',
    },
  ],
  [
    'calculation',
    {
      en: 'nothing is calculated on the page; the score is computed when the campaign is scored',
      zh: '“calculation”列不会生效：页面上不做计算，得分在评分时统一计算',
    },
  ],
  [
    'default',
    {
      en: 'no answer is filled in beforehand; supervisors answer every question themselves',
      zh: '“default”列不会生效：不预先填写答案，由监督员自行作答',
    },
  ],
  [
    'repeat_count',
    {
      en: 'groups are not repeated; list each repetition as its own questions',
      zh: '“repeat_count”列不会生效：不支持重复组，请把每次重复写成单独的问题',
    },
  ],
];

/** Metadata and display rows: skipped (notes with a warning). */
const METADATA_TYPES = new Set([
  'start',
  'end',
  'today',
  'deviceid',
  'subscriberid',
  'simserial',
  'phonenumber',
  'username',
  'email',
  'audit',
  'start-geopoint',
]);
const TEXT_LIKE_TYPES = new Set(['date', 'time', 'datetime']);

const columnLetter = (index: number): string => {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
};

const fold = (header: string) => header.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/** The language of a `label::…` header: zh, zh-tw, en, or undefined for a plain `label`. */
const languageOf = (suffix: string): 'zh' | 'zh-tw' | 'en' | 'other' => {
  const code = (/\(([^)]+)\)/.exec(suffix)?.[1] ?? suffix).trim().toLowerCase();
  if (/^(zh-(tw|hant|hk)|traditional chinese|繁體中文|繁体中文)$/.test(code)) return 'zh-tw';
  if (/^(zh|zh-cn|zh-hans|chinese|中文|简体中文)$/.test(code)) return 'zh';
  if (/^(en|en-us|en-gb|english|英文)$/.test(code)) return 'en';
  return 'other';
};

interface Table {
  sheet: string;
  header: number;
  /** Column index of each folded header. */
  columns: Map<string, number>;
  rows: { row: number; get: (key: string) => string; cells: string[] }[];
  /** Columns holding a localized text: `label` → { zh: index, en: index, … }. */
  localized: (base: string) => { zh?: number; 'zh-tw'?: number; en?: number; plain?: number; other?: number };
}

const readTable = (sheet: FormSheet): Table => {
  const [first, ...rest] = sheet.rows;
  const columns = new Map<string, number>();
  (first?.cells ?? []).forEach((h, i) => {
    const key = fold(h);
    if (key !== '' && !columns.has(key)) columns.set(key, i);
  });
  return {
    sheet: sheet.name,
    header: first?.row ?? 1,
    columns,
    rows: rest.map(({ row, cells }) => ({
      row,
      cells,
      get: (key: string) => {
        const i = columns.get(key);
        return i === undefined ? '' : (cells[i] ?? '').trim();
      },
    })),
    localized: (base) => {
      const out: ReturnType<Table['localized']> = {};
      for (const [key, i] of columns) {
        if (key === base) out.plain = i;
        else if (key.startsWith(`${base}::`)) out[languageOf(key.slice(base.length + 2))] ??= i;
      }
      return out;
    },
  };
};

const yes = (text: string) => /^(yes|true|true\(\)|1|是|y)$/i.test(text.trim());
const list = (text: string) =>
  text
    .split(/[\s,，、;；]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** XLSForm `relevant` in the condition language: `${q}` → `{q}`, `selected()` and `''` tests rewritten. */
const fromXlsFormExpression = (expression: string, multiples: ReadonlyMap<string, ReadonlyMap<string, string>>) => {
  let text = expression.replace(/\$\{\s*([^}]+?)\s*\}/g, '{$1}');
  const selected = (negate: boolean) => (_all: string, q: string, _quote: string, v: string) => {
    const choice = multiples.get(q)?.get(v);
    if (choice) return `{${choice}} ${negate ? '!=' : '='} 'yes'`;
    return `{${q}} ${negate ? '!=' : '='} '${v}'`;
  };
  text = text.replace(/not\s*\(\s*selected\s*\(\s*\{([^}]+)\}\s*,\s*(['"])(.*?)\2\s*\)\s*\)/g, selected(true));
  text = text.replace(/selected\s*\(\s*\{([^}]+)\}\s*,\s*(['"])(.*?)\2\s*\)/g, selected(false));
  text = text.replace(/\{([^}]+)\}\s*!=\s*(''|"")/g, '{$1} notempty');
  text = text.replace(/\{([^}]+)\}\s*=\s*(''|"")/g, '{$1} empty');
  return text;
};

/** A condition as XLSForm `relevant`: `${q} = 'v'`, lists spelled out with or / and. */
const toXlsFormExpression = (c: Condition, parent?: 'and' | 'or'): string => {
  if (isJunction(c)) {
    const text = `${toXlsFormExpression(c.left, c.op)} ${c.op} ${toXlsFormExpression(c.right, c.op)}`;
    return parent && parent !== c.op ? `(${text})` : text;
  }
  const ref = `\${${c.question}}`;
  const lit = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v}'`);
  switch (c.op) {
    case 'empty':
      return `${ref} = ''`;
    case 'notempty':
      return `${ref} != ''`;
    case 'anyof':
    case 'noneof': {
      const parts = c.values.map((v) => `${ref} ${c.op === 'anyof' ? '=' : '!='} ${lit(v)}`);
      const joiner = c.op === 'anyof' ? ' or ' : ' and ';
      return parts.length === 1 || parent === (c.op === 'anyof' ? 'or' : 'and') || !parent
        ? parts.join(joiner)
        : `(${parts.join(joiner)})`;
    }
    default:
      return `${ref} ${c.op} ${lit(c.value)}`;
  }
};

/** Reads a questionnaire from the sheets of an XLSForm workbook, reporting every problem at once. */
export const readXlsForm = (sheets: readonly FormSheet[], options: { defaultId?: string } = {}): XlsFormRead => {
  const problems: FormProblem[] = [];
  const questionRows = new Map<string, number>();
  const find = (name: string) => sheets.find((s) => fold(s.name) === name || fold(s.name).startsWith(`${name} `));
  const surveySheet = find('survey');
  if (!surveySheet) {
    problems.push({
      severity: 'error',
      sheet: sheets.map((s) => s.name).join(', ') || '(none)',
      message: 'the workbook has no sheet named "survey"',
      hint: 'an XLSForm has a "survey" sheet (type, name, label …) and a "choices" sheet; supervision init writes one',
    });
    return { problems, questionRows };
  }
  const survey = readTable(surveySheet);
  const choicesSheet = find('choices');
  const choices = choicesSheet ? readTable(choicesSheet) : undefined;
  const settingsSheet = find('settings');
  const settings = settingsSheet ? readTable(settingsSheet) : undefined;
  let traditionalWarned = false;

  const at = (table: Table, row: number | undefined, key: string | number | undefined): Partial<FormProblem> => {
    const index = typeof key === 'number' ? key : key === undefined ? undefined : table.columns.get(key);
    return {
      sheet: table.sheet,
      ...(row !== undefined ? { row } : {}),
      ...(index !== undefined ? { column: columnLetter(index), field: headerOf(table, index) } : {}),
    };
  };
  const headerOf = (table: Table, index: number) => [...table.columns].find(([, i]) => i === index)?.[0] ?? '';
  const error = (where: Partial<FormProblem>, message: string, hint?: string) =>
    problems.push({ severity: 'error', sheet: survey.sheet, ...where, message, ...(hint ? { hint } : {}) });
  const warn = (where: Partial<FormProblem>, message: string, hint?: string) =>
    problems.push({ severity: 'warning', sheet: survey.sheet, ...where, message, ...(hint ? { hint } : {}) });

  /** A localized text from `base::zh` / `base::en` / `base` columns of a row. */
  const text = (table: Table, r: Table['rows'][number], base: string, fallback?: string): LocalizedText | undefined => {
    const cols = table.localized(base);
    const get = (i: number | undefined) => (i === undefined ? undefined : (r.cells[i] ?? '').trim() || undefined);
    let zh = get(cols.zh);
    const traditional = get(cols['zh-tw']);
    if (zh === undefined && traditional !== undefined) {
      zh = traditional;
      if (!traditionalWarned) {
        traditionalWarned = true;
        warn(
          at(table, r.row, cols['zh-tw']),
          `Traditional Chinese text such as "${traditional}" is shown as the Chinese text (no zh column)`,
          `add a ${base}::zh column if the page should read in Simplified Chinese, or keep it`,
        );
      }
    }
    const en = get(cols.en);
    const any = zh ?? en ?? get(cols.plain) ?? get(cols.other) ?? fallback;
    if (any === undefined) return undefined;
    return { zh: zh ?? get(cols.plain) ?? any, en: en ?? get(cols.plain) ?? any };
  };

  for (const required of ['type', 'name'])
    if (!survey.columns.has(required))
      error(
        { sheet: survey.sheet, row: survey.header },
        `the survey sheet has no "${required}" column`,
        'the first row of the survey sheet names the columns: type, name, label::zh, label::en, required, relevant …',
      );
  // XLSForm columns this product does not carry out: said once each, so nothing is dropped unseen.
  for (const [column, what] of UNSUPPORTED_COLUMNS)
    if (survey.columns.has(column))
      warn(at(survey, survey.header, column), `the "${column}" column is not read: ${what.en}`, what.zh);
  if (![...survey.columns.keys()].some((k) => k === 'label' || k.startsWith('label::')))
    error(
      { sheet: survey.sheet, row: survey.header },
      'the survey sheet has no label column',
      'add label::zh and label::en (or label)',
    );

  // Choice lists: list_name → options, each with its row.
  const lists = new Map<string, { value: string; label: LocalizedText; score?: number; row: number }[]>();
  if (choices) {
    for (const r of choices.rows) {
      const listName = r.get('list_name') || r.get('list name');
      const value = r.get('name') || r.get('value');
      if (listName === '' && value === '') continue;
      if (listName === '') {
        error(
          at(choices, r.row, 'list_name'),
          'the choice has no list_name',
          'name the list the select_one question uses',
        );
        continue;
      }
      if (!Id.safeParse(value).success) {
        error(
          at(choices, r.row, 'name'),
          `"${value}" is not a usable choice name`,
          'use 1–64 letters, digits, "-" or "_" (the label may be anything)',
        );
        continue;
      }
      const scoreText = r.get('score');
      const score = scoreText === '' ? undefined : Number(scoreText);
      if (score !== undefined && (!Number.isFinite(score) || score < 0 || score > 100))
        error(at(choices, r.row, 'score'), `score "${scoreText}" is not a number from 0 to 100`);
      const label = text(choices, r, 'label', value) as LocalizedText;
      const options = lists.get(listName) ?? [];
      if (options.some((o) => o.value === value))
        error(at(choices, r.row, 'name'), `"${value}" is listed twice in ${listName}`);
      options.push({ value, label, ...(score !== undefined && Number.isFinite(score) ? { score } : {}), row: r.row });
      lists.set(listName, options);
    }
  }

  const settingsRow = settings?.rows[0];
  const id = (settingsRow?.get('form_id') || options.defaultId || '').trim();
  if (!Id.safeParse(id).success)
    error(
      settings ? at(settings, settingsRow?.row ?? 2, 'form_id') : { sheet: 'settings' },
      `form_id "${id}" is not a usable id`,
      'set form_id in the settings sheet: 1–64 letters, digits, "-" or "_"',
    );
  const title = (settings && settingsRow && text(settings, settingsRow, 'form_title')) ?? {
    zh: id || 'questionnaire',
    en: id || 'questionnaire',
  };

  interface Group {
    row: number;
    dimension?: string;
    weight?: string;
    condition?: Condition;
    activities?: Activity[];
  }
  const groups: Group[] = [];
  const sectionWeights = new Map<Dimension, { weight: number; row: number }>();
  const sectionTitles = new Map<Dimension, LocalizedText>();
  const questions: (Record<string, unknown> & { id: string })[] = [];
  const known = new Set<string>();
  const multiples = new Map<string, Map<string, string>>();
  const failed = new Set<string>();

  const readCondition = (r: Table['rows'][number]): Condition | undefined | null => {
    const relevant = r.get('relevant');
    if (relevant === '') return undefined;
    try {
      const c = parseCondition(fromXlsFormExpression(relevant, multiples));
      for (const cmp of comparisonsOf(c)) {
        if (!known.has(cmp.question)) {
          error(
            at(survey, r.row, 'relevant'),
            `relevant "${relevant}" looks at \${${cmp.question}}, which is not an earlier question`,
            failed.has(cmp.question)
              ? 'fix that question first'
              : 'conditions may only look at questions above this row',
          );
          return null;
        }
      }
      return c;
    } catch (e) {
      if (!(e instanceof ConditionSyntaxError)) throw e;
      error(
        at(survey, r.row, 'relevant'),
        `relevant "${relevant}" is not supported: ${e.message.replace(/\{([^}]+)\}/g, '${$1}')}`,
        "write it like ${q} = 'value', selected(${q}, 'value'), ${q} > 30, ${q} != '', joined with and / or",
      );
      return null;
    }
  };
  const join = (a: Condition | undefined, b: Condition | undefined): Condition | undefined =>
    a && b ? { op: 'and', left: a, right: b } : (a ?? b);

  for (const r of survey.rows) {
    const rawType = r.get('type').replace(/\s+/g, ' ');
    const name = r.get('name');
    if (rawType === '' && name === '') continue;
    const [head = '', ...args] = rawType.split(' ');
    const type = head.toLowerCase();
    const two = `${type} ${(args[0] ?? '').toLowerCase()}`;
    if (two === 'begin group' || type === 'begin_group') {
      const condition = readCondition(r);
      const groupLabel = text(survey, r, 'label');
      const groupDimension = r.get('dimension') as Dimension;
      if (
        groupLabel &&
        (DIMENSIONS as readonly string[]).includes(groupDimension) &&
        !sectionTitles.has(groupDimension)
      )
        sectionTitles.set(groupDimension, groupLabel);
      const activitiesText = r.get('activities');
      const activities = activitiesText ? (list(activitiesText) as Activity[]) : undefined;
      groups.push({
        row: r.row,
        dimension: r.get('dimension') || undefined,
        weight: r.get('weight') || undefined,
        ...(condition ? { condition } : {}),
        ...(activities ? { activities } : {}),
      });
      continue;
    }
    if (two === 'end group' || type === 'end_group') {
      if (!groups.pop()) error(at(survey, r.row, 'type'), '"end group" without a "begin group" above it');
      continue;
    }
    if (METADATA_TYPES.has(type)) continue;
    if (type === 'note') {
      warn(
        at(survey, r.row, 'type'),
        `note "${name}" is not shown`,
        'put what supervisors must read in the hint of a question',
      );
      continue;
    }
    if (REFUSED_TYPES[two] !== undefined || REFUSED_TYPES[type] !== undefined) {
      error(at(survey, r.row, 'type'), `type "${rawType}" is not supported`, REFUSED_TYPES[two] ?? REFUSED_TYPES[type]);
      if (name) failed.add(name);
      continue;
    }
    if (name === '') {
      error(
        at(survey, r.row, 'name'),
        'the question has no name',
        'every question needs a name; it becomes the question id',
      );
      continue;
    }
    if (!Id.safeParse(name).success || RESERVED_FIELDS.has(name)) {
      error(
        at(survey, r.row, 'name'),
        RESERVED_FIELDS.has(name) ? `the name "${name}" is reserved` : `"${name}" is not a usable name`,
        'use 1–64 letters, digits, "-" or "_", starting with a letter or digit',
      );
      failed.add(name);
      continue;
    }
    if (known.has(name) || failed.has(name)) {
      error(at(survey, r.row, 'name'), `the name "${name}" is used twice`, 'give each question its own name');
      continue;
    }
    const scope = groups.reduce<{
      dimension?: string;
      weight?: string;
      condition?: Condition;
      activities?: Activity[];
      row?: number;
    }>(
      (s, g) => ({
        dimension: g.dimension ?? s.dimension,
        weight: g.dimension ? g.weight : s.weight,
        row: g.dimension ? g.row : s.row,
        condition: join(s.condition, g.condition),
        activities: g.activities
          ? s.activities
            ? s.activities.filter((a) => g.activities?.includes(a))
            : g.activities
          : s.activities,
      }),
      {},
    );
    // A row with an error is still checked to the end, so that all its problems show at once.
    let broken = false;
    const own = readCondition(r);
    if (own === null) broken = true;
    const condition = join(scope.condition, own ?? undefined);
    const dimension = r.get('dimension') || scope.dimension;
    if (!dimension) {
      error(
        at(survey, r.row, survey.columns.has('dimension') ? 'dimension' : 'type'),
        `question "${name}" has no dimension`,
        `write ${DIMENSIONS.join(', ')} in its dimension column or on its group`,
      );
      broken = true;
    } else if (!(DIMENSIONS as readonly string[]).includes(dimension)) {
      error(
        at(survey, r.row, r.get('dimension') ? 'dimension' : 'type'),
        `dimension "${dimension}" is not one of ${DIMENSIONS.join(', ')}`,
        `use ${DIMENSIONS.join(', ')}`,
      );
      broken = true;
    }
    if (scope.weight !== undefined && scope.row !== undefined && !sectionWeights.has(dimension as Dimension)) {
      const w = Number(scope.weight);
      if (!Number.isFinite(w) || w < 0)
        error(at(survey, scope.row, 'weight'), `weight "${scope.weight}" is not a number`);
      else sectionWeights.set(dimension as Dimension, { weight: w, row: scope.row });
    }
    const activitiesText = r.get('activities');
    let activities = scope.activities;
    if (activitiesText) activities = list(activitiesText) as Activity[];
    const unknownActivity = (activities ?? []).filter((a) => !(ACTIVITIES as readonly string[]).includes(a));
    if (unknownActivity.length > 0)
      error(
        at(survey, r.row, 'activities'),
        `unknown activit${unknownActivity.length === 1 ? 'y' : 'ies'} ${unknownActivity.join(', ')}`,
        `use ${ACTIVITIES.map((a) => `${a} (${ACTIVITY_LABELS[a].zh})`).join(', ')}`,
      );
    const centers = r.get('centers') ? list(r.get('centers')) : undefined;
    const label = text(survey, r, 'label');
    if (!label)
      error(
        at(survey, r.row, 'label::zh'),
        `question "${name}" has no label`,
        'write its text in label::zh and label::en',
      );
    const hint = text(survey, r, 'hint');
    const weightText = r.get('weight');
    const weight = weightText === '' ? undefined : Number(weightText);
    if (weight !== undefined && (!Number.isFinite(weight) || weight < 0))
      error(at(survey, r.row, 'weight'), `weight "${weightText}" is not a number`, 'write a number such as 1 or 1.5');
    const indicator = r.get('indicator') || undefined;
    if (indicator !== undefined && !Id.safeParse(indicator).success)
      error(
        at(survey, r.row, 'indicator'),
        `indicator "${indicator}" is not a usable id`,
        'use 1–64 letters, digits, "-" or "_"',
      );
    const base: Record<string, unknown> & { id: string } = {
      id: name,
      title: label ?? { zh: name, en: name },
      required: yes(r.get('required')),
      dimension,
      ...(indicator ? { indicator } : {}),
      ...(weight !== undefined && Number.isFinite(weight) ? { weight } : {}),
      ...(activities ? { activities } : {}),
      ...(centers ? { centers } : {}),
      ...(hint ? { description: hint } : {}),
      ...(condition ? { condition: formatCondition(condition) } : {}),
    };
    const constraint = r.get('constraint');
    const range = /^\s*\.\s*>=?\s*(-?\d+(?:\.\d+)?)\s+and\s+\.\s*<=?\s*(-?\d+(?:\.\d+)?)\s*$/.exec(constraint);
    const length = /^\s*string-length\(\s*\.\s*\)\s*<=?\s*(\d+)\s*$/.exec(constraint);
    if (constraint && !range && !length)
      warn(
        at(survey, r.row, 'constraint'),
        `constraint "${constraint}" is not checked`,
        'only . >= a and . <= b (numbers) and string-length(.) <= n (text) are',
      );
    if (broken) failed.add(name);
    const push = (q: Record<string, unknown> & { id: string }) => {
      if (broken) return;
      questions.push(q);
      questionRows.set(q.id, r.row);
      known.add(q.id);
    };
    if (type === 'select_one' || type === 'select_multiple' || type === 'select_one_external') {
      const listName = args[0] ?? '';
      const options = lists.get(listName);
      if (!options) {
        error(
          at(survey, r.row, 'type'),
          `the choice list "${listName}" is not in the choices sheet`,
          choices
            ? `add rows with list_name ${listName} to the choices sheet`
            : 'add a "choices" sheet with list_name, name, label::zh, label::en',
        );
        failed.add(name);
        continue;
      }
      if (type === 'select_multiple') {
        if (indicator)
          error(
            at(survey, r.row, 'indicator'),
            'select_multiple is not scored',
            'score a select_one instead, or remove the indicator',
          );
        const ids = new Map<string, string>();
        multiples.set(name, ids);
        warn(
          at(survey, r.row, 'type'),
          `select_multiple becomes ${options.length} yes/no questions, one per choice (${options.map((o) => `${name}-${o.value}`).join(', ')})`,
        );
        known.add(name);
        for (const o of options) {
          const choiceId = `${name}-${o.value}`.slice(0, 64);
          ids.set(o.value, choiceId);
          const { indicator: _i, weight: _w, ...rest } = base;
          push({
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
        continue;
      }
      const values = options.map((o) => o.value).sort();
      if (values.length === 2 && values[0] === 'no' && values[1] === 'yes') {
        const good = r.get('good') || 'yes';
        if (good !== 'yes' && good !== 'no') error(at(survey, r.row, 'good'), `good "${good}" must be yes or no`);
        push({ ...base, kind: 'yesno', good: good === 'no' ? 'no' : 'yes' });
        continue;
      }
      if (indicator && options.some((o) => o.score === undefined))
        for (const o of options.filter((x) => x.score === undefined))
          if (choices)
            error(
              at(choices, o.row, choices.columns.has('score') ? 'score' : 'name'),
              `choice "${o.value}" of ${listName} has no score, and ${name} is scored`,
              'write a score from 0 to 100 for every choice of a scored question',
            );
      push({
        ...base,
        kind: 'choice',
        options: options.map(({ value, label, score }) => ({
          value,
          label,
          ...(score !== undefined ? { score } : {}),
        })),
      });
      continue;
    }
    if (type === 'range' || type === 'rating') {
      const params = Object.fromEntries(
        [...(r.get('parameters') || '').matchAll(/(\w+)\s*=\s*(-?\d+(?:\.\d+)?)/g)].map((m) => [m[1], Number(m[2])]),
      );
      const start = params.start ?? 1;
      const end = params.end ?? (type === 'rating' ? 5 : 10);
      const step = params.step ?? 1;
      if (!Number.isInteger(start) || !Number.isInteger(end) || step !== 1 || end <= start || end - start > 10) {
        error(
          at(survey, r.row, 'parameters'),
          `a ${type} needs whole-number start < end, step=1, at most 11 points (got "${r.get('parameters')}")`,
          'e.g. start=1 end=5 step=1',
        );
        failed.add(name);
        continue;
      }
      if (start === 1 && end === 5) push({ ...base, kind: 'rating' });
      else {
        const opts = [];
        for (let v = start; v <= end; v++)
          opts.push({
            value: String(v).replace('-', 'm'),
            label: { zh: String(v), en: String(v) },
            score: Math.round(((v - start) / (end - start)) * 10_000) / 100,
          });
        push({ ...base, kind: 'choice', options: opts });
      }
      continue;
    }
    if (type === 'integer' || type === 'decimal') {
      const unit = text(survey, r, 'unit');
      if (!unit)
        error(
          at(survey, r.row, survey.columns.has('unit::zh') ? 'unit::zh' : 'type'),
          `number "${name}" has no unit`,
          'write it in unit::zh and unit::en, e.g. 分钟 / minutes',
        );
      const minValue = range ? Number(range[1]) : 0;
      const maxValue = range ? Number(range[2]) : 100_000;
      const best = r.get('best');
      const worst = r.get('worst');
      if (indicator && (best === '' || worst === ''))
        error(
          at(survey, r.row, best === '' ? 'best' : 'worst'),
          `scored number "${name}" needs best and worst (the values scoring 100 and 0)`,
        );
      push({
        ...base,
        kind: 'number',
        unit,
        minValue,
        maxValue,
        best: best === '' ? minValue : Number(best),
        worst: worst === '' ? maxValue : Number(worst),
      });
      continue;
    }
    if (type === 'text' || TEXT_LIKE_TYPES.has(type)) {
      if (TEXT_LIKE_TYPES.has(type))
        warn(at(survey, r.row, 'type'), `type "${type}" is kept as free text; its format is not checked`);
      if (indicator) error(at(survey, r.row, 'indicator'), 'free text is never scored', 'remove the indicator');
      const { indicator: _i, ...unscored } = base;
      push({ ...unscored, kind: 'text', ...(length ? { maxLength: Number(length[1]) } : {}) });
      continue;
    }
    error(
      at(survey, r.row, 'type'),
      `type "${rawType}" is not supported`,
      'use select_one, select_multiple, range, integer, decimal, text, begin group / end group or note',
    );
    failed.add(name);
  }
  for (const g of groups)
    error(
      at(survey, g.row, 'type'),
      '"begin group" has no "end group"',
      "add a row of type end group after the group's questions",
    );

  const order = [...new Set(questions.map((q) => q.dimension as Dimension))];
  const sections = order.map((dimension) => ({
    dimension,
    title: sectionTitles.get(dimension) ?? DIMENSION_LABELS[dimension],
    ...(sectionWeights.has(dimension) ? { weight: sectionWeights.get(dimension)?.weight } : {}),
    questions: questions.filter((q) => q.dimension === dimension),
  }));
  const hasErrors = problems.some((p) => p.severity === 'error');
  const parsed = Questionnaire.safeParse({ id: Id.safeParse(id).success ? id : 'questionnaire', title, sections });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [, s, , q, field] = issue.path;
      const question = typeof s === 'number' && typeof q === 'number' ? sections[s]?.questions[q] : undefined;
      if (hasErrors && issue.path.length <= 1 && /at least one (section|question)/.test(issue.message)) continue;
      const row = question ? questionRows.get(question.id) : undefined;
      const column =
        field === 'condition'
          ? 'relevant'
          : field === 'title'
            ? 'label::zh'
            : typeof field === 'string'
              ? field
              : undefined;
      if (question && problems.some((p) => p.severity === 'error' && p.sheet === survey.sheet && p.row === row))
        continue;
      error(
        row !== undefined
          ? at(survey, row, column && survey.columns.has(column) ? column : undefined)
          : { sheet: survey.sheet },
        issue.message.replace(/\{([^}]+)\}/g, '${$1}'),
        /nothing is scored/.test(issue.message)
          ? 'write an indicator (and scores for choices) on the questions that judge a center'
          : undefined,
      );
    }
  }
  if (problems.some((p) => p.severity === 'error') || !parsed.success) return { problems, questionRows };
  return { questionnaire: parsed.data, problems, questionRows };
};

/** The columns of the survey sheet as written, in order. */
export const SURVEY_COLUMNS = [
  'type',
  'name',
  'label::zh',
  'label::en',
  'hint::zh',
  'hint::en',
  'required',
  'relevant',
  'constraint',
  'parameters',
  'dimension',
  'indicator',
  'weight',
  'good',
  'best',
  'worst',
  'unit::zh',
  'unit::en',
  'activities',
  'centers',
] as const;

/** The columns of the choices sheet as written. */
export const CHOICE_COLUMNS = ['list_name', 'name', 'label::zh', 'label::en', 'score'] as const;

/** A workbook to write: sheets of rows of cells (text or numbers). */
export interface FormWorkbook {
  survey: (string | number)[][];
  choices: (string | number)[][];
  settings: (string | number)[][];
}

/** Writes a questionnaire as XLSForm sheets: one group per section, yes/no as select_one yes_no. */
export const writeXlsForm = (questionnaire: Questionnaire): FormWorkbook => {
  const survey: (string | number)[][] = [[...SURVEY_COLUMNS]];
  const choices: (string | number)[][] = [[...CHOICE_COLUMNS]];
  const row = (values: Partial<Record<(typeof SURVEY_COLUMNS)[number], string | number>>) =>
    survey.push(SURVEY_COLUMNS.map((c) => values[c] ?? ''));
  let yesNo = false;
  for (const section of questionnaire.sections) {
    row({
      type: 'begin group',
      name: section.dimension,
      'label::zh': section.title.zh,
      'label::en': section.title.en,
      dimension: section.dimension,
      ...(section.weight !== 1 ? { weight: section.weight } : {}),
    });
    for (const q of section.questions) {
      const common = {
        name: q.id,
        'label::zh': q.title.zh,
        'label::en': q.title.en,
        ...(q.description ? { 'hint::zh': q.description.zh, 'hint::en': q.description.en } : {}),
        required: q.required ? 'yes' : 'no',
        ...(q.condition ? { relevant: toXlsFormExpression(parseCondition(q.condition)) } : {}),
        ...(q.indicator ? { indicator: q.indicator } : {}),
        ...(q.weight !== 1 ? { weight: q.weight } : {}),
        ...(q.activities ? { activities: q.activities.join(' ') } : {}),
        ...(q.centers ? { centers: q.centers.join(' ') } : {}),
      };
      switch (q.kind) {
        case 'rating':
          row({ type: 'range', ...common, parameters: `start=${q.min} end=${q.max} step=1` });
          break;
        case 'yesno':
          yesNo = true;
          row({ type: 'select_one yes_no', ...common, good: q.good });
          break;
        case 'choice':
          row({ type: `select_one ${q.id}`, ...common });
          for (const o of q.options)
            choices.push([q.id, o.value, o.label.zh, o.label.en, ...(o.score !== undefined ? [o.score] : [])]);
          break;
        case 'number':
          row({
            type:
              Number.isInteger(q.minValue) &&
              Number.isInteger(q.maxValue) &&
              Number.isInteger(q.best) &&
              Number.isInteger(q.worst)
                ? 'integer'
                : 'decimal',
            ...common,
            constraint: `. >= ${q.minValue} and . <= ${q.maxValue}`,
            best: q.best,
            worst: q.worst,
            'unit::zh': q.unit.zh,
            'unit::en': q.unit.en,
          });
          break;
        case 'text':
          row({ type: 'text', ...common, constraint: `string-length(.) <= ${q.maxLength}` });
          break;
      }
    }
    row({ type: 'end group' });
  }
  if (yesNo) choices.push(['yes_no', 'yes', '是', 'Yes'], ['yes_no', 'no', '否', 'No']);
  const settings: (string | number)[][] = [
    ['form_id', 'form_title::zh', 'form_title::en', 'default_language'],
    [questionnaire.id, questionnaire.title.zh, questionnaire.title.en, 'zh'],
  ];
  return { survey, choices, settings };
};
