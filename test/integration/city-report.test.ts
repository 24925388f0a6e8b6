import type { SFNClient } from '@aws-sdk/client-sfn';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../cli/launch.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { CampaignDefinition, type CenterLevel } from '../../functions/core/model.ts';
import { sheetName } from '../../functions/core/scoring/report.ts';
import { XLSX_TYPE } from '../../functions/core/scoring/results-workbook.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { demoCampaign } from '../../local/demo/campaign.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import { mailKindOf, readOutbox, surveyLinks } from '../../local/ses-outbox.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { waitFor } from '../support/wait.ts';

let cloud: EmbeddedCloud;
let store: Tables;
let sfn: SFNClient;

beforeAll(async () => {
  ({ cloud, store, sfn } = await startCloudAndClients());
});

afterAll(async () => {
  await cloud?.close();
});

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

describe('the city results sent to the organizers', () => {
  it('attaches an XLSX workbook with a sheet per level and a CSV whose numbers are the stored scores', async () => {
    // Prepare: the Nanjing demo with the municipal center, four districts and six streets, all answered
    const base = demoCampaign(new Date(), {
      reminderAfterSeconds: 3 * 86400,
      deadlineAfterSeconds: 7 * 86400,
      autoPublish: true,
    });
    const pick = (level: CenterLevel, n: number) => base.centers.filter((c) => c.level === level).slice(0, n);
    const definition = CampaignDefinition.parse({
      ...base,
      campaign: { ...base.campaign, id: 'report-2026-12', series: 'report', ratersPerCenter: 2 },
      centers: [...pick('municipal', 1), ...pick('district', 4), ...pick('street', 6)],
    });
    const launch = await launchCampaign({ store, sfn, stateMachineArn: cloud.stateMachineArn }, definition);
    const invitations = await waitFor('the invitations', async () => {
      const meta = await store.campaigns.getMeta(definition.campaign.id).catch(() => undefined);
      const sent = (await readOutbox(cloud.urls.ses)).filter((e) => mailKindOf(e) === 'invitation');
      return meta && meta.supervisors > 0 && sent.length >= meta.supervisors ? sent : undefined;
    });

    // Act
    const answered = await Promise.all(invitations.flatMap(surveyLinks).map((url) => answerSurvey(url, 'report')));
    expect(answered.every((a) => a.status === 200)).toBe(true);
    await waitFor('publication', async () => {
      const d = cloud.runner.describeExecution(launch.executionArn);
      return d.status === 'RUNNING' ? undefined : d;
    });

    // Assess: one raw email per organizer, each with both files
    const city = (await readOutbox(cloud.urls.ses)).filter((e) => mailKindOf(e) === 'city-summary');
    expect(city.map((e) => e.destination.to[0]).sort()).toEqual([...definition.campaign.organizers].sort());
    const files = city[0]?.attachments ?? [];
    expect(files.map((a) => [a.filename, a.contentType.split(';')[0]])).toEqual([
      ['results-report-2026-12.xlsx', XLSX_TYPE],
      ['results-report-2026-12.csv', 'text/csv'],
    ]);

    // Assess: every level's sheet holds its centers, ranked, with the stored scores
    const scores = await store.scores.listScores(definition.campaign.id);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(files[0]?.content ?? '', 'base64') as unknown as ExcelJS.Buffer);
    for (const level of ['municipal', 'district', 'street'] as const) {
      const sheet = workbook.getWorksheet(sheetName(level));
      expect(sheet, level).toBeDefined();
      const header = ((sheet?.getRow(1).values ?? []) as unknown[]).slice(1);
      const col = (name: string) => header.indexOf(name) + 1;
      const rows = [];
      for (let r = 2; r <= (sheet?.rowCount ?? 0); r++) {
        const row = sheet?.getRow(r);
        rows.push([
          row?.getCell(col('编号 id')).value,
          row?.getCell(col('得分 score')).value ?? null,
          row?.getCell(col('排名 rank')).value ?? null,
          row?.getCell(col('规范化 regulation')).value ?? null,
        ]);
      }
      const expected = scores
        .filter((s) => s.level === level)
        .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || (a.centerId < b.centerId ? -1 : 1))
        .map((s) => [s.centerId, round1(s.score), s.rank, round1(s.dimensions.regulation ?? null)]);
      expect(rows, level).toEqual(expected);
    }

    // Assess: the CSV says the same
    const csv = Buffer.from(files[1]?.content ?? '', 'base64').toString('utf8');
    const lines = csv
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(definition.centers.length + 1);
    for (const s of scores) {
      const line = lines.find((l) => l.split(',')[3] === s.centerId);
      expect(line?.split(',')[7], s.centerId).toBe(s.score === null ? '' : String(round1(s.score)));
    }

    // Assess: the email body gives the response rate and names every center
    const html = city[0]?.body.html ?? '';
    expect(html).toContain('100%');
    for (const c of definition.centers) expect(html).toContain(c.name.zh);
  });
});
