import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCampaignFolder } from '../../../cli/roster/campaign-folder.ts';
import {
  CENTER_COLUMNS,
  isPhoneNumber,
  matchHeader,
  parseLevel,
  SUPERVISOR_COLUMNS,
} from '../../../cli/roster/columns.ts';
import type { Problem } from '../../../cli/roster/problems.ts';
import { readCenters, readSupervisors } from '../../../cli/roster/rosters.ts';
import { decodeText, parseCsv, readSheets } from '../../../cli/roster/table.ts';
import { rosterCsv, writeCampaignFolder } from '../../../cli/roster/templates.ts';
import { sampleCampaign } from '../../../cli/sample.ts';
import { normalizeTime } from '../../../cli/time.ts';

const FIXTURES = new URL('../../fixtures/rosters/', import.meta.url).pathname;
const OFFICE = join(FIXTURES, 'office');
const NOW = new Date('2026-12-01T02:00:00Z');
const dirs: string[] = [];

const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'roster-'));
  dirs.push(dir);
  return dir;
};

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const find = (problems: readonly Problem[], where: Partial<Problem>, message: RegExp) =>
  problems.find(
    (p) =>
      Object.entries(where).every(([k, v]) => p[k as keyof Problem] === v) &&
      message.test(`${p.message} ${p.hint ?? ''}`),
  );

describe('reading a campaign folder', () => {
  it('reports every problem of every file at once, each with its file, row and column', async () => {
    // Prepare
    const dir = join(FIXTURES, 'many-errors');

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    const p = folder.problems;
    expect(folder.definition).toBeUndefined();
    expect(find(p, { file: 'centers.csv', row: 3, column: 'F' }, /official has no email/)).toBeDefined();
    expect(find(p, { file: 'centers.csv', row: 4, column: 'C' }, /unknown level "省级".*区级 district/)).toBeDefined();
    expect(find(p, { file: 'centers.csv', row: 5, column: 'A' }, /duplicate id "C-1": row 2/)).toBeDefined();
    expect(find(p, { file: 'centers.csv', row: 6, column: 'E' }, /no responsible official/)).toBeDefined();
    expect(find(p, { file: 'centers.csv', row: 7, column: 'F' }, /not a valid email/)).toBeDefined();
    expect(find(p, { file: 'centers.csv', row: 7, column: 'G' }, /not a phone number/)).toBeDefined();
    expect(find(p, { file: 'centers.csv', row: 8, column: 'A' }, /contains Chinese characters/)).toBeDefined();
    expect(find(p, { file: 'supervisors.csv', row: 3, column: 'C' }, /missing email/)).toBeDefined();
    expect(find(p, { file: 'supervisors.csv', row: 4, column: 'C' }, /full-width/)).toBeDefined();
    expect(find(p, { file: 'supervisors.csv', row: 4, column: 'D' }, /not a phone number/)).toBeDefined();
    expect(find(p, { file: 'supervisors.csv', row: 5, column: 'A' }, /duplicate id "S01"/)).toBeDefined();
    expect(find(p, { file: 'supervisors.csv', row: 6, column: 'F' }, /S05 has no eligible center/)).toBeDefined();
    expect(find(p, { file: 'supervisors.csv', row: 7, column: 'E' }, /missing sector/)).toBeDefined();
    expect(find(p, { file: 'questionnaire.json', row: 4 }, /weights of scored questions sum to 0/)).toBeDefined();
    expect(find(p, { file: 'campaign.yaml', row: 6, field: 'month' }, /month must look like/)).toBeDefined();
    expect(
      find(p, { file: 'campaign.yaml', row: 11, field: 'schedule.deadline' }, /after the opening time/),
    ).toBeDefined();
    expect(find(p, { file: 'campaign.yaml', row: 13, field: 'organizers[0]' }, /not a valid email/)).toBeDefined();
    expect(find(p, { file: 'campaign.yaml', field: 'title.en' }, /missing en/)).toBeDefined();
    expect(find(p, { file: 'campaign.yaml', row: 15, severity: 'warning' }, /unknown key "deadlin"/)).toBeDefined();
    expect(p.filter((x) => x.severity === 'error')).toHaveLength(19);
  });

  it('reads back exactly the campaign that init writes, as xlsx and as csv', async () => {
    // Prepare
    const definition = sampleCampaign(NOW, 'round-trip');
    const asXlsx = await tempDir();
    const asCsv = await tempDir();
    await writeCampaignFolder(asXlsx, definition, 'xlsx');
    await writeCampaignFolder(asCsv, definition, 'csv');

    // Act
    const [xlsx, csv] = await Promise.all([loadCampaignFolder(asXlsx, NOW), loadCampaignFolder(asCsv, NOW)]);

    // Assess
    expect(xlsx.problems).toEqual([]);
    expect(xlsx.definition).toEqual(definition);
    expect(csv.problems).toEqual([]);
    expect(csv.definition).toEqual(definition);
    expect(csv.encodings).toEqual({ 'centers.csv': 'utf-8 with BOM', 'supervisors.csv': 'utf-8 with BOM' });
    expect(xlsx.summary).toMatchObject({ supervisors: 40, assignments: definition.centers.length * 3 });
  });

  it('keeps the review and fact-check windows of a campaign it writes', async () => {
    // Prepare
    const sample = sampleCampaign(NOW, 'windows');
    const definition = {
      ...sample,
      campaign: { ...sample.campaign, review: { workingDays: 1 }, factCheck: { workingDays: 3 } },
    };
    const dir = await tempDir();
    await writeCampaignFolder(dir, definition, 'csv');

    // Act
    const read = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(read.problems).toEqual([]);
    expect(read.definition?.campaign).toMatchObject({ review: { workingDays: 1 }, factCheck: { workingDays: 3 } });
  });

  it('writes the default windows and the sign-off into the campaign.yaml of init, where an organizer sees them', async () => {
    // Prepare
    const dir = await tempDir();
    await writeCampaignFolder(dir, sampleCampaign(NOW, 'defaults'), 'csv');

    // Act
    const yaml = await readFile(join(dir, 'campaign.yaml'), 'utf8');
    const read = await loadCampaignFolder(dir, NOW);

    // Assess: stated in the file, not left to defaults the organizer cannot see
    expect(yaml).toMatch(/^review: .*\n {2}workingDays: 3$/m);
    expect(yaml).toMatch(/^factCheck: .*\n {2}workingDays: 5$/m);
    expect(yaml).toMatch(/^autoPublish: false {2}# false: scores wait as a draft \(待签发\)/m);
    expect(read.problems).toEqual([]);
    expect(read.definition?.campaign).toMatchObject({
      review: { workingDays: 3 },
      factCheck: { workingDays: 5 },
      autoPublish: false,
    });
  });

  it('reads CSV rosters saved by Chinese Excel in GB18030, without BOM', async () => {
    // Prepare
    const definition = sampleCampaign(NOW, 'gb-roster');
    const dir = await tempDir();
    await writeCampaignFolder(dir, definition, 'csv');
    for (const name of ['centers.csv', 'supervisors.csv']) {
      const text = (await readFile(join(dir, name), 'utf8')).replace(/^\ufeff/, '');
      await writeFile(join(dir, name), iconv.encode(text, 'gb18030'));
    }

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(folder.problems).toEqual([]);
    expect(folder.encodings['centers.csv']).toBe('gb18030');
    expect(folder.definition?.centers.find((c) => c.id === 'C-XW')?.name.zh).toBe('玄武区政务服务中心');
    expect(folder.definition?.supervisors.find((s) => s.id === 'S01')?.name).toBe('王建国');
  });

  it("refuses a home district written unlike the city's districts, and names the spelling to use", async () => {
    // Prepare
    const definition = sampleCampaign(NOW, 'district-typo');
    const dir = await tempDir();
    await writeCampaignFolder(
      dir,
      {
        ...definition,
        supervisors: definition.supervisors.map((s, i) => (i === 0 ? { ...s, homeDistrict: '玄武' } : s)),
      },
      'csv',
    );

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(folder.definition).toBeUndefined();
    expect(folder.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: 'supervisors.csv',
        row: 2,
        column: 'F',
        hint: expect.stringContaining('did you mean "玄武区"?'),
      }),
    ]);
  });

  it('refuses a deadline that has passed and points at it', async () => {
    // Prepare
    const dir = await tempDir();
    await writeCampaignFolder(dir, sampleCampaign(NOW, 'late'), 'csv');

    // Act
    const folder = await loadCampaignFolder(dir, new Date(NOW.getTime() + 60 * 86_400_000));

    // Assess
    expect(folder.definition).toBeUndefined();
    expect(folder.problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: 'campaign.yaml',
        row: 13,
        field: 'schedule.deadline',
        message: expect.stringMatching(/already passed/),
      }),
    );
  });

  it('reports a JSON syntax error in the questionnaire at its line and column', async () => {
    // Prepare
    const dir = await tempDir();
    await writeCampaignFolder(dir, sampleCampaign(NOW, 'bad-json'), 'csv', 'json');
    await writeFile(join(dir, 'questionnaire.json'), '{\n  "id": "q",\n  "title" {}\n}\n');

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(folder.problems).toEqual([
      expect.objectContaining({
        file: 'questionnaire.json',
        row: 3,
        column: '11',
        message: expect.stringMatching(/not valid JSON/),
      }),
    ]);
  });

  it('names the missing files and refuses two rosters of the same kind', async () => {
    // Prepare
    const dir = await tempDir();
    await writeCampaignFolder(dir, sampleCampaign(NOW, 'two-rosters'), 'csv');
    await writeCampaignFolder(join(dir, 'x'), sampleCampaign(NOW, 'two-rosters'), 'xlsx');
    await writeFile(join(dir, 'centers.xlsx'), await readFile(join(dir, 'x', 'centers.xlsx')));
    await rm(join(dir, 'questionnaire.xlsx'));

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(folder.problems.map((p) => `${p.file}: ${p.message}`)).toEqual([
      'centers.xlsx: centers.xlsx and centers.csv are both present (the centers roster (服务中心名单))',
      'questionnaire.xlsx: missing the questionnaire (问卷)',
    ]);
  });
});

describe('reading roster sheets', () => {
  it('reads an XLSX written by exceljs: English headers, hyperlinked emails, numeric phones, rich text', async () => {
    // Prepare
    const dir = await tempDir();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Centers');
    sheet.addRow(['ID', 'Name', 'Level', 'District', 'Official', 'Email', 'Phone']);
    sheet.addRow([
      'C1',
      { richText: [{ text: '玄武区' }, { text: '政务服务中心' }] },
      'district',
      '玄武区',
      ' 沈国华 ',
      { text: 'Shen@Example.gov.cn', hyperlink: 'mailto:Shen@Example.gov.cn' },
      2583612345,
    ]);
    sheet.addRow([]);
    sheet.addRow(['C2', '新街口街道便民服务中心', 'Street', '玄武区', '唐海蓉', 'tang@example.gov.cn', 13812345678]);
    await workbook.xlsx.writeFile(join(dir, 'centers.xlsx'));

    // Act
    const { centers, problems } = readCenters(await readSheets(join(dir, 'centers.xlsx')), 'centers.xlsx');

    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        row: 2,
        column: 'G',
        message: expect.stringContaining('"2583612345" looks like a landline that lost its leading 0 (02583612345)'),
        hint: expect.stringContaining('025-83612345'),
      }),
    ]);
    expect(centers).toEqual([
      {
        row: 4,
        value: {
          id: 'C2',
          name: { zh: '新街口街道便民服务中心', en: '新街口街道便民服务中心' },
          level: 'street',
          district: '玄武区',
          official: { name: '唐海蓉', email: 'tang@example.gov.cn' },
        },
      },
    ]);
  });

  it('keeps a row with a hyperlinked email and trims names', async () => {
    // Prepare
    const dir = await tempDir();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('服务中心');
    sheet.addRow(['编号', '名称', '级别', '所在区', '负责同志', '邮箱']);
    sheet.addRow([
      'C1',
      '　玄武区政务服务中心 ',
      '区级',
      '玄武区',
      ' 沈国华 ',
      { text: 'Shen@Example.gov.cn', hyperlink: 'mailto:Shen@Example.gov.cn' },
    ]);
    await workbook.xlsx.writeFile(join(dir, 'centers.xlsx'));

    // Act
    const { centers, problems } = readCenters(await readSheets(join(dir, 'centers.xlsx')), 'centers.xlsx');

    // Assess
    expect(problems).toEqual([]);
    expect(centers[0]?.value).toMatchObject({
      name: { zh: '玄武区政务服务中心' },
      level: 'district',
      official: { name: '沈国华', email: 'shen@example.gov.cn' },
    });
  });

  it('parses quoted CSV fields holding commas, quotes and line breaks, numbering rows as a spreadsheet does', () => {
    // Act
    const rows = parseCsv('id,name\r\nC1,"玄武区, ""新"" 中心"\r\n\r\nC2,"two\nlines"\r\n');

    // Assess
    expect(rows).toEqual([
      { row: 1, cells: ['id', 'name'] },
      { row: 2, cells: ['C1', '玄武区, "新" 中心'] },
      { row: 4, cells: ['C2', 'two\nlines'] },
    ]);
  });

  it('reads semicolon- and tab-separated files', () => {
    // Assess
    expect(parseCsv('id;name\nC1;A')[1]?.cells).toEqual(['C1', 'A']);
    expect(parseCsv('id\tname\nC1\tA')[1]?.cells).toEqual(['C1', 'A']);
  });

  it('detects UTF-8 with and without BOM, UTF-16 and GB18030', () => {
    // Prepare
    const text = '编号,名称\nC1,玄武区政务服务中心\n';

    // Act
    const decoded = [
      decodeText(Buffer.from(text, 'utf8')),
      decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])),
      decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')])),
      decodeText(iconv.encode(text, 'gb18030')),
    ];

    // Assess
    expect(decoded.map((d) => d.encoding)).toEqual(['utf-8', 'utf-8 with BOM', 'utf-16le', 'gb18030']);
    for (const d of decoded) expect(d.text).toBe(text);
  });

  it('writes CSV that its own reader reads back', () => {
    // Act
    const csv = rosterCsv(SUPERVISOR_COLUMNS, [
      { id: 'S1', name: '张, "三"', email: 'a@b.cn', phone: '', sector: '律师', home_district: '鼓楼区' },
    ]);

    // Assess
    expect(parseCsv(decodeText(Buffer.from(csv, 'utf8')).text)[1]?.cells).toEqual([
      'S1',
      '张, "三"',
      'a@b.cn',
      '',
      '律师',
      '鼓楼区',
      '',
    ]);
  });
});

describe('the language column', () => {
  const supervisorRows = (language: string | undefined) => [
    {
      row: 1,
      cells: [
        '编号 id',
        '姓名 name',
        '邮箱 email',
        '界别 sector',
        '所在区 home_district',
        ...(language === undefined ? [] : ['语言 language']),
      ],
    },
    {
      row: 2,
      cells: ['S1', '王建国', 'wang@example.com', '律师', '鼓楼区', ...(language === undefined ? [] : [language])],
    },
  ];
  const centerRows = (language: string) => [
    {
      row: 1,
      cells: [
        '编号 id',
        '名称 name_zh',
        '级别 level',
        '所在区 district',
        '负责同志 official_name',
        '负责同志邮箱 official_email',
        '负责同志语言 official_language',
      ],
    },
    { row: 2, cells: ['C-XW', '玄武区政务服务中心', '区级', '玄武区', '沈国华', 'c-xw@example.gov.cn', language] },
  ];

  it("reads each supervisor's and official's language, in codes or names", () => {
    // Act
    const english = readSupervisors([{ name: 'csv', rows: supervisorRows('en') }], 'supervisors.csv');
    const chinese = readSupervisors([{ name: 'csv', rows: supervisorRows('中文') }], 'supervisors.csv');
    const official = readCenters([{ name: 'csv', rows: centerRows('English') }], 'centers.csv');

    // Assess
    expect(english.problems).toEqual([]);
    expect(english.supervisors[0]?.value.language).toBe('en');
    expect(chinese.supervisors[0]?.value.language).toBe('zh');
    expect(official.problems).toEqual([]);
    expect(official.centers[0]?.value.official.language).toBe('en');
  });

  it('leaves the language unset, which is Chinese, when the cell is empty or the column absent', () => {
    // Act
    const empty = readSupervisors([{ name: 'csv', rows: supervisorRows('') }], 'supervisors.csv');
    const absent = readSupervisors([{ name: 'csv', rows: supervisorRows(undefined) }], 'supervisors.csv');
    const official = readCenters([{ name: 'csv', rows: centerRows('') }], 'centers.csv');

    // Assess
    expect(empty.problems).toEqual([]);
    expect(empty.supervisors[0]?.value).not.toHaveProperty('language');
    expect(absent.supervisors[0]?.value).not.toHaveProperty('language');
    expect(official.centers[0]?.value.official).not.toHaveProperty('language');
  });

  it('refuses a language other than zh or en at its cell, saying what to write', () => {
    // Act
    const supervisors = readSupervisors([{ name: 'csv', rows: supervisorRows('fr') }], 'supervisors.csv');
    const centers = readCenters([{ name: 'csv', rows: centerRows('English please') }], 'centers.csv');

    // Assess
    expect(supervisors.supervisors).toEqual([]);
    expect(supervisors.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        row: 2,
        column: 'F',
        field: '语言 language',
        message: 'language must be zh or en (got "fr")',
        hint: expect.stringContaining('write zh for emails in Chinese'),
      }),
    ]);
    expect(centers.centers).toEqual([]);
    expect(centers.problems).toEqual([
      expect.objectContaining({
        row: 2,
        column: 'G',
        field: '负责同志语言 official_language',
        message: 'language must be zh or en (got "English please")',
      }),
    ]);
  });

  it('is a column of the templates init writes, with a bilingual header', async () => {
    // Prepare
    const dir = await tempDir();
    const definition = sampleCampaign(NOW, 'languages');
    const [first, ...others] = definition.supervisors;
    if (!first) throw new Error('sample changed');

    // Act
    await writeCampaignFolder(dir, { ...definition, supervisors: [{ ...first, language: 'en' }, ...others] }, 'csv');
    const supervisorsCsv = await readFile(join(dir, 'supervisors.csv'), 'utf8');
    const centersCsv = await readFile(join(dir, 'centers.csv'), 'utf8');
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(supervisorsCsv.split('\r\n')[0]).toContain('语言 language');
    expect(centersCsv.split('\r\n')[0]).toContain('负责同志语言 official_language');
    expect(folder.definition?.supervisors[0]?.language).toBe('en');
    expect(folder.definition?.supervisors[1]).not.toHaveProperty('language');
  });
});

describe('rosters as offices keep them', () => {
  it('skips a merged title and a note above the header of a workbook saved by LibreOffice, naming them', async () => {
    // Prepare
    const sheets = await readSheets(join(OFFICE, 'supervisors-libreoffice.xlsx'));

    // Act
    const { supervisors, problems } = readSupervisors(sheets, 'supervisors.xlsx');

    // Assess
    expect(problems.filter((p) => p.severity === 'warning')).toEqual([
      expect.objectContaining({ row: 1, message: expect.stringContaining('2026年南京市政务服务监督员名单') }),
      expect.objectContaining({ row: 2, message: expect.stringContaining('is above the header row 3') }),
    ]);
    expect(supervisors.map((s) => [s.row, s.value.id])).toEqual([
      [4, 'S01'],
      [7, 'S04'],
    ]);
  });

  it('names a full-width id as full-width and suggests its half-width form', async () => {
    // Prepare
    const sheets = await readSheets(join(OFFICE, 'supervisors-libreoffice.xlsx'));

    // Act
    const { problems } = readSupervisors(sheets, 'supervisors.xlsx');

    // Assess
    expect(
      find(problems, { row: 5, column: 'A', severity: 'error' }, /"Ｓ０２" is written in full-width.*: S02$/),
    ).toBeDefined();
    expect(problems.some((p) => /Chinese characters/.test(p.message))).toBe(false);
  });

  it('explains a landline that lost its leading zero in a number cell', async () => {
    // Prepare
    const sheets = await readSheets(join(OFFICE, 'supervisors-libreoffice.xlsx'));

    // Act
    const { problems } = readSupervisors(sheets, 'supervisors.xlsx');

    // Assess
    expect(
      find(problems, { row: 6, column: 'D', severity: 'error' }, /lost its leading 0.*025-84123456.*文本/),
    ).toBeDefined();
  });

  it('reads a GB18030 CSV with a title row above the header', async () => {
    // Prepare
    const sheets = await readSheets(join(OFFICE, 'centers-gb18030.csv'));

    // Act
    const { centers, problems } = readCenters(sheets, 'centers.csv');

    // Assess
    expect(sheets[0]?.encoding).toBe('gb18030');
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        row: 1,
        message: expect.stringContaining('2026年南京市政务服务中心名单'),
      }),
      expect.objectContaining({
        severity: 'error',
        row: 4,
        column: 'H',
        message: expect.stringContaining('leading 0'),
      }),
    ]);
    expect(centers.map((c) => c.value.name.zh)).toEqual([
      '玄武区政务服务中心',
      '秦淮区政务服务中心',
      '建邺区政务服务中心',
    ]);
  });

  it('reports both office rosters in one folder at once, at the rows and columns of their own sheets', async () => {
    // Prepare
    const dir = await tempDir();
    await writeCampaignFolder(dir, sampleCampaign(NOW, 'office-rosters'), 'csv');
    await writeFile(join(dir, 'centers.csv'), await readFile(join(OFFICE, 'centers-gb18030.csv')));
    await rm(join(dir, 'supervisors.csv'));
    await writeFile(join(dir, 'supervisors.xlsx'), await readFile(join(OFFICE, 'supervisors-libreoffice.xlsx')));

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(folder.problems.filter((p) => p.severity === 'error').map((p) => `${p.file} ${p.row}${p.column}`)).toEqual([
      'centers.csv 4H',
      'supervisors.xlsx 5A',
      'supervisors.xlsx 6D',
    ]);
    expect(folder.encodings['centers.csv']).toBe('gb18030');
  });

  it('says what the first row reads when no header is found among the first rows', () => {
    // Prepare
    const rows = Array.from({ length: 12 }, (_, i) => ({ row: i + 1, cells: [`说明 ${i + 1}`] }));
    rows.push({ row: 13, cells: ['编号', '名称', '级别'] });

    // Act
    const { problems } = readCenters([{ name: 'csv', rows }], 'centers.csv');

    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        row: 1,
        message: 'no header row naming the columns was found in the first 10 rows (row 1 reads "说明 1")',
      }),
    ]);
  });
});

describe('column and value names', () => {
  it('matches Chinese, English and bilingual headers', () => {
    // Assess
    expect(matchHeader('编号', CENTER_COLUMNS)).toBe('id');
    expect(matchHeader('编号 id', CENTER_COLUMNS)).toBe('id');
    expect(matchHeader('负责同志邮箱 official_email', CENTER_COLUMNS)).toBe('official_email');
    expect(matchHeader('Official Email', CENTER_COLUMNS)).toBe('official_email');
    expect(matchHeader('英文名称(name_en)', CENTER_COLUMNS)).toBe('name_en');
    expect(matchHeader('*级别', CENTER_COLUMNS)).toBe('level');
    expect(matchHeader('所在区 home_district', SUPERVISOR_COLUMNS)).toBe('home_district');
    expect(matchHeader('备注', CENTER_COLUMNS)).toBeUndefined();
  });

  it('reads levels written in Chinese or English', () => {
    // Assess
    expect(['市级', 'Municipal', '区级', '街道/镇', '镇', '社区', 'ＣＯＭＭＵＮＩＴＹ'].map(parseLevel)).toEqual([
      'municipal',
      'municipal',
      'district',
      'street',
      'street',
      'community',
      'community',
    ]);
    expect(parseLevel('省级')).toBeUndefined();
  });

  it('accepts mobiles and landlines with area code, nothing shorter', () => {
    // Assess
    expect(['13812345678', '+86 138 1234 5678', '025-83612345', '(025) 8361 2345'].every(isPhoneNumber)).toBe(true);
    expect(['12345', '138123', '23812345678', 'tel'].some(isPhoneNumber)).toBe(false);
  });

  it('reads times without a zone as Beijing time', () => {
    // Assess
    expect(normalizeTime('2026-12-31 18:00')).toBe('2026-12-31T18:00:00+08:00');
    expect(normalizeTime('2026-12-31T18:00Z')).toBe('2026-12-31T18:00:00Z');
    expect(normalizeTime('2026-12-31T18:00:00+0800')).toBe('2026-12-31T18:00:00+08:00');
    expect(normalizeTime('2026-12-31')).toBeUndefined();
    expect(normalizeTime('2026-02-31 18:00')).toBeUndefined();
  });
});

describe('questionnaires from SurveyJS', () => {
  const SURVEYJS = new URL('../../fixtures/surveyjs/', import.meta.url).pathname;

  it('validates a folder whose questionnaire.json is a SurveyJS file, and says which format it read', async () => {
    // Prepare
    const dir = await tempDir();
    await writeCampaignFolder(dir, sampleCampaign(NOW, 'surveyjs-folder'), 'csv', 'json');
    await writeFile(join(dir, 'questionnaire.json'), await readFile(join(SURVEYJS, 'hall-visit.json')));

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(folder.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(folder.questionnaireFormat).toBe('surveyjs');
    expect(folder.definition?.questionnaire.id).toBe('questionnaire');
    expect(folder.problems).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        file: 'questionnaire.json',
        row: 66,
        field: 'pages[1].elements[2]',
        message: expect.stringContaining('a checkbox becomes 4 yes/no questions'),
      }),
    );
  });

  it('reports every problem of a SurveyJS file at once, at its line, naming the feature', async () => {
    // Prepare
    const dir = await tempDir();
    await writeCampaignFolder(dir, sampleCampaign(NOW, 'surveyjs-refused'), 'csv', 'json');
    await writeFile(join(dir, 'questionnaire.json'), await readFile(join(SURVEYJS, 'refused.json')));

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    const errors = folder.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => [p.row, p.message.replace(/^SurveyJS .*?: /, '')])).toEqual([
      [4, '"triggers" is not supported'],
      [10, expect.stringContaining('visibleIf "age({birth}) >= 18" is not supported')],
      [11, '"matrixdynamic" elements are not supported'],
      [12, '"file" elements are not supported'],
      [13, '"enableIf" is not supported'],
      [14, expect.stringContaining('{nowhere}, which is not an earlier question')],
      [1, expect.stringContaining('nothing is scored')],
    ]);
    expect(errors.some((p) => /missing sections/.test(p.message))).toBe(false);
  });
});

describe('questions scoped to centers', () => {
  it('refuses a re-check question scoped to a center that is not in the roster', async () => {
    // Prepare
    const definition = sampleCampaign(NOW, 'scoped');
    const dir = await tempDir();
    const [first, ...rest] = definition.questionnaire.sections;
    const questionnaire = {
      ...definition.questionnaire,
      sections: [
        {
          ...first,
          questions: [
            ...(first?.questions ?? []),
            { ...first?.questions[0], id: 'q-recheck', centers: ['C-XW', 'C-NOPE'] },
          ],
        },
        ...rest,
      ],
    };
    await writeCampaignFolder(dir, { ...definition, questionnaire } as typeof definition, 'csv', 'json');

    // Act
    const folder = await loadCampaignFolder(dir, NOW);

    // Assess
    expect(folder.problems).toEqual([
      expect.objectContaining({
        file: 'questionnaire.json',
        field: `sections[0].questions[${first?.questions.length}].centers[1]`,
        message: 'question "q-recheck" is scoped to center "C-NOPE", which is not in centers.csv',
      }),
    ]);
  });
});
