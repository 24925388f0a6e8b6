import type { FormSheet } from '../../functions/core/formats/xlsform/table.ts';
import { writeXlsForm } from '../../functions/core/formats/xlsform/write.ts';
import type { Questionnaire } from '../../functions/core/model.ts';
import { readSheets } from './table.ts';

/** Reads the sheets of an XLSForm workbook (.xlsx) as rows of text. */
export const readFormWorkbook = async (path: string): Promise<FormSheet[]> => readSheets(path);

const WIDTHS: Record<string, number> = {
  type: 22,
  name: 22,
  'label::zh': 40,
  'label::en': 44,
  'hint::zh': 24,
  'hint::en': 24,
  relevant: 30,
  constraint: 26,
  parameters: 22,
};

/** What each column is for, in the notes sheet of the workbook. */
const NOTES: [string, string][] = [
  [
    'type',
    'select_one <list> · select_multiple <list> · range (parameters start=1 end=5 step=1 = 1–5 rating) · integer · decimal · text · begin group / end group · note',
  ],
  ['name', '题目编号 question id: letters, digits, - or _ (conditions refer to it as ${name})'],
  ['label::zh / label::en', '题目 question text in Chinese and English'],
  ['hint::zh / hint::en', '说明 a note shown under the question (optional)'],
  ['required', 'yes = 必答 required (only when shown, if it has a condition)'],
  [
    'relevant',
    "条件 ask only when an earlier answer says so: ${q-queue} = 'long', selected(${q}, 'a'), ${q-wait} > 30, ${q} != '', and / or",
  ],
  ['constraint', '. >= 0 and . <= 480 (numbers) · string-length(.) <= 500 (text)'],
  [
    'dimension',
    '维度 standardization 标准化 · regulation 规范化 · facilitation 便利化 · hotline 热线 (on a question or its group)',
  ],
  ['indicator', '指标 only questions with an indicator are scored'],
  ['weight', '权重 weight of the indicator (default 1); on a begin group row, the weight of the dimension'],
  ['good', 'yes/no questions (select_one yes_no): which answer is the good one, yes or no'],
  ['best / worst', 'numbers: the values scoring 100 and 0'],
  ['unit::zh / unit::en', 'numbers: 单位 unit, e.g. 分钟 / minutes'],
  ['activities', '监督方式 accompanied · experiential · unannounced · hotline (blank = every activity)'],
  ['centers', 're-check questions: the ids of the centers they are asked at'],
  ['choices: score', '选项得分 0–100 for each choice of a scored select_one'],
];

/** An XLSForm workbook for a questionnaire: survey, choices and settings sheets, and a notes sheet. */
export const questionnaireXlsx = async (questionnaire: Questionnaire): Promise<Buffer> => {
  const { default: ExcelJS } = await import('exceljs');
  const form = writeXlsForm(questionnaire);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'service-supervision';
  const add = (name: string, rows: (string | number)[][], widths: (header: string) => number) => {
    const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    for (const row of rows) sheet.addRow(row);
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    (rows[0] ?? []).forEach((header, i) => {
      sheet.getColumn(i + 1).width = widths(String(header));
    });
    return sheet;
  };
  add('survey', form.survey, (h) => WIDTHS[h] ?? 14);
  add('choices', form.choices, (h) => (h.startsWith('label') ? 30 : 16));
  add('settings', form.settings, () => 28);
  add('说明 notes', [['列 column', '说明 what goes in it'], ...NOTES], (h) => (h.startsWith('列') ? 24 : 110));
  return Buffer.from(await workbook.xlsx.writeBuffer());
};
