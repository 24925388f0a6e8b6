/**
 * The embedded cloud's picture of the stack, taken from the CDK app synthesized in this process (bundling
 * skipped), as AWS SAM's local emulator reads a template: each function's handler, timeout, memory,
 * environment and IAM policy; the HTTP routes with their methods; the table's stream mapping; the SES
 * event wiring; the workflow's substitutions. Nothing here lists functions, routes or tables again: a
 * function or route added to the stack exists locally with no second edit.
 *
 * Intrinsic functions are resolved against local stand-ins (table name, ARNs in the local account, the
 * local API's URL). A resource type or intrinsic the embedded cloud cannot stand in for is an error
 * naming it, never a silent gap.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  HANDLER_METADATA,
  type LocalBindings,
  type Resolved,
  type Template,
  TemplateResolver,
  type TemplateResource,
  UnsupportedTemplate,
} from './template-resolver.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'service-supervision', 'templates');

/** An IAM policy document after its intrinsics were resolved. */
export interface PolicyDocument {
  Version?: string;
  Statement: Record<string, unknown>[];
}

/** One Lambda function of the stack, as the embedded cloud runs it. */
export interface FunctionSpec {
  logicalId: string;
  /** Handler file under `functions/`, without extension; also the local function name. */
  name: string;
  /** The handler file's absolute path, when it is not `functions/<name>.ts` (tests). */
  entry?: string;
  arn: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  roleArn: string;
  /** The identity policies attached to the function's role. */
  policies: { name: string; document: PolicyDocument }[];
}

/** One route of the HTTP API. */
export interface RouteSpec {
  /** `GET`, `POST`, … or `ANY`. */
  method: string;
  path: string;
  functionName: string;
}

/** The table's stream feeding a function (an event source mapping). */
export interface StreamMappingSpec {
  functionName: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Only records of this event (`INSERT`, …) whose sort key starts with the prefix reach the function. */
  filter: { eventName: string; keyAttribute: string; keyPrefix: string };
}

/** What the embedded cloud takes from the synthesized stack. */
export interface StackModel {
  region: string;
  account: string;
  table: {
    name: string;
    arn: string;
    partitionKey: string;
    sortKey: string;
    indexes: { name: string; partitionKey: string; sortKey: string }[];
  };
  functions: FunctionSpec[];
  routes: RouteSpec[];
  streamMappings: StreamMappingSpec[];
  /** Functions subscribed to the SES configuration set's bounce and complaint events. */
  mailEventFunctions: string[];
  stateMachine: { name: string; arn: string; substitutions: Record<string, string> };
  secrets: { arn: string }[];
  /** The stack's S3 buckets with their notifications to functions (the access-log bucket among them). */
  buckets: BucketSpec[];
}

/** One S3 bucket of the stack: its name, encryption key, CORS rules and notifications to functions. */
export interface BucketSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** The KMS key of its default encryption (SSE-KMS); undefined for S3-managed keys. */
  kmsKeyArn?: string;
  /** That key's key policy: KMS allows nothing its key policy does not (usually by deferring to IAM). */
  kmsKeyPolicy?: unknown;
  cors: { allowedOrigins: string[]; allowedMethods: string[]; allowedHeaders: string[]; maxAgeSeconds?: number }[];
  /** Functions notified of events (`s3:ObjectCreated:*`, …) on keys under `prefix`. */
  notifications: { event: string; prefix: string; suffix: string; functionName: string }[];
}

/** The files the stack's synthesis depends on: their content decides whether a cached template is current. */
const synthesisInputs = (): string[] => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|json)$/.test(entry)) files.push(full);
    }
  };
  walk(path.join(ROOT, 'infra'));
  walk(path.join(ROOT, 'functions'));
  walk(path.join(ROOT, 'workflows'));
  files.push(path.join(ROOT, 'cdk.json'), path.join(ROOT, 'package-lock.json'));
  return files.sort();
};

/** The two stacks the app deploys: the main one, and the edge (CloudFront and WAF) in us-east-1. */
export interface SynthesizedApp {
  main: Template;
  edge: Template;
}

/**
 * Synthesizes the app's stacks in this process (bundling skipped) with the given sender, or reads the
 * templates synthesized from the same sources before (a content-addressed cache under node_modules/.cache).
 */
export const synthesizeStacks = async (options: {
  stackName: string;
  senderEmail: string;
  maxSendRate?: number;
}): Promise<SynthesizedApp> => {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(options));
  for (const file of synthesisInputs()) hash.update(file).update(readFileSync(file));
  const cached = path.join(CACHE_DIR, `${hash.digest('hex').slice(0, 32)}.json`);
  try {
    return JSON.parse(readFileSync(cached, 'utf8')) as SynthesizedApp;
  } catch {
    // Not synthesized from these sources yet.
  }
  const { App } = await import('aws-cdk-lib');
  const { SupervisionStack } = await import('../infra/supervision-stack.ts');
  const { SupervisionEdgeStack } = await import('../infra/edge-stack.ts');
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  new SupervisionStack(app, options.stackName, {
    stackName: options.stackName,
    senderEmail: options.senderEmail,
    maxSendRate: options.maxSendRate,
  });
  new SupervisionEdgeStack(app, `${options.stackName}-Edge`, { env: { region: 'us-east-1' } });
  const assembly = app.synth();
  const synthesized: SynthesizedApp = {
    main: assembly.getStackByName(options.stackName).template as Template,
    edge: assembly.getStackByName(`${options.stackName}-Edge`).template as Template,
  };
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written whole, then renamed: clouds starting together never read half a file.
  const partial = `${cached}.${process.pid}.${Date.now()}`;
  writeFileSync(partial, JSON.stringify(synthesized));
  renameSync(partial, cached);
  return synthesized;
};

/** Reads the stack model out of a synthesized template, resolving its references to the local stand-ins. */
export const readStackModel = (template: Template, local: LocalBindings): StackModel => {
  const resolver = new TemplateResolver(template, local);
  const functions = readFunctions(resolver, readPolicies(resolver));
  const functionByArn = (value: unknown, what: string): string => {
    const resolved = String(resolver.resolve(value));
    const found = functions.find((f) => f.arn === resolved || f.name === resolved);
    if (!found) throw new UnsupportedTemplate(`${what} targets ${resolved}, which is not a function of the stack`);
    return found.name;
  };
  const routes = readRoutes(resolver, functionByArn);
  const streamMappings = resolver
    .resourcesOf('AWS::Lambda::EventSourceMapping')
    .map((mapping) => readStreamMapping(mapping, functionByArn));
  const mailEventFunctions = resolver
    .resourcesOf('AWS::SNS::Subscription')
    .filter((s) => s.props.Protocol === 'lambda')
    .map((s) => functionByArn(s.props.Endpoint, `subscription ${s.id}`));
  const table = readTable(resolver, local);
  const stateMachine = readStateMachine(resolver);
  return {
    region: local.region,
    account: local.account,
    table,
    functions,
    routes,
    streamMappings,
    mailEventFunctions,
    stateMachine,
    secrets: resolver.resourcesOf('AWS::SecretsManager::Secret').map((s) => ({ arn: resolver.ref(s.id) })),
    buckets: resolver.resourcesOf('AWS::S3::Bucket').map((b) => readBucket(resolver, b, functionByArn)),
  };
};

/** A bucket's KMS key: its ARN and the key policy of the stack's key it names. */
const readBucketKey = (resolver: TemplateResolver, keyId: unknown): Pick<BucketSpec, 'kmsKeyArn' | 'kmsKeyPolicy'> => {
  const logicalId = (keyId as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0];
  const key = resolver.resourcesOf('AWS::KMS::Key').find((k) => k.id === logicalId);
  if (!key) throw new UnsupportedTemplate('a bucket is encrypted with a KMS key the stack does not define');
  return { kmsKeyArn: String(resolver.resolve(keyId)), kmsKeyPolicy: resolver.resolve(key.props.KeyPolicy) };
};

type FilterRules = { S3Key?: { Rules?: { Name: string; Value: string }[] } };

/** A bucket: its name and ARN as the resolver stands them in, its SSE-KMS key, CORS and Lambda notifications. */
const readBucket = (resolver: TemplateResolver, bucket: TemplateResource, functionByArn: FunctionByArn): BucketSpec => {
  const props = bucket.props as {
    BucketEncryption?: {
      ServerSideEncryptionConfiguration?: {
        ServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: unknown };
      }[];
    };
    CorsConfiguration?: {
      CorsRules?: {
        AllowedOrigins?: unknown[];
        AllowedMethods?: string[];
        AllowedHeaders?: string[];
        MaxAge?: number;
      }[];
    };
    NotificationConfiguration?: {
      LambdaConfigurations?: { Event: string; Function: unknown; Filter?: FilterRules }[];
      QueueConfigurations?: unknown[];
      TopicConfigurations?: unknown[];
      EventBridgeConfiguration?: unknown;
    };
  };
  const notifications = props.NotificationConfiguration ?? {};
  if (notifications.QueueConfigurations || notifications.TopicConfigurations || notifications.EventBridgeConfiguration)
    throw new UnsupportedTemplate(
      `bucket ${bucket.id}: the embedded cloud delivers S3 notifications to functions only`,
    );
  const byDefault = props.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
  return {
    logicalId: bucket.id,
    name: resolver.ref(bucket.id),
    arn: resolver.getAtt(bucket.id, 'Arn'),
    ...(byDefault?.SSEAlgorithm === 'aws:kms' && byDefault.KMSMasterKeyID
      ? readBucketKey(resolver, byDefault.KMSMasterKeyID)
      : {}),
    cors: (props.CorsConfiguration?.CorsRules ?? []).map((rule) => ({
      allowedOrigins: (rule.AllowedOrigins ?? []).map((o) => String(resolver.resolve(o))),
      allowedMethods: rule.AllowedMethods ?? [],
      allowedHeaders: rule.AllowedHeaders ?? [],
      ...(rule.MaxAge === undefined ? {} : { maxAgeSeconds: rule.MaxAge }),
    })),
    notifications: (notifications.LambdaConfigurations ?? []).map((n) => {
      const rules = n.Filter?.S3Key?.Rules ?? [];
      const rule = (name: string) => rules.find((r) => r.Name.toLowerCase() === name)?.Value ?? '';
      return {
        event: n.Event,
        prefix: rule('prefix'),
        suffix: rule('suffix'),
        functionName: functionByArn(n.Function, `notification of bucket ${bucket.id}`),
      };
    }),
  };
};

/** A function of the stack by its ARN or name, for what targets it; throws when it is none of them. */
type FunctionByArn = (value: unknown, what: string) => string;

type RolePolicies = Map<string, { name: string; document: PolicyDocument }[]>;

/** Policies by role: inline on the role, and AWS::IAM::Policy resources naming it. */
const readPolicies = (resolver: TemplateResolver): RolePolicies => {
  const policiesByRole: RolePolicies = new Map();
  const addPolicy = (roleId: string, name: string, document: unknown) => {
    const list = policiesByRole.get(roleId) ?? [];
    list.push({ name, document: resolver.resolve(document) as unknown as PolicyDocument });
    policiesByRole.set(roleId, list);
  };
  for (const role of resolver.resourcesOf('AWS::IAM::Role')) {
    if (Array.isArray(role.props.ManagedPolicyArns) && role.props.ManagedPolicyArns.length > 0)
      throw new UnsupportedTemplate(`role ${role.id} uses managed policies, which the embedded cloud cannot evaluate`);
    for (const inline of (role.props.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[])
      addPolicy(role.id, inline.PolicyName, inline.PolicyDocument);
  }
  for (const policy of resolver.resourcesOf('AWS::IAM::Policy')) {
    for (const role of (policy.props.Roles ?? []) as { Ref?: string }[])
      if (role.Ref) addPolicy(role.Ref, String(policy.props.PolicyName ?? policy.id), policy.props.PolicyDocument);
  }
  return policiesByRole;
};

/** The stack's functions with their settings, environment and role policies. */
const readFunctions = (resolver: TemplateResolver, policiesByRole: RolePolicies): FunctionSpec[] => {
  const functions: FunctionSpec[] = [];
  for (const fn of resolver.resourcesOf('AWS::Lambda::Function')) {
    // CDK's own deploy-time helpers (custom resources) carry no handler of ours and do not run locally.
    if (typeof fn.metadata[HANDLER_METADATA] !== 'string') continue;
    const roleId = ((fn.props.Role as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'] ?? [])[0];
    if (!roleId) throw new UnsupportedTemplate(`function ${fn.id} has no role of the stack`);
    const variables = resolver.resolve((fn.props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {});
    functions.push({
      logicalId: fn.id,
      name: resolver.handlerOf(fn.id),
      arn: resolver.getAtt(fn.id, 'Arn'),
      timeoutSeconds: Number(fn.props.Timeout ?? 3),
      memoryMb: Number(fn.props.MemorySize ?? 128),
      environment: Object.fromEntries(
        Object.entries(variables as Record<string, Resolved>).map(([k, v]) => [k, String(v)]),
      ),
      roleArn: resolver.getAtt(roleId, 'Arn'),
      policies: policiesByRole.get(roleId) ?? [],
    });
  }
  return functions;
};

/** The HTTP API's routes, each with the function its Lambda integration invokes. */
const readRoutes = (resolver: TemplateResolver, functionByArn: FunctionByArn): RouteSpec[] => {
  const integrations = new Map(
    resolver
      .resourcesOf('AWS::ApiGatewayV2::Integration')
      .map((i) => [i.id, functionByArn(i.props.IntegrationUri, `integration ${i.id}`)]),
  );
  return resolver.resourcesOf('AWS::ApiGatewayV2::Route').map((route) => {
    const [method = '', routePath = ''] = String(route.props.RouteKey).split(' ');
    const target = String(resolver.resolve(route.props.Target));
    const functionName = integrations.get(target.replace(/^integrations\//, ''));
    if (!functionName) throw new UnsupportedTemplate(`route ${route.props.RouteKey} has no Lambda integration`);
    return { method, path: routePath, functionName };
  });
};

/** An event source mapping of the table's stream, whose filter must be one event name and one key prefix. */
const readStreamMapping = (mapping: TemplateResource, functionByArn: FunctionByArn): StreamMappingSpec => {
  const patterns = (
    (mapping.props.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []
  ).map(
    (f) =>
      JSON.parse(f.Pattern) as {
        eventName?: string[];
        dynamodb?: { Keys?: Record<string, { S?: { prefix?: string }[] }> };
      },
  );
  const [pattern] = patterns;
  const keys = Object.entries(pattern?.dynamodb?.Keys ?? {});
  const [key] = keys;
  const prefix = key?.[1].S?.[0]?.prefix;
  if (patterns.length !== 1 || pattern?.eventName?.length !== 1 || keys.length !== 1 || prefix === undefined)
    throw new UnsupportedTemplate(
      `stream mapping ${mapping.id}: the embedded cloud filters stream records by one eventName and one key prefix only`,
    );
  return {
    functionName: functionByArn(mapping.props.FunctionName, `stream mapping ${mapping.id}`),
    batchSize: Number(mapping.props.BatchSize ?? 100),
    maxBatchingWindowSeconds: Number(mapping.props.MaximumBatchingWindowInSeconds ?? 0),
    filter: { eventName: String(pattern.eventName[0]), keyAttribute: key?.[0] ?? '', keyPrefix: prefix },
  };
};

/** The stack's one table: its keys and global secondary indexes. */
const readTable = (resolver: TemplateResolver, local: LocalBindings): StackModel['table'] => {
  const [table, ...otherTables] = resolver.resourcesOf('AWS::DynamoDB::Table');
  if (!table || otherTables.length > 0)
    throw new UnsupportedTemplate('the embedded cloud runs a stack of exactly one table');
  const keyOf = (schema: unknown, type: 'HASH' | 'RANGE') =>
    String((schema as { AttributeName: string; KeyType: string }[]).find((k) => k.KeyType === type)?.AttributeName);
  const indexes = ((table.props.GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown }[]).map(
    (i) => ({
      name: i.IndexName,
      partitionKey: keyOf(i.KeySchema, 'HASH'),
      sortKey: keyOf(i.KeySchema, 'RANGE'),
    }),
  );
  return {
    name: local.tableName,
    arn: resolver.getAtt(table.id, 'Arn'),
    partitionKey: keyOf(table.props.KeySchema, 'HASH'),
    sortKey: keyOf(table.props.KeySchema, 'RANGE'),
    indexes,
  };
};

/** The stack's one state machine: its name, ARN and definition substitutions. */
const readStateMachine = (resolver: TemplateResolver): StackModel['stateMachine'] => {
  const [machine, ...otherMachines] = resolver.resourcesOf('AWS::StepFunctions::StateMachine');
  if (!machine || otherMachines.length > 0)
    throw new UnsupportedTemplate('the embedded cloud runs a stack of exactly one state machine');
  const substitutions = resolver.resolve(machine.props.DefinitionSubstitutions ?? {}) as Record<string, string>;
  return { name: resolver.stateMachineName(machine.id), arn: resolver.getAtt(machine.id, 'Arn'), substitutions };
};
