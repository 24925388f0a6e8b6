import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readUnits, writeUnits } from '../functions/core/campaign/aws-cost.ts';
import { settleSeconds } from '../functions/core/campaign/submission-window.ts';
import { ClientLimiter, readClientLimits } from './client-limits.ts';
import { type ConsoleAccount, startLocalCognito } from './cognito.ts';
import type { DynamoDbWorkerData } from './dynamodb-worker.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { type LocalRoute, startHttpApi } from './http-api.ts';
import { type AuthorizedCall, type ForwardedCall, startIamGateway } from './iam-gateway.ts';
import { LocalLambdaFunction } from './lambda-runtime.ts';
import { whenListening } from './listen.ts';
import { readStackModel, type StackModel, synthesizeStacks, type Template } from './stack-model.ts';
import { startStepFunctionsEndpoint } from './step-functions/endpoint.ts';
import { LocalStepFunctions } from './step-functions/runner.ts';
import { LocalEventSourceMapping, type StreamRecordData } from './table-stream.ts';
import { UsageMeter } from './usage-meter.ts';

/** Where the embedded cloud listens and what it runs. */
export interface EmbeddedCloud {
  region: string;
  tableName: string;
  stateMachineArn: string;
  /** `cognito` is the console's user pool (cognito-local), present when started with `console: true`. */
  urls: { dynamodb: string; ses: string; sfn: string; api: string; cognito?: string };
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
  ports?: Partial<Record<'dynamodb' | 'ses' | 'sfn' | 'api' | 'cognito', number>>;
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
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TABLE = 'service-supervision';
const STACK_NAME = 'ServiceSupervision';
const SENDER = 'supervision@example.gov.cn';
/**
 * The send-rate cap the stack is synthesized with (a fixed rate, so the functions do not ask the local SES
 * for a quota); `maxSendRate` then overrides it per cloud, so every cloud shares one synthesis.
 */
const SYNTHESIZED_SEND_RATE = 50;

/** Synthesizes the stack as every embedded cloud runs it, ahead of time (the test suite's global setup). */
export const synthesizeLocalStacks = () =>
  synthesizeStacks({ stackName: STACK_NAME, senderEmail: SENDER, maxSendRate: SYNTHESIZED_SEND_RATE });
const WORKFLOW = new URL('../workflows/campaign.asl.json', import.meta.url);

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

/** Starts dynalite on its own thread (see `dynamodb-worker.ts`); resolves once it listens. */
const startDynamoDbThread = (
  data: DynamoDbWorkerData,
  onRecords: (records: StreamRecordData[]) => void,
): Promise<{ url: string; busyMs: () => number; close: () => Promise<void> }> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./dynamodb-worker.ts', import.meta.url), {
      workerData: data,
      // The thread's own loader strips the types; the parent's (tsx, vitest) is not needed there.
      execArgv: [],
    });
    const close = async () => {
      const closed = new Promise<void>((done) => {
        worker.on('message', (m: { closed?: boolean }) => m.closed && done());
        worker.once('exit', () => done());
      });
      worker.postMessage('close');
      await Promise.race([closed, new Promise((done) => setTimeout(done, 5_000).unref())]);
      await worker.terminate();
    };
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the DynamoDB thread exited with code ${code} before listening`)));
    // One listener for everything the thread posts: `{ url }` or `{ error }` once, then stream records.
    worker.on('message', (m: { url?: string; error?: string; records?: StreamRecordData[] }) => {
      if (m.records) onRecords(m.records);
      else if (m.url) resolve({ url: m.url, busyMs: () => worker.performance.eventLoopUtilization().active, close });
      else if (m.error) reject(new Error(`DynamoDB (dynalite) did not start: ${m.error}`));
    });
  });

const createTable = async (endpoint: string, table: StackModel['table'], region: string) => {
  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const attributes = new Set([
    table.partitionKey,
    table.sortKey,
    ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: table.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  } finally {
    client.destroy();
  }
};

/** The function ARN the local workflow uses for a handler name. */
export const localFunctionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** The campaign an invocation works on, when its event names one (workflow tasks do). */
const campaignOf = (event: unknown): string | undefined => {
  const id = (event as { campaignId?: unknown } | null)?.campaignId;
  return typeof id === 'string' ? id : undefined;
};

/** The campaign a partition key belongs to (`CAMPAIGN#<id>…`, `AUDIT#<id>`). */
const campaignOfKey = (key: string | undefined): string | undefined =>
  key === undefined ? undefined : /^(?:CAMPAIGN|AUDIT)#([^#]+)/.exec(key)?.[1];

/**
 * Starts the stack synthesized from infra/ on this machine: DynamoDB (dynalite), SES (aws-ses-v2-local),
 * Step Functions (our runner behind a local endpoint), the HTTP API with the template's routes, the
 * console's user pool (cognito-local) when asked, Secrets Manager, and every function of the template in
 * Lambda-like execution environments of its own, whose calls pass an IAM gateway that enforces the
 * function's role policies. The operator (this process: the CLI, the tests) reaches the same endpoints
 * through the standard `AWS_ENDPOINT_URL_*` variables, with administrator's rights.
 */
export const startEmbeddedCloud = async (options: EmbeddedCloudOptions = {}): Promise<EmbeddedCloud> => {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? {};
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    // Invocations still running at close (a stopped execution's task, a late request) finish before
    // DynamoDB and SES go away, as a Lambda would run to its end.
    const inFlight = new Set<Promise<unknown>>();
    function track<T>(work: Promise<T>): Promise<T> {
      inFlight.add(work);
      work.then(
        () => inFlight.delete(work),
        () => inFlight.delete(work),
      );
      return work;
    }
    const functions = new Map<string, LocalLambdaFunction>();
    const functionNamed = (name: string): LocalLambdaFunction => {
      const fn = functions.get(name);
      if (!fn) throw new Error(`the stack has no function named ${name}`);
      return fn;
    };

    // Routes resolve their function lazily: the API's address is part of the functions' environment.
    let routes: LocalRoute[] = [];
    const limiter = new ClientLimiter();
    const api = await startHttpApi(() => routes, { port: ports.api ?? 0, host });
    closers.push(api.close);

    const cognito =
      options.console !== true
        ? undefined
        : await startLocalCognito({ host, port: ports.cognito ?? 0, password: options.consolePassword });
    if (cognito) closers.push(cognito.close);

    const senderEmail = SENDER;
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
      apiUrl: api.url,
      senderEmail,
      stackName: STACK_NAME,
      cognito: cognito ? { userPoolId: cognito.userPoolId, clientId: cognito.clientId } : undefined,
    });
    const [streamMapping, ...otherMappings] = model.streamMappings;
    if (!streamMapping || otherMappings.length > 0)
      throw new Error(
        'the embedded cloud streams the table to exactly one function; the stack maps it to another number',
      );

    const meter = new UsageMeter();
    // The table's stream feeds its function as the stack's event source mapping does on AWS (same
    // filter, batch size and window; failed batches delivered again).
    const answerStream = new LocalEventSourceMapping(
      (event) => track(functionNamed(streamMapping.functionName).invoke(event)),
      {
        eventSourceArn: `${model.table.arn}/stream/local`,
        region: REGION,
        batchSize: streamMapping.batchSize,
        maxBatchingWindowMs: streamMapping.maxBatchingWindowSeconds * 1000,
      },
    );
    const dynamo = await startDynamoDbThread(
      {
        host,
        port: ports.dynamodb ?? 0,
        dataDir: options.dataDir,
        stream: {
          tableName: TABLE,
          keyAttributes: [model.table.partitionKey, model.table.sortKey],
          eventName: streamMapping.filter.eventName as 'INSERT',
          sortKey: streamMapping.filter.keyAttribute,
          sortKeyPrefix: streamMapping.filter.keyPrefix,
        },
      },
      (records) => answerStream.push(records),
    );
    const dynamodbUrl = dynamo.url;
    closers.push(dynamo.close);

    // CommonJS module: Node exposes module.exports as the default export, some loaders unwrap it once more.
    const sesModule: { default: unknown } = await import('aws-ses-v2-local');
    const sesExport = sesModule.default as
      | { default?: typeof import('aws-ses-v2-local').default }
      | typeof import('aws-ses-v2-local').default;
    const startSes = typeof sesExport === 'function' ? sesExport : sesExport.default;
    if (!startSes) throw new Error('aws-ses-v2-local did not export its server');
    const ses = await startSes({ host, port: ports.ses ?? 0 });
    const sesUrl = `http://${host}:${await whenListening(ses, { service: 'SES', host, port: ports.ses ?? 0 })}`;
    closers.push(() => closeServer(ses));
    closers.push(async () => {
      const deadline = new Promise((resolve) => setTimeout(resolve, 30_000).unref());
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
    });

    const substitutions = model.stateMachine.substitutions;
    const taskFunctions: Record<string, (event: unknown) => Promise<unknown>> = {};
    for (const arn of new Set(Object.values(substitutions))) {
      const spec = model.functions.find((f) => f.arn === arn);
      if (!spec) continue;
      taskFunctions[arn] = async (event) => {
        const outcome = track(functionNamed(spec.name).invoke(event));
        options.onTaskInvoked?.({ name: spec.name, event, outcome });
        return outcome;
      };
    }
    const runner = new LocalStepFunctions({
      definition: (options.transformDefinition ?? ((asl: string) => asl))(await readFile(WORKFLOW, 'utf8')),
      substitutions,
      functions: taskFunctions,
      retryIntervalOverrides: options.retryIntervalOverrides,
      stateMachineArn: model.stateMachine.arn,
      // Billed as AWS bills them: every state entered and every retry; the execution name is the campaign id.
      onEvent: (event) => {
        if (event.type === 'StateEntered' || event.type === 'StateRetried')
          meter.stateTransitions(1, event.executionArn.split(':').at(-1));
      },
    });
    closers.push(() => runner.close());
    const sfn = await startStepFunctionsEndpoint(runner, { port: ports.sfn ?? 0, host });
    closers.push(sfn.close);

    let faults: EmbeddedCloud['faults'];
    if (options.faults) {
      const [dynamodbProxy, sesProxy] = await Promise.all([
        startFaultProxy(dynamodbUrl, { host }),
        startFaultProxy(sesUrl, { host }),
      ]);
      closers.push(dynamodbProxy.close, sesProxy.close);
      faults = { dynamodb: dynamodbProxy, ses: sesProxy };
    }

    // Each function's calls carry its own key; the gateway knows whose it is and what it may do.
    const linkSecret = options.linkSecret ?? randomBytes(32).toString('base64url');
    const gateway = await startIamGateway({
      model,
      host,
      upstream: { dynamodb: faults?.dynamodb.url ?? dynamodbUrl, ses: faults?.ses.url ?? sesUrl, sfn: sfn.url },
      secretValues: Object.fromEntries(model.secrets.map((s) => [s.arn, linkSecret])),
      callerOf: (accessKeyId) => {
        for (const fn of functions.values()) {
          const caller = fn.callerOf(accessKeyId);
          if (caller) return caller;
        }
        return undefined;
      },
      onForwarded: (call) => meterCall(meter, call),
      log: (line) => console.error(line),
    });
    closers.push(gateway.close);

    // What the stack sets is what the functions get; locally only endpoints and a few waits change.
    const overrides: Record<string, string> = {
      MAX_SEND_RATE: String(options.maxSendRate ?? SYNTHESIZED_SEND_RATE),
      CAMPAIGN_CACHE_SECONDS: String(options.campaignCacheSeconds ?? 1),
      // Local requests are served on this machine within about a second.
      SUBMISSION_SETTLE_SECONDS: String(settleSeconds(options.campaignCacheSeconds ?? 1, 1)),
    };
    const localEnvironment: Record<string, string> = {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ENDPOINT_URL_DYNAMODB: gateway.urls.dynamodb,
      AWS_ENDPOINT_URL_SES: gateway.urls.ses,
      AWS_ENDPOINT_URL_SFN: gateway.urls.sfn,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: gateway.urls.secretsmanager,
      ...(cognito
        ? {
            AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
            // cognito-local's tokens name it as issuer, and it serves its own keys.
            CONSOLE_JWT_ISSUER: cognito.issuer,
            CONSOLE_JWKS_URL: cognito.jwksUrl,
          }
        : {}),
    };
    for (const spec of model.functions) {
      const environment = { ...spec.environment };
      for (const [name, value] of Object.entries(overrides)) if (name in environment) environment[name] = value;
      const fn = new LocalLambdaFunction(spec, { ...environment, ...localEnvironment }, (record) => {
        meter.lambdaInvoked(record.functionName, record.memoryMb, record.durationMs, campaignOf(record.event));
      });
      functions.set(spec.name, fn);
    }
    closers.push(async () => {
      await Promise.all([...functions.values()].map((fn) => fn.close()));
    });

    routes = model.routes.map((route) => ({
      method: route.method,
      path: route.path,
      handler: async (event: APIGatewayProxyEventV2) => {
        const { sourceIp, method } = event.requestContext.http;
        // As WAF in front of CloudFront: a client over a rate limit never reaches the function.
        if (limiter.admit(sourceIp, method, event.rawPath))
          return {
            statusCode: 429,
            headers: { 'content-type': 'application/json' },
            body: '{"message":"Too Many Requests"}',
          };
        return track(functionNamed(route.functionName).invoke(event)) as Promise<APIGatewayProxyStructuredResultV2>;
      },
    }));

    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: gateway.urls.dynamodb,
      AWS_ENDPOINT_URL_SES: gateway.urls.ses,
      AWS_ENDPOINT_URL_SFN: gateway.urls.sfn,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: gateway.urls.secretsmanager,
      TABLE_NAME: TABLE,
      MAIL_FROM: senderEmail,
      SURVEY_BASE_URL: api.url,
      LINK_SECRET: linkSecret,
      // For handlers a test runs in this process: the settings the stack's functions get.
      MAIL_CONCURRENCY: '1',
      ...overrides,
    });
    const consoleEnvironment = {
      CONSOLE_USER_POOL_ID: cognito?.userPoolId,
      CONSOLE_CLIENT_ID: cognito?.clientId,
      CONSOLE_JWT_ISSUER: cognito?.issuer,
      CONSOLE_JWKS_URL: cognito?.jwksUrl,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito?.url,
    };
    for (const [name, value] of Object.entries(consoleEnvironment)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await createTable(dynamodbUrl, model.table, REGION);

    // The meter's snapshots go straight to DynamoDB, not through the gateway: they are not the stack's calls.
    const usageClient = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamodbUrl,
        region: REGION,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    const flushUsage = async () => {
      await meter.flush(usageClient, TABLE).catch(() => undefined);
    };
    const flushing = setInterval(() => void flushUsage(), 2_000);
    flushing.unref();
    closers.push(async () => {
      clearInterval(flushing);
      await flushUsage();
      usageClient.destroy();
    });

    // Closed first: answers already on the stream are counted while DynamoDB is still reachable.
    closers.push(() => answerStream.close());

    return {
      region: REGION,
      tableName: TABLE,
      stateMachineArn: model.stateMachine.arn,
      urls: {
        dynamodb: gateway.urls.dynamodb,
        ses: sesUrl,
        sfn: gateway.urls.sfn,
        api: api.url,
        cognito: cognito?.url,
      },
      consoleAccounts: cognito?.accounts ?? [],
      runner,
      faults,
      dynamodbBusyMs: dynamo.busyMs,
      streamIdle: () => answerStream.idle(),
      answerStream,
      meter,
      flushUsage,
      iam: {
        functions: model.functions.length,
        calls: gateway.calls,
        callCount: gateway.callCount,
        denied: gateway.denied,
      },
      model,
      invoke: async (name, event) =>
        track(functionNamed(name).invoke(event, model.mailEventFunctions.includes(name) ? 'async' : 'sync')),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};

/** Counts a call the gateway let through in AWS's billing units. */
const meterCall = (meter: UsageMeter, call: ForwardedCall): void => {
  const campaignId = call.caller?.campaignId;
  if (call.status >= 300) return;
  if (call.service === 'secretsmanager') meter.secretsCall(campaignId);
  else if (call.service === 'ses') {
    if (call.operation === 'SendEmail' || call.operation === 'SendRawEmail')
      meter.sesMessage(Buffer.byteLength(call.requestBody), campaignId);
  } else if (call.service === 'dynamodb') {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(call.requestBody) as Record<string, unknown>;
    } catch {
      return;
    }
    const key = ((body.Key ?? body.Item) as Record<string, { S?: string }> | undefined)?.PK?.S;
    const keyCondition = (body.ExpressionAttributeValues as Record<string, { S?: string }> | undefined) ?? {};
    const campaign =
      campaignId ??
      campaignOfKey(key) ??
      campaignOfKey(Object.values(keyCondition).find((v) => v.S?.startsWith('CAMPAIGN#'))?.S);
    const consistent = body.ConsistentRead === true;
    const responseBytes = call.responseBody.length;
    const requestBytes = Buffer.byteLength(call.requestBody);
    // Request units approximated from the bytes on the wire: an item read or written is about its JSON size.
    const units =
      call.operation === 'PutItem' || call.operation === 'UpdateItem' || call.operation === 'DeleteItem'
        ? { readUnits: 0, writeUnits: writeUnits(requestBytes) }
        : call.operation === 'BatchWriteItem'
          ? {
              readUnits: 0,
              writeUnits: Object.values((body.RequestItems ?? {}) as Record<string, unknown[]>).reduce<number>(
                (sum, items) =>
                  sum + items.reduce<number>((s, item) => s + writeUnits(Buffer.byteLength(JSON.stringify(item))), 0),
                0,
              ),
            }
          : { readUnits: readUnits(responseBytes, consistent), writeUnits: 0 };
    meter.dynamodbCall(call.operation, units, campaign);
  }
};
