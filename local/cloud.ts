import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ANSWER_STREAM } from '../functions/adapters/answer-stream.ts';
import { settleSeconds } from '../functions/core/submission-window.ts';
import { WORKFLOW_FUNCTIONS } from '../functions/core/workflow-contract.ts';
import { type ConsoleAccount, startLocalCognito } from './cognito.ts';
import type { DynamoDbWorkerData } from './dynamodb-worker.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { startHttpApi } from './http-api.ts';
import { type LambdaHandler, lambdaContext } from './lambda-context.ts';
import { whenListening } from './listen.ts';
import { startStepFunctionsEndpoint } from './step-functions/endpoint.ts';
import { LocalStepFunctions } from './step-functions/runner.ts';
import { LocalEventSourceMapping, type StreamRecordData } from './table-stream.ts';
import type { UsageMeter } from './usage-meter.ts';

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
  /** Counts what the functions consume in AWS's billing units (local/usage-meter.ts), once wired in. */
  meter?: UsageMeter;
  /** Invokes a loaded handler in-process, as Lambda would (e.g. `ses-events` with a simulated SNS event). */
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

const createTable = async (endpoint: string) => {
  const client = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
          { AttributeName: 'GSI1PK', AttributeType: 'S' },
          { AttributeName: 'GSI1SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'GSI1',
            KeySchema: [
              { AttributeName: 'GSI1PK', KeyType: 'HASH' },
              { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
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

/**
 * Starts DynamoDB (dynalite), SES (aws-ses-v2-local), Step Functions (our runner behind a local
 * endpoint), the survey HTTP API and the console's user pool (cognito-local), points the AWS SDK at
 * them through the standard `AWS_ENDPOINT_URL_*` variables, and loads the same handlers that run on Lambda.
 * One embedded cloud per process: the handlers read their configuration once, at load.
 */
export const startEmbeddedCloud = async (options: EmbeddedCloudOptions = {}): Promise<EmbeddedCloud> => {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? {};
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    // The table's stream of new responses feeds the answer counter, as the stack's event source
    // mapping does on AWS (same filter, batch size and window; failed batches delivered again).
    const handlers = new Map<string, LambdaHandler<unknown, unknown>>();
    const answerStream = new LocalEventSourceMapping(
      async (event) => {
        const handler = handlers.get('count-answers');
        if (!handler) throw new Error('function count-answers is not loaded');
        return track(handler(event, lambdaContext('count-answers')));
      },
      {
        eventSourceArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE}/stream/local`,
        region: REGION,
        batchSize: ANSWER_STREAM.batchSize,
        maxBatchingWindowMs: ANSWER_STREAM.maxBatchingWindowSeconds * 1000,
      },
    );
    const dynamo = await startDynamoDbThread(
      {
        host,
        port: ports.dynamodb ?? 0,
        dataDir: options.dataDir,
        stream: {
          tableName: TABLE,
          keyAttributes: ['PK', 'SK'],
          eventName: ANSWER_STREAM.eventName,
          sortKey: ANSWER_STREAM.sortKey,
          sortKeyPrefix: ANSWER_STREAM.sortKeyPrefix,
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
    closers.push(async () => {
      const deadline = new Promise((resolve) => setTimeout(resolve, 30_000).unref());
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
    });

    // Handlers are loaded after the endpoints exist; routes and functions resolve them lazily.
    const tracked =
      <E, R>(handler: LambdaHandler<E, R>): LambdaHandler<E, R> =>
      (event, context) =>
        track(handler(event, context));
    const api = await startHttpApi(
      () => {
        type Http = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
        const survey = handlers.get('survey-api') as Http | undefined;
        const rectification = handlers.get('rectification-api') as Http | undefined;
        const organizerConsole = handlers.get('console-api') as Http | undefined;
        if (!survey || !rectification || !organizerConsole) return [];
        return [
          { method: 'ANY', path: '/s/{token}', handler: tracked(survey) },
          { method: 'ANY', path: '/s/{token}/{proxy+}', handler: tracked(survey) },
          { method: 'ANY', path: '/r/{token}', handler: tracked(rectification) },
          { method: 'ANY', path: '/console', handler: tracked(organizerConsole) },
          { method: 'ANY', path: '/console/{proxy+}', handler: tracked(organizerConsole) },
        ];
      },
      { port: ports.api ?? 0, host },
    );
    closers.push(api.close);

    const substitutions: Record<string, string> = {};
    const functions: Record<string, (event: unknown) => Promise<unknown>> = {};
    for (const [placeholder, name] of Object.entries(WORKFLOW_FUNCTIONS)) {
      const arn = localFunctionArn(name);
      substitutions[placeholder] = arn;
      functions[arn] = async (event) => {
        const handler = handlers.get(name);
        if (!handler) throw new Error(`function ${name} is not loaded`);
        const outcome = track(handler(event, lambdaContext(name)));
        options.onTaskInvoked?.({ name, event, outcome });
        return outcome;
      };
    }
    const runner = new LocalStepFunctions({
      definition: (options.transformDefinition ?? ((asl: string) => asl))(await readFile(WORKFLOW, 'utf8')),
      substitutions,
      functions,
      retryIntervalOverrides: options.retryIntervalOverrides,
    });
    closers.push(() => runner.close());
    const sfn = await startStepFunctionsEndpoint(runner, { port: ports.sfn ?? 0, host });
    closers.push(sfn.close);

    const cognito =
      options.console !== true
        ? undefined
        : await startLocalCognito({ host, port: ports.cognito ?? 0, password: options.consolePassword });
    if (cognito) closers.push(cognito.close);

    let faults: EmbeddedCloud['faults'];
    if (options.faults) {
      const [dynamodbProxy, sesProxy] = await Promise.all([
        startFaultProxy(dynamodbUrl, { host }),
        startFaultProxy(sesUrl, { host }),
      ]);
      closers.push(dynamodbProxy.close, sesProxy.close);
      faults = { dynamodb: dynamodbProxy, ses: sesProxy };
    }

    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: faults?.dynamodb.url ?? dynamodbUrl,
      AWS_ENDPOINT_URL_SES: faults?.ses.url ?? sesUrl,
      AWS_ENDPOINT_URL_SFN: sfn.url,
      TABLE_NAME: TABLE,
      MAIL_FROM: 'supervision@example.gov.cn',
      SURVEY_BASE_URL: api.url,
      LINK_SECRET: options.linkSecret ?? randomBytes(32).toString('base64url'),
      MAX_SEND_RATE: String(options.maxSendRate ?? 50),
      CAMPAIGN_CACHE_SECONDS: String(options.campaignCacheSeconds ?? 1),
      // Local requests are served in this process within about a second.
      SUBMISSION_SETTLE_SECONDS: String(settleSeconds(options.campaignCacheSeconds ?? 1, 1)),
      // Every batch runs in this one process and shares one pacer, which therefore gets the whole rate.
      MAIL_CONCURRENCY: '1',
    });
    const consoleEnvironment = {
      CONSOLE_USER_POOL_ID: cognito?.userPoolId,
      CONSOLE_CLIENT_ID: cognito?.clientId,
      // cognito-local's tokens name it as issuer, and it serves its own keys.
      CONSOLE_JWT_ISSUER: cognito?.issuer,
      CONSOLE_JWKS_URL: cognito?.jwksUrl,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito?.url,
    };
    for (const [name, value] of Object.entries(consoleEnvironment)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await createTable(dynamodbUrl);

    const modules = {
      prepare: import('../functions/prepare.ts'),
      'plan-mail': import('../functions/plan-mail.ts'),
      'send-mail': import('../functions/send-mail.ts'),
      'check-progress': import('../functions/check-progress.ts'),
      'await-responses': import('../functions/await-responses.ts'),
      'open-review': import('../functions/open-review.ts'),
      'await-review': import('../functions/await-review.ts'),
      'open-fact-check': import('../functions/open-fact-check.ts'),
      'await-fact-check': import('../functions/await-fact-check.ts'),
      'check-fact-check': import('../functions/check-fact-check.ts'),
      'close-campaign': import('../functions/close-campaign.ts'),
      'score-campaign': import('../functions/score-campaign.ts'),
      'fail-campaign': import('../functions/fail-campaign.ts'),
      'publish-city-summary': import('../functions/publish-city-summary.ts'),
      'survey-api': import('../functions/survey-api.ts'),
      'rectification-api': import('../functions/rectification-api.ts'),
      'console-api': import('../functions/console-api.ts'),
      'ses-events': import('../functions/ses-events.ts'),
      'count-answers': import('../functions/count-answers.ts'),
    };
    for (const [name, mod] of Object.entries(modules)) {
      const { handler } = await mod;
      handlers.set(name, handler as unknown as LambdaHandler<unknown, unknown>);
    }

    // Closed first: answers already on the stream are counted while DynamoDB is still reachable.
    closers.push(() => answerStream.close());

    return {
      region: REGION,
      tableName: TABLE,
      stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:campaign`,
      urls: { dynamodb: dynamodbUrl, ses: sesUrl, sfn: sfn.url, api: api.url, cognito: cognito?.url },
      consoleAccounts: cognito?.accounts ?? [],
      runner,
      faults,
      dynamodbBusyMs: dynamo.busyMs,
      streamIdle: () => answerStream.idle(),
      answerStream,
      invoke: async (name, event) => {
        const handler = handlers.get(name);
        if (!handler) throw new Error(`no local function named ${name}`);
        return track(handler(event, lambdaContext(name)));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};
