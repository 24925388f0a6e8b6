import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  columnName,
  writeXlsx,
  type XlsxSheet,
  type XlsxWorkbook,
} from '../../../functions/core/formats/xlsx-writer.ts';

const CREATED = new Date('2026-12-16T02:00:00.000Z');

const workbookOf = (...sheets: XlsxSheet[]): XlsxWorkbook => ({
  creator: 'service-supervision',
  created: CREATED,
  sheets,
});

const read = async (bytes: Uint8Array): Promise<ExcelJS.Workbook> => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  return workbook;
};

const levelSheet: XlsxSheet = {
  name: '区级 District',
  columns: [
    { header: '名称 name', width: 30 },
    { header: '排名 rank', width: 9, format: '0' },
    { header: '得分 score', width: 10, format: '0.0' },
    { header: '较上期 change', width: 10, format: '+0.0;-0.0;0.0' },
    { header: '一致性α alpha', width: 10, format: '0.00' },
  ],
  rows: [
    ['玄武区政务服务中心', 1, 88.94, 1.25, 0.71],
    [`<b>&"quoted" 'single'</b>`, 2, null, -3.5, undefined],
    ['  spaces kept  ', 3, 0, 0, Number.NaN],
  ],
  autoFilter: true,
};

const aboutSheet: XlsxSheet = {
  name: '说明 About',
  columns: [{ width: 24, bold: true }, { width: 90 }],
  rows: [
    ['活动 campaign', '政务服务主题督查月 / Service supervision month'],
    ['月份 month', '2026-12'],
  ],
};

describe('the XLSX writer', () => {
  it('writes sheets whose names, text, numbers and empty cells read back as given', async () => {
    // Act
    const workbook = await read(writeXlsx(workbookOf(levelSheet, aboutSheet)));
    // Assess
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['区级 District', '说明 About']);
    const sheet = workbook.getWorksheet('区级 District');
    const rows = [1, 2, 3, 4].map((r) => ((sheet?.getRow(r).values ?? []) as unknown[]).slice(1));
    expect(rows).toEqual([
      ['名称 name', '排名 rank', '得分 score', '较上期 change', '一致性α alpha'],
      ['玄武区政务服务中心', 1, 88.94, 1.25, 0.71],
      [`<b>&"quoted" 'single'</b>`, 2, undefined, -3.5],
      ['  spaces kept  ', 3, 0, 0],
    ]);
    expect(sheet?.getCell('C3').value).toBeNull();
    expect(sheet?.getCell('E4').value).toBeNull();
    expect(workbook.creator).toBe('service-supervision');
    expect(workbook.created).toEqual(CREATED);
  });

  it('gives every column its width and its number format', async () => {
    // Act
    const sheet = (await read(writeXlsx(workbookOf(levelSheet)))).getWorksheet('区级 District');
    // Assess
    expect([1, 2, 3, 4, 5].map((c) => sheet?.getColumn(c).width)).toEqual([30, 9, 10, 10, 10]);
    expect(['A2', 'B2', 'C2', 'D2', 'E2'].map((ref) => sheet?.getCell(ref).numFmt)).toEqual([
      undefined,
      '0',
      '0.0',
      '+0.0;-0.0;0.0',
      '0.00',
    ]);
    expect(sheet?.getCell('D3').numFmt).toBe('+0.0;-0.0;0.0');
  });

  it('makes the header row bold on light grey, wrapped, frozen and filterable', async () => {
    // Act
    const sheet = (await read(writeXlsx(workbookOf(levelSheet)))).getWorksheet('区级 District');
    // Assess
    const header = sheet?.getCell('B1');
    expect(header?.font?.bold).toBe(true);
    expect(header?.fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFECEFF1' } });
    expect(header?.alignment).toMatchObject({ wrapText: true, vertical: 'middle' });
    expect(sheet?.getCell('B2').font?.bold).toBeFalsy();
    expect(sheet?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect(sheet?.autoFilter).toBe('A1:E4');
  });

  it('bolds a column of a sheet without a header and freezes nothing there', async () => {
    // Act
    const sheet = (await read(writeXlsx(workbookOf(aboutSheet)))).getWorksheet('说明 About');
    // Assess
    expect(sheet?.getCell('A1').value).toBe('活动 campaign');
    expect(sheet?.getCell('A2').font?.bold).toBe(true);
    expect(sheet?.getCell('B2').font?.bold).toBeFalsy();
    expect(sheet?.views[0]?.state).not.toBe('frozen');
    expect(sheet?.autoFilter).toBeUndefined();
  });

  it('drops characters XML forbids, keeps literal _xHHHH_ text and cuts text at 32,767 characters', async () => {
    // Prepare
    const sheet: XlsxSheet = {
      name: 'Text',
      columns: [{ header: 'text' }],
      rows: [
        ['bell\u0007 nul\u0000 tab\tnewline\n'],
        ['Excel escape _x0041_ stays'],
        ['长'.repeat(40_000)],
        ['😀'.repeat(20_000)],
      ],
    };
    // Act
    const text = (await read(writeXlsx(workbookOf(sheet)))).getWorksheet('Text');
    // Assess
    expect(text?.getCell('A2').value).toBe('bell nul tab\tnewline\n');
    expect(text?.getCell('A3').value).toBe('Excel escape _x0041_ stays');
    expect(text?.getCell('A4').value).toBe('长'.repeat(32_767));
    // 16,383 emoji are 32,766 UTF-16 units: the next one would be cut in half
    expect(text?.getCell('A5').value).toBe('😀'.repeat(16_383));
  });

  it('names columns past Z as Excel does', async () => {
    // Prepare
    const wide: XlsxSheet = { name: 'Wide', columns: [], rows: [Array.from({ length: 30 }, (_, i) => i + 1)] };
    // Act
    const sheet = (await read(writeXlsx(workbookOf(wide)))).getWorksheet('Wide');
    // Assess
    expect([0, 25, 26, 51, 701, 702, 16_383].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'ZZ', 'AAA', 'XFD']);
    expect(sheet?.getCell('Z1').value).toBe(26);
    expect(sheet?.getCell('AD1').value).toBe(30);
    expect(() => columnName(16_384)).toThrow(RangeError);
  });

  it('writes the same bytes for the same workbook', () => {
    // Act
    const first = writeXlsx(workbookOf(levelSheet, aboutSheet));
    const second = writeXlsx(workbookOf(levelSheet, aboutSheet));
    // Assess
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it('refuses sheet names Excel would not open', () => {
    // Act / Assess
    expect(() => writeXlsx(workbookOf({ ...aboutSheet, name: 'a/b' }))).toThrow(/not a sheet name/);
    expect(() => writeXlsx(workbookOf({ ...aboutSheet, name: 'x'.repeat(32) }))).toThrow(/not a sheet name/);
    expect(() => writeXlsx(workbookOf({ ...aboutSheet, name: '' }))).toThrow(/not a sheet name/);
    expect(() => writeXlsx(workbookOf(aboutSheet, { ...aboutSheet, name: '说明 ABOUT' }))).toThrow(/two sheets/);
    expect(() => writeXlsx(workbookOf())).toThrow(/at least one sheet/);
  });

  it('builds a province-sized sheet of 20,000 rows that reads back whole and stays compact', async () => {
    // Prepare
    const columns = levelSheet.columns;
    const rows = Array.from({ length: 20_000 }, (_, i) => [
      `第${i + 1}号便民服务中心 Service center ${i + 1}`,
      i + 1,
      Math.round((60 + (i % 400) / 10) * 10) / 10,
      i % 2 ? 1.5 : -1.5,
      null,
    ]);
    // Act
    const bytes = writeXlsx(workbookOf({ ...levelSheet, columns, rows }));
    const sheet = (await read(bytes)).getWorksheet('区级 District');
    // Assess
    expect(sheet?.rowCount).toBe(20_001);
    expect(((sheet?.getRow(20_001).values ?? []) as unknown[]).slice(1)).toEqual([
      '第20000号便民服务中心 Service center 20000',
      20_000,
      99.9,
      1.5,
    ]);
    expect(sheet?.autoFilter).toBe('A1:E20001');
    expect(bytes.byteLength).toBeLessThan(1024 * 1024);
  });
});
