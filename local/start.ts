import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { launchDefinition } from '../cli/launch.ts';
import { formatLeagueTable, formatResultsHeader, loadResults } from '../cli/results.ts';
import { loadCampaignFolder } from '../cli/roster/campaign-folder.ts';
import { formatProblem } from '../cli/roster/problems.ts';
import { writeCampaignFolder } from '../cli/roster/templates.ts';
import { formatCampaignStatus, readCampaignStatus } from '../cli/status.ts';
import { targetFromEnvironment, writeEndpointFile } from '../cli/target.ts';
import type { ConsoleRole } from '../functions/core/access/console-access.ts';
import { groupSecret } from '../functions/core/access/totp-enrolment.ts';
import { formatCostLines } from '../functions/core/campaign/aws-cost.ts';
import { composeMimeMessage } from '../functions/core/formats/mime.ts';
import type { CampaignDefinition } from '../functions/core/model.ts';
import { startEmbeddedCloud } from './cloud.ts';
import type { ConsoleAccount } from './cognito.ts';
import { demoCampaign } from './demo/campaign.ts';
import { DemoLife } from './demo/life.ts';
import { clearDemoOutputs, DEMO_OUTPUTS, demoEmailFileName } from './demo/outputs.ts';
import { ensurePortFree, PortInUse } from './listen.ts';
import { mailKindOf, type OutboxEmail, readOutbox, surveyLinks } from './ses-outbox.ts';

const Flags = z.object({
  serve: z.boolean().default(false),
  port: z.coerce.number().int().min(1).max(65535).optional(),
  'ses-port': z.coerce.number().int().min(1).max(65535).optional(),
  out: z.string().min(1).default('out'),
  help: z.boolean().default(false),
});

const HELP = `npm start [-- --serve] [--port N] [--ses-port N] [--out DIR]

Runs the demo campaign 政务服务主题督查月 on the embedded cloud (DynamoDB, SES, Step Functions and
the console's sign-in running locally) through its whole life — invitations, answers, a reminder,
the close, review (a response returned and corrected), fact-check (a dispute and its ruling),
scoring, sign-off (the campaign says autoPublish: false, so the scores wait as a draft until the
organizer presses 发布 / Publish), publication and a rectification report — then exits. Its
organizer reminds, closes, ends review and fact-check and publishes from the console; its
supervisors and officials use their links.

  --serve        keep the campaign open and the embedded cloud up until Ctrl-C; prints one
                 INVITE <url> per unanswered assignment, OUTBOX <url> (the local SES web UI) and
                 CONSOLE <url> (the organizer console) with its demo accounts and their passwords;
                 you close, review, rule and publish (发布) yourself in the console
  --port N       survey API port (default: any free port)
  --ses-port N   local SES port (default: any free port)
  --out DIR      where emails (.eml), the campaign folder and the results are written; the previous
                 run's are removed first, nothing else in DIR (default: out)

Exit codes: 0 done, 1 the campaign failed, 2 a usage mistake or a port taken.
`;

const started = Date.now();
const clock = () => {
  const s = Math.floor((Date.now() - started) / 1000);
  return `[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}]`;
};
const say = (line: string) => console.log(`${clock()} ${line}`);

const parseFlags = () => {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      options: {
        serve: { type: 'boolean' },
        port: { type: 'string' },
        'ses-port': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    process.exit(2);
  }
  const parsed = Flags.safeParse(values);
  if (!parsed.success) {
    console.error(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n\n${HELP}`);
    process.exit(2);
  }
  return parsed.data;
};

/** Writes each email the local SES accepted as an .eml file; returns the folder. */
const writeEml = async (emails: readonly OutboxEmail[], dir: string): Promise<string> => {
  await mkdir(dir, { recursive: true });
  let n = 0;
  for (const email of emails) {
    n++;
    const message = composeMimeMessage({
      from: email.from,
      to: email.destination.to,
      subject: email.subject,
      text: email.body.text,
      html: email.body.html,
      messageId: `<${email.messageId}@local>`,
      date: new Date(email.at * 1000),
      attachments: email.attachments.map((a, i) => ({
        filename: a.filename ?? `attachment-${i + 1}`,
        content: Buffer.from(a.content, 'base64'),
        contentType: a.contentType,
      })),
    });
    await writeFile(join(dir, demoEmailFileName(n, mailKindOf(email), email.destination.to[0] ?? 'unknown')), message);
  }
  return dir;
};

/** Each console role as the organizer's guide names it, in Chinese and English. */
const CONSOLE_ROLE_LABELS: Readonly<Record<ConsoleRole, string>> = {
  organizer: '市级组织方 city organizer',
  coordinator: '区级协调员 district coordinator',
  leader: '领导 leader (read-only)',
};

/** The console's address, then one line per demo account: username, password, role (and district). */
const consoleLines = (apiUrl: string, accounts: readonly ConsoleAccount[]): string[] => {
  const width = Math.max(...accounts.map((a) => a.username.length));
  return [
    `CONSOLE ${apiUrl}/console`,
    '  控制台账号 console accounts — 用户名 username · 密码 password · 角色 role:',
    ...accounts.flatMap((a) => [
      `  ${a.username.padEnd(width)}  ${a.password}  ${CONSOLE_ROLE_LABELS[a.role]}${a.district ? ` · ${a.district}` : ''}`,
      ...(a.totpSecret ? [`  ${''.padEnd(width)}  两步验证密钥 authenticator key: ${groupSecret(a.totpSecret)}`] : []),
    ]),
    '  组织方和协调员登录时须输入身份验证器应用（TOTP）的验证码：请把上面的密钥加入应用。',
    '  Organizers and coordinators sign in with an authenticator app (TOTP) code: add the key above to your app.',
  ];
};

/** The option that chooses each service's port, for the message of a port taken. */
const PORT_OPTIONS: Readonly<Record<string, string>> = { 'survey API': '--port', SES: '--ses-port' };

/** A port taken, said with the option that chooses another. */
const portTakenMessage = (error: PortInUse) => {
  const option = PORT_OPTIONS[error.service];
  return option
    ? `${error.message}: pass ${option} <another> or leave it out for a free port`
    : `${error.message}: stop what uses it, or try again`;
};

type Flags = z.infer<typeof Flags>;
type Cloud = Awaited<ReturnType<typeof startEmbeddedCloud>>;
type Target = Awaited<ReturnType<typeof targetFromEnvironment>>;

/** The demo campaign as launched: its definition, execution and the life that plays it. */
interface LaunchedDemo {
  target: Target;
  definition: CampaignDefinition;
  life: DemoLife;
}

const main = async () => {
  const flags = parseFlags();
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const out = resolve(flags.out);
  await clearDemoOutputs(out);
  say(
    'starting the embedded cloud: DynamoDB (dynalite), SES (aws-ses-v2-local), Step Functions (local runner), console sign-in (cognito-local), survey API',
  );
  const cloud = await startCloud(flags);
  if (typeof cloud === 'number') return cloud;
  const shutdown = async (code: number) => {
    await cloud.close();
    return code;
  };
  try {
    say(
      `  DynamoDB ${cloud.urls.dynamodb} · SES ${cloud.urls.ses} · Step Functions ${cloud.urls.sfn} · survey API ${cloud.urls.api}`,
    );
    const demo = await launchDemo(cloud, out);
    await demo.life.invitations();
    await demo.life.answers();
    if (flags.serve) {
      await serveCampaign(cloud, demo, flags, out);
      say('stopping the embedded cloud');
      return await shutdown(0);
    }
    await demo.life.toRectification();
    await reportResults(cloud, demo, out);
    const denied = reportIam(cloud);
    console.log(
      'to answer in a browser, watch the workflow continue and sign in to the organizer console: npm start -- --serve',
    );
    say('done');
    return await shutdown(denied > 0 ? 1 : 0);
  } catch (error) {
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    return shutdown(1);
  }
};

/** Starts the embedded cloud on the ports asked for; an exit code when it cannot. */
const startCloud = async (flags: Flags): Promise<Cloud | number> => {
  try {
    // A port given and taken is refused now, not after the seconds the cloud takes to build itself.
    for (const [service, port] of [
      ['survey API', flags.port],
      ['SES', flags['ses-port']],
    ] as const)
      if (port !== undefined) await ensurePortFree({ service, host: '127.0.0.1', port });
    // The demo's organizer signs in to the console, as do those who open it with --serve.
    return await startEmbeddedCloud({ console: true, ports: { api: flags.port, ses: flags['ses-port'] } });
  } catch (error) {
    if (error instanceof PortInUse) {
      console.error(`npm start: ${portTakenMessage(error)}`);
      return 2;
    }
    console.error(
      `npm start failed: the embedded cloud did not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
};

/** Writes the demo's campaign folder under `out`, reads it and launches it as `supervision launch` does. */
const launchDemo = async (cloud: Cloud, out: string): Promise<LaunchedDemo> => {
  // The same target, folder reading, launch, status and results as the `supervision` command.
  const target = await targetFromEnvironment(
    `the embedded cloud (${cloud.urls.sfn})`,
    cloud.tableName,
    cloud.stateMachineArn,
  );
  const now = new Date();
  // A month-long campaign as organizers run it: a reminder in two days, the deadline in a week, review
  // and fact-check windows of working days, scores signed off before they go out. The demo's organizer
  // reminds, closes, ends both windows early and publishes from the console (as organizers may), so
  // every phase follows the one before at once.
  const demo = demoCampaign(now, {
    reminderAfterSeconds: 2 * 86400,
    deadlineAfterSeconds: 7 * 86400,
    reviewDays: 3,
    factCheckDays: 5,
    // The organizer signs the scores off before any official is emailed, as the console offers.
    autoPublish: false,
  });
  const folderDir = join(out, DEMO_OUTPUTS.campaignFolder);
  await writeCampaignFolder(folderDir, demo, 'xlsx');
  const folder = await loadCampaignFolder(folderDir, now);
  if (!folder.definition)
    throw new Error(`the demo campaign folder does not validate:\n${folder.problems.map(formatProblem).join('\n')}`);
  const definition = folder.definition;
  const { campaign } = definition;
  say(
    `launching ${campaign.title.zh} / ${campaign.title.en} (${campaign.id}): ${definition.centers.length} centers, ${definition.supervisors.length} supervisors`,
  );
  say(`  from the campaign folder ${folderDir} (what \`supervision launch\` reads)`);
  const { outcome: launch } = await launchDefinition(target, definition, now);
  say(`  StartExecution → ${launch.executionArn} (${launch.outcome})`);
  const life = new DemoLife({
    store: target.store,
    sfn: target.sfn,
    urls: cloud.urls,
    consoleAccounts: cloud.consoleAccounts,
    definition,
    executionArn: launch.executionArn,
    say,
  });
  return { target, definition, life };
};

/**
 * Keeps the campaign open until Ctrl-C: prints its status, a link per unanswered assignment, the outbox
 * and the console with its accounts, and writes the endpoint file the `supervision` command reads.
 */
const serveCampaign = async (cloud: Cloud, demo: LaunchedDemo, flags: Flags, out: string): Promise<void> => {
  const { target, definition, life } = demo;
  const { store } = target;
  const { campaign } = definition;
  const status = await readCampaignStatus(target, campaign.id);
  console.log(`\n${formatCampaignStatus(status)}\n`);
  const open = [];
  for await (const a of store.assignments.streamAssignments(campaign.id)) if (!a.answeredAt) open.push(a);
  const unanswered = new Set(open.map((a) => a.supervisorId));
  for (const email of life.record.invitations) {
    const supervisor = definition.supervisors.find((s) => s.email === email.destination.to[0]);
    if (supervisor && unanswered.has(supervisor.id)) for (const url of surveyLinks(email)) console.log(`INVITE ${url}`);
  }
  console.log(`OUTBOX ${cloud.urls.ses}`);
  for (const line of consoleLines(cloud.urls.api, cloud.consoleAccounts)) console.log(line);
  const endpointFile = join(out, DEMO_OUTPUTS.endpoint);
  await writeEndpointFile(endpointFile, {
    ...cloud.urls,
    stateMachineArn: cloud.stateMachineArn,
    tableName: cloud.tableName,
    region: cloud.region,
  });
  const local = flags.out === 'out' ? '--local' : `--endpoint-file ${endpointFile}`;
  say(`campaign open until ${status.deadline}; answered ${status.answered}/${status.total}. Press Ctrl-C to stop.`);
  say(
    `the campaign says autoPublish: ${campaign.autoPublish}: once scored, its results wait as a draft (待签发) until you press 发布 / Publish on its console page`,
  );
  say(
    `from another terminal: npx supervision status ${campaign.id} ${local}   (also extend, close, results, publish; init/validate/launch your own folder)`,
  );
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  const dir = await writeEml(await readOutbox(cloud.urls.ses), join(out, DEMO_OUTPUTS.mail));
  say(`every email of this run is in ${dir}/`);
};

/** Prints the league table, writes every email and the city workbook under `out`, and prints the AWS cost. */
const reportResults = async (cloud: Cloud, demo: LaunchedDemo, out: string): Promise<void> => {
  const { target } = demo;
  const campaignId = demo.definition.campaign.id;
  const { meta, rows } = await loadResults(target, campaignId);
  console.log(`\n${formatResultsHeader(meta)}\n`);
  console.log(formatLeagueTable(rows));
  const outbox = await readOutbox(cloud.urls.ses);
  const byKind = new Map<string, number>();
  for (const e of outbox) byKind.set(mailKindOf(e), (byKind.get(mailKindOf(e)) ?? 0) + 1);
  console.log(`\nemails sent: ${[...byKind].map(([k, n]) => `${k} ${n}`).join(' · ')} (total ${outbox.length})`);
  const dir = await writeEml(outbox, join(out, DEMO_OUTPUTS.mail));
  console.log(`every email is in ${dir}/ (.eml: open with any mail client)`);
  // The city results are the workbook the organizers received, as sent.
  const workbook = outbox
    .find((e) => mailKindOf(e) === 'city-summary')
    ?.attachments.find((a) => a.filename?.endsWith('.xlsx'));
  if (workbook) {
    const file = join(out, DEMO_OUTPUTS.results);
    await writeFile(file, Buffer.from(workbook.content, 'base64'));
    console.log(`city results (a sheet per level): ${file}`);
  }
  // What the campaign would cost on AWS, from the usage the embedded cloud counted (as `supervision status`).
  await cloud.flushUsage();
  const { cost } = await readCampaignStatus(target, campaignId);
  if (cost) {
    const [headline, ...rest] = formatCostLines(cost, 'en');
    console.log(`on AWS: ${headline}`);
    for (const line of rest) console.log(`  ${line}`);
  }
};

/** Each function's calls were checked against its role's policies; prints what IAM saw, returns the denials. */
const reportIam = (cloud: Cloud): number => {
  const denied = cloud.iam.denied();
  const calling = new Set(cloud.iam.calls.map((c) => c.functionName));
  // One the demo never runs was not checked.
  const idle = cloud.model.functions.map((f) => f.name).filter((name) => !calling.has(name));
  console.log(
    `iam: enforcing ${cloud.iam.functions} function policies from the synthesized stack · denied ${denied.length} · ${calling.size} functions made ${cloud.iam.callCount()} calls${idle.length > 0 ? ` (none from ${idle.join(', ')})` : ''}`,
  );
  for (const call of denied) console.error(`  denied: ${call.functionName} ${call.action} on ${call.resource}`);
  return denied.length;
};

process.exitCode = await main();
