import { readFile } from 'node:fs/promises';
import type { EmbeddedCloud, EmbeddedCloudOptions } from './cloud.ts';
import type { CloudRuntime } from './cloud-runtime.ts';
import { REGION } from './cloud-settings.ts';
import { startFaultProxy } from './fault-proxy.ts';
import { type IamGateway, startIamGateway } from './iam-gateway.ts';
import { type LocalS3, startLocalS3 } from './s3-server.ts';
import type { StackModel, StreamMappingSpec } from './stack-model.ts';
import { startStepFunctionsEndpoint } from './step-functions/endpoint.ts';
import { LocalStepFunctions } from './step-functions/runner.ts';
import { LocalEventSourceMapping } from './table-stream.ts';
import { meterCall } from './usage-billing.ts';
import type { UsageMeter } from './usage-meter.ts';

const WORKFLOW = new URL('../workflows/campaign.asl.json', import.meta.url);

/**
 * The table's stream feeding its function as the stack's event source mapping does on AWS (same
 * filter, batch size and window; failed batches delivered again).
 */
export const createAnswerStream = (
  runtime: CloudRuntime,
  model: StackModel,
  mapping: StreamMappingSpec,
): LocalEventSourceMapping =>
  new LocalEventSourceMapping((event) => runtime.invoke(mapping.functionName, event), {
    eventSourceArn: `${model.table.arn}/stream/local`,
    region: REGION,
    batchSize: mapping.batchSize,
    maxBatchingWindowMs: mapping.maxBatchingWindowSeconds * 1000,
  });

/**
 * The workflow on the local runner, behind a Step Functions endpoint: its tasks invoke the stack's
 * functions, and every state entered or retried is metered against the campaign (the execution name).
 */
export const startWorkflow = async (
  runtime: CloudRuntime,
  model: StackModel,
  options: EmbeddedCloudOptions,
  meter: UsageMeter,
): Promise<{ runner: LocalStepFunctions; url: string }> => {
  const substitutions = model.stateMachine.substitutions;
  const taskFunctions: Record<string, (event: unknown) => Promise<unknown>> = {};
  for (const arn of new Set(Object.values(substitutions))) {
    const spec = model.functions.find((f) => f.arn === arn);
    if (!spec) continue;
    taskFunctions[arn] = async (event) => {
      const outcome = runtime.invoke(spec.name, event);
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
  runtime.onClose(() => runner.close());
  const host = options.host ?? '127.0.0.1';
  const sfn = await startStepFunctionsEndpoint(runner, { port: options.ports?.sfn ?? 0, host });
  runtime.onClose(sfn.close);
  return { runner, url: sfn.url };
};

/** Fault-injecting proxies in front of DynamoDB and SES (for failure tests). */
export const startFaultProxies = async (
  runtime: CloudRuntime,
  urls: { dynamodb: string; ses: string },
  host: string,
): Promise<NonNullable<EmbeddedCloud['faults']>> => {
  const [dynamodbProxy, sesProxy] = await Promise.all([
    startFaultProxy(urls.dynamodb, { host }),
    startFaultProxy(urls.ses, { host }),
  ]);
  runtime.onClose(dynamodbProxy.close, sesProxy.close);
  return { dynamodb: dynamodbProxy, ses: sesProxy };
};

/** Where the gateway forwards what it allows, and the link secret it serves as Secrets Manager. */
export interface GatewaySettings {
  model: StackModel;
  host: string;
  upstream: { dynamodb: string; ses: string; sfn: string; s3: string };
  linkSecret: string;
  meter: UsageMeter;
}

/**
 * The IAM gateway every function call passes: each function's calls carry its own key; the gateway
 * knows whose it is and what it may do, and meters what it lets through.
 */
export const startGateway = async (runtime: CloudRuntime, settings: GatewaySettings): Promise<IamGateway> => {
  const { model, meter } = settings;
  const gateway = await startIamGateway({
    model,
    host: settings.host,
    upstream: settings.upstream,
    secretValues: Object.fromEntries(model.secrets.map((s) => [s.arn, settings.linkSecret])),
    callerOf: (accessKeyId) => runtime.callerOf(accessKeyId),
    onForwarded: (call) => meterCall(meter, call),
    log: (line) => console.error(line),
    invoke: (name, event, type) => runtime.invoke(name, event, type),
  });
  runtime.onClose(gateway.close);
  return gateway;
};

/**
 * S3 (s3rver) with the stack's buckets, announcing objects created to the functions their notifications
 * name as asynchronous invocations.
 */
export const startS3 = async (
  runtime: CloudRuntime,
  model: StackModel,
  at: { host: string; port: number },
): Promise<LocalS3> => {
  const s3 = await startLocalS3(model.buckets, at, {
    invoke: (name, event) => runtime.invoke(name, event, 'async'),
    region: REGION,
    log: (line) => console.error(line),
  });
  runtime.onClose(s3.close);
  return s3;
};
