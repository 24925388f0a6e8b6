import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { settleSeconds } from '../functions/core/campaign/submission-window.ts';
import type { ClientLimiter } from './client-limits.ts';
import type { EmbeddedCloudOptions } from './cloud.ts';
import type { CloudRuntime } from './cloud-runtime.ts';
import { REGION, SENDER, SYNTHESIZED_SEND_RATE, TABLE } from './cloud-settings.ts';
import type { LocalCognito } from './cognito.ts';
import { bundleFunctions } from './function-bundles.ts';
import type { LocalRoute } from './http-api.ts';
import type { IamGateway } from './iam-gateway.ts';
import { LocalLambdaFunction } from './lambda-runtime.ts';
import type { StackModel } from './stack-model.ts';
import { campaignOf } from './usage-billing.ts';
import type { UsageMeter } from './usage-meter.ts';

/** What the stack sets is what the functions get; locally only endpoints and a few waits change. */
export const functionOverrides = (
  options: Pick<EmbeddedCloudOptions, 'maxSendRate' | 'campaignCacheSeconds'>,
): Record<string, string> => ({
  MAX_SEND_RATE: String(options.maxSendRate ?? SYNTHESIZED_SEND_RATE),
  CAMPAIGN_CACHE_SECONDS: String(options.campaignCacheSeconds ?? 1),
  // Local requests are served on this machine within about a second.
  SUBMISSION_SETTLE_SECONDS: String(settleSeconds(options.campaignCacheSeconds ?? 1, 1)),
});

/** The functions' endpoints: each AWS service through the IAM gateway, Cognito as cognito-local. */
export const localEndpoints = (gateway: IamGateway, cognito: LocalCognito | undefined): Record<string, string> => ({
  AWS_REGION: REGION,
  AWS_DEFAULT_REGION: REGION,
  AWS_ENDPOINT_URL_DYNAMODB: gateway.urls.dynamodb,
  AWS_ENDPOINT_URL_SES: gateway.urls.ses,
  AWS_ENDPOINT_URL_SFN: gateway.urls.sfn,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: gateway.urls.secretsmanager,
  AWS_ENDPOINT_URL_S3: gateway.urls.s3,
  ...(gateway.urls.lambda ? { AWS_ENDPOINT_URL_LAMBDA: gateway.urls.lambda } : {}),
  ...(cognito
    ? {
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
        // cognito-local's tokens name it as issuer, and it serves its own keys.
        CONSOLE_JWT_ISSUER: cognito.issuer,
        CONSOLE_JWKS_URL: cognito.jwksUrl,
      }
    : {}),
});

/**
 * Creates every function of the stack with the template's environment (the `overrides` it sets replaced)
 * plus the local endpoints, each run from the bundle the stack deploys (or from its `sources`); each
 * invocation is metered. They are shut down at close.
 */
export const startFunctions = async (
  runtime: CloudRuntime,
  model: Pick<StackModel, 'functions'>,
  environments: { overrides: Record<string, string>; endpoints: Record<string, string>; sources?: boolean },
  meter: UsageMeter,
): Promise<void> => {
  const bundles = environments.sources
    ? new Map<string, string>()
    : await bundleFunctions(model.functions.filter((f) => !f.entry).map((f) => f.name));
  for (const declared of model.functions) {
    const spec = { ...declared, entry: declared.entry ?? bundles.get(declared.name) };
    const environment = { ...spec.environment };
    for (const [name, value] of Object.entries(environments.overrides))
      if (name in environment) environment[name] = value;
    const fn = new LocalLambdaFunction(spec, { ...environment, ...environments.endpoints }, (record) => {
      meter.lambdaInvoked(record.functionName, record.memoryMb, record.durationMs, campaignOf(record.event));
    });
    runtime.functions.set(spec.name, fn);
  }
  runtime.onClose(() => runtime.closeFunctions());
};

/** The template's routes, each invoking its function unless the client is over a rate limit. */
export const buildRoutes = (runtime: CloudRuntime, model: StackModel, limiter: ClientLimiter): LocalRoute[] =>
  model.routes.map((route) => ({
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
      return runtime.invoke(route.functionName, event) as Promise<APIGatewayProxyStructuredResultV2>;
    },
  }));

/** What the operator's environment is made of. */
export interface OperatorSettings {
  gateway: IamGateway;
  apiUrl: string;
  linkSecret: string;
  overrides: Record<string, string>;
  cognito: LocalCognito | undefined;
  /** The stack, for the settings its functions get that handlers run here need too (the evidence bucket). */
  model?: Pick<StackModel, 'functions'>;
}

/** `EVIDENCE_BUCKET` as the stack tells its functions, when it has an evidence bucket. */
const evidenceBucketOf = (model: Pick<StackModel, 'functions'> | undefined): Record<string, string> => {
  const bucket = model?.functions.find((f) => f.environment.EVIDENCE_BUCKET)?.environment.EVIDENCE_BUCKET;
  return bucket ? { EVIDENCE_BUCKET: bucket } : {};
};

/**
 * Points this process (the operator: the CLI, the tests) at the embedded cloud through the standard
 * `AWS_ENDPOINT_URL_*` variables, with the settings the stack's functions get for handlers run here.
 */
export const setOperatorEnvironment = (settings: OperatorSettings): void => {
  const { gateway, cognito } = settings;
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: gateway.urls.dynamodb,
    AWS_ENDPOINT_URL_SES: gateway.urls.ses,
    AWS_ENDPOINT_URL_SFN: gateway.urls.sfn,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: gateway.urls.secretsmanager,
    AWS_ENDPOINT_URL_S3: gateway.urls.s3,
    TABLE_NAME: TABLE,
    MAIL_FROM: SENDER,
    SURVEY_BASE_URL: settings.apiUrl,
    LINK_SECRET: settings.linkSecret,
    // For handlers a test runs in this process: the settings the stack's functions get.
    MAIL_CONCURRENCY: '1',
    ...evidenceBucketOf(settings.model),
    ...(gateway.urls.lambda ? { AWS_ENDPOINT_URL_LAMBDA: gateway.urls.lambda } : {}),
    ...settings.overrides,
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
};
