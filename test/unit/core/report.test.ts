import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  agreementWarnings,
  centersNeedingRectification,
  changeSince,
  movers,
  ordinal,
  overdueItems,
  REPORT_COLUMNS,
  rankPhrase,
  rankSupervisors,
  resultsCsv,
  rowsByLevel,
  scoreDistribution,
  sheetName,
  supervisorActivities,
} from '../../../functions/core/scoring/report.ts';
import { buildResultsWorkbook } from '../../../functions/core/scoring/results-workbook.ts';
import { citySummaryModel, FIXTURE_TODAY, fixtureCampaign, fixtureItems, HOSTILE } from '../../fixtures/summaries.ts';

describe('rank phrases', () => {
  it('says "第 7 名 / 共 24 个区级场所" and "7th of 24 district centers"', () => {
    // Act
    const phrase = rankPhrase({ rank: 7, rankOf: 24 }, 'district');
    // Assess
    expect(phrase).toEqual({ zh: '第 7 名 / 共 24 个区级场所', en: '7th of 24 district centers' });
  });

  it('gives the range of ranks the intervals allow and marks a single-rater rank provisional', () => {
    // Act
    const phrase = rankPhrase({ rank: 7, rankOf: 24, rankRange: { low: 5, high: 9 }, provisional: true }, 'district');
    const settled = rankPhrase({ rank: 7, rankOf: 24, rankRange: { low: 7, high: 7 }, provisional: false }, 'district');
    // Assess
    expect(phrase).toEqual({
      zh: '第 7 名（可能第 5–9 名） / 共 24 个区级场所（暂定：仅一名监督员）',
      en: '7th (could be 5th–9th) of 24 district centers (provisional: a single supervisor)',
    });
    expect(settled.zh).toBe('第 7 名 / 共 24 个区级场所');
  });

  it('writes English ordinals, teens included', () => {
    // Act
    const list = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal);
    // Assess
    expect(list).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '101st',
      '111th',
    ]);
  });

  it('says a center without usable answers was not ranked', () => {
    // Act
    const phrase = rankPhrase({ rank: null, rankOf: 24 }, 'street');
    // Assess
    expect(phrase.en).toBe('not ranked this month (no usable answers)');
  });
});

describe('city tables', () => {
  const model = citySummaryModel();

  it('shows a change only where scoring recorded a comparable trend', () => {
    // Prepare
    const trend = { previousCampaignId: 'p', score: 2.5, dimensions: { regulation: 1 }, comparable: true };
    // Act / Assess
    expect(changeSince({ trend })).toEqual({ score: 2.5, dimensions: { regulation: 1 } });
    expect(changeSince({ trend: { ...trend, comparable: false } })).toBeNull();
    expect(changeSince({ trend: null })).toBeNull();
  });

  it('orders each level by rank and leaves out levels without centers', () => {
    // Act
    const levels = rowsByLevel(model.rows);
    // Assess
    expect(levels.map((l) => l.level)).toEqual(['municipal', 'district', 'street']);
    expect(levels[1]?.rows.map((r) => r.center.id)).toEqual(['C-QH', 'C-XW', 'C-JY']);
  });

  it('counts scored centers per grade and per ten-point band', () => {
    // Act
    const d = scoreDistribution([...model.rows.map((r) => r.score), { score: null, grade: null }]);
    // Assess
    expect(d.grades).toEqual({ excellent: 1, good: 2, pass: 1, rectify: 1 });
    expect(d.bands.map((b) => b.count)).toEqual([1, 2, 1, 1, 0]);
    expect(d.unscored).toBe(1);
  });

  it('names the most improved and most declined centers', () => {
    // Act
    const { improved, declined } = movers(model.rows);
    // Assess
    expect(improved.map((r) => r.center.id)).toEqual(['C-XW', 'C-MUN']);
    expect(declined.map((r) => r.center.id)).toEqual(['C-JY', 'C-QH']);
  });

  it('warns about centers whose supervisors disagree, have an outlier or are one person', () => {
    // Act
    const warnings = agreementWarnings(model.rows);
    // Assess
    expect(warnings.map((w) => [w.row.center.id, w.flags])).toEqual([
      ['C-QH', ['disagreement']],
      ['C-JY', ['outlier-rater']],
      ['C-XW-XJK', ['single-rater']],
    ]);
  });

  it('lists centers needing rectification, overdue ones first', () => {
    // Act
    const needing = centersNeedingRectification(model.rows);
    const overdue = overdueItems(fixtureItems, FIXTURE_TODAY);
    // Assess
    expect(needing.map((r) => r.center.id)).toEqual(['C-XW', 'C-JY']);
    expect(overdue.map((i) => i.id)).toEqual(['R-old-4', 'R-old-1']);
  });
});

describe('excellent supervisors', () => {
  it('ranks by participation, timeliness, confirmed problems and agreement with the consensus', () => {
    // Act
    const standings = citySummaryModel().standings;
    // Assess
    expect(standings.map((s) => [s.supervisor.id, s.rank, s.composite])).toEqual([
      ['S01', 1, 98.5],
      ['S02', 2, 86],
      ['S03', 3, 64],
    ]);
    expect(standings[0]).toMatchObject({ assigned: 2, answered: 2, onTime: 2, problemsFound: 1, problemsConfirmed: 1 });
  });

  it('lets supervisors with equal totals share a rank, and counts an unknown agreement as half', () => {
    // Prepare
    const people = [
      { id: 'A', name: 'A', sector: 'x' },
      { id: 'B', name: 'B', sector: 'x' },
      { id: 'C', name: 'C', sector: 'x' },
    ];
    const assignments = people.map((p) => ({ supervisorId: p.id, answeredAt: '2026-12-02T00:00:00Z' }));
    // Act
    const standings = rankSupervisors(supervisorActivities(people, assignments, '2026-12-10T00:00:00Z', [], 'c', []));
    // Assess
    expect(standings.map((s) => s.rank)).toEqual([1, 1, 1]);
    expect(standings[0]?.composite).toBe(70);
  });
});

describe('results files', () => {
  it('writes CSV with a BOM, CRLF line ends, quoted fields and no formula a spreadsheet would run', () => {
    // Prepare
    const model = citySummaryModel();
    const row = model.rows.find((r) => r.center.id === 'C-MUN');
    if (!row) throw new Error('fixture changed');
    const rows = [
      ...model.rows,
      { ...row, center: { ...row.center, id: 'C-EVIL', name: { zh: '=HYPERLINK("x")', en: 'a,"b"' } } },
    ];
    // Act
    const csv = resultsCsv(rows);
    // Assess
    expect(csv.startsWith('\ufeff级别 level,排名 rank')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(rows.length + 2);
    expect(csv).toContain(`"'=HYPERLINK(""x"")","a,""b"""`);
    expect(csv).toContain('玄武区政务服务中心');
  });

  it('names sheets as Excel allows', () => {
    // Act / Assess
    expect(sheetName('street')).toBe('街道镇 Street  township');
    expect(sheetName('district')).toBe('区级 District');
  });

  it('builds a workbook with a sheet per level whose numbers read back equal to the scores', async () => {
    // Prepare
    const model = citySummaryModel();
    // Act
    const bytes = buildResultsWorkbook({
      campaign: fixtureCampaign,
      rows: model.rows,
      items: model.items,
      centersById: model.centersById,
      standings: model.standings,
      answered: 5,
      total: 6,
      today: FIXTURE_TODAY,
      generatedAt: '2026-12-16T02:00:00.000Z',
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
    // Assess
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      '市级 Municipal',
      '区级 District',
      '街道镇 Street  township',
      '整改 Rectification',
      '监督员 Supervisors',
      '说明 About',
    ]);
    const district = workbook.getWorksheet('区级 District');
    const header = ((district?.getRow(1).values ?? []) as unknown[]).slice(1);
    expect(header).toEqual(REPORT_COLUMNS.map((c) => c.header));
    const col = (name: string) => header.indexOf(name) + 1;
    const read = [2, 3, 4].map((r) => {
      const row = district?.getRow(r);
      return [
        row?.getCell(col('编号 id')).value,
        row?.getCell(col('得分 score')).value,
        row?.getCell(col('排名 rank')).value,
      ];
    });
    expect(read).toEqual([
      ['C-QH', 88.9, 1],
      ['C-XW', 86.2, 2],
      ['C-JY', 64.3, 3],
    ]);
    expect(district?.getRow(4).getCell(col('名称 name')).value).toBe(`建邺区政务服务中心${HOSTILE}`);
    expect(workbook.getWorksheet('整改 Rectification')?.rowCount).toBe(fixtureItems.length + 1);
  });
});
