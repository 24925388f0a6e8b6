import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeFinding } from '../nag.ts';

/** The HTTP API without its stage, so functions can hold its endpoint without a cycle. */
export function buildSurveyApi(scope: Construct): HttpApi {
  return new HttpApi(scope, 'SurveyApi', {
    description: 'Survey and rectification links and the organizer console of service supervision campaigns',
    createDefaultStage: false,
  });
}

/** What the API's routes lead to. */
export interface RouteTargets {
  readonly api: HttpApi;
  /** `/s/{token}` and below. */
  readonly survey: IFunction;
  /** `/r/{token}` and below. */
  readonly rectification: IFunction;
  /** `/console` and below. */
  readonly console: IFunction;
  readonly logRetention: RetentionDays;
}

/** The API's throttled `$default` stage and its access log, as alarms watch them. */
export interface SurveyStage {
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
}

/**
 * The API's stage, whose access log names routes and never paths (the token in a path is a credential),
 * and its routes: each path with method ANY to the function that answers it.
 */
export function buildSurveyRoutes(scope: Construct, targets: RouteTargets): SurveyStage {
  const { api } = targets;
  const accessLogs = new LogGroup(scope, 'SurveyApiAccessLogs', {
    retention: targets.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stage = new HttpStage(scope, 'SurveyApiStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: 50, burstLimit: 100 },
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      // The route key, never the path: the token in the path is the supervisor's credential.
      format: AccessLogFormat.custom(
        JSON.stringify({
          requestId: '$context.requestId',
          requestTime: '$context.requestTime',
          routeKey: '$context.routeKey',
          status: '$context.status',
          protocol: '$context.protocol',
          responseLength: '$context.responseLength',
          responseLatency: '$context.responseLatency',
          integrationLatency: '$context.integrationLatency',
          integrationError: '$context.integrationErrorMessage',
          error: '$context.error.message',
        }),
      ),
    },
  });
  // ANY, not a method list: each handler answers GET, HEAD and POST itself and every other method with
  // its own 405 and Allow header, on AWS as on the embedded cloud (which reads these routes).
  const integration = new HttpLambdaIntegration('SurveyIntegration', targets.survey);
  api.addRoutes({ path: '/s/{token}', methods: [HttpMethod.ANY], integration });
  api.addRoutes({ path: '/s/{token}/{proxy+}', methods: [HttpMethod.ANY], integration });
  const rectificationIntegration = new HttpLambdaIntegration('RectificationIntegration', targets.rectification);
  api.addRoutes({ path: '/r/{token}', methods: [HttpMethod.ANY], integration: rectificationIntegration });
  api.addRoutes({ path: '/r/{token}/{proxy+}', methods: [HttpMethod.ANY], integration: rectificationIntegration });
  const consoleIntegration = new HttpLambdaIntegration('ConsoleIntegration', targets.console);
  api.addRoutes({ path: '/console', methods: [HttpMethod.ANY], integration: consoleIntegration });
  api.addRoutes({ path: '/console/{proxy+}', methods: [HttpMethod.ANY], integration: consoleIntegration });
  acknowledgeFinding(
    api,
    'AwsSolutions-APIG4',
    "Survey and rectification links are capability URLs: the unguessable token in the path is the credential, checked by the function; volunteers and officials have no IAM or Cognito identity. The console's sign-in page must be reachable signed out, and its plain HTML forms send no Authorization header: the console function verifies the Cognito ID token of its session cookie on every other request.",
  );
  return { stage, accessLogs };
}
