import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  formatLeagueTable,
  formatResultsJson,
  formatResultsXlsx,
  type LeagueRow,
  loadResults,
} from '../../../cli/results.ts';
import { parseCsv } from '../../../cli/roster/table.ts';
import { type CampaignStatusReport, formatCampaignStatus, nextEvent, readCampaignStatus } from '../../../cli/status.ts';
import type { Target } from '../../../cli/target.ts';
import type { Tables } from '../../../functions/adapters/table/tables.ts';
import type { CityResults } from '../../../functions/app/city-results.ts';
import { type CloudUsage, emptyUsage, estimateCost } from '../../../functions/core/campaign/aws-cost.ts';
import type { CampaignMeta } from '../../../functions/core/campaign/lifecycle.ts';
import type { CenterScore } from '../../../functions/core/scoring/records.ts';
import {
  changeSince,
  REPORT_COLUMNS,
  type ReportRow,
  reportRows,
  resultsCsv,
  sheetName,
} from '../../../functions/core/scoring/report.ts';
import { campaignMetaOf, smallCampaign } from '../../fixtures/campaign.ts';

const def = smallCampaign({ deadline: '2026-12-20T10:00:00Z' });
const NOW = new Date('2026-12-05T00:00:00Z');

const metaOf = (over: Partial<CampaignMeta> = {}): CampaignMeta => campaignMetaOf(def, over);

const scoreOf = (centerId: string, over: Partial<CenterScore>): CenterScore => ({
  campaignId: def.campaign.id,
  centerId,
  level: 'district',
  score: null,
  dimensions: {},
  raters: 0,
  coverage: 0,
  rank: null,
  rankOf: 2,
  grade: null,
  methodology: 'weighted mean of indicator scores',
  ...over,
});

const rows: LeagueRow[] = [
  {
    center: def.centers[1] as LeagueRow['center'],
    score: scoreOf('C2', {
      score: 71.25,
      rank: 2,
      grade: 'pass',
      raters: 2,
      coverage: 0.5,
      dimensions: { regulation: 71.25 },
    }),
  },
  {
    center: def.centers[0] as LeagueRow['center'],
    score: scoreOf('C1', {
      score: 92.04,
      rank: 1,
      grade: 'excellent',
      raters: 3,
      coverage: 1,
      dimensions: { standardization: 95, regulation: 90 },
      ci90: { low: 88.1, high: 95.3 },
      flags: ['disagreement'],
      // The trend's score is the change since the previous campaign (its score was 89.5).
      trend: { previousCampaignId: 'test-2026-11', score: 2.5, dimensions: {}, comparable: true },
    }),
  },
];

/** The rows as the results table holds them: with the change and the rectification counts (none here). */
const reportRowsOf = (league: readonly LeagueRow[]): ReportRow[] =>
  reportRows(
    league.map((r) => ({ ...r, change: changeSince(r.score) })),
    [],
    '2026-12-05',
  );

describe('what happens next', () => {
  it('names the next reminder, then the deadline, of an open campaign', () => {
    // Assess
    expect(nextEvent(metaOf(), NOW)).toEqual({
      what: 'reminder round 1 (第 1 轮提醒)',
      at: '2026-12-10T00:00:00.000Z',
    });
    expect(nextEvent(metaOf({ remindersSent: 1 }), NOW)).toEqual({
      what: 'deadline 截止',
      at: def.campaign.schedule.deadline,
    });
    expect(nextEvent(metaOf({ closeRequested: true }), NOW).what).toMatch(/^closing/);
  });

  it('says what the workflow is doing after collection, and where the results are', () => {
    // Assess
    expect(nextEvent(metaOf({ status: 'draft' }), NOW).what).toMatch(/^preparing/);
    expect(nextEvent(metaOf({ status: 'closed' }), NOW).what).toMatch(/^scoring/);
    expect(nextEvent(metaOf({ status: 'published' }), NOW).what).toContain(`supervision results ${def.campaign.id}`);
    expect(nextEvent(metaOf({ status: 'awaiting-sign-off' }), NOW).what).toContain(
      `supervision publish ${def.campaign.id}`,
    );
    expect(
      nextEvent(metaOf({ status: 'awaiting-sign-off', signedOffAt: '2026-12-05T00:00:00Z', signedOffBy: 'li' }), NOW),
    ).toMatchObject({ what: expect.stringContaining('signed off by li'), at: '2026-12-05T00:00:00Z' });
  });
});

describe('the status report', () => {
  it('shows state, progress, an extended deadline, reminders and bars by level and district', () => {
    // Prepare
    const report: CampaignStatusReport = {
      id: def.campaign.id,
      title: def.campaign.title,
      status: 'open',
      execution: { status: 'RUNNING' },
      answered: 3,
      total: 4,
      supervisors: 2,
      centers: 2,
      byLevel: [{ label: '区级 district', answered: 3, total: 4 }],
      byDistrict: [
        { label: '玄武', answered: 2, total: 2 },
        { label: '秦淮', answered: 1, total: 2 },
      ],
      remindersSent: 1,
      remindersPlanned: 1,
      reminderEmails: 7,
      deadline: '2026-12-31T10:00:00Z',
      originalDeadline: def.campaign.schedule.deadline,
      next: { what: 'deadline 截止', at: '2026-12-31T10:00:00Z' },
    };

    // Act
    const text = formatCampaignStatus(report);

    // Assess
    expect(text).toContain('open 收集中 · workflow RUNNING');
    expect(text).toContain('3/4  75%  ██████████████████░░░░░░');
    expect(text).toContain('2026-12-31 18:00 (UTC+8) (extended from 2026-12-20 18:00 (UTC+8))');
    expect(text).toContain('1 of 1 round sent, 7 emails to supervisors with unanswered assignments');
    expect(text).toMatch(/by level 按级别\n {2}区级 district +3\/4 +75% +█/);
    expect(text).toMatch(/by district 按区\n {2}玄武 +2\/2 +100% +█{24}\n {2}秦淮 +1\/2 +50% +█{12}░{12}/);
  });
});

describe('the status report on the embedded cloud', () => {
  const usage: CloudUsage = {
    ...emptyUsage(),
    lambda: { prepare: { invocations: 10, gbSeconds: 20 } },
    dynamodb: { readRequestUnits: 4000, writeRequestUnits: 2000, calls: {} },
    stepFunctions: { stateTransitions: 40 },
    ses: { messages: 12, attachmentBytes: 0 },
  };
  const targetWith = (stored: CloudUsage | undefined, region: string): Target => ({
    where: 'the test cloud',
    store: {
      campaigns: {
        getMeta: async () => metaOf({ status: 'open', total: 4 }),
        getCampaignUsage: async () => stored,
      },
      rosters: { getCenters: async () => new Map(def.centers.map((c) => [c.id, c])) },
      mail: { listMail: async () => [] },
      assignments: { streamAssignments: async function* () {} },
    } as unknown as Tables,
    sfn: {
      send: async () => Promise.reject(Object.assign(new Error('none'), { name: 'ExecutionDoesNotExist' })),
    } as never,
    stateMachineArn: `arn:aws:states:${region}:000000000000:stateMachine:campaign`,
    wake: async () => 'woken',
  });

  it('prices the counted usage in the region of the state machine and prints it under the progress', async () => {
    // Act
    const report = await readCampaignStatus(targetWith(usage, 'ap-southeast-1'), def.campaign.id, NOW);
    const text = formatCampaignStatus(report);

    // Assess
    expect(report.cost?.region).toBe('ap-southeast-1');
    expect(report.cost?.total).toBeCloseTo(estimateCost(usage, 'ap-southeast-1').total, 12);
    expect(report.cost?.assignments).toBe(4);
    expect(text).toMatch(
      /\ncost 费用 {8}AWS cost estimate \(ap-southeast-1, prices of \d{4}-\d{2}-\d{2}\): \$0\.\d+ — lambda \$/,
    );
    expect(text).toMatch(/\n {17}per assignment \$\S+ \(excl\. ses \$\S+; 4 assignments\)/);
    expect(text).toContain('excl. free tier');
    expect(text).toContain('measured on the embedded cloud');
  });

  it('shows no cost where nothing counted the usage, as on AWS', async () => {
    // Act
    const report = await readCampaignStatus(targetWith(undefined, 'eu-west-1'), def.campaign.id, NOW);

    // Assess
    expect(report.cost).toBeUndefined();
    expect(formatCampaignStatus(report)).not.toContain('AWS cost estimate');
  });

  it('prices a region missing from the table as us-east-1', async () => {
    const report = await readCampaignStatus(targetWith(usage, 'eu-west-1'), def.campaign.id, NOW);
    expect(report.cost?.region).toBe('us-east-1');
  });

  it('heads the report with the answers its bars add up to, while the campaign counter still catches up', async () => {
    // Prepare: three of four assignments answered, the counter (fed by the answer stream) still at one
    const assignments = [
      { id: 'A1', supervisorId: 'S1', centerId: 'C1', answeredAt: '2026-12-02T01:00:00Z' },
      { id: 'A2', supervisorId: 'S2', centerId: 'C1', answeredAt: '2026-12-02T01:00:01Z' },
      { id: 'A3', supervisorId: 'S1', centerId: 'C2', answeredAt: '2026-12-02T01:00:02Z' },
      { id: 'A4', supervisorId: 'S2', centerId: 'C2' },
    ];
    const target = targetWith(undefined, 'eu-west-1');
    const store = target.store as unknown as { assignments: { streamAssignments: () => AsyncIterable<unknown> } };
    store.assignments.streamAssignments = async function* () {
      yield* assignments;
    };

    // Act
    const report = await readCampaignStatus(target, def.campaign.id, NOW);
    const text = formatCampaignStatus(report);

    // Assess
    const sum = (groups: readonly { answered: number; total: number }[]) =>
      groups.reduce((s, g) => ({ answered: s.answered + g.answered, total: s.total + g.total }), {
        answered: 0,
        total: 0,
      });
    expect({ answered: report.answered, total: report.total }).toEqual({ answered: 3, total: 4 });
    expect(sum(report.byLevel)).toEqual({ answered: 3, total: 4 });
    expect(sum(report.byDistrict)).toEqual({ answered: 3, total: 4 });
    expect(text).toMatch(/\nresponses 答卷 {3}3\/4 /);
  });
});

describe('results', () => {
  it("lists every center by level and rank as CSV with a BOM, in the columns of the city summary's table", () => {
    // Act
    const csv = resultsCsv(reportRowsOf(rows));

    // Assess
    const lines = csv.replace(/^\ufeff/, '').split('\r\n');
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(lines[0]).toBe(REPORT_COLUMNS.map((c) => c.header).join(','));
    expect(lines[0]).toBe(
      '级别 level,排名 rank,同级数 of,编号 id,名称 name,英文名称 name (en),所在区 district,得分 score,等级 grade,标准化 standardization,规范化 regulation,便利化 facilitation,12345 热线 hotline,较上期 change,90%区间下限 ci90 low,90%区间上限 ci90 high,监督员人数 raters,覆盖率% coverage,一致性α alpha,提示 flags,待整改 open,逾期 overdue,已报整改 reported,复查销号 confirmed,方法版本 methodology',
    );
    expect(lines[1]).toBe(
      '区级 / District,1,2,C1,玄武区政务服务中心,Xuanwu District Center,玄武,92,优秀 / Excellent,95,90,,,2.5,88.1,95.3,3,100,,disagreement,0,0,0,0,weighted mean of indicator scores',
    );
    expect(lines[2]).toMatch(/^区级 \/ District,2,2,C2,.*,71.3,合格 \/ /);
  });

  it('writes hostile center names as text a spreadsheet shows and does not run', () => {
    // Prepare: names an importer could be handed, each a formula in Excel or WPS
    const [first] = rows;
    if (!first) throw new Error('fixture changed');
    const hostile = [
      '=HYPERLINK("http://evil.example","点此")',
      '+cmd|" /C calc"!A0',
      '-1+1',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
    ];
    const evil = hostile.map((zh, i) => ({
      ...first,
      center: { ...first.center, id: `C-EVIL${i}`, name: { zh, en: `-${zh}` }, district: '=玄武' },
    }));

    // Act
    const csv = resultsCsv(reportRowsOf(evil));

    // Assess: read back, every name and district is its text behind one apostrophe; numbers stay numbers
    const read = parseCsv(csv.replace(/^\ufeff/, ''), ',').slice(1);
    expect(read).toHaveLength(hostile.length);
    const byId = new Map(read.map((r) => [r.cells[3], r.cells]));
    for (const [i, zh] of hostile.entries()) {
      const cells = byId.get(`C-EVIL${i}`);
      expect(cells?.slice(4, 7)).toEqual([zh, `-${zh}`, '=玄武']);
    }
    for (const line of csv
      .replace(/^\ufeff/, '')
      .split('\r\n')
      .slice(1, -1)) {
      for (const field of line.match(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g) ?? [])
        expect(field).not.toMatch(/^"?[=+\-@\t\r]/);
    }
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""点此"")"`);
    expect(csv).toContain(",'@SUM(A1),'-@SUM(A1),'=玄武,");
  });

  it('gives the full score records as JSON', () => {
    // Act
    const json = JSON.parse(formatResultsJson(metaOf({ status: 'published', closedReason: 'deadline' }), rows));

    // Assess
    expect(json.campaign).toMatchObject({
      id: def.campaign.id,
      status: 'published',
      closedReason: 'deadline',
      answered: 1,
      total: 4,
    });
    expect(json.results.map((r: { center: { id: string }; rank: number }) => [r.center.id, r.rank])).toEqual([
      ['C1', 1],
      ['C2', 2],
    ]);
  });

  it("writes the city summary's Excel workbook, whose scores are numbers", async () => {
    // Prepare
    const results: CityResults = {
      rows: reportRowsOf(rows),
      scores: rows.map((r) => r.score),
      items: [],
      centers: new Map(def.centers.map((c) => [c.id, c])),
      standings: [],
      today: '2026-12-05',
    };

    // Act
    const bytes = formatResultsXlsx(metaOf({ status: 'published' }), results, NOW);

    // Assess: a sheet of the results table per level, then the rectification items, the standing and the campaign
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      sheetName('district'),
      '整改 Rectification',
      '监督员 Supervisors',
      '说明 About',
    ]);
    const sheet = workbook.getWorksheet(sheetName('district'));
    expect(sheet?.getRow(1).getCell(4).value).toBe('编号 id');
    expect(sheet?.getRow(2).getCell(4).value).toBe('C1');
    expect(sheet?.getRow(2).getCell(8).value).toBe(92);
    expect(sheet?.rowCount).toBe(3);
  });

  it('prints the league table with a dash for centers without a score', () => {
    // Prepare
    const unscored: LeagueRow = {
      center: { ...(def.centers[1] as LeagueRow['center']), id: 'C3' },
      score: scoreOf('C3', {}),
    };

    // Act
    const table = formatLeagueTable([...rows, unscored]);

    // Assess
    const lines = table.split('\n');
    expect(lines[2]).toMatch(/^区级 +1\/2 +92\.0 +优秀 +玄武区政务服务中心/);
    expect(lines[4]).toMatch(/^区级 +— +— +— +秦淮区政务服务中心/);
  });
});

describe('the league table', () => {
  it('shows the ranks a center could hold and marks a single-rater center provisional', () => {
    // Prepare
    const open: LeagueRow = {
      center: def.centers[0] as LeagueRow['center'],
      score: scoreOf('C1', {
        score: 80.4,
        rank: 2,
        rankRange: { low: 1, high: 3 },
        grade: 'good',
        raters: 3,
        coverage: 1,
      }),
    };
    const single: LeagueRow = {
      center: def.centers[1] as LeagueRow['center'],
      score: scoreOf('C2', {
        score: 84.1,
        rank: 1,
        rankRange: { low: 1, high: 1 },
        provisional: true,
        grade: 'good',
        raters: 1,
        coverage: 1,
      }),
    };

    // Act
    const lines = formatLeagueTable([open, single]).split('\n');

    // Assess
    expect(lines[2]).toMatch(/^区级 +1\/2 +84\.1 +良好 +秦淮区政务服务中心 .*· 暂定 provisional/);
    expect(lines[3]).toMatch(/^区级 +2\/2 +1–3 +80\.4 +良好 +玄武区政务服务中心 \([^)]*\)$/);
  });
});

describe('reading results', () => {
  const targetWith = (meta: CampaignMeta): Target => ({
    where: 'the test cloud',
    store: {
      campaigns: { getMeta: async () => meta },
      scores: { listScores: async () => rows.map((r) => r.score), listRaterSeverities: async () => [] },
      rosters: {
        getCenters: async () => new Map(def.centers.map((c) => [c.id, c])),
        getSupervisors: async () => new Map(),
      },
      assignments: { streamAssignments: async function* () {} },
      rectification: { listRectificationItems: async () => [] },
    } as unknown as Tables,
    sfn: {} as Target['sfn'],
    stateMachineArn: 'arn:aws:states:r:1:stateMachine:m',
    wake: async () => 'woken',
  });

  it('refuses, in one sentence, while the campaign is not scored yet', async () => {
    // Act & Assess
    await expect(loadResults(targetWith(metaOf({ status: 'open' })), def.campaign.id)).rejects.toThrow(
      `campaign ${def.campaign.id} is open 收集中: results exist once it is scored`,
    );
  });

  it('pairs every score with its center, ordered by level and rank, as the rows of the results table', async () => {
    // Act
    const { rows: read } = await loadResults(targetWith(metaOf({ status: 'published' })), def.campaign.id, NOW);

    // Assess
    expect(read.map((r) => [r.center.id, r.score.rank, r.change?.score ?? null])).toEqual([
      ['C1', 1, 2.5],
      ['C2', 2, null],
    ]);
    expect(read[0]?.rectification).toEqual({ open: 0, overdue: 0, 'reported-fixed': 0, confirmed: 0 });
  });
});
