import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionArnOf, launchDefinition } from '../../cli/launch.ts';
import { loadCampaignFolder } from '../../cli/roster/campaign-folder.ts';
import { CENTER_COLUMNS } from '../../cli/roster/columns.ts';
import { rosterCsv, writeCampaignFolder } from '../../cli/roster/templates.ts';
import { sampleCampaign } from '../../cli/sample.ts';
import { readCampaignStatus } from '../../cli/status.ts';
import { type Target, targetFromEnvironment, writeEndpointFile } from '../../cli/target.ts';
import { getLinkSecret } from '../../functions/adapters/link-secret.ts';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { deriveToken, surveyUrl } from '../../functions/core/campaign/links.ts';
import { LEVEL_LABELS } from '../../functions/core/i18n.ts';
import { CENTER_LEVELS } from '../../functions/core/model.ts';
import { sheetName } from '../../functions/core/scoring/report.ts';
import { type EmbeddedCloud, startEmbeddedCloud } from '../../local/cloud.ts';
import { answerSurvey } from '../../local/demo/simulate.ts';
import { untilCollecting } from '../support/embedded-cloud.ts';
import { waitFor } from '../support/wait.ts';

const BIN = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/rosters/', import.meta.url));
const LOCAL = ['--endpoint-file', 'cloud.json'];

let cloud: EmbeddedCloud;
let target: Target;
let store: Tables;
let work: string;
let env: NodeJS.ProcessEnv;

/** Runs `supervision …` as its own process, as an organizer would. */
const supervision = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: work, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });

/** A copy of the small campaign folder under another campaign id. */
const sampleAs = async (id: string): Promise<string> => {
  await cp(join(work, 'small'), join(work, id), { recursive: true });
  const yaml = await readFile(join(work, id, 'campaign.yaml'), 'utf8');
  await writeFile(join(work, id, 'campaign.yaml'), yaml.replace(/^id: .*$/m, `id: "${id}"`));
  return id;
};

const statesEntered = (id: string) =>
  cloud.runner
    .history(executionArnOf(cloud.stateMachineArn, id))
    .filter((e) => e.type === 'StateEntered' && e.childExecution === undefined)
    .map((e) => e.stateName);

beforeAll(async () => {
  cloud = await startEmbeddedCloud({ maxSendRate: 200 });
  target = await targetFromEnvironment('the embedded cloud', cloud.tableName, cloud.stateMachineArn);
  store = target.store;
  work = await mkdtemp(join(tmpdir(), 'supervision-cli-'));
  await writeEndpointFile(join(work, 'cloud.json'), {
    ...cloud.urls,
    stateMachineArn: cloud.stateMachineArn,
    tableName: cloud.tableName,
    region: cloud.region,
  });
  // The command reads only the endpoint file: none of this process's AWS settings leak into it.
  env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('AWS_') && !['TABLE_NAME', 'LINK_SECRET', 'SURVEY_BASE_URL', 'MAIL_FROM'].includes(k),
    ),
  );
  Object.assign(env, {
    HOME: work,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(work, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
  });
  const init = await supervision('init', 'sample');
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  // Launched campaigns use a few centers and supervisors of the sample, so that each runs in moments.
  const sample = sampleCampaign(new Date(), 'small');
  const centers = sample.centers.filter((c) =>
    ['C-MUN', 'C-XW', 'C-QH', 'C-GL', 'C-XW-XJK', 'C-QH-FZM', 'C-GL-HNL-SXL', 'C-XW-XJK-DFJ'].includes(c.id),
  );
  const supervisors = sample.supervisors.filter((s) =>
    ['S01', 'S02', 'S03', 'S04', 'S05', 'S12', 'S13', 'S15'].includes(s.id),
  );
  // No review or fact-check window: these campaigns go from the close to scoring; results await sign-off.
  const campaign = {
    ...sample.campaign,
    review: { workingDays: 0 },
    factCheck: { workingDays: 0 },
    autoPublish: false,
  };
  await writeCampaignFolder(join(work, 'small'), { ...sample, campaign, centers, supervisors }, 'csv');
});

afterAll(async () => {
  await cloud?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('supervision, run as a command against the embedded cloud', () => {
  it('validates the folder init wrote, and reports every problem of a broken one with file, row and column', async () => {
    // Act
    const [good, broken] = await Promise.all([
      supervision('validate', 'sample'),
      supervision('validate', join(FIXTURES, 'many-errors')),
    ]);

    // Assess
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('✓ ready to launch 可以发布: supervision launch sample');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('✗ centers.csv row 5, column A (编号 id): duplicate id "C-1": row 2 uses it too');
    expect(broken.stdout).toContain(
      '✗ supervisors.csv row 6, column F (所在区 home_district): supervisor S05 has no eligible center',
    );
    expect(broken.stdout).toContain(
      '✗ questionnaire.json line 4, column 15 (sections): the weights of scored questions sum to 0',
    );
    expect(broken.stdout.split('\n').filter((l) => l.startsWith('✗ ')).length).toBe(20);
  });

  it('reads centers saved as GB18030 CSV by Chinese Excel and supervisors from an XLSX with English headers', async () => {
    // Prepare: the sample's centers as a GB18030 CSV, its supervisors in a workbook written with English headers
    await cp(join(work, 'sample'), join(work, 'mixed'), { recursive: true });
    const definition = sampleCampaign(new Date(), 'mixed');
    await rm(join(work, 'mixed', 'centers.xlsx'));
    const rows = definition.centers.map((c) => ({
      id: c.id,
      name_zh: c.name.zh,
      name_en: c.name.en,
      level: LEVEL_LABELS[c.level].zh,
      district: c.district,
      address: c.address ?? '',
      official_name: c.official.name,
      official_email: c.official.email,
      official_phone: '',
    }));
    await writeFile(
      join(work, 'mixed', 'centers.csv'),
      iconv.encode(rosterCsv(CENTER_COLUMNS, rows).slice(1), 'gb18030'),
    );
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Supervisors');
    sheet.addRow(['ID', 'Name', 'E-mail', 'Mobile', 'Sector', 'Home district']);
    for (const s of definition.supervisors)
      sheet.addRow([s.id, s.name, { text: s.email, hyperlink: `mailto:${s.email}` }, null, s.sector, s.homeDistrict]);
    await workbook.xlsx.writeFile(join(work, 'mixed', 'supervisors.xlsx'));

    // Act
    const result = await supervision('validate', 'mixed');

    // Assess
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toContain('centers.csv: 56 centers 服务中心 (1 市级 · 11 区级 · 30 街道/镇 · 14 社区)');
    expect(result.stdout).toContain('supervisors.xlsx: 40 supervisors');
    expect(result.stdout).toContain('encodings 编码: centers.csv: gb18030');
  });

  it('launches a campaign once: a second launch says so and starts nothing; changed files under the same id are refused', async () => {
    // Prepare
    const id = await sampleAs('cli-launch');

    // Act
    const first = await supervision('launch', id, ...LOCAL);
    const started = cloud.runner.describeExecution(executionArnOf(cloud.stateMachineArn, id)).startDate;
    const second = await supervision('launch', id, ...LOCAL);
    const yaml = await readFile(join(work, id, 'campaign.yaml'), 'utf8');
    await writeFile(join(work, id, 'campaign.yaml'), yaml.replace('政务服务主题督查月', '政务服务督查月（修改）'));
    const changed = await supervision('launch', id, ...LOCAL);

    // Assess
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`launched 已发布 ${id} on the embedded cloud`);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      new RegExp(`campaign ${id} was already launched 已发布过 .*; nothing was started\\.`),
    );
    expect(changed.code).toBe(1);
    expect(changed.stderr.trim()).toMatch(
      new RegExp(
        `^supervision launch: campaign ${id} was already launched from different files \\(state (open 收集中|draft 准备中)\\); nothing was started: give the new campaign a new id: in campaign\\.yaml\\.$`,
      ),
    );
    expect(cloud.runner.describeExecution(executionArnOf(cloud.stateMachineArn, id)).startDate).toEqual(started);
    expect(statesEntered(id).filter((s) => s === 'Prepare')).toHaveLength(1);
  });

  describe('with campaigns collecting answers', () => {
    beforeAll(async () => {
      // Launched in this process through the same code as `supervision launch`, which is tested above.
      for (const id of ['cli-status', 'cli-extend', 'cli-close']) {
        const folder = await loadCampaignFolder(join(work, await sampleAs(id)));
        if (!folder.definition) throw new Error(`${id} does not validate`);
        await launchDefinition(target, folder.definition);
      }
      await Promise.all(['cli-status', 'cli-extend', 'cli-close'].map((id) => untilCollecting(store, id)));
    });

    it('shows progress by level and district, reminders and the next event', async () => {
      // Prepare: a few answers, through the supervisors' personal links
      const id = 'cli-status';
      const meta = await untilCollecting(store, id);
      const secret = await getLinkSecret();
      const assignments = [];
      for await (const a of store.assignments.streamAssignments(id)) assignments.push(a);
      const links = assignments.slice(0, 5).map((a) => surveyUrl(cloud.urls.api, deriveToken(secret, id, a.id)));
      for (const url of links) expect((await answerSurvey(url, id)).status).toBe(200);
      // Answers are counted from the table's stream within about a second of being stored.
      await cloud.streamIdle();

      // Act
      const status = await supervision('status', id, ...LOCAL);

      // Assess
      expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
      expect(status.stdout).toContain('state 状态       open 收集中 · workflow RUNNING');
      expect(status.stdout).toContain(`responses 答卷   ${links.length}/${meta.total}`);
      expect(status.stdout).toContain(
        'reminders 提醒   0 of 1 round sent, 0 emails to supervisors with unanswered assignments',
      );
      expect(status.stdout).toMatch(
        /next 下一步 +reminder round 1 \(第 1 轮提醒\) at \d{4}-\d\d-\d\d 09:00 \(UTC\+8\)/,
      );
      expect(status.stdout).toMatch(/by level 按级别\n {2}市级 municipal +\d+\/\d+ +\d+% +[█░]{24}\n/);
      expect(status.stdout).toMatch(/by district 按区\n( {2}\S+ +\d+\/\d+ +\d+% +[█░]{24}\n?){4}$/);
      const report = await readCampaignStatus(target, id);
      expect(report.byLevel.reduce((n, g) => n + g.answered, 0)).toBe(links.length);
      expect(report.byDistrict.reduce((n, g) => n + g.total, 0)).toBe(meta.total);
    });

    it('moves the deadline of a running campaign, and the workflow honours an earlier one at once', async () => {
      // Prepare: the next event is a reminder two weeks away
      const id = 'cli-extend';
      await untilCollecting(store, id);
      const soon = new Date(Date.now() + 4_000).toISOString();

      // Act
      const shortened = await supervision('extend', id, '--deadline', soon, ...LOCAL);
      const closed = await waitFor('the campaign to close at the new deadline', async () => {
        const meta = await store.campaigns.getMeta(id);
        return meta.status !== 'open' ? meta : undefined;
      });

      // Assess
      expect({ code: shortened.code, stderr: shortened.stderr }).toEqual({ code: 0, stderr: '' });
      expect(shortened.stdout).toContain('the workflow was woken and now waits for the new deadline.');
      expect(shortened.stdout).toContain('reminders after the new deadline will not be sent');
      expect(closed).toMatchObject({ closedReason: 'deadline', remindersSent: 0, deadline: soon });
      expect(statesEntered(id)).toContain('Close');
    });

    it('closes a campaign at once although its deadline is weeks away, refuses to close it again, publishes its signed-off results', async () => {
      // Prepare
      const id = 'cli-close';
      await untilCollecting(store, id);

      // Act: close and wait for the draft results, check them, sign them off
      const close = await supervision('close', id, '--wait', '--timeout', '40', ...LOCAL);
      const [again, draft] = await Promise.all([
        supervision('close', id, ...LOCAL),
        supervision('results', id, ...LOCAL),
      ]);
      const summariesBefore = (await store.mail.listMail(id)).filter((m) => m.kind === 'summary').length;
      const publish = await supervision('publish', id, ...LOCAL);
      const published = await waitFor('the summaries after the sign-off', async () => {
        const meta = await store.campaigns.getMeta(id);
        return meta.status === 'published' ? meta : undefined;
      });
      const [publishAgain, table, xlsx] = await Promise.all([
        supervision('publish', id, ...LOCAL),
        supervision('results', id, ...LOCAL),
        supervision('results', id, '--format', 'xlsx', '--output', 'results.xlsx', ...LOCAL),
      ]);

      // Assess: closed by the organizer, held as a draft, published once signed off
      expect({ code: close.code, stderr: close.stderr }).toEqual({ code: 0, stderr: '' });
      expect(close.stdout).toContain(`closing 正在截止 ${id}: 0/`);
      expect(close.stdout).toContain('the workflow was woken and is closing now.');
      expect(close.stdout).toContain(`${id} is scored and awaiting sign-off 待签发`);
      expect(draft.stdout).toContain(
        `DRAFT 草稿: not yet sent to the centers; sign off with 发布 / Publish in the console or supervision publish ${id}`,
      );
      expect(summariesBefore).toBe(0);
      expect({ code: publish.code, stderr: publish.stderr }).toEqual({ code: 0, stderr: '' });
      expect(publish.stdout).toContain(`signed off 已签发 ${id}`);
      expect(published).toMatchObject({ closedReason: 'closed-by-organizer', signedOffBy: expect.any(String) });
      expect(publishAgain.code).toBe(0);
      expect(publishAgain.stdout).toContain(`${id} was already signed off by ${published.signedOffBy}`);
      expect(statesEntered(id)).toEqual(
        expect.arrayContaining(['Collect', 'Close', 'Score', 'SignOff', 'PlanSummaries']),
      );
      // The close and the sign-off are in the campaign's audit log, by the operator, as from the console
      expect((await store.audit.listAudit(id)).map((a) => [a.action, a.actor.sub, a.actor.role, a.target])).toEqual([
        ['results.publish', 'cli', 'organizer', id],
        ['campaign.close', 'cli', 'organizer', id],
      ]);
      // A second close is refused in one sentence, without a stack trace
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(
        new RegExp(
          `^supervision close: campaign ${id} is already closed on .* \\(status awaiting sign-off 待签发\\): it cannot be closed again; nothing was changed\\.\\n$`,
        ),
      );
      // Results as a table and as a workbook
      expect(table.stdout).toMatch(
        /^政务服务主题督查月 \/ Government Service Theme Supervision Month — published, closed by the organizer; responses 0\/\d+/,
      );
      expect(table.stdout).toContain('南京市政务服务中心 (Nanjing Municipal Government Service Center)');
      expect(xlsx.stdout).toContain("wrote 8 centers' results to results.xlsx");
      // The workbook of the city summary: the results table on a sheet per level, a header row each
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(join(work, 'results.xlsx'));
      const levelSheets = CENTER_LEVELS.flatMap((level) => workbook.getWorksheet(sheetName(level)) ?? []);
      expect(levelSheets.map((sheet) => sheet.rowCount - 1).reduce((a, b) => a + b, 0)).toBe(8);
      expect(workbook.worksheets.map((sheet) => sheet.name).slice(levelSheets.length)).toEqual([
        '整改 Rectification',
        '监督员 Supervisors',
        '说明 About',
      ]);
      // Seven runs of the command and a whole campaign after the close, on a shared machine.
    }, 150_000);
  });

  it('answers an unknown campaign, a missing cloud and missing AWS credentials with one sentence each', async () => {
    // Act
    const [unknown, noCloud, noCredentials] = await Promise.all([
      supervision('status', 'no-such-campaign', ...LOCAL),
      supervision('status', 'x', '--endpoint-file', 'missing.json'),
      supervision('status', 'x', '--region', 'eu-west-1', '--stack', 'ServiceSupervision'),
    ]);

    // Assess
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(
      /^supervision status: there is no campaign "no-such-campaign" in the embedded cloud \(.*\): check the id/,
    );
    expect(noCloud.code).toBe(1);
    expect(noCloud.stderr).toMatch(
      /^supervision status: no embedded cloud endpoint file at .*missing\.json: start the embedded cloud with `npm start -- --serve`/,
    );
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).toMatch(
      /^supervision status: no AWS credentials were found: set AWS_PROFILE or pass --profile/,
    );
    for (const r of [unknown, noCloud, noCredentials]) expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
