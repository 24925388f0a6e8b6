/**
 * The sheets of an XLSForm workbook as tables: rows of text, the column of each header (folded), and
 * the columns of a localized text (`label::zh`, `label::en`, `label::Chinese (zh)`, plain `label`).
 */

/** One sheet as plain rows of text, row numbers as the spreadsheet shows them (header = 1). */
export interface FormSheet {
  name: string;
  rows: { row: number; cells: string[] }[];
}

/** The letter of a column by its index: 0 → A, 26 → AA. */
export const toColumnLetter = (index: number): string => {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
};

/** A header or sheet name folded for comparison: NFKC, trimmed, lower case, single spaces. */
export const foldHeader = (header: string) => header.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/** The language of a `label::…` header: zh, zh-tw, en, or undefined for a plain `label`. */
const languageOf = (suffix: string): 'zh' | 'zh-tw' | 'en' | 'other' => {
  const code = (/\(([^)]+)\)/.exec(suffix)?.[1] ?? suffix).trim().toLowerCase();
  if (/^(zh-(tw|hant|hk)|traditional chinese|繁體中文|繁体中文)$/.test(code)) return 'zh-tw';
  if (/^(zh|zh-cn|zh-hans|chinese|中文|简体中文)$/.test(code)) return 'zh';
  if (/^(en|en-us|en-gb|english|英文)$/.test(code)) return 'en';
  return 'other';
};

/** A sheet read as a table under its header row. */
export interface Table {
  sheet: string;
  header: number;
  /** Column index of each folded header. */
  columns: Map<string, number>;
  rows: { row: number; get: (key: string) => string; cells: string[] }[];
  /** Columns holding a localized text: `label` → { zh: index, en: index, … }. */
  localized: (base: string) => { zh?: number; 'zh-tw'?: number; en?: number; plain?: number; other?: number };
}

/** One row of a table. */
export type TableRow = Table['rows'][number];

/** Reads a sheet as a table: the first row names the columns. */
export const readTable = (sheet: FormSheet): Table => {
  const [first, ...rest] = sheet.rows;
  const columns = new Map<string, number>();
  (first?.cells ?? []).forEach((h, i) => {
    const key = foldHeader(h);
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

/** Whether a cell says yes (yes, true, true(), 1, 是, y). */
export const isYes = (text: string) => /^(yes|true|true\(\)|1|是|y)$/i.test(text.trim());

/** A cell's list of words, split on spaces, commas and semicolons (Chinese ones too). */
export const splitList = (text: string) =>
  text
    .split(/[\s,，、;；]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
