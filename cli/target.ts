import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseArgsOptionsConfig } from 'node:util';
import type { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { createTables, type Tables } from '../functions/adapters/table/tables.ts';
import type { CampaignMeta } from '../functions/core/campaign/lifecycle.ts';
import type { WakeSignal } from '../functions/core/campaign/workflow-contract.ts';
import { CampaignNotFound } from '../functions/core/errors.ts';
import { Id } from '../functions/core/model.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './command.ts';
import { CliFailure } from './errors.ts';

/** Where the campaigns live: the deployed stack or the embedded cloud, with the clients to reach it. */
export interface Target {
  /** For messages: `the embedded cloud (…)` or `stack ServiceSupervision in ap-southeast-1`. */
  where: string;
  store: Tables;
  sfn: SFNClient;
  stateMachineArn: string;
  /** Wakes a campaign's Collect task (SendTaskSuccess); a stale token is not an error. */
  wake: (taskToken: string, signal: WakeSignal) => Promise<'woken' | 'stale'>;
}

/** The endpoint file `npm start -- --serve` writes for `--local`. */
export const LocalEndpoints = z.object({
  dynamodb: z.url(),
  ses: z.url(),
  sfn: z.url(),
  api: z.url(),
  stateMachineArn: z.string().startsWith('arn:'),
  tableName: z.string().min(1),
  region: z.string().min(1),
});
export type LocalEndpoints = z.infer<typeof LocalEndpoints>;

/** Default place of the endpoint file, relative to where `npm start` runs. */
export const DEFAULT_ENDPOINT_FILE = 'out/local-cloud.json';
/** Default stack name, as `cdk deploy` creates it. */
export const DEFAULT_STACK = 'ServiceSupervision';

/** Flags every command that talks to campaigns accepts. */
export const TARGET_OPTIONS: ParseArgsOptionsConfig = {
  local: { type: 'boolean' },
  'endpoint-file': { type: 'string' },
  stack: { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
};

/** The target flags, validated. */
export const TargetFlags = z.object({
  local: z.boolean().default(false),
  'endpoint-file': z.string().min(1).optional(),
  stack: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'a stack name starts with a letter and holds letters, digits or hyphens')
    .default(DEFAULT_STACK),
  profile: z
    .string()
    .regex(/^[\w.@+=,-]{1,128}$/, 'use the name of a profile in ~/.aws/config')
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'a region looks like ap-southeast-1 or eu-west-1')
    .optional(),
});
export type TargetFlags = z.infer<typeof TargetFlags>;

/**
 * Parses the command line of a command about one campaign: the target flags besides its own options,
 * and the campaign id, whose spelling is checked here (a UsageError).
 */
export const parseCampaignCommandLine = <S extends z.ZodType>(
  argv: readonly string[],
  options: ParseArgsOptionsConfig,
  schema: S,
): { flags: z.output<S>; id: string } => {
  const { flags, args } = parseCommandLine(argv, { ...TARGET_OPTIONS, ...options }, schema, {
    names: ['campaign-id'],
  });
  const id = args[0] as string;
  if (!Id.safeParse(id).success) throw new UsageError(`"${id}" is not a campaign id (the id: in campaign.yaml)`);
  return { flags, id };
};

/** Help text for the target flags, shared by every command. */
export const TARGET_HELP = `Where the campaigns are (目标):
  --local                 the embedded cloud started by \`npm start -- --serve\` (reads ${DEFAULT_ENDPOINT_FILE})
  --endpoint-file <file>  another endpoint file written by \`npm start -- --serve\` (implies --local)
  --stack <name>          on AWS: the stack deployed by \`npx cdk deploy\` (default ${DEFAULT_STACK})
  --profile <name>        AWS profile; otherwise the standard credential chain (AWS_PROFILE, SSO, environment)
  --region <region>       AWS region, e.g. ap-southeast-1; otherwise AWS_REGION or the profile's region`;

/** Writes the endpoint file that `--local` reads. */
export const writeEndpointFile = async (path: string, endpoints: LocalEndpoints): Promise<void> => {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(LocalEndpoints.parse(endpoints), null, 2)}\n`);
};

/** Builds a target from the process's AWS clients (their endpoints and region come from the environment). */
export const targetFromEnvironment = async (
  where: string,
  tableName: string,
  stateMachineArn: string,
): Promise<Target> => {
  const { documentClient } = await import('../functions/adapters/clients/dynamodb.ts');
  const { loadSfnClient } = await import('../functions/adapters/clients/sfn.ts');
  const { wakeCollect } = await import('../functions/adapters/workflow.ts');
  return {
    where,
    store: createTables(documentClient, tableName),
    sfn: await loadSfnClient(),
    stateMachineArn,
    wake: wakeCollect,
  };
};

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const readEndpoints = async (
  file: string | undefined,
  cwd: string,
): Promise<{ path: string; endpoints: LocalEndpoints }> => {
  const candidates = file
    ? [resolve(cwd, file)]
    : [resolve(cwd, DEFAULT_ENDPOINT_FILE), resolve(PROJECT_ROOT, DEFAULT_ENDPOINT_FILE)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    throw new CliFailure(
      `no embedded cloud endpoint file at ${candidates[0]}: start the embedded cloud with \`npm start -- --serve\` in the project folder${file ? '' : ', or pass --endpoint-file'}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new CliFailure(`${path} is not JSON: restart \`npm start -- --serve\`, which writes it again.`);
  }
  const parsed = LocalEndpoints.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliFailure(
      `${path} is not an endpoint file (${issue?.path.join('.') || 'file'}: ${issue?.message}): restart \`npm start -- --serve\`, which writes it again.`,
    );
  }
  return { path, endpoints: parsed.data };
};

const answers = async (url: string): Promise<boolean> => {
  try {
    await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return true;
  } catch {
    return false;
  }
};

const connectLocal = async (flags: TargetFlags, cwd: string): Promise<Target> => {
  const { path, endpoints } = await readEndpoints(flags['endpoint-file'], cwd);
  if (!(await answers(endpoints.sfn)) || !(await answers(endpoints.dynamodb))) {
    throw new CliFailure(
      `the embedded cloud of ${path} is not running (${endpoints.sfn} does not answer): start it with \`npm start -- --serve\`.`,
    );
  }
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, {
    AWS_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SFN: endpoints.sfn,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
  });
  return targetFromEnvironment(`the embedded cloud (${endpoints.sfn})`, endpoints.tableName, endpoints.stateMachineArn);
};

/** The outputs of a deployed stack that the command line needs. */
export interface StackOutputs {
  tableName: string;
  stateMachineArn: string;
  surveyApiUrl?: string;
  region: string;
}

/** Reads a stack's outputs with CloudFormation DescribeStacks; a missing stack or output is one clear sentence. */
export const describeStackOutputs = async (
  cloudFormation: {
    send: (
      command: import('@aws-sdk/client-cloudformation').DescribeStacksCommand,
    ) => Promise<import('@aws-sdk/client-cloudformation').DescribeStacksCommandOutput>;
  },
  stackName: string,
  region: string,
): Promise<StackOutputs> => {
  const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  let stack:
    | NonNullable<import('@aws-sdk/client-cloudformation').DescribeStacksCommandOutput['Stacks']>[number]
    | undefined;
  try {
    stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/i.test(error.message))
      stack = undefined;
    else throw error;
  }
  if (!stack) {
    throw new CliFailure(
      `there is no stack ${stackName} in ${region}: deploy it with \`npx cdk deploy ${stackName} -c senderEmail=…\`, or pass --stack and --region.`,
    );
  }
  const outputs = new Map((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const tableName = outputs.get('TableName');
  const stateMachineArn = outputs.get('StateMachineArn');
  if (!tableName || !stateMachineArn) {
    const status = stack.StackStatus ?? 'unknown';
    throw new CliFailure(
      `stack ${stackName} in ${region} has no TableName/StateMachineArn outputs (status ${status}): is it a service-supervision stack, and has \`npx cdk deploy\` finished?`,
    );
  }
  const surveyApiUrl = outputs.get('SurveyApiUrl');
  return {
    tableName,
    stateMachineArn,
    region: stateMachineArn.split(':')[3] || region,
    ...(surveyApiUrl ? { surveyApiUrl } : {}),
  };
};

const connectAws = async (flags: TargetFlags): Promise<Target> => {
  if (flags.profile) process.env.AWS_PROFILE = flags.profile;
  if (flags.region) process.env.AWS_REGION = flags.region;
  const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
  const cloudFormation = new CloudFormationClient({ maxAttempts: 3 });
  let region: string;
  try {
    region = await cloudFormation.config.region();
  } catch (error) {
    if (error instanceof Error && /region is missing/i.test(error.message)) {
      throw new CliFailure(
        'no AWS region is set: pass --region (e.g. --region ap-southeast-1) or set AWS_REGION, or give your profile a region; use --local for the embedded cloud.',
      );
    }
    throw error;
  }
  try {
    const outputs = await describeStackOutputs(cloudFormation, flags.stack, region);
    process.env.AWS_REGION = outputs.region;
    return await targetFromEnvironment(
      `stack ${flags.stack} in ${outputs.region}`,
      outputs.tableName,
      outputs.stateMachineArn,
    );
  } finally {
    cloudFormation.destroy();
  }
};

/** Connects to the campaigns' target named by the flags: `--local` / `--endpoint-file`, or a stack on AWS. */
export const connectTarget = async (flags: TargetFlags, cwd: string): Promise<Target> =>
  flags.local || flags['endpoint-file'] ? connectLocal(flags, cwd) : connectAws(flags);

/** The campaign's control record, or one sentence saying it is not there. */
export const findCampaign = async (target: Target, campaignId: string): Promise<CampaignMeta> => {
  try {
    return await target.store.campaigns.getMeta(campaignId);
  } catch (error) {
    if (error instanceof CampaignNotFound) {
      throw new CliFailure(
        `there is no campaign "${campaignId}" in ${target.where}: check the id (the id: in campaign.yaml) and the target (--local or --stack).`,
      );
    }
    throw error;
  }
};

/** The target flags as typed, to repeat them in a suggested next command. */
export const targetArgs = (flags: TargetFlags): string => {
  if (flags['endpoint-file']) return ` --endpoint-file ${flags['endpoint-file']}`;
  if (flags.local) return ' --local';
  return [
    flags.stack !== DEFAULT_STACK ? ` --stack ${flags.stack}` : '',
    flags.profile ? ` --profile ${flags.profile}` : '',
    flags.region ? ` --region ${flags.region}` : '',
  ].join('');
};
