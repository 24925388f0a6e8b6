/**
 * IAM for the embedded cloud. Every function signs its calls with credentials of its own (see
 * lambda-runtime.ts); this gateway stands in front of DynamoDB, SES, Step Functions and Secrets Manager,
 * reads from each request what IAM would authorize (action, resource, the condition keys the stack
 * uses: `dynamodb:LeadingKeys`, `ses:FromAddress`), evaluates it against the calling function's role
 * policies from the synthesized template with a real IAM policy evaluator (@cloud-copilot/iam-simulate),
 * and either forwards the call or answers as AWS does: `AccessDeniedException` naming the action and
 * resource. Calls signed with any other key are the operator's (the CLI, tests) and pass, as an
 * administrator's would.
 *
 * Secrets Manager is served here (GetSecretValue of the stack's secrets), since nothing else stands in
 * for it locally.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { listen } from './listen.ts';
import type { FunctionSpec, StackModel } from './stack-model.ts';

/** One authorization IAM makes for a call. */
export interface Authorization {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

/** A call a function made, as IAM saw it. */
export interface AuthorizedCall extends Authorization {
  functionName: string;
  allowed: boolean;
}

/** Who made a call: the function and, when known, the campaign its invocation works on. */
export interface Caller {
  spec: FunctionSpec;
  campaignId?: string;
}

/** What the gateway tells its owner about each call it let through. */
export interface ForwardedCall {
  service: Service;
  caller?: Caller;
  operation: string;
  requestBody: string;
  responseBody: Buffer;
  status: number;
}

export type Service = 'dynamodb' | 'ses' | 'sfn' | 'secretsmanager';

export interface IamGatewayOptions {
  model: StackModel;
  host: string;
  /** The real local services; Secrets Manager is served by the gateway itself. */
  upstream: Record<Exclude<Service, 'secretsmanager'>, string>;
  /** The value of each secret of the stack, by ARN. */
  secretValues: Record<string, string>;
  /** The function (and campaign) behind an access key; undefined for the operator's keys. */
  callerOf: (accessKeyId: string) => Caller | undefined;
  onForwarded?: (call: ForwardedCall) => void;
  log?: (line: string) => void;
}

/** The running gateway: one endpoint per service. */
export interface IamGateway {
  urls: Record<Service, string>;
  /** Every distinct authorization made for a function's call, allowed or not, in the order first made. */
  calls: AuthorizedCall[];
  /** How many authorizations were made, repeats included. */
  callCount: () => number;
  denied: () => AuthorizedCall[];
  close: () => Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const accessKeyOf = (req: IncomingMessage): string | undefined =>
  /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];

type AttributeValue = { S?: string; N?: string; B?: string };
type Item = Record<string, AttributeValue>;
const keyValue = (item: Item | undefined, attribute: string): string | undefined => {
  const value = item?.[attribute];
  return value?.S ?? value?.N ?? value?.B;
};

/** What IAM authorizes for one DynamoDB call: the action on the table or index, with the partition keys touched. */
export const dynamodbAuthorizations = (
  operation: string,
  body: Record<string, unknown>,
  model: Pick<StackModel, 'table' | 'region' | 'account'>,
): Authorization[] => {
  const tableArn = (name: unknown) => `arn:aws:dynamodb:${model.region}:${model.account}:table/${String(name)}`;
  const action = `dynamodb:${operation}`;
  const pk = model.table.partitionKey;
  const withKeys = (resource: string, keys: (string | undefined)[]): Authorization => {
    const present = keys.filter((k): k is string => k !== undefined);
    return { action, resource, context: present.length > 0 ? { 'dynamodb:LeadingKeys': [...new Set(present)] } : {} };
  };
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [withKeys(tableArn(body.TableName), [keyValue(body.Key as Item, pk)])];
    case 'PutItem':
      return [withKeys(tableArn(body.TableName), [keyValue(body.Item as Item, pk)])];
    case 'Query':
    case 'Scan': {
      const index = model.table.indexes.find((i) => i.name === body.IndexName);
      const resource = index ? `${tableArn(body.TableName)}/index/${index.name}` : tableArn(body.TableName);
      if (operation === 'Scan') return [withKeys(resource, [])];
      const attribute = index?.partitionKey ?? pk;
      const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
      let key: string | undefined;
      for (const m of String(body.KeyConditionExpression ?? '').matchAll(/(#?[\w.]+)\s*=\s*(:[\w]+)/g)) {
        const name = m[1]?.startsWith('#') ? names[m[1]] : m[1];
        if (name === attribute) key = keyValue({ v: values[m[2] ?? ''] ?? {} }, 'v');
      }
      return [withKeys(resource, [key])];
    }
    case 'BatchGetItem':
      return Object.entries((body.RequestItems ?? {}) as Record<string, { Keys?: Item[] }>).map(([table, request]) =>
        withKeys(
          tableArn(table),
          (request.Keys ?? []).map((k) => keyValue(k, pk)),
        ),
      );
    case 'BatchWriteItem':
      return Object.entries(
        (body.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>,
      ).map(([table, requests]) =>
        withKeys(
          tableArn(table),
          requests.map((r) => keyValue(r.PutRequest?.Item ?? r.DeleteRequest?.Key, pk)),
        ),
      );
    default:
      return [{ action, resource: tableArn(body.TableName ?? '*'), context: {} }];
  }
};

/** The address in `Name <address>`, or the text itself. */
const addressOf = (from: string): string => (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();

/** What IAM authorizes for one SES (v1 query API) call. */
export const sesAuthorizations = (
  params: URLSearchParams,
  model: Pick<StackModel, 'region' | 'account'>,
): Authorization[] => {
  const operation = params.get('Action') ?? '';
  const action = `ses:${operation}`;
  if (operation !== 'SendEmail' && operation !== 'SendRawEmail') return [{ action, resource: '*', context: {} }];
  let source = params.get('Source') ?? '';
  if (!source && operation === 'SendRawEmail') {
    const raw = Buffer.from(params.get('RawMessage.Data') ?? '', 'base64').toString('utf8');
    source = /^From:\s*(.+)$/im.exec(raw.split(/\r?\n\r?\n/)[0] ?? '')?.[1] ?? '';
  }
  const from = addressOf(source);
  const context = { 'ses:FromAddress': from };
  const arn = (resource: string) => `arn:aws:ses:${model.region}:${model.account}:${resource}`;
  const authorizations: Authorization[] = [{ action, resource: arn(`identity/${from}`), context }];
  const configurationSet = params.get('ConfigurationSetName');
  if (configurationSet)
    authorizations.push({ action, resource: arn(`configuration-set/${configurationSet}`), context });
  return authorizations;
};

/** What IAM authorizes for one Step Functions call; callbacks are authorized on the state machine. */
export const sfnAuthorizations = (
  operation: string,
  body: Record<string, unknown>,
  model: Pick<StackModel, 'stateMachine'>,
): Authorization[] => {
  const action = `states:${operation}`;
  if (operation.startsWith('SendTask')) return [{ action, resource: model.stateMachine.arn, context: {} }];
  const resource = body.stateMachineArn ?? body.executionArn;
  return [{ action, resource: typeof resource === 'string' ? resource : '*', context: {} }];
};

/** AWS's answer to a denied call, in each service's wire format. */
const denial = (service: Service, message: string): { status: number; type: string; body: string } => {
  if (service === 'ses') {
    return {
      status: 403,
      type: 'text/xml',
      body: `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    };
  }
  const type =
    service === 'secretsmanager' ? 'AccessDeniedException' : 'com.amazon.coral.service#AccessDeniedException';
  return {
    status: 400,
    type: 'application/x-amz-json-1.0',
    body: JSON.stringify({ __type: type, message, Message: message }),
  };
};

/** Starts one gateway endpoint per service. */
export const startIamGateway = async (options: IamGatewayOptions): Promise<IamGateway> => {
  const { model } = options;
  // Each distinct call once, with IAM's decision: what grant coverage reads, and the cache of decisions.
  const calls: AuthorizedCall[] = [];
  const seen = new Map<string, AuthorizedCall>();
  let callCount = 0;

  /** Decides a call of a function, as IAM would, and records it. */
  const authorize = (spec: FunctionSpec, authorization: Authorization): AuthorizedCall => {
    callCount++;
    const key = `${spec.name}\u0000${authorization.action}\u0000${authorization.resource}\u0000${JSON.stringify(authorization.context)}`;
    let call = seen.get(key);
    if (call === undefined) {
      const result = runUnsafeSimulation(
        {
          identityPolicies: spec.policies.map((p) => ({ name: p.name, policy: p.document })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          request: {
            action: authorization.action,
            principal: `arn:aws:sts::${model.account}:assumed-role/${spec.roleArn.split('/').pop()}/${spec.name}`,
            resource: { accountId: model.account, resource: authorization.resource },
            contextVariables: authorization.context,
          },
        },
        {},
      );
      call = { ...authorization, functionName: spec.name, allowed: result === 'Allowed' };
      seen.set(key, call);
      calls.push(call);
    }
    return call;
  };

  const secretsManager = (operation: string, body: Record<string, unknown>): { status: number; body: string } => {
    const id = String(body.SecretId ?? '');
    const arn = Object.keys(options.secretValues).find((a) => a === id || a.split(':').pop() === id);
    if (operation !== 'GetSecretValue' && operation !== 'DescribeSecret')
      return {
        status: 400,
        body: JSON.stringify({ __type: 'InvalidRequestException', Message: `${operation} is not served locally` }),
      };
    if (!arn)
      return {
        status: 400,
        body: JSON.stringify({
          __type: 'ResourceNotFoundException',
          Message: "Secrets Manager can't find the specified secret.",
        }),
      };
    const name = arn.split(':').pop() ?? arn;
    const common = { ARN: arn, Name: name, VersionId: 'local', VersionStages: ['AWSCURRENT'], CreatedDate: 0 };
    return {
      status: 200,
      body: JSON.stringify(
        operation === 'GetSecretValue' ? { ...common, SecretString: options.secretValues[arn] } : common,
      ),
    };
  };

  const handle = (service: Service) => async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readBody(req);
      const text = body.toString('utf8');
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.split('.').pop() ?? '';
      const accessKey = accessKeyOf(req);
      const caller = accessKey === undefined ? undefined : options.callerOf(accessKey);
      const json = (): Record<string, unknown> => {
        try {
          return text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          return {};
        }
      };
      if (caller) {
        const authorizations =
          service === 'dynamodb'
            ? dynamodbAuthorizations(operation, json(), model)
            : service === 'ses'
              ? sesAuthorizations(new URLSearchParams(text), model)
              : service === 'sfn'
                ? sfnAuthorizations(operation, json(), model)
                : [{ action: `secretsmanager:${operation}`, resource: String(json().SecretId ?? '*'), context: {} }];
        for (const authorization of authorizations) {
          if (!authorize(caller.spec, authorization).allowed) {
            const principal = `arn:aws:sts::${model.account}:assumed-role/${caller.spec.roleArn.split('/').pop()}/${caller.spec.name}`;
            const message = `User: ${principal} is not authorized to perform: ${authorization.action} on resource: ${authorization.resource} because no identity-based policy allows the ${authorization.action} action`;
            options.log?.(
              `iam: denied ${caller.spec.name} ${authorization.action} on ${authorization.resource} ${JSON.stringify(authorization.context)}`,
            );
            const answer = denial(service, message);
            res
              .writeHead(answer.status, { 'content-type': answer.type, 'x-amzn-requestid': randomUUID() })
              .end(answer.body);
            return;
          }
        }
      }
      if (service === 'secretsmanager') {
        const answer = secretsManager(operation, json());
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(answer.body);
        options.onForwarded?.({
          service,
          caller,
          operation,
          requestBody: text,
          responseBody: Buffer.from(answer.body),
          status: answer.status,
        });
        return;
      }
      const upstream = new URL(options.upstream[service]);
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
      const forwarded = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const responseBody = Buffer.concat(chunks);
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(responseBody);
            const op = service === 'ses' ? (new URLSearchParams(text).get('Action') ?? '') : operation;
            options.onForwarded?.({
              service,
              caller,
              operation: op,
              requestBody: text,
              responseBody,
              status: answer.statusCode ?? 502,
            });
          });
          answer.on('error', () => res.destroy());
        },
      );
      forwarded.on('error', () => res.destroy());
      forwarded.end(body);
    } catch {
      res.destroy();
    }
  };

  const servers: Server[] = [];
  const urls = {} as Record<Service, string>;
  for (const service of ['dynamodb', 'ses', 'sfn', 'secretsmanager'] as const) {
    const server = createServer(handle(service));
    server.keepAliveTimeout = 60_000;
    const port = await listen(server, { service: `IAM gateway (${service})`, host: options.host, port: 0 });
    servers.push(server);
    urls[service] = `http://${options.host}:${port}`;
  }
  return {
    urls,
    calls,
    callCount: () => callCount,
    denied: () => calls.filter((c) => !c.allowed),
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
};
