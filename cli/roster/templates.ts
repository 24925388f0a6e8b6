import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCsv } from '../../functions/core/formats/csv.ts';
import { LEVEL_LABELS } from '../../functions/core/i18n.ts';
import { type CampaignDefinition, CENTER_LEVELS, type Center, type Supervisor } from '../../functions/core/model.ts';
import { CAMPAIGN_FILE } from './campaign-file.ts';
import {
  CENTER_COLUMNS,
  type CenterColumn,
  type ColumnSpec,
  headerLabel,
  SUPERVISOR_COLUMNS,
  type SupervisorColumn,
} from './columns.ts';
import { questionnaireXlsx } from './xlsform-workbook.ts';

/** Roster file format written by `init`. */
export type RosterFormat = 'xlsx' | 'csv';

/** Questionnaire file format written by `init`: an XLSForm workbook, or this project's JSON. */
export type QuestionnaireFileFormat = 'xlsx' | 'json';

const centerRow = (c: Center): Record<CenterColumn, string> => ({
  id: c.id,
  name_zh: c.name.zh,
  name_en: c.name.en,
  level: LEVEL_LABELS[c.level].zh,
  district: c.district,
  address: c.address ?? '',
  official_name: c.official.name,
  official_email: c.official.email,
  official_phone: '',
  official_language: c.official.language ?? '',
});

const supervisorRow = (s: Supervisor): Record<SupervisorColumn, string> => ({
  id: s.id,
  name: s.name,
  email: s.email,
  phone: '',
  sector: s.sector,
  home_district: s.homeDistrict,
  language: s.language ?? '',
});

const q = (value: string) => JSON.stringify(value);

/** campaign.yaml with a comment on every key, in the organizers' words. */
const campaignYaml = (def: CampaignDefinition): string => {
  const c = def.campaign;
  const lines = [
    '# 督查月活动 · supervision campaign — read by `supervision validate` and `supervision launch`.',
    '# Times are ISO 8601; a time written without a zone is Beijing time (UTC+8), e.g. 2026-12-01 09:00.',
    `id: ${q(c.id)}  # unique per campaign (letters, digits, - or _); the workflow run is named by it`,
    `series: ${q(c.series)}  # campaigns of one series are compared month to month`,
    'title:',
    `  zh: ${q(c.title.zh)}`,
    `  en: ${q(c.title.en)}`,
    `month: ${q(c.month)}`,
    'schedule:',
    `  opens: ${q(c.schedule.opens)}  # invitations go out when you launch`,
    '  reminders:  # each reminder goes only to supervisors with unanswered assignments',
    ...c.schedule.reminders.map((r) => `    - ${q(r)}`),
    `  deadline: ${q(c.schedule.deadline)}  # answers close; review, fact-check and scoring follow`,
    'organizers:  # receive the city summary (全市评分通报) and failure notices',
    ...c.organizers.map((o) => `  - ${q(o)}`),
    `${c.language ? '' : '# '}language: ${c.language ?? 'zh'}  # the organizers' emails (city summary, failure notice): zh 中文 or en English`,
    `ratersPerCenter: ${c.ratersPerCenter}  # supervisors per center, never from the center's own district`,
    ...(c.districts
      ? [
          "districts:  # the city's districts (区划名单): every center's and supervisor's district must be one of them",
          ...c.districts.map((d) => `  - ${q(d)}`),
        ]
      : [
          '# districts: ["玄武区", "秦淮区"]  # the city\'s districts (区划名单); validate then checks every district named',
        ]),
    ...(c.surveyBaseUrl
      ? [`surveyBaseUrl: ${q(c.surveyBaseUrl)}`]
      : ['# surveyBaseUrl: "https://survey.example.gov.cn"  # only to override the survey links\' address']),
    'review:  # a review window after the close (审核, working days; 0: none), ended early with "finish review" in the console',
    `  workingDays: ${c.review.workingDays}`,
    'factCheck:  # officials may dispute the draft findings before results are published (事实核查与申诉, working days; 0: none)',
    `  workingDays: ${c.factCheck.workingDays}`,
    `autoPublish: ${c.autoPublish}  # false: scores wait as a draft (待签发) until an organizer presses 发布 / Publish in the console or runs \`supervision publish\`; true: the summaries go out once scored`,
    '# rectification:  # time the centers have to rectify the problems found (default 15 working days)',
    '#   workingDays: 15',
    '#   holidays: ["2026-10-01", "2026-10-02"]  # public holidays (法定节假日) in the period',
    '#   makeUpWorkdays: ["2026-10-10"]  # weekend days worked instead (调休)',
    '# evidence:  # evidence photos (取证照片) are removed this long after publication (default 24 months)',
    '#   retentionMonths: 24',
    '# files:  # only when your files have other names',
    '#   centers: centers.xlsx',
    '#   supervisors: supervisors.xlsx',
    '#   questionnaire: questionnaire.xlsx  # an XLSForm workbook, a questionnaire.json or a SurveyJS .json',
    '',
  ];
  return lines.join('\n');
};

/** A CSV roster in UTF-8 with BOM (so Excel shows Chinese correctly) and CRLF line ends; a column a row lacks is empty. */
export const rosterCsv = <K extends string>(
  specs: readonly ColumnSpec<K>[],
  rows: readonly Partial<Record<K, string>>[],
): string => formatCsv([specs.map(headerLabel), ...rows.map((r) => specs.map((s) => r[s.key] ?? ''))]);

const WIDTHS: Record<string, number> = {
  id: 16,
  name_zh: 30,
  name_en: 44,
  address: 36,
  official_email: 30,
  email: 30,
  sector: 32,
};

/** An .xlsx roster: bilingual header, frozen first row, a notes sheet; the level and language columns offer drop-downs. */
const rosterXlsx = async <K extends string>(
  title: string,
  specs: readonly ColumnSpec<K>[],
  rows: readonly Record<K, string>[],
): Promise<Buffer> => {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'service-supervision';
  const sheet = workbook.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = specs.map((s) => ({ header: headerLabel(s), key: s.key, width: WIDTHS[s.key] ?? 16 }));
  for (const row of rows) sheet.addRow(row);
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  const levelIndex = specs.findIndex((s) => s.key === 'level');
  if (levelIndex >= 0) {
    const list = `"${CENTER_LEVELS.map((l) => LEVEL_LABELS[l].zh).join(',')}"`;
    for (let r = 2; r <= Math.max(rows.length + 1, 200); r++) {
      sheet.getCell(r, levelIndex + 1).dataValidation = {
        type: 'list',
        allowBlank: false,
        formulae: [list],
        showErrorMessage: true,
        errorTitle: '级别 level',
        error: '市级 / 区级 / 街道/镇 / 社区',
      };
    }
  }
  const languageIndex = specs.findIndex((s) => s.key === 'language' || s.key === 'official_language');
  if (languageIndex >= 0) {
    for (let r = 2; r <= Math.max(rows.length + 1, 200); r++) {
      sheet.getCell(r, languageIndex + 1).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: ['"zh,en"'],
        showErrorMessage: true,
        errorTitle: '语言 language',
        error: 'zh 中文 / en English',
      };
    }
  }
  const notes = workbook.addWorksheet('说明 notes');
  notes.columns = [
    { header: '列 column', key: 'column', width: 24 },
    { header: '必填 required', key: 'required', width: 14 },
    { header: '说明 what goes in it', key: 'description', width: 70 },
    { header: '示例 example', key: 'example', width: 40 },
  ];
  notes.getRow(1).font = { bold: true };
  for (const s of specs)
    notes.addRow({
      column: headerLabel(s),
      required: s.required ? '是 yes' : '否 no',
      description: s.description,
      example: s.example,
    });
  return Buffer.from(await workbook.xlsx.writeBuffer());
};

/**
 * Writes a campaign folder (campaign.yaml, centers and supervisors rosters, the questionnaire as an XLSForm
 * questionnaire.xlsx or as questionnaire.json) for a definition.
 */
export const writeCampaignFolder = async (
  dir: string,
  def: CampaignDefinition,
  format: RosterFormat = 'xlsx',
  questionnaireFormat: QuestionnaireFileFormat = 'xlsx',
): Promise<string[]> => {
  await mkdir(dir, { recursive: true });
  const centers = def.centers.map(centerRow);
  const supervisors = def.supervisors.map(supervisorRow);
  const files: [string, string | Buffer][] = [
    [CAMPAIGN_FILE, campaignYaml(def)],
    format === 'xlsx'
      ? ['centers.xlsx', await rosterXlsx('服务中心 centers', CENTER_COLUMNS, centers)]
      : ['centers.csv', rosterCsv(CENTER_COLUMNS, centers)],
    format === 'xlsx'
      ? ['supervisors.xlsx', await rosterXlsx('监督员 supervisors', SUPERVISOR_COLUMNS, supervisors)]
      : ['supervisors.csv', rosterCsv(SUPERVISOR_COLUMNS, supervisors)],
    questionnaireFormat === 'xlsx'
      ? ['questionnaire.xlsx', await questionnaireXlsx(def.questionnaire)]
      : ['questionnaire.json', `${JSON.stringify(def.questionnaire, null, 2)}\n`],
  ];
  for (const [name, content] of files) await writeFile(join(dir, name), content);
  return files.map(([name]) => name);
};
