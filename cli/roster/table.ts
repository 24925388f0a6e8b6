import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import iconv from 'iconv-lite';
import { restoreNeutralized } from '../../functions/core/formats/csv.ts';

/** Text encodings a roster CSV may arrive in. */
export type TextEncoding = 'utf-8' | 'utf-8 with BOM' | 'gb18030' | 'utf-16le' | 'utf-16be';

/** One spreadsheet row: its number as Excel shows it and the text of each cell (index 0 = column A). */
export interface SheetRow {
  row: number;
  cells: string[];
}

/** The non-empty rows of one worksheet (or of a CSV file). */
export interface Sheet {
  name: string;
  rows: SheetRow[];
  /** For CSV files, the encoding detected. */
  encoding?: TextEncoding;
}

/** The file cannot be read as a spreadsheet at all; the message says what to do. */
export class UnreadableFile extends Error {
  override name = 'UnreadableFile';
}

/**
 * Decodes a text file as Chinese Excel and other tools save it: UTF-8 with or without BOM, UTF-16 with
 * BOM ("Unicode text"), and otherwise GB18030 (a superset of GBK and GB2312) when the bytes are not UTF-8.
 */
export const decodeText = (bytes: Uint8Array): { text: string; encoding: TextEncoding } => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
    return { text: buffer.subarray(3).toString('utf8'), encoding: 'utf-8 with BOM' };
  }
  if (buffer[0] === 0xff && buffer[1] === 0xfe)
    return { text: iconv.decode(buffer.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (buffer[0] === 0xfe && buffer[1] === 0xff)
    return { text: iconv.decode(buffer.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buffer), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(buffer, 'gb18030'), encoding: 'gb18030' };
  }
};

/** Picks the delimiter of the first line among comma, tab and semicolon (quotes respected). */
const sniffDelimiter = (text: string): string => {
  const counts = new Map<string, number>([
    [',', 0],
    ['\t', 0],
    [';', 0],
  ]);
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d;
  return best;
};

/**
 * Parses CSV text (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF).
 * Rows are numbered as a spreadsheet shows them: one per record, header = 1; blank records are skipped.
 */
export const parseCsv = (text: string, delimiter = sniffDelimiter(text)): SheetRow[] => {
  const rows: SheetRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let record = 1;
  let i = 0;
  const endCell = () => {
    // A formula-like cell this project wrote (or a spreadsheet kept) as '=…: read as the text it is.
    cells.push(restoreNeutralized(cell));
    cell = '';
  };
  const endRecord = () => {
    endCell();
    if (cells.some((c) => c.trim() !== '')) rows.push({ row: record, cells });
    cells = [];
    record++;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (c === delimiter) endCell();
    else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else cell += c;
    i++;
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return rows;
};

type CellValue = unknown;

/** The text an organizer sees in a cell, whatever exceljs made of it (rich text, hyperlink, formula, date). */
const cellText = (value: CellValue): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return v.richText.map((t: { text?: unknown }) => cellText(t.text)).join('');
    if ('text' in v) return cellText(v.text);
    if ('result' in v) return cellText(v.result);
    if ('error' in v) return String(v.error);
  }
  return String(value);
};

const readWorkbook = async (path: string): Promise<Sheet[]> => {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    throw new UnreadableFile(
      `cannot be read as an Excel workbook (${error instanceof Error ? error.message : String(error)}); open it in Excel or WPS and save it again as .xlsx`,
      { cause: error },
    );
  }
  return workbook.worksheets.map((sheet) => {
    const rows: SheetRow[] = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = cellText(cell.value);
      });
      for (let c = 0; c < cells.length; c++) cells[c] ??= '';
      if (cells.some((c) => c.trim() !== '')) rows.push({ row: rowNumber, cells });
    });
    return { name: sheet.name, rows };
  });
};

/** Reads a roster spreadsheet: `.xlsx` (every worksheet) or `.csv` / `.txt` (one sheet, encoding detected). */
export const readSheets = async (path: string): Promise<Sheet[]> => {
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return readWorkbook(path);
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') {
    const { text, encoding } = decodeText(await readFile(path));
    return [{ name: 'csv', rows: parseCsv(text), encoding }];
  }
  if (ext === '.xls' || ext === '.et' || ext === '.ods') {
    throw new UnreadableFile(`is a ${ext} file, which is not read here; save it as .xlsx (Excel 工作簿) or as CSV`);
  }
  throw new UnreadableFile(`has an extension (${ext || 'none'}) that is not a roster format; use .xlsx or .csv`);
};
