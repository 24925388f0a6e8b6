import { RECTIFICATION_STATUS_LABELS, type RectificationItem, statusOf } from '../findings/rectification.ts';
import { writeXlsx, type XlsxSheet } from '../formats/xlsx-writer.ts';
import { both } from '../i18n.ts';
import type { Campaign, Center } from '../model.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../responses/problems.ts';
import {
  REPORT_COLUMNS,
  type ReportRow,
  rowsByLevel,
  STANDING_WEIGHTS,
  type SupervisorStanding,
  sheetName,
} from './report.ts';

/** What the results workbook holds. */
export interface ResultsWorkbookInput {
  campaign: Pick<Campaign, 'id' | 'title' | 'month'>;
  rows: readonly ReportRow[];
  items: readonly RectificationItem[];
  centersById: ReadonlyMap<string, Pick<Center, 'name'>>;
  standings: readonly SupervisorStanding[];
  answered: number;
  total: number;
  today: string;
  generatedAt: string;
}

/** The MIME type of .xlsx files. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const CREATOR = 'service-supervision';

/**
 * The city results as an Excel workbook, built in memory: one sheet per center level (numbers kept
 * as numbers), then the rectification items, the supervisors' standing and a sheet about the campaign.
 */
export const buildResultsWorkbook = (input: ResultsWorkbookInput): Uint8Array =>
  writeXlsx({
    creator: CREATOR,
    created: new Date(input.generatedAt),
    sheets: [...levelSheets(input), rectificationSheet(input), supervisorSheet(input), aboutSheet(input)],
  });

/** One sheet per center level, in the results table's columns. */
const levelSheets = (input: ResultsWorkbookInput): XlsxSheet[] =>
  rowsByLevel(input.rows).map(({ level, rows }) => ({
    name: sheetName(level),
    columns: REPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width, format: c.format })),
    rows: rows.map((row) => REPORT_COLUMNS.map((c) => c.value(row))),
    autoFilter: true,
  }));

/** The rectification items, center by center, earliest due first. */
const rectificationSheet = (input: ResultsWorkbookInput): XlsxSheet => {
  const order = [...input.items].sort((a, b) =>
    a.centerId === b.centerId
      ? a.dueDate < b.dueDate
        ? -1
        : a.dueDate > b.dueDate
          ? 1
          : 0
      : a.centerId < b.centerId
        ? -1
        : 1,
  );
  return {
    name: '整改 Rectification',
    columns: [
      { header: '编号 item', width: 24 },
      { header: '场所编号 center id', width: 14 },
      { header: '场所 center', width: 30 },
      { header: '类别 category', width: 28 },
      { header: '情况 description', width: 60 },
      { header: '严重程度 severity', width: 14 },
      { header: '发现月份 found', width: 10 },
      { header: '整改期限 due', width: 12 },
      { header: '状态 status', width: 20 },
      { header: '复查未通过次数 reopened', width: 12, format: '0' },
      { header: '整改说明 note', width: 50 },
    ],
    rows: order.map((item) => [
      item.id,
      item.centerId,
      input.centersById.get(item.centerId)?.name.zh ?? '',
      both(PROBLEM_CATEGORY_LABELS[item.category]),
      item.description,
      both(PROBLEM_SEVERITY_LABELS[item.severity]),
      item.month,
      item.dueDate,
      both(RECTIFICATION_STATUS_LABELS[statusOf(item, input.today)]),
      item.reopened,
      item.report?.note ?? null,
    ]),
  };
};

/** The supervisors' standing. */
const supervisorSheet = (input: ResultsWorkbookInput): XlsxSheet => ({
  name: '监督员 Supervisors',
  columns: [
    { header: '名次 rank', width: 8, format: '0' },
    { header: '姓名 name', width: 14 },
    { header: '界别 sector', width: 18 },
    { header: '任务 assigned', width: 10, format: '0' },
    { header: '完成 answered', width: 10, format: '0' },
    { header: '提醒前完成 on time', width: 12, format: '0' },
    { header: '本期发现问题 found', width: 12, format: '0' },
    { header: '经确认问题 confirmed', width: 12, format: '0' },
    { header: '偏差(分) severity', width: 12, format: '+0.0;-0.0;0.0' },
    { header: '一致性 consensus', width: 12, format: '0' },
    { header: '综合 total', width: 10, format: '0.0' },
  ],
  rows: input.standings.map((s) => [
    s.rank,
    s.supervisor.name,
    s.supervisor.sector,
    s.assigned,
    s.answered,
    s.onTime,
    s.problemsFound,
    s.problemsConfirmed,
    s.agreement?.severity ?? null,
    s.consensus === null ? null : Math.round(s.consensus),
    s.composite,
  ]),
});

/** What the workbook is about: the campaign, its responses, the method and the standing's weights. */
const aboutSheet = (input: ResultsWorkbookInput): XlsxSheet => ({
  name: '说明 About',
  columns: [{ width: 24, bold: true }, { width: 90 }],
  rows: [
    ['活动 campaign', `${input.campaign.title.zh} / ${input.campaign.title.en} (${input.campaign.id})`],
    ['月份 month', input.campaign.month],
    ['答卷 responses', `${input.answered}/${input.total}`],
    ['方法 methodology', input.rows[0]?.score.methodology ?? ''],
    ['生成时间 generated', input.generatedAt],
    [
      '优秀监督员综合 standing',
      `${STANDING_WEIGHTS.participation * 100}% participation + ${STANDING_WEIGHTS.timeliness * 100}% timeliness + ${STANDING_WEIGHTS.findings * 100}% confirmed problems + ${STANDING_WEIGHTS.consensus * 100}% agreement with the consensus`,
    ],
  ],
});
