/**
 * The one CSV writer of the project: the city report's attachment, the CLI's `results --format csv`
 * and the roster templates all go through it, so what protects one protects all.
 *
 * Files are written as Excel opens them: UTF-8 with a BOM (so Chinese shows), fields quoted where
 * needed, CRLF line ends. Text a spreadsheet would run as a formula (a cell starting with = + - @,
 * a tab or a carriage return: CSV injection) is prefixed with an apostrophe, which spreadsheets read as
 * "this is text". Numbers are written as they are: -3.5 is a number, not a formula.
 */

/** A cell: text, a number, or empty. */
export type CsvCell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text a spreadsheet would run as a formula, prefixed with an apostrophe. */
export const neutralizeFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

/** Undoes {@link neutralizeFormula} when reading back a file this writer wrote (or a spreadsheet kept so). */
export const restoreNeutralized = (text: string): string =>
  text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;

/** One field: neutralized, then quoted when it holds a quote, a comma or a line break. */
export const csvField = (value: CsvCell): string => {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : neutralizeFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** A whole file from rows of cells. */
export const formatCsv = (rows: Iterable<readonly CsvCell[]>): string => {
  const lines: string[] = [];
  for (const cells of rows) lines.push(cells.map(csvField).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
};
