/**
 * IAM for the embedded cloud. Every function signs its calls with credentials of its own (see
 * lambda-runtime.ts); this gateway stands in front of DynamoDB, SES, Step Functions, Secrets Manager and
 * S3 (s3-gateway.ts, which also serves the browsers' presigned POSTs and GETs),
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
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { type Authorization, authorizationsOf, type Service } from './iam-authorizations.ts';
import { handleLambdaCall, type InvokeFunction } from './lambda-gateway.ts';
import { listen } from './listen.ts';
import { readBody } from './read-body.ts';
import { handleS3Call } from './s3-gateway.ts';
import type { FunctionSpec, StackModel } from './stack-model.ts';

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

/** How to start the IAM gateway. */
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
  /** Runs a function of the stack, for the Lambda Invoke API; without it there is no Lambda endpoint. */
  invoke?: InvokeFunction;
}

/** The running gateway: one endpoint per service. */
export interface IamGateway {
  /** One endpoint per service, and the Lambda Invoke API's when the gateway can run functions. */
  urls: Record<Service, string> & { lambda?: string };
  /** Every distinct authorization made for a function's call, allowed or not, in the order first made. */
  calls: AuthorizedCall[];
  /** How many authorizations were made, repeats included. */
  callCount: () => number;
  denied: () => AuthorizedCall[];
  close: () => Promise<void>;
}

const accessKeyOf = (req: IncomingMessage): string | undefined =>
  /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];

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
  const decisions = new IamDecisions(options.model.account);
  const servers: Server[] = [];
  const urls = {} as Record<Service, string>;
  const authorize = decisions.decide.bind(decisions);
  for (const service of ['dynamodb', 'ses', 'sfn', 'secretsmanager', 's3'] as const) {
    const server = createServer((req, res) =>
      service === 's3'
        ? void handleS3Call(req, res, options, authorize)
        : void handleCall(service, req, res, options, decisions),
    );
    server.keepAliveTimeout = 60_000;
    const port = await listen(server, { service: `IAM gateway (${service})`, host: options.host, port: 0 });
    servers.push(server);
    urls[service] = `http://${options.host}:${port}`;
  }
  const { invoke } = options;
  let lambda: string | undefined;
  if (invoke) {
    const server = createServer(
      (req, res) =>
        void handleLambdaCall(req, res, { model: options.model, callerOf: options.callerOf, authorize, invoke }),
    );
    const port = await listen(server, { service: 'IAM gateway (lambda)', host: options.host, port: 0 });
    servers.push(server);
    lambda = `http://${options.host}:${port}`;
  }
  return {
    urls: lambda ? { ...urls, lambda } : urls,
    calls: decisions.calls,
    callCount: () => decisions.count,
    denied: () => decisions.calls.filter((c) => !c.allowed),
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

/**
 * IAM's decisions on functions' calls, each distinct call evaluated once: what grant coverage reads,
 * and the cache of decisions.
 */
class IamDecisions {
  /** Every distinct call, in the order first made. */
  readonly calls: AuthorizedCall[] = [];
  /** How many authorizations were made, repeats included. */
  count = 0;
  private readonly account: string;
  private readonly seen = new Map<string, AuthorizedCall>();

  /** Decides for the functions of the stack's `account`. */
  constructor(account: string) {
    this.account = account;
  }

  /**
   * Decides a call on a resource that has a policy of its own (a KMS key's key policy), as IAM would:
   * both the role's policies and the resource's policy are evaluated (the full simulator, asynchronous).
   */
  async decide(spec: FunctionSpec, authorization: Authorization): Promise<AuthorizedCall> {
    if (authorization.resourcePolicy === undefined) return this.authorize(spec, authorization);
    this.count++;
    const key = `${spec.name}\u0000${authorization.action}\u0000${authorization.resource}`;
    let call = this.seen.get(key);
    if (call === undefined) {
      const result = await runSimulation(
        {
          identityPolicies: spec.policies.map((p) => ({ name: p.name, policy: p.document })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: authorization.resourcePolicy,
          request: {
            action: authorization.action,
            principal: principalOf(spec, this.account),
            resource: { accountId: this.account, resource: authorization.resource },
            contextVariables: authorization.context,
          },
        },
        {},
      );
      const allowed = result.resultType === 'single' && result.overallResult === 'Allowed';
      const { resourcePolicy: _, ...recorded } = authorization;
      call = { ...recorded, functionName: spec.name, allowed };
      this.seen.set(key, call);
      this.calls.push(call);
    }
    return call;
  }

  /** Decides a call of a function, as IAM would, and records it. */
  authorize(spec: FunctionSpec, authorization: Authorization): AuthorizedCall {
    this.count++;
    const key = `${spec.name}\u0000${authorization.action}\u0000${authorization.resource}\u0000${JSON.stringify(authorization.context)}`;
    let call = this.seen.get(key);
    if (call === undefined) {
      const result = runUnsafeSimulation(
        {
          identityPolicies: spec.policies.map((p) => ({ name: p.name, policy: p.document })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          request: {
            action: authorization.action,
            principal: principalOf(spec, this.account),
            resource: { accountId: this.account, resource: authorization.resource },
            contextVariables: authorization.context,
          },
        },
        {},
      );
      call = { ...authorization, functionName: spec.name, allowed: result === 'Allowed' };
      this.seen.set(key, call);
      this.calls.push(call);
    }
    return call;
  }
}

/** The assumed-role principal a function's calls are made as. */
const principalOf = (spec: FunctionSpec, account: string): string =>
  `arn:aws:sts::${account}:assumed-role/${spec.roleArn.split('/').pop()}/${spec.name}`;

/** One call as the gateway reads it. */
interface GatewayCall {
  body: Buffer;
  text: string;
  operation: string;
  caller: Caller | undefined;
  /** The body as a JSON object; `{}` when it is not one. */
  json: () => Record<string, unknown>;
}

/** Authorizes a call of a function and forwards it, or answers it as AWS would; the operator's calls pass. */
const handleCall = async (
  service: Service,
  req: IncomingMessage,
  res: ServerResponse,
  options: IamGatewayOptions,
  decisions: IamDecisions,
): Promise<void> => {
  try {
    const body = await readBody(req);
    const text = body.toString('utf8');
    const target = String(req.headers['x-amz-target'] ?? '');
    const accessKey = accessKeyOf(req);
    const call: GatewayCall = {
      body,
      text,
      operation: target.split('.').pop() ?? '',
      caller: accessKey === undefined ? undefined : options.callerOf(accessKey),
      json: () => {
        try {
          return text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          return {};
        }
      },
    };
    if (call.caller && refuseUnauthorized(service, call, call.caller, res, options, decisions)) return;
    if (service === 'secretsmanager') answerSecretsManager(call, res, options);
    else forwardCall(service, call, req, res, options);
  } catch {
    res.destroy();
  }
};

/** Answers the first authorization IAM denies with AWS's AccessDenied; true when the call was refused. */
const refuseUnauthorized = (
  service: Service,
  call: GatewayCall,
  caller: Caller,
  res: ServerResponse,
  options: IamGatewayOptions,
  decisions: IamDecisions,
): boolean => {
  const { model } = options;
  for (const authorization of authorizationsOf(service, call.operation, call.text, call.json, model)) {
    if (decisions.authorize(caller.spec, authorization).allowed) continue;
    const principal = principalOf(caller.spec, model.account);
    const message = `User: ${principal} is not authorized to perform: ${authorization.action} on resource: ${authorization.resource} because no identity-based policy allows the ${authorization.action} action`;
    options.log?.(
      `iam: denied ${caller.spec.name} ${authorization.action} on ${authorization.resource} ${JSON.stringify(authorization.context)}`,
    );
    const answer = denial(service, message);
    res.writeHead(answer.status, { 'content-type': answer.type, 'x-amzn-requestid': randomUUID() }).end(answer.body);
    return true;
  }
  return false;
};

/** Serves a Secrets Manager call of the stack's secrets here, where nothing else stands in for it. */
const answerSecretsManager = (call: GatewayCall, res: ServerResponse, options: IamGatewayOptions): void => {
  const answer = secretsManager(call.operation, call.json(), options.secretValues);
  res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(answer.body);
  options.onForwarded?.({
    service: 'secretsmanager',
    caller: call.caller,
    operation: call.operation,
    requestBody: call.text,
    responseBody: Buffer.from(answer.body),
    status: answer.status,
  });
};

/** GetSecretValue and DescribeSecret of the stack's secrets; anything else is refused. */
const secretsManager = (
  operation: string,
  body: Record<string, unknown>,
  secretValues: Record<string, string>,
): { status: number; body: string } => {
  const id = String(body.SecretId ?? '');
  const arn = Object.keys(secretValues).find((a) => a === id || a.split(':').pop() === id);
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
    body: JSON.stringify(operation === 'GetSecretValue' ? { ...common, SecretString: secretValues[arn] } : common),
  };
};

/** Forwards an allowed call to the local service and its answer back, telling the owner of it. */
const forwardCall = (
  service: Exclude<Service, 'secretsmanager'>,
  call: GatewayCall,
  req: IncomingMessage,
  res: ServerResponse,
  options: IamGatewayOptions,
): void => {
  const upstream = new URL(options.upstream[service]);
  const headers = { ...req.headers, host: upstream.host, 'content-length': String(call.body.length) };
  const forwarded = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
    (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const responseBody = Buffer.concat(chunks);
        res.writeHead(answer.statusCode ?? 502, answer.headers).end(responseBody);
        const op = service === 'ses' ? (new URLSearchParams(call.text).get('Action') ?? '') : call.operation;
        options.onForwarded?.({
          service,
          caller: call.caller,
          operation: op,
          requestBody: call.text,
          responseBody,
          status: answer.statusCode ?? 502,
        });
      });
      answer.on('error', () => res.destroy());
    },
  );
  forwarded.on('error', () => res.destroy());
  forwarded.end(call.body);
};
