import { LEVEL_LABELS } from '../../functions/core/i18n.ts';
import { CENTER_LEVELS, Center, Email, Id, type Supervisor } from '../../functions/core/model.ts';
import {
  CENTER_COLUMNS,
  type CenterColumn,
  type ColumnSpec,
  headerLabel,
  isPhoneNumber,
  matchHeader,
  parseLanguage,
  parseLevel,
  SUPERVISOR_COLUMNS,
  type SupervisorColumn,
} from './columns.ts';
import { columnLetter, type Problem } from './problems.ts';
import type { Sheet } from './table.ts';

/** A roster entry with the spreadsheet row it came from. */
export interface Sourced<T> {
  value: T;
  row: number;
}

/** Where each column of a sheet is, and its data rows as text by column key. */
interface LocatedSheet<K extends string> {
  columns: Map<K, number>;
  rows: { row: number; get: (key: K) => string }[];
}

const ID_HINT = 'use 1–64 letters, digits, "-" or "_" (e.g. C-XW-01), in half-width (英文半角) characters';
const EMAIL_HINT = 'write one address per cell, in half-width characters, like name@example.gov.cn';
const PHONE_HINT = 'use an 11-digit mobile such as 13812345678 or a landline with its area code such as 025-83612345';

/** How many rows from the top of a sheet may hold a title, notes or merged cells above the header. */
export const HEADER_SEARCH_ROWS = 10;

/** The header row of a roster: the first of the first rows of a sheet that names at least two known columns. */
const findHeader = <K extends string>(
  sheets: readonly Sheet[],
  specs: readonly ColumnSpec<K>[],
): { sheet: Sheet; index: number } | undefined => {
  for (const sheet of sheets) {
    const index = sheet.rows
      .slice(0, HEADER_SEARCH_ROWS)
      .findIndex((r) => r.cells.filter((h) => matchHeader(h, specs)).length >= 2);
    if (index >= 0) return { sheet, index };
  }
  return undefined;
};

/** The text of a row as an organizer would recognize it: its distinct non-empty cells (a merged title repeats). */
const rowText = (cells: readonly string[]): string => {
  const text = [...new Set(cells.map((c) => c.trim()).filter((c) => c !== ''))].join(' · ');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
};

/**
 * Finds the header row among the first rows of the first sheet that has one (a title row, merged cells
 * or notes above it are skipped and named) and maps the columns.
 */
const locateColumns = <K extends string>(
  sheets: readonly Sheet[],
  specs: readonly ColumnSpec<K>[],
  file: string,
  problems: Problem[],
): LocatedSheet<K> | undefined => {
  const found = findHeader(sheets, specs);
  const chosen = found ? { sheet: found.sheet, header: found.sheet.rows[found.index] } : undefined;
  if (!found || !chosen?.header) {
    const first = sheets.find((s) => s.rows.length > 0)?.rows;
    problems.push({
      severity: 'error',
      file,
      row: first?.[0]?.row ?? 1,
      message: `no header row naming the columns was found in the first ${HEADER_SEARCH_ROWS} rows${first?.[0] ? ` (row ${first[0].row} reads "${rowText(first[0].cells)}")` : ''}`,
      hint: `one row above the data must name the columns, e.g. ${specs.slice(0, 4).map(headerLabel).join(', ')} (see docs/organizer-guide.md)`,
    });
    return undefined;
  }
  for (const skipped of found.sheet.rows.slice(0, found.index)) {
    problems.push({
      severity: 'warning',
      file,
      row: skipped.row,
      message: `row ${skipped.row} ("${rowText(skipped.cells)}") is above the header row ${chosen.header.row} and is not read`,
      hint: 'a title or notes above the header are fine; move any entry there below the header',
    });
  }
  const { sheet, header } = chosen;
  const columns = new Map<K, number>();
  header.cells.forEach((text, index) => {
    if (text.trim() === '') return;
    const key = matchHeader(text, specs);
    const column = columnLetter(index + 1);
    if (key === undefined) {
      problems.push({
        severity: 'warning',
        file,
        row: header.row,
        column,
        message: `column "${text.trim()}" is not read`,
        hint: 'rename it if it should be one of the columns listed in docs/organizer-guide.md',
      });
      return;
    }
    const earlier = columns.get(key);
    if (earlier !== undefined) {
      problems.push({
        severity: 'error',
        file,
        row: header.row,
        column,
        message: `column "${text.trim()}" repeats column ${columnLetter(earlier + 1)}`,
        hint: 'keep only one of the two columns',
      });
      return;
    }
    columns.set(key, index);
  });
  for (const spec of specs) {
    if (spec.required && !columns.has(spec.key)) {
      problems.push({
        severity: 'error',
        file,
        row: header.row,
        field: headerLabel(spec),
        message: `missing column ${headerLabel(spec)}`,
        hint: `add a column headed "${spec.zh}" or "${spec.en}" (${spec.description})`,
      });
    }
  }
  const rows = sheet.rows.slice(found.index + 1).map(({ row, cells }) => ({
    row,
    get: (key: K) => {
      const index = columns.get(key);
      return index === undefined ? '' : (cells[index] ?? '').trim();
    },
  }));
  return { columns, rows };
};

/** Collects one row's problems, located at the column of each key. */
const rowReporter = <K extends string>(
  file: string,
  row: number,
  sheet: LocatedSheet<K>,
  specs: readonly ColumnSpec<K>[],
  problems: Problem[],
) => {
  let failed = false;
  const report = (key: K, message: string, hint?: string, severity: Problem['severity'] = 'error') => {
    const spec = specs.find((s) => s.key === key);
    const index = sheet.columns.get(key);
    if (severity === 'error') failed = true;
    problems.push({
      severity,
      file,
      row,
      ...(index === undefined ? {} : { column: columnLetter(index + 1) }),
      ...(spec ? { field: headerLabel(spec) } : {}),
      message,
      ...(hint ? { hint } : {}),
    });
  };
  return { report, failed: () => failed };
};

/** Whether text has full-width forms (ＡＢＣ１２３－) that NFKC folds to ASCII. */
const hasFullWidth = (text: string): boolean => /[\uff01-\uff5e\u3000]/.test(text);

const checkId = (text: string, report: (m: string, h?: string) => void, what: string) => {
  if (text === '') report(`missing ${what} id`, 'give every row its own id');
  else if (Id.safeParse(text).success) return;
  else if (hasFullWidth(text) && Id.safeParse(text.normalize('NFKC').trim()).success)
    report(
      `"${text}" is written in full-width (全角) characters`,
      `retype it in half-width (英文半角) characters: ${text.normalize('NFKC').trim()}`,
    );
  else if (/\p{Script=Han}/u.test(text))
    report(`"${text}" contains Chinese characters, which ids cannot hold`, ID_HINT);
  else report(`"${text}" is not a usable id`, ID_HINT);
};
/** Checks an email cell; returns the normalized address when it is usable. */
const checkEmail = (text: string, report: (m: string, h?: string) => void, missing: string): string | undefined => {
  if (text === '') {
    report(missing, EMAIL_HINT);
    return undefined;
  }
  const parsed = Email.safeParse(text);
  if (parsed.success) return parsed.data;
  if (/[;,，；\s]/.test(text.trim())) report(`"${text}" holds more than one address`, EMAIL_HINT);
  else if (text.normalize('NFKC') !== text && Email.safeParse(text.normalize('NFKC')).success) {
    report(`"${text}" contains full-width characters`, 'retype it with half-width (英文半角) characters');
  } else report(`"${text}" is not a valid email address`, EMAIL_HINT);
  return undefined;
};

const checkPhone = (text: string, report: (m: string, h?: string) => void) => {
  if (text === '' || isPhoneNumber(text)) return;
  const digits = text.normalize('NFKC').replace(/[\s()（）-]/g, '');
  if (/^[1-9]\d{8,10}$/.test(digits) && isPhoneNumber(`0${digits}`)) {
    report(
      `"${text}" looks like a landline that lost its leading 0 (0${digits}): the cell holds a number, and Excel drops leading zeros`,
      `write it as 0${digits.replace(/^(10|2\d)(\d+)$/, '$1-$2')} with the cell formatted as Text (文本), or with an apostrophe: '0${digits}`,
    );
  } else report(`"${text}" is not a phone number`, PHONE_HINT);
};

/** Reports ids used on more than one row, at every repeat. */
const checkDuplicateIds = <T extends { id: string }>(
  entries: readonly Sourced<T>[],
  file: string,
  column: string | undefined,
  field: string,
  problems: Problem[],
) => {
  const first = new Map<string, number>();
  for (const { value, row } of entries) {
    const earlier = first.get(value.id);
    if (earlier === undefined) first.set(value.id, row);
    else {
      problems.push({
        severity: 'error',
        file,
        row,
        ...(column ? { column } : {}),
        field,
        message: `duplicate id "${value.id}": row ${earlier} uses it too`,
        hint: 'give each row its own id',
      });
    }
  }
};

const LANGUAGE_HINT = 'write zh for emails in Chinese (中文) or en for emails in English; leave it empty for Chinese';

/** Checks a language cell: empty is Chinese (left unset); returns the language, or undefined when empty or wrong. */
const checkLanguage = (text: string, report: (m: string, h?: string) => void) => {
  if (text === '') return undefined;
  const lang = parseLanguage(text);
  if (!lang) report(`language must be zh or en (got "${text}")`, LANGUAGE_HINT);
  return lang;
};

const LEVEL_HINT = `use one of ${CENTER_LEVELS.map((l) => `${LEVEL_LABELS[l].zh} ${l}`).join(', ')}`;

/** Reads the centers roster (政务服务中心名单); every problem is reported, rows with errors are left out. */
export const readCenters = (
  sheets: readonly Sheet[],
  file: string,
): { centers: Sourced<Center>[]; problems: Problem[] } => {
  const problems: Problem[] = [];
  const sheet = locateColumns(sheets, CENTER_COLUMNS, file, problems);
  if (!sheet) return { centers: [], problems };
  const centers: Sourced<Center>[] = [];
  const ids: Sourced<{ id: string }>[] = [];
  for (const { row, get } of sheet.rows) {
    const { report, failed } = rowReporter<CenterColumn>(file, row, sheet, CENTER_COLUMNS, problems);
    const id = get('id');
    checkId(id, (m, h) => report('id', m, h), 'center');
    if (id !== '') ids.push({ value: { id }, row });
    const nameZh = get('name_zh');
    if (nameZh === '') report('name_zh', 'missing center name', 'write the Chinese name, e.g. 玄武区政务服务中心');
    const levelText = get('level');
    const level = parseLevel(levelText);
    if (levelText === '') report('level', 'missing level', LEVEL_HINT);
    else if (!level) report('level', `unknown level "${levelText}"`, LEVEL_HINT);
    const district = get('district');
    if (district === '')
      report(
        'district',
        'missing district',
        'write the district the center is in, e.g. 玄武区; for the municipal center write 市级',
      );
    const officialName = get('official_name');
    if (officialName === '')
      report(
        'official_name',
        'the center has no responsible official (负责同志)',
        'write the name of the official who receives the summary',
      );
    const officialEmail = checkEmail(
      get('official_email'),
      (m, h) => report('official_email', m, h),
      'the official has no email address',
    );
    checkPhone(get('official_phone'), (m, h) => report('official_phone', m, h));
    const language = checkLanguage(get('official_language'), (m, h) => report('official_language', m, h));
    if (failed()) continue;
    const address = get('address');
    const parsed = Center.safeParse({
      id,
      name: { zh: nameZh, en: get('name_en') || nameZh },
      level,
      district,
      ...(address ? { address } : {}),
      official: { name: officialName, email: officialEmail, ...(language ? { language } : {}) },
    });
    if (parsed.success) centers.push({ value: parsed.data, row });
    else for (const issue of parsed.error.issues) report(centerColumnOfPath(issue.path), issue.message);
  }
  checkDuplicateIds(ids, file, columnOf(sheet, 'id'), headerLabel(CENTER_COLUMNS[0] as ColumnSpec), problems);
  return { centers, problems };
};

/** Reads the supervisors roster (监督员名单); every problem is reported, rows with errors are left out. */
export const readSupervisors = (
  sheets: readonly Sheet[],
  file: string,
): { supervisors: Sourced<Supervisor>[]; problems: Problem[] } => {
  const problems: Problem[] = [];
  const sheet = locateColumns(sheets, SUPERVISOR_COLUMNS, file, problems);
  if (!sheet) return { supervisors: [], problems };
  const supervisors: Sourced<Supervisor>[] = [];
  const ids: Sourced<{ id: string }>[] = [];
  const emails = new Map<string, number>();
  for (const { row, get } of sheet.rows) {
    const { report, failed } = rowReporter<SupervisorColumn>(file, row, sheet, SUPERVISOR_COLUMNS, problems);
    const id = get('id');
    checkId(id, (m, h) => report('id', m, h), 'supervisor');
    if (id !== '') ids.push({ value: { id }, row });
    const name = get('name');
    if (name === '') report('name', 'missing name', "write the supervisor's full name");
    const email = checkEmail(get('email'), (m, h) => report('email', m, h), 'missing email address');
    if (email) {
      const earlier = emails.get(email);
      if (earlier !== undefined) {
        report(
          'email',
          `row ${earlier} has the same email address`,
          'each supervisor gets their own invitation; check the two rows',
          'warning',
        );
      } else emails.set(email, row);
    }
    checkPhone(get('phone'), (m, h) => report('phone', m, h));
    const sector = get('sector');
    if (sector === '') report('sector', 'missing sector', 'e.g. 人大代表, 政协委员, 律师, 校长, 企业家');
    const homeDistrict = get('home_district');
    if (homeDistrict === '')
      report(
        'home_district',
        'missing home district',
        'write the district the supervisor lives or works in, e.g. 鼓楼区',
      );
    const language = checkLanguage(get('language'), (m, h) => report('language', m, h));
    if (failed() || !email) continue;
    supervisors.push({ value: { id, name, email, sector, homeDistrict, ...(language ? { language } : {}) }, row });
  }
  checkDuplicateIds(ids, file, columnOf(sheet, 'id'), headerLabel(SUPERVISOR_COLUMNS[0] as ColumnSpec), problems);
  return { supervisors, problems };
};

/** The sheet column a model path comes from. */
const centerColumnOfPath = (path: readonly PropertyKey[]): CenterColumn => {
  const [head, sub] = path.map(String);
  if (head === 'name') return sub === 'en' ? 'name_en' : 'name_zh';
  if (head === 'official')
    return sub === 'email' ? 'official_email' : sub === 'language' ? 'official_language' : 'official_name';
  return (['id', 'level', 'district', 'address'] as const).find((k) => k === head) ?? 'id';
};

const columnOf = <K extends string>(sheet: LocatedSheet<K>, key: K): string | undefined => {
  const index = sheet.columns.get(key);
  return index === undefined ? undefined : columnLetter(index + 1);
};

/** The spreadsheet column of a key in a roster, for problems found across rosters. */
export const rosterColumn = (
  kind: 'centers' | 'supervisors',
  sheets: readonly Sheet[],
  key: CenterColumn | SupervisorColumn,
): { column?: string; field: string } => {
  const specs: readonly ColumnSpec[] = kind === 'centers' ? CENTER_COLUMNS : SUPERVISOR_COLUMNS;
  const spec = specs.find((s) => s.key === key);
  const field = spec ? headerLabel(spec) : key;
  const found = findHeader(sheets, specs);
  const header = found?.sheet.rows[found.index];
  const index = header ? header.cells.findIndex((h) => matchHeader(h, specs) === key) : -1;
  return index >= 0 ? { column: columnLetter(index + 1), field } : { field };
};
