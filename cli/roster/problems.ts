/** How serious a finding is: errors stop a launch, warnings are worth a look. */
export type Severity = 'error' | 'warning';

/** One finding about a campaign folder, located as precisely as the file allows. */
export interface Problem {
  severity: Severity;
  /** File name as the organizer sees it in the folder, e.g. `centers.xlsx`. */
  file: string;
  /** The worksheet, when the workbook has several that matter (an XLSForm's survey and choices). */
  sheet?: string;
  /** Spreadsheet row (header = 1) or text line, 1-based. */
  row?: number;
  /** Spreadsheet column letter (`D`) or text column number (`12`). */
  column?: string;
  /** The column or key concerned, e.g. `级别 level`. */
  field?: string;
  message: string;
  /** What to do about it. */
  hint?: string;
}

const TEXT_FILE = /\.(json|ya?ml)$/i;

/**
 * Where a problem is: `centers.xlsx row 5, column D (级别 level)`, `questionnaire.xlsx sheet survey row 9,
 * column H (relevant)` or `campaign.yaml line 7, column 3`.
 */
export const formatLocation = (p: Pick<Problem, 'file' | 'sheet' | 'row' | 'column' | 'field'>): string => {
  const unit = TEXT_FILE.test(p.file) ? 'line' : 'row';
  const parts = [p.sheet ? `${p.file} sheet ${p.sheet}` : p.file];
  if (p.row !== undefined) parts.push(`${unit} ${p.row}${p.column !== undefined ? `, column ${p.column}` : ''}`);
  else if (p.column !== undefined) parts.push(`column ${p.column}`);
  const where = parts.join(' ');
  return p.field ? `${where} (${p.field})` : where;
};

/** One line per problem: marker, location, message and hint. */
export const formatProblem = (p: Problem): string =>
  `${p.severity === 'error' ? '✗' : '!'} ${formatLocation(p)}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`;

/** Orders problems by file, then row, then column, errors before warnings at the same place. */
export const sortProblems = (problems: readonly Problem[]): Problem[] =>
  [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.sheet ?? '').localeCompare(b.sheet ?? '') ||
      (a.row ?? 0) - (b.row ?? 0) ||
      columnIndex(a.column) - columnIndex(b.column) ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );

/** Spreadsheet column letter for a 1-based index: 1 → A, 27 → AA. */
export const columnLetter = (index: number): string => {
  let n = index;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
};

const columnIndex = (column: string | undefined): number => {
  if (column === undefined) return 0;
  if (/^\d+$/.test(column)) return Number(column);
  return [...column.toUpperCase()].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 64), 0);
};
