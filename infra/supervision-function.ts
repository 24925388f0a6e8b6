import path from 'node:path';
import {
  type BundlingOptions as AssetBundlingOptions,
  AssetHashType,
  type CfnResource,
  DockerImage,
  type Duration,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Code,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { BUNDLE, BUNDLE_ENTRY, functionBundleOptions } from './bundle-options.ts';
import { acknowledgeFinding, acknowledgeWildcardResource } from './nag.ts';
import { TABLE_INDEX, type TableGrant } from './table-grants.ts';

/** The template metadata key naming a function's handler file under `functions/` (without extension). */
export const HANDLER_METADATA = 'service-supervision:handler';

/** Props of {@link SupervisionFunction}: what differs between handlers; everything else is a house default. */
export interface SupervisionFunctionProps {
  /** Directory holding `functions/` and `package-lock.json`; esbuild runs from here. */
  readonly projectRoot: string;
  /** Handler file under `functions/`, without extension, e.g. `send-mail`. It must export `handler`. */
  readonly handlerName: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** Hard limit of one invocation; keep it below the workflow state's `TimeoutSeconds`. */
  readonly timeout: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /** Extra environment variables; prefer the `bind…` helpers, which grant access too. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Packages installed into the bundle instead of bundled (native ones, such as sharp), for Lambda's
   * linux-arm64 whatever the machine that bundles: npm is told the target's os, cpu and libc, so it
   * installs their arm64 binaries (from the registry: bundling them needs the network once). Such a
   * function is bundled by NodejsFunction into one file; every other one is split (see {@link splitBundle}).
   */
  readonly nodeModules?: readonly string[];
}

/**
 * A function's code bundled by esbuild with the stack's options (bundle-options.ts) into its asset:
 * `index.mjs` and the chunks it imports at first use, so a cold start loads only the entry (an HTTP
 * function's router) and each request the chunks of its route. NodejsFunction bundles into one file
 * (`--outfile`), which cannot be split. Bundled on this machine by the project's esbuild, as
 * NodejsFunction does when esbuild is installed; the asset's hash is that of the bundle.
 */
const splitBundle = (projectRoot: string, handlerName: string): Code => {
  const bundling: AssetBundlingOptions & { readonly entry: string } = {
    // Tells this function's bundling from the others' in CDK's asset cache, which keys on these options.
    entry: `functions/${handlerName}.ts`,
    // Never pulled: local bundling always runs (esbuild is one of the project's packages), as
    // NodejsFunction names a placeholder image when it bundles locally.
    image: DockerImage.fromRegistry('dummy'),
    local: {
      tryBundle(outputDir) {
        buildSync({ ...functionBundleOptions(projectRoot, handlerName, outputDir), logLevel: 'warning' });
        return true;
      },
    },
  };
  return Code.fromAsset(projectRoot, { assetHashType: AssetHashType.OUTPUT, bundling });
};

/** NodejsFunction's one-file bundling, with the stack's options and `nodeModules` installed for linux-arm64. */
const oneFileBundling = (nodeModules: readonly string[]): BundlingOptions => ({
  format: OutputFormat.ESM,
  mainFields: [...BUNDLE.mainFields],
  target: BUNDLE.target,
  minify: BUNDLE.minify,
  sourceMap: true,
  sourcesContent: false,
  banner: BUNDLE.banner,
  bundleAwsSDK: false,
  externalModules: [...BUNDLE.external],
  nodeModules: [...nodeModules],
  environment: { npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_libc: 'glibc' },
});

/** Everything a function needs to send email through SES. */
export interface MailBinding {
  /** Verified sender address; the only `From` the function may use. */
  readonly from: string;
  /** SES configuration set every message is sent with. */
  readonly configurationSetName: string;
  /**
   * A cap on the send rate in emails per second (`MAX_SEND_RATE`). Absent, each function reads the
   * account's max send rate from SES, and is granted `ses:GetSendQuota` for it.
   */
  readonly maxSendRate?: number;
  /** How many mail batches run at once (the Map's `MaxConcurrency`); each takes its share of the rate. */
  readonly concurrency: number;
  /** Base URL of the survey API, for the links in emails. */
  readonly surveyBaseUrl: string;
  /**
   * The function sends mail with attachments, as MIME (`ses:SendRawEmail`), rather than plain mail
   * (`ses:SendEmail`): the grant follows the one SES call the function makes.
   * @default false
   */
  readonly attachments?: boolean;
}

/**
 * A Lambda function with the house defaults: Node.js 22 on arm64, an ESM bundle made by esbuild and
 * split into chunks loaded at first use (the runtime's AWS SDK v3 left out, see bundle-options.ts), source
 * maps, X-Ray, JSON logs in its own log group, and its own role holding only what the `bind…` helpers grant.
 */
export class SupervisionFunction extends NodejsFunction {
  /** The function's execution role. */
  public readonly executionRole: Role;

  public constructor(scope: Construct, id: string, props: SupervisionFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write only to its own log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.handlerName} function`,
    });
    super(scope, id, {
      ...(props.nodeModules
        ? {
            entry: path.join(props.projectRoot, 'functions', `${props.handlerName}.ts`),
            handler: 'handler',
            projectRoot: props.projectRoot,
            depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
            bundling: oneFileBundling(props.nodeModules),
          }
        : { code: splitBundle(props.projectRoot, props.handlerName), handler: `${BUNDLE_ENTRY}.handler` }),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      // INFO keeps the platform's report line of each invocation: duration, billed time, memory used, init.
      systemLogLevelV2: SystemLogLevel.INFO,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    this.executionRole = role;
    // Names the handler file in the template, so the embedded cloud (local/stack-model.ts) runs this
    // function from the synthesized stack without a list of its own.
    (this.node.defaultChild as CfnResource).addMetadata(HANDLER_METADATA, props.handlerName);
    logGroup.grants.write(role);
    acknowledgeFinding(
      this,
      'AwsSolutions-L1',
      'nodejs22.x is the runtime the handlers are built and tested for (Node 22 locally and in the embedded cloud); moving to a newer one is a deliberate, tested change.',
    );
    acknowledgeFinding(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    );
  }

  /**
   * Sets `TABLE_NAME` and grants exactly `grants` (infra/table-grants.ts): one statement each, on the
   * table or on {@link TABLE_INDEX}, limited to the grant's partition keys by `dynamodb:LeadingKeys`.
   */
  public bindTable(table: ITable, grants: readonly TableGrant[]): void {
    this.addEnvironment('TABLE_NAME', table.tableName);
    for (const grant of grants) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...grant.actions],
          resources: [grant.index ? `${table.tableArn}/index/${TABLE_INDEX}` : table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.leadingKeys] } },
        }),
      );
    }
  }

  /**
   * Sets `variable` to the secret's ARN and grants `secretsmanager:GetSecretValue` on it, the one call
   * the function makes (not `DescribeSecret`, which `grantRead` adds). The secret uses the account's
   * AWS-managed key, so no KMS grant is needed.
   */
  public bindSecret(secret: ISecret, variable: string): void {
    this.addEnvironment(variable, secret.secretArn);
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
  }

  /**
   * Sets `MAIL_FROM`, `SES_CONFIGURATION_SET`, `MAIL_CONCURRENCY`, `SURVEY_BASE_URL` and, when
   * given, `MAX_SEND_RATE`; grants `ses:SendEmail` (or, with `attachments`, `ses:SendRawEmail`) on
   * condition that the `From` address is exactly `mail.from`, and `ses:GetSendQuota` when the rate is
   * read from SES.
   */
  public bindMail(mail: MailBinding): void {
    this.addEnvironment('MAIL_FROM', mail.from);
    this.addEnvironment('SES_CONFIGURATION_SET', mail.configurationSetName);
    if (mail.maxSendRate === undefined) {
      this.addToRolePolicy(new PolicyStatement({ actions: ['ses:GetSendQuota'], resources: ['*'] }));
      acknowledgeFinding(
        this.executionRole,
        'AwsSolutions-IAM5[Resource::*]',
        "ses:GetSendQuota supports no resource-level permissions; it only reads the account's send rate and 24-hour quota, to pace mail by them.",
      );
    } else {
      this.addEnvironment('MAX_SEND_RATE', String(mail.maxSendRate));
    }
    this.addEnvironment('MAIL_CONCURRENCY', String(mail.concurrency));
    this.addEnvironment('SURVEY_BASE_URL', mail.surveyBaseUrl);
    const stack = Stack.of(this);
    // Any identity: SES authorizes the sender's address or its domain, and in the sandbox the recipients too.
    const identities = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' });
    const configurationSet = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: mail.configurationSetName,
    });
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [mail.attachments ? 'ses:SendRawEmail' : 'ses:SendEmail'],
        resources: [identities, configurationSet],
        conditions: { StringEquals: { 'ses:FromAddress': mail.from } },
      }),
    );
    acknowledgeWildcardResource(
      this.executionRole,
      identities,
      'Sending is limited by the ses:FromAddress condition to the one verified sender; the identity may be the address or its domain, and the SES sandbox also checks recipient identities.',
    );
  }

  /**
   * Grants `states:SendTaskSuccess` on the state machine, to wake a `.waitForTaskToken` task (the
   * functions never fail a task or send heartbeats). Takes the ARN, not the state machine, so a function
   * the workflow invokes can hold it without a circular dependency.
   */
  public bindWorkflowCallbacks(stateMachineArn: string): void {
    this.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [stateMachineArn] }));
  }
}
