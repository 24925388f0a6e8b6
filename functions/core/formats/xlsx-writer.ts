import { type ZipEntry, zipFiles } from './zip.ts';

/** A cell: numbers stay numbers, text is stored once and shared; null, undefined and non-finite numbers leave it empty. */
export type XlsxCell = string | number | null | undefined;

/** One column of a sheet. */
export interface XlsxColumn {
  /** Header text: when any column has one, the first row is a bold, grey, wrapped header frozen in place. */
  header?: string;
  /** Width in characters (Excel's default is about 9). */
  width?: number;
  /** Excel number format of the column's cells, e.g. `0`, `0.0` or `+0.0;-0.0;0.0`. */
  format?: string;
  /** Bold text in the column's cells below the header. */
  bold?: boolean;
}

/** One sheet of a workbook. */
export interface XlsxSheet {
  /** At most 31 characters, none of `: \ / ? * [ ]`, unique in the workbook regardless of case. */
  name: string;
  columns: readonly XlsxColumn[];
  /** The rows below the header, cell by cell from the first column. */
  rows: Iterable<readonly XlsxCell[]>;
  /** Filter buttons on the header row, over every row of the sheet. */
  autoFilter?: boolean;
}

/** A workbook to write. */
export interface XlsxWorkbook {
  creator: string;
  /** Recorded in the document properties and as the time of every file in the archive. */
  created: Date;
  sheets: readonly XlsxSheet[];
}

const MAX_TEXT = 32_767;
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
const MAX_WIDTH = 255;
const DEFAULT_WIDTH = 9.140625;
const HEADER_FILL = 'FFECEFF1';

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_DOC_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const TYPE_SHEET = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';

/** Number formats Excel knows by id; any other gets an id from 164 on. */
const BUILT_IN_FORMATS: Readonly<Record<string, number>> = {
  General: 0,
  '0': 1,
  '0.00': 2,
  '#,##0': 3,
  '#,##0.00': 4,
  '0%': 9,
  '0.00%': 10,
};

/** The column's letters in a cell reference: 0 → A, 25 → Z, 26 → AA, 16,383 → XFD. */
export const columnName = (index: number): string => {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_COLUMNS) {
    throw new RangeError(`column ${index} is outside a sheet's ${MAX_COLUMNS} columns`);
  }
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
};

const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 forbids
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Excel reads _xHHHH_ in text as the character HHHH: a literal one has its underscore escaped.
const EXCEL_ESCAPE = /_x[0-9A-Fa-f]{4}_/g;

/** Text as a cell can hold it: without the characters XML forbids, at most 32,767 characters, never half a surrogate pair. */
const cellText = (text: string): string => {
  let clean = text.replace(NOT_XML, '');
  if (clean.length > MAX_TEXT) {
    const cut =
      clean.charCodeAt(MAX_TEXT - 1) >= 0xd800 && clean.charCodeAt(MAX_TEXT - 1) <= 0xdbff ? MAX_TEXT - 1 : MAX_TEXT;
    clean = clean.slice(0, cut);
  }
  return clean;
};

const escapeXml = (text: string): string =>
  /[&<>"]/.test(text)
    ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    : text;

/** A shared-strings `<t>` element; spaces at either end are kept only when declared. */
const textElement = (text: string): string => {
  const escaped = escapeXml(text.replace(EXCEL_ESCAPE, '_x005F$&'));
  return /^\s|\s$/.test(text) ? `<t xml:space="preserve">${escaped}</t>` : `<t>${escaped}</t>`;
};

const w3cdtf = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The cell formats of a workbook, each distinct one stored once. */
class StyleTable {
  private readonly formats = new Map<string, number>();
  private readonly xfs = new Map<string, number>([['', 0]]);
  private readonly xml: string[] = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'];

  /** The index of the header cells' format: bold on grey, wrapped, centred vertically. */
  readonly header = this.xf(
    'header',
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">' +
      '<alignment vertical="center" wrapText="1"/></xf>',
  );

  /** The index of the format of a column's cells. */
  cell(column: XlsxColumn): number {
    const format = column.format ?? 'General';
    const bold = column.bold === true;
    if (format === 'General' && !bold) return 0;
    const formatId = BUILT_IN_FORMATS[format] ?? this.formatId(format);
    return this.xf(
      `${bold ? 'b' : ''}|${format}`,
      `<xf numFmtId="${formatId}" fontId="${bold ? 1 : 0}" fillId="0" borderId="0" xfId="0"` +
        `${formatId ? ' applyNumberFormat="1"' : ''}${bold ? ' applyFont="1"' : ''}/>`,
    );
  }

  /** The styles part. */
  toXml(): string {
    const font = (bold: boolean) =>
      `<font>${bold ? '<b/>' : ''}<sz val="11"/><name val="Calibri"/><family val="2"/></font>`;
    const numFmts = [...this.formats]
      .map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${escapeXml(code)}"/>`)
      .join('');
    return (
      `${XML_HEAD}<styleSheet xmlns="${NS_MAIN}">` +
      (numFmts ? `<numFmts count="${this.formats.size}">${numFmts}</numFmts>` : '') +
      `<fonts count="2">${font(false)}${font(true)}</fonts>` +
      '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
      `<fill><patternFill patternType="solid"><fgColor rgb="${HEADER_FILL}"/><bgColor indexed="64"/></patternFill></fill></fills>` +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${this.xml.length}">${this.xml.join('')}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '</styleSheet>'
    );
  }

  private formatId(code: string): number {
    const known = this.formats.get(code);
    if (known !== undefined) return known;
    const id = 164 + this.formats.size;
    this.formats.set(code, id);
    return id;
  }

  private xf(key: string, xml: string): number {
    const known = this.xfs.get(key);
    if (known !== undefined) return known;
    this.xfs.set(key, this.xml.length);
    this.xml.push(xml);
    return this.xml.length - 1;
  }
}

/** The shared strings of a workbook: each distinct text stored once, cells point at it. */
class StringTable {
  private readonly index = new Map<string, number>();
  private uses = 0;

  /** The index of the text. */
  add(text: string): number {
    this.uses++;
    const known = this.index.get(text);
    if (known !== undefined) return known;
    this.index.set(text, this.index.size);
    return this.index.size - 1;
  }

  /** The shared strings part. */
  toXml(): string {
    const items: string[] = [];
    for (const text of this.index.keys()) items.push(`<si>${textElement(text)}</si>`);
    return `${XML_HEAD}<sst xmlns="${NS_MAIN}" count="${this.uses}" uniqueCount="${this.index.size}">${items.join('')}</sst>`;
  }
}

const checkSheetNames = (sheets: readonly XlsxSheet[]): void => {
  if (sheets.length === 0) throw new RangeError('a workbook needs at least one sheet');
  const seen = new Set<string>();
  for (const { name } of sheets) {
    if (
      name.length === 0 ||
      name.length > 31 ||
      /[:\\/?*[\]]/.test(name) ||
      /^'|'$/.test(name) ||
      cellText(name) !== name
    ) {
      throw new RangeError(`"${name}" is not a sheet name Excel accepts`);
    }
    const key = name.toLowerCase();
    if (seen.has(key)) throw new RangeError(`two sheets are named "${name}"`);
    seen.add(key);
  }
};

interface SheetPart {
  xml: string;
  /** The autofilter's range, e.g. `$A$1:$Y$20001`. */
  filter?: string;
}

const sheetPart = (sheet: XlsxSheet, selected: boolean, styles: StyleTable, strings: StringTable): SheetPart => {
  const hasHeader = sheet.columns.some((c) => c.header !== undefined);
  const columnStyles = sheet.columns.map((c) => styles.cell(c));
  const letters: string[] = [];
  const letter = (c: number): string => {
    for (let i = letters.length; i <= c; i++) letters.push(columnName(i));
    return letters[c] as string;
  };

  const rows: string[] = [];
  let rowCount = 0;
  let width = sheet.columns.length;
  const addRow = (cells: readonly XlsxCell[], styleOf: (c: number) => number, keepEmpty: boolean) => {
    rowCount++;
    if (rowCount > MAX_ROWS) throw new RangeError(`sheet "${sheet.name}" has more than ${MAX_ROWS} rows`);
    if (cells.length > MAX_COLUMNS) throw new RangeError(`sheet "${sheet.name}" has more than ${MAX_COLUMNS} columns`);
    width = Math.max(width, cells.length);
    let xml = '';
    for (let c = 0; c < cells.length; c++) {
      const value = cells[c];
      const s = styleOf(c);
      const attrs = `r="${letter(c)}${rowCount}"${s ? ` s="${s}"` : ''}`;
      if (typeof value === 'number' && Number.isFinite(value)) xml += `<c ${attrs}><v>${value}</v></c>`;
      else if (typeof value === 'string') xml += `<c ${attrs} t="s"><v>${strings.add(cellText(value))}</v></c>`;
      else if (keepEmpty) xml += `<c ${attrs}/>`;
    }
    rows.push(`<row r="${rowCount}">${xml}</row>`);
  };
  if (hasHeader) {
    addRow(
      sheet.columns.map((c) => c.header),
      () => styles.header,
      true,
    );
  }
  for (const cells of sheet.rows) addRow(cells, (c) => columnStyles[c] ?? 0, false);

  const last = `${letter(Math.max(0, width - 1))}${Math.max(1, rowCount)}`;
  const pane = hasHeader
    ? '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
      '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    : '';
  const cols = sheet.columns
    .map((c, i) => {
      const w = c.width === undefined ? DEFAULT_WIDTH : Math.min(MAX_WIDTH, Math.max(0, c.width));
      const s = columnStyles[i] ?? 0;
      return `<col min="${i + 1}" max="${i + 1}" width="${w}"${c.width === undefined ? '' : ' customWidth="1"'}${s ? ` style="${s}"` : ''}/>`;
    })
    .join('');
  const filter = sheet.autoFilter && hasHeader ? `A1:${last}` : undefined;
  const xml =
    `${XML_HEAD}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_DOC_RELS}">` +
    `<dimension ref="A1:${last}"/>` +
    `<sheetViews><sheetView${selected ? ' tabSelected="1"' : ''} workbookViewId="0">${pane}</sheetView></sheetViews>` +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    (cols ? `<cols>${cols}</cols>` : '') +
    `<sheetData>${rows.join('')}</sheetData>` +
    (filter ? `<autoFilter ref="${filter}"/>` : '') +
    '</worksheet>';
  return filter ? { xml, filter: filter.replace(/([A-Z]+)(\d+)/g, '$$$1$$$2') } : { xml };
};

/** [Content_Types].xml: the type of every part, one worksheet part per sheet. */
const contentTypesXml = (sheetCount: number): string => {
  const sheets = Array.from({ length: sheetCount });
  return (
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    sheets
      .map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${TYPE_SHEET}"/>`)
      .join('') +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
    '</Types>'
  );
};

/** _rels/.rels: the package's relationships to the workbook and its properties. */
const packageRelsXml = (): string =>
  `${XML_HEAD}<Relationships xmlns="${NS_PKG_RELS}">` +
  `<Relationship Id="rId1" Type="${NS_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>` +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
  `<Relationship Id="rId3" Type="${NS_DOC_RELS}/extended-properties" Target="docProps/app.xml"/>` +
  '</Relationships>';

/** docProps/core.xml: who created the workbook and when. */
const corePropsXml = (creator: string, created: string): string =>
  `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
  'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  `<dc:creator>${creator}</dc:creator><cp:lastModifiedBy>${creator}</cp:lastModifiedBy>` +
  `<dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created>` +
  `<dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified>` +
  '</cp:coreProperties>';

/** docProps/app.xml: the application and the sheets' names. */
const appPropsXml = (creator: string, names: readonly string[]): string => {
  const n = names.length;
  return (
    `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ` +
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
    `<Application>${creator}</Application>` +
    '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>' +
    `<vt:variant><vt:i4>${n}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
    `<TitlesOfParts><vt:vector size="${n}" baseType="lpstr">${names.map((s) => `<vt:lpstr>${s}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts>` +
    '</Properties>'
  );
};

/** xl/workbook.xml: the sheets, and the hidden names Excel keeps for autofilters. */
const workbookXmlOf = (workbook: XlsxWorkbook, sheets: readonly SheetPart[], names: readonly string[]): string => {
  const definedNames = sheets
    .map((s, i) =>
      s.filter
        ? `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">` +
          `${escapeXml(`'${workbook.sheets[i]?.name.replace(/'/g, "''")}'!${s.filter}`)}</definedName>`
        : '',
    )
    .join('');
  return (
    `${XML_HEAD}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_DOC_RELS}">` +
    '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>' +
    `<sheets>${names.map((s, i) => `<sheet name="${s}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets>` +
    (definedNames ? `<definedNames>${definedNames}</definedNames>` : '') +
    '</workbook>'
  );
};

/** xl/_rels/workbook.xml.rels: the workbook's relationships to its sheets, styles and strings. */
const workbookRelsXml = (sheetCount: number): string => {
  const n = sheetCount;
  const sheets = Array.from({ length: sheetCount });
  return (
    `${XML_HEAD}<Relationships xmlns="${NS_PKG_RELS}">` +
    sheets
      .map(
        (_, i) =>
          `<Relationship Id="rId${i + 1}" Type="${NS_DOC_RELS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
      )
      .join('') +
    `<Relationship Id="rId${n + 1}" Type="${NS_DOC_RELS}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rId${n + 2}" Type="${NS_DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>` +
    '</Relationships>'
  );
};

/** The parts of the workbook's package, before zipping. */
const workbookParts = (workbook: XlsxWorkbook): ZipEntry[] => {
  checkSheetNames(workbook.sheets);
  const styles = new StyleTable();
  const strings = new StringTable();
  const sheets = workbook.sheets.map((s, i) => sheetPart(s, i === 0, styles, strings));
  const n = workbook.sheets.length;
  const names = workbook.sheets.map((s) => escapeXml(s.name));
  const creator = escapeXml(cellText(workbook.creator));
  const created = w3cdtf(workbook.created);
  const contentTypes = contentTypesXml(n);
  const packageRels = packageRelsXml();
  const core = corePropsXml(creator, created);
  const app = appPropsXml(creator, names);
  const workbookXml = workbookXmlOf(workbook, sheets, names);
  const workbookRels = workbookRelsXml(n);

  return [
    { path: '[Content_Types].xml', data: contentTypes },
    { path: '_rels/.rels', data: packageRels },
    { path: 'docProps/core.xml', data: core },
    { path: 'docProps/app.xml', data: app },
    { path: 'xl/workbook.xml', data: workbookXml },
    { path: 'xl/_rels/workbook.xml.rels', data: workbookRels },
    { path: 'xl/styles.xml', data: styles.toXml() },
    { path: 'xl/sharedStrings.xml', data: strings.toXml() },
    ...sheets.map((s, i) => ({ path: `xl/worksheets/sheet${i + 1}.xml`, data: s.xml })),
  ];
};

/**
 * The workbook as .xlsx bytes (Office Open XML, deflated): the same workbook gives the same bytes,
 * every file in the archive stamped with its creation time.
 */
export const writeXlsx = (workbook: XlsxWorkbook): Uint8Array => zipFiles(workbookParts(workbook), workbook.created);
