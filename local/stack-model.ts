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

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'service-supervision', 'templates');
/** The template metadata key naming a function's handler file (infra/supervision-function.ts). */
const HANDLER_METADATA = 'service-supervision:handler';

/** A CloudFormation template as synthesized. */
export interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
}

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
}

/** Local values the template's references resolve to. */
export interface LocalBindings {
  region: string;
  account: string;
  tableName: string;
  apiUrl: string;
  senderEmail: string;
  stackName: string;
  cognito?: { userPoolId: string; clientId: string };
}

/** Raised when the template holds something the embedded cloud cannot stand in for. */
export class UnsupportedTemplate extends Error {
  override name = 'UnsupportedTemplate';
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

type Resolved = string | number | boolean | null | Resolved[] | { [key: string]: Resolved };

/** Reads the stack model out of a synthesized template, resolving its references to the local stand-ins. */
export const readStackModel = (template: Template, local: LocalBindings): StackModel => {
  const { region, account } = local;
  const resources = template.Resources;
  const typeOf = (id: string) => {
    const resource = resources[id];
    if (!resource) throw new UnsupportedTemplate(`the template refers to ${id}, which it does not define`);
    return resource.Type;
  };
  const handlerOf = (id: string): string => {
    const name = resources[id]?.Metadata?.[HANDLER_METADATA];
    if (typeof name !== 'string')
      throw new UnsupportedTemplate(`function ${id} names no handler file (${HANDLER_METADATA})`);
    return name;
  };
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`;
  const stateMachineName = (id: string) => {
    const name = resources[id]?.Properties?.StateMachineName;
    return typeof name === 'string' ? name : id;
  };

  const ref = (id: string): string => {
    const parameter = template.Parameters?.[id];
    if (parameter) {
      if (id === 'SenderEmail') return local.senderEmail;
      if (typeof parameter.Default === 'string') return parameter.Default;
      throw new UnsupportedTemplate(`parameter ${id} has no local value`);
    }
    switch (id) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return local.stackName;
    }
    const type = typeOf(id);
    switch (type) {
      case 'AWS::DynamoDB::Table':
        return local.tableName;
      case 'AWS::Lambda::Function':
        return handlerOf(id);
      case 'AWS::IAM::Role':
        return `${id}`;
      case 'AWS::SecretsManager::Secret':
        return arn('secretsmanager', `secret:${id}-local`);
      case 'AWS::SES::ConfigurationSet':
        return id;
      case 'AWS::StepFunctions::StateMachine':
        return arn('states', `stateMachine:${stateMachineName(id)}`);
      case 'AWS::SNS::Topic':
        return arn('sns', id);
      case 'AWS::SQS::Queue':
        return `http://sqs.local/${account}/${id}`;
      case 'AWS::ApiGatewayV2::Api':
      case 'AWS::ApiGatewayV2::Integration':
      case 'AWS::ApiGatewayV2::Stage':
      case 'AWS::Logs::LogGroup':
      case 'AWS::KMS::Key':
        return id;
      case 'AWS::Cognito::UserPool':
        return local.cognito?.userPoolId ?? `${region}_local`;
      case 'AWS::Cognito::UserPoolClient':
        return local.cognito?.clientId ?? 'local-client';
    }
    throw new UnsupportedTemplate(`the embedded cloud has no local stand-in for Ref ${id} (${type})`);
  };

  const getAtt = (id: string, attribute: string): string => {
    const type = typeOf(id);
    const key = `${type}.${attribute}`;
    switch (key) {
      case 'AWS::DynamoDB::Table.Arn':
        return arn('dynamodb', `table/${local.tableName}`);
      case 'AWS::DynamoDB::Table.StreamArn':
        return arn('dynamodb', `table/${local.tableName}/stream/local`);
      case 'AWS::Lambda::Function.Arn':
        return arn('lambda', `function:${handlerOf(id)}`);
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${account}:role/${id}`;
      case 'AWS::Logs::LogGroup.Arn':
        return arn('logs', `log-group:${id}:*`);
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return local.apiUrl;
      case 'AWS::KMS::Key.Arn':
        return arn('kms', `key/${id}`);
      case 'AWS::SQS::Queue.Arn':
        return arn('sqs', id);
      case 'AWS::SNS::Topic.TopicArn':
        return arn('sns', id);
      case 'AWS::StepFunctions::StateMachine.Name':
        return stateMachineName(id);
      case 'AWS::StepFunctions::StateMachine.Arn':
        return arn('states', `stateMachine:${stateMachineName(id)}`);
      case 'AWS::Cognito::UserPool.Arn':
        return arn('cognito-idp', `userpool/${ref(id)}`);
      case 'AWS::SecretsManager::Secret.Id':
        return ref(id);
    }
    throw new UnsupportedTemplate(
      `the embedded cloud has no local stand-in for Fn::GetAtt ${id}.${attribute} (${type})`,
    );
  };

  const resolve = (value: unknown): Resolved => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value as Resolved;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const [fn, arg] = first;
      if (fn === 'Ref') return ref(String(arg));
      if (fn === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return getAtt(String(id), String(attribute));
      }
      if (fn === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolve(parts) as Resolved[]).map(String).join(separator);
      }
      if (fn === 'Fn::Select') {
        const [index, list] = arg as [number | string, unknown];
        return (resolve(list) as Resolved[])[Number(index)] ?? null;
      }
      if (fn === 'Fn::Split') {
        const [separator, source] = arg as [string, unknown];
        return String(resolve(source)).split(separator);
      }
      if (fn === 'Fn::Sub') {
        const [text, variables] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
        return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
          if (name in variables) return String(resolve(variables[name]));
          const [id, attribute] = name.split('.');
          return attribute ? getAtt(String(id), attribute) : ref(name);
        });
      }
      if (fn.startsWith('Fn::')) throw new UnsupportedTemplate(`the embedded cloud does not resolve ${fn}`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };

  const of = (type: string) =>
    Object.entries(resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({ id, props: r.Properties ?? {}, metadata: r.Metadata ?? {} }));

  // Policies by role: inline on the role, and AWS::IAM::Policy resources naming it.
  const policiesByRole = new Map<string, { name: string; document: PolicyDocument }[]>();
  const addPolicy = (roleId: string, name: string, document: unknown) => {
    const list = policiesByRole.get(roleId) ?? [];
    list.push({ name, document: resolve(document) as unknown as PolicyDocument });
    policiesByRole.set(roleId, list);
  };
  for (const role of of('AWS::IAM::Role')) {
    if (Array.isArray(role.props.ManagedPolicyArns) && role.props.ManagedPolicyArns.length > 0)
      throw new UnsupportedTemplate(`role ${role.id} uses managed policies, which the embedded cloud cannot evaluate`);
    for (const inline of (role.props.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[])
      addPolicy(role.id, inline.PolicyName, inline.PolicyDocument);
  }
  for (const policy of of('AWS::IAM::Policy')) {
    for (const role of (policy.props.Roles ?? []) as { Ref?: string }[])
      if (role.Ref) addPolicy(role.Ref, String(policy.props.PolicyName ?? policy.id), policy.props.PolicyDocument);
  }

  const functions: FunctionSpec[] = [];
  for (const fn of of('AWS::Lambda::Function')) {
    // CDK's own deploy-time helpers (custom resources) carry no handler of ours and do not run locally.
    if (typeof fn.metadata[HANDLER_METADATA] !== 'string') continue;
    const roleId = ((fn.props.Role as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'] ?? [])[0];
    if (!roleId) throw new UnsupportedTemplate(`function ${fn.id} has no role of the stack`);
    const variables = resolve((fn.props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {});
    functions.push({
      logicalId: fn.id,
      name: handlerOf(fn.id),
      arn: getAtt(fn.id, 'Arn'),
      timeoutSeconds: Number(fn.props.Timeout ?? 3),
      memoryMb: Number(fn.props.MemorySize ?? 128),
      environment: Object.fromEntries(
        Object.entries(variables as Record<string, Resolved>).map(([k, v]) => [k, String(v)]),
      ),
      roleArn: getAtt(roleId, 'Arn'),
      policies: policiesByRole.get(roleId) ?? [],
    });
  }

  const functionByArn = (value: unknown, what: string): string => {
    const resolved = String(resolve(value));
    const found = functions.find((f) => f.arn === resolved || f.name === resolved);
    if (!found) throw new UnsupportedTemplate(`${what} targets ${resolved}, which is not a function of the stack`);
    return found.name;
  };
  const integrations = new Map(
    of('AWS::ApiGatewayV2::Integration').map((i) => [
      i.id,
      functionByArn(i.props.IntegrationUri, `integration ${i.id}`),
    ]),
  );
  const routes: RouteSpec[] = of('AWS::ApiGatewayV2::Route').map((route) => {
    const [method = '', routePath = ''] = String(route.props.RouteKey).split(' ');
    const target = String(resolve(route.props.Target));
    const functionName = integrations.get(target.replace(/^integrations\//, ''));
    if (!functionName) throw new UnsupportedTemplate(`route ${route.props.RouteKey} has no Lambda integration`);
    return { method, path: routePath, functionName };
  });

  const streamMappings: StreamMappingSpec[] = of('AWS::Lambda::EventSourceMapping').map((mapping) => {
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
  });

  const mailEventFunctions = of('AWS::SNS::Subscription')
    .filter((s) => s.props.Protocol === 'lambda')
    .map((s) => functionByArn(s.props.Endpoint, `subscription ${s.id}`));

  const [table, ...otherTables] = of('AWS::DynamoDB::Table');
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

  const [machine, ...otherMachines] = of('AWS::StepFunctions::StateMachine');
  if (!machine || otherMachines.length > 0)
    throw new UnsupportedTemplate('the embedded cloud runs a stack of exactly one state machine');
  const substitutions = resolve(machine.props.DefinitionSubstitutions ?? {}) as Record<string, string>;

  return {
    region,
    account,
    table: {
      name: local.tableName,
      arn: getAtt(table.id, 'Arn'),
      partitionKey: keyOf(table.props.KeySchema, 'HASH'),
      sortKey: keyOf(table.props.KeySchema, 'RANGE'),
      indexes,
    },
    functions,
    routes,
    streamMappings,
    mailEventFunctions,
    stateMachine: { name: stateMachineName(machine.id), arn: getAtt(machine.id, 'Arn'), substitutions },
    secrets: of('AWS::SecretsManager::Secret').map((s) => ({ arn: ref(s.id) })),
  };
};
