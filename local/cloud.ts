import { randomBytes } from 'node:crypto';
import { ClientLimiter, readClientLimits } from './client-limits.ts';
import { createAnswerStream, startFaultProxies, startGateway, startS3, startWorkflow } from './cloud-backends.ts';
import {
  buildRoutes,
  functionOverrides,
  localEndpoints,
  setOperatorEnvironment,
  startFunctions,
} from './cloud-functions.ts';
import { CloudRuntime } from './cloud-runtime.ts';
import { ACCOUNT, REGION, SENDER, STACK_NAME, SYNTHESIZED_SEND_RATE, TABLE } from './cloud-settings.ts';
import { type ConsoleAccount, type LocalCognito, startLocalCognito } from './cognito.ts';
import { createTable, startDynamoDbThread } from './dynamodb-thread.ts';
import type { FaultProxy } from './fault-proxy.ts';
import { bundleFunctions, handlerNamesOf } from './function-bundles.ts';
import { type LocalRoute, startHttpApi } from './http-api.ts';
import type { AuthorizedCall } from './iam-gateway.ts';
import { startLocalSes } from './ses-server.ts';
import {
  readStackModel,
  type StackModel,
  type StreamMappingSpec,
  type SynthesizedApp,
  synthesizeStacks,
} from './stack-model.ts';
import type { LocalStepFunctions } from './step-functions/runner.ts';
import type { LocalEventSourceMapping } from './table-stream.ts';
import type { Template } from './template-resolver.ts';
import { startUsageFlush } from './usage-billing.ts';
import { UsageMeter } from './usage-meter.ts';

/** Where the embedded cloud listens and what it runs. */
export interface EmbeddedCloud {
  region: string;
  tableName: string;
  stateMachineArn: string;
  /** `cognito` is the console's user pool (cognito-local), present when started with `console: true`. */
  urls: { dynamodb: string; ses: string; sfn: string; api: string; s3: string; cognito?: string };
  /** The console's demo accounts (one per role) and their passwords; none without `console: true`. */
  consoleAccounts: readonly ConsoleAccount[];
  runner: LocalStepFunctions;
  /** Fault injectors in front of DynamoDB and SES, when started with `faults: true`. */
  faults?: { dynamodb: FaultProxy; ses: FaultProxy };
  /** Milliseconds the DynamoDB thread has been busy since it started (for benchmarks' CPU accounting). */
  dynamodbBusyMs: () => number;
  /**
   * Resolves once every record the table's stream has carried so far was handed to its function
   * (`count-answers`): the answers submitted before the call are counted.
   */
  streamIdle: () => Promise<void>;
  /** Holds and releases the delivery of the table's stream to its function (counting falls behind meanwhile). */
  answerStream: Pick<LocalEventSourceMapping, 'pause' | 'resume' | 'backlog'>;
  /** Counts what the functions consume in AWS's billing units (local/usage-meter.ts). */
  meter: UsageMeter;
  /** Writes each campaign's usage so far to the table now (it is also written every 2 s). */
  flushUsage: () => Promise<void>;
  /** IAM as enforced: how many function policies, and every call a function made as IAM saw it. */
  iam: { functions: number; calls: readonly AuthorizedCall[]; callCount: () => number; denied: () => AuthorizedCall[] };
  /** What the embedded cloud took from the synthesized stack. */
  model: StackModel;
  /** Invokes a function of the stack as Lambda would (e.g. `ses-events` with a simulated SNS event). */
  invoke: (name: string, event: unknown) => Promise<unknown>;
  close: () => Promise<void>;
}

/** Options; every port defaults to 0 (any free port). */
export interface EmbeddedCloudOptions {
  host?: string;
  ports?: Partial<Record<'dynamodb' | 'ses' | 'sfn' | 'api' | 's3' | 'cognito', number>>;
  /** Emails per second the local SES accepts from us. */
  maxSendRate?: number;
  /**
   * Seconds the survey handler answers from its copy of a campaign's status (`CAMPAIGN_CACHE_SECONDS`);
   * Score waits this plus a local request's time after close. @default 1
   */
  campaignCacheSeconds?: number;
  /** Survey link secret; random per start unless given. */
  linkSecret?: string;
  /** Shortens Retry pauses (state name → ms), for tests. */
  retryIntervalOverrides?: Record<string, number>;
  /** Keeps DynamoDB data in this folder instead of memory. */
  dataDir?: string;
  /** Puts fault-injecting proxies between the handlers and DynamoDB and SES (for failure tests). */
  faults?: boolean;
  /**
   * Applies WAF's per-client rate limits of the edge stack to the local API. A load test sends from one
   * address what many people would send from theirs, and turns them off. @default true
   */
  clientRateLimits?: boolean;
  /**
   * Changes the synthesized template before the embedded cloud is built from it (a test removes a
   * grant, for example, to see the call it allowed refused).
   */
  transformTemplate?: (template: Template) => Template;
  /** Changes the workflow definition before it runs (failure tests shorten a timeout, for example). */
  transformDefinition?: (asl: string) => string;
  /**
   * Starts the console's user pool (cognito-local, about half a second) with its demo accounts, for
   * signing in to the console; without it the console answers but nobody can sign in. @default false
   */
  console?: boolean;
  /** The password of every demo console account; random per start unless given. */
  consolePassword?: string;
  /**
   * Told of every function the workflow invokes, with its event and the invocation's outcome: a task's
   * state may fail (a timeout) while its function still runs, and tests wait for the function itself.
   */
  onTaskInvoked?: (invocation: { name: string; event: unknown; outcome: Promise<unknown> }) => void;
  /**
   * Runs each function from its sources (Node strips the types) instead of the bundle the stack deploys:
   * slower to start, for stepping through a handler. @default false
   */
  functionSources?: boolean;
}

/** Synthesizes the stack as every embedded cloud runs it, ahead of time (the test suite's global setup). */
export const synthesizeLocalStacks = async (): Promise<SynthesizedApp> => {
  const app = await synthesizeStacks({
    stackName: STACK_NAME,
    senderEmail: SENDER,
    maxSendRate: SYNTHESIZED_SEND_RATE,
  });
  await bundleFunctions(handlerNamesOf(app.main));
  return app;
};

/** The function ARN the local workflow uses for a handler name. */
export const localFunctionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/**
 * Starts the stack synthesized from infra/ on this machine: DynamoDB (dynalite), SES (aws-ses-v2-local), S3
 * (s3rver, its notifications delivered to the functions the buckets name),
 * Step Functions (our runner behind a local endpoint), the HTTP API with the template's routes, the
 * console's user pool (cognito-local) when asked, Secrets Manager, and every function of the template in
 * Lambda-like execution environments of its own, whose calls pass an IAM gateway that enforces the
 * function's role policies. The operator (this process: the CLI, the tests) reaches the same endpoints
 * through the standard `AWS_ENDPOINT_URL_*` variables, with administrator's rights.
 */
export const startEmbeddedCloud = async (options: EmbeddedCloudOptions = {}): Promise<EmbeddedCloud> => {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? {};
  // Invocations still running at close (a stopped execution's task, a late request) finish before
  // DynamoDB and SES go away, as a Lambda would run to its end.
  const runtime = new CloudRuntime();
  try {
    // Routes resolve their function lazily: the API's address is part of the functions' environment.
    let routes: LocalRoute[] = [];
    const limiter = new ClientLimiter();
    const api = await startHttpApi(() => routes, { port: ports.api ?? 0, host });
    runtime.onClose(api.close);
    const cognito = await startConsolePool(runtime, options, host);
    const { model, streamMapping } = await loadStackModel(options, limiter, api.url, cognito);

    const meter = new UsageMeter();
    const answerStream = createAnswerStream(runtime, model, streamMapping);
    const dynamo = await startDynamoDbThread(
      { host, port: ports.dynamodb ?? 0, dataDir: options.dataDir, stream: streamSubscription(model, streamMapping) },
      (records) => answerStream.push(records),
    );
    runtime.onClose(dynamo.close);
    const ses = await startLocalSes(host, ports.ses ?? 0);
    runtime.onClose(ses.close, () => runtime.settleInFlight());
    const sfn = await startWorkflow(runtime, model, options, meter);
    const s3 = await startS3(runtime, model, { host, port: ports.s3 ?? 0 });
    const faults = options.faults
      ? await startFaultProxies(runtime, { dynamodb: dynamo.url, ses: ses.url }, host)
      : undefined;

    const linkSecret = options.linkSecret ?? randomBytes(32).toString('base64url');
    const upstream = {
      dynamodb: faults?.dynamodb.url ?? dynamo.url,
      ses: faults?.ses.url ?? ses.url,
      sfn: sfn.url,
      s3: s3.url,
    };
    const gateway = await startGateway(runtime, { model, host, upstream, linkSecret, meter });
    const overrides = functionOverrides(options);
    const endpoints = localEndpoints(gateway, cognito);
    await startFunctions(runtime, model, { overrides, endpoints, sources: options.functionSources }, meter);
    // Before the functions shut down: the photos already announced are checked.
    runtime.onClose(s3.settle);
    routes = buildRoutes(runtime, model, limiter);
    setOperatorEnvironment({ gateway, apiUrl: api.url, linkSecret, overrides, cognito, model });
    await createTable(dynamo.url, model.table, REGION);
    const usage = startUsageFlush(meter, dynamo.url, REGION, TABLE);
    runtime.onClose(usage.close);
    // Closed first: answers already on the stream are counted while DynamoDB is still reachable.
    runtime.onClose(() => answerStream.close());

    return {
      region: REGION,
      tableName: TABLE,
      stateMachineArn: model.stateMachine.arn,
      urls: { ...gateway.urls, ses: ses.url, api: api.url, cognito: cognito?.url },
      consoleAccounts: cognito?.accounts ?? [],
      runner: sfn.runner,
      faults,
      dynamodbBusyMs: dynamo.busyMs,
      streamIdle: () => answerStream.idle(),
      answerStream,
      meter,
      flushUsage: usage.flush,
      iam: {
        functions: model.functions.length,
        calls: gateway.calls,
        callCount: gateway.callCount,
        denied: gateway.denied,
      },
      model,
      invoke: async (name, event) =>
        runtime.invoke(name, event, model.mailEventFunctions.includes(name) ? 'async' : 'sync'),
      close: runtime.close,
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
};

/** The console's user pool (cognito-local) with its demo accounts, when asked for. */
const startConsolePool = async (
  runtime: CloudRuntime,
  options: EmbeddedCloudOptions,
  host: string,
): Promise<LocalCognito | undefined> => {
  if (options.console !== true) return undefined;
  const cognito = await startLocalCognito({
    host,
    port: options.ports?.cognito ?? 0,
    password: options.consolePassword,
  });
  runtime.onClose(cognito.close);
  return cognito;
};

/**
 * The model of the synthesized stack (changed first by `transformTemplate`) bound to the local endpoints,
 * with its one stream mapping; WAF's per-client rate limits, from the edge stack, go to `limiter`.
 */
const loadStackModel = async (
  options: EmbeddedCloudOptions,
  limiter: ClientLimiter,
  apiUrl: string,
  cognito: LocalCognito | undefined,
): Promise<{ model: StackModel; streamMapping: StreamMappingSpec }> => {
  const synthesized = await synthesizeLocalStacks();
  const template = options.transformTemplate
    ? options.transformTemplate(structuredClone(synthesized.main))
    : synthesized.main;
  // WAF's per-client rate limits, from the edge stack, hold for the local API as for CloudFront.
  if (options.clientRateLimits !== false) limiter.use(readClientLimits(synthesized.edge));
  const model = readStackModel(template, {
    region: REGION,
    account: ACCOUNT,
    tableName: TABLE,
    apiUrl,
    senderEmail: SENDER,
    stackName: STACK_NAME,
    cognito: cognito ? { userPoolId: cognito.userPoolId, clientId: cognito.clientId } : undefined,
  });
  const [streamMapping, ...otherMappings] = model.streamMappings;
  if (!streamMapping || otherMappings.length > 0)
    throw new Error(
      'the embedded cloud streams the table to exactly one function; the stack maps it to another number',
    );
  return { model, streamMapping };
};

/** What the DynamoDB thread turns into stream records: the mapping's filter on the stack's table. */
const streamSubscription = (model: StackModel, mapping: StreamMappingSpec) => ({
  tableName: TABLE,
  keyAttributes: [model.table.partitionKey, model.table.sortKey],
  eventName: mapping.filter.eventName as 'INSERT',
  sortKey: mapping.filter.keyAttribute,
  sortKeyPrefix: mapping.filter.keyPrefix,
});
