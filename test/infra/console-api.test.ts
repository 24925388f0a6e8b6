import { rmSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupervisionStack } from '../../infra/supervision-stack.ts';
import {
  acknowledgedReasons,
  appContext,
  createProjectRoot,
  logicalId,
  nagFindingsOn,
  STACK_HANDLERS,
  synthesizedOnce,
} from '../support/stack.ts';

/** API Gateway answers 503 when an HTTP API's integration takes longer than this. */
const HTTP_API_LIMIT_SECONDS = 30;

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}
interface PolicyResource {
  readonly Properties: { readonly PolicyDocument: { readonly Statement: Statement[] }; readonly Roles: unknown[] };
}
interface RouteResource {
  readonly Properties: {
    readonly RouteKey: string;
    readonly AuthorizationType?: string;
    readonly Target: { 'Fn::Join': [string, unknown[]] };
  };
}
interface IntegrationResource {
  readonly Properties: { readonly IntegrationUri: unknown };
}

/** A project root whose handler files are placeholders: bundling is skipped, only their presence counts. */
let projectRoot: string;

beforeAll(() => {
  projectRoot = createProjectRoot(STACK_HANDLERS, 'console-api-');
});

afterAll(() => {
  rmSync(projectRoot, { recursive: true, force: true });
});

const buildStack = (): SupervisionStack =>
  new SupervisionStack(new App({ context: appContext() }), 'Test', {
    senderEmail: 'noreply@example.gov.cn',
    projectRoot,
  });

/** The stack with default props, synthesized once for the read-only assertions. */
const synthesizeDefault = synthesizedOnce(() => buildStack());

/** Every statement of the policies attached to the console function's role. */
const consoleStatements = (stack: SupervisionStack, template: Template): Statement[] => {
  const role = [{ Ref: logicalId(stack, stack.consoleFunction.executionRole) }];
  return Object.values(template.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>)
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify(role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
};

const actionsOf = (statements: readonly Statement[]): string[] =>
  statements.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));

describe('the console function', () => {
  it('runs on the house defaults with the table, the user pool and its client, within the HTTP API limit', () => {
    // Act
    const { stack, template } = synthesizeDefault();
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('organizer console'),
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: Match.anyValue(),
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { Ref: logicalId(stack, stack.table) },
          CONSOLE_USER_POOL_ID: { Ref: logicalId(stack, stack.consoleUserPool) },
          CONSOLE_CLIENT_ID: { Ref: logicalId(stack, stack.consoleUserPoolClient) },
        }),
      },
    });
    const fn = template.findResources('AWS::Lambda::Function')[logicalId(stack, stack.consoleFunction)] as
      | { Properties: { Timeout: number; Environment: { Variables: Record<string, unknown> } } }
      | undefined;
    expect(fn?.Properties.Timeout).toBeLessThan(HTTP_API_LIMIT_SECONDS);
    expect(fn?.Properties.Environment.Variables).toHaveProperty('CONSOLE_USER_POOL_ID');
    // A returned response's email carries the supervisor's survey link.
    expect(fn?.Properties.Environment.Variables).toHaveProperty('LINK_SECRET_ARN');
    expect(fn?.Properties.Environment.Variables).toHaveProperty('MAIL_FROM');
    expect(fn?.Properties.Environment.Variables).toHaveProperty('SURVEY_BASE_URL');
  });

  it('serves ANY /console and ANY /console/{proxy+} on the survey API, and may be invoked by it', () => {
    // Act
    const { stack, template } = synthesizeDefault();
    // Assess
    const consoleArn = { 'Fn::GetAtt': [logicalId(stack, stack.consoleFunction), 'Arn'] };
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration', {
      Properties: { IntegrationUri: consoleArn },
    }) as Record<string, IntegrationResource>;
    expect(Object.keys(integrations)).toHaveLength(1);
    const [integrationId] = Object.keys(integrations);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ApiId: { Ref: logicalId(stack, stack.surveyApi) },
      IntegrationUri: consoleArn,
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Record<string, RouteResource>);
    const consoleRoutes = routes.filter((route) =>
      JSON.stringify(route.Properties.Target).includes(JSON.stringify({ Ref: integrationId })),
    );
    expect(consoleRoutes.map((route) => route.Properties.RouteKey).sort()).toEqual([
      'ANY /console',
      'ANY /console/{proxy+}',
    ]);
    for (const routeKey of ['ANY /console', 'ANY /console/{proxy+}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        ApiId: { Ref: logicalId(stack, stack.surveyApi) },
        RouteKey: routeKey,
        AuthorizationType: 'NONE',
      });
    }
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: consoleArn,
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('may wake the tasks of this state machine and use the table, and grants nothing for sign-in', () => {
    // Act
    const { stack, template } = synthesizeDefault();
    // Assess
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'Test-Campaign' });
    const tableArn = { 'Fn::GetAtt': [logicalId(stack, stack.table), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(stack, stack.consoleFunction.executionRole) }],
      PolicyDocument: {
        // In the order granted: the table, then the workflow's callbacks.
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: Match.arrayWith(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']),
            Resource: tableArn,
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CAMPAIGN#*'] } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'states:SendTaskSuccess',
            Resource: { 'Fn::Join': ['', Match.arrayWith([':stateMachine:Test-Campaign'])] },
          }),
        ]),
      },
    });
    const states = actionsOf(consoleStatements(stack, template)).filter((action) => action.startsWith('states:'));
    expect(states).toEqual(['states:SendTaskSuccess']);
  });

  it("may send email from the campaign sender and read the link secret, and of the user pool only read a user's groups", () => {
    // Act
    const { stack, template } = synthesizeDefault();
    // Assess
    const statements = consoleStatements(stack, template);
    const actions = actionsOf(statements);
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions.filter((action) => /^(ses|secretsmanager):/.test(action)).sort()).toEqual([
      'secretsmanager:GetSecretValue',
      'ses:GetSendQuota',
      'ses:SendEmail',
    ]);
    expect(JSON.stringify(statements.filter((st) => JSON.stringify(st.Action).includes('ses:SendEmail')))).toContain(
      'ses:FromAddress',
    );
    expect(actions.filter((action) => /^(cognito-idp|lambda):/.test(action))).toEqual([
      'cognito-idp:AdminListGroupsForUser',
      'lambda:InvokeFunction',
    ]);
    // It starts one function: the evidence exporter, in the background.
    const invoke = statements.find((st) => st.Action === 'lambda:InvokeFunction');
    expect(invoke?.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.exportEvidenceFunction), 'Arn'] });
    const groups = statements.find((st) => st.Action === 'cognito-idp:AdminListGroupsForUser');
    expect(groups?.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.consoleUserPool), 'Arn'] });
  });

  it('alarms into the alarm topic when the console function fails', () => {
    // Act
    const { stack, template } = synthesizeDefault();
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, stack.consoleFunction) } }],
      Threshold: 1,
      AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
    });
  });

  it("outputs the console's address under the API's endpoint", () => {
    // Act
    const { stack, template } = synthesizeDefault();
    // Assess
    template.hasOutput('ConsoleUrl', {
      Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, stack.surveyApi), 'ApiEndpoint'] }, '/console']] },
    });
  });
});

describe('cdk-nag on the console function', () => {
  it('leaves no finding on the console function, its role or its routes', () => {
    // Prepare
    const stack = buildStack();
    const paths = [stack.consoleFunction.node.path, stack.consoleFunction.executionRole.node.path, '/ANY--console'];
    // Act
    const onConsole = nagFindingsOn(stack, paths);
    // Assess
    expect(onConsole).toEqual([]);
  });

  it("acknowledges the console's routes having no API Gateway authorizer, with the reason", () => {
    // Prepare
    const stack = buildStack();
    // Act
    const reasons = acknowledgedReasons(stack.surveyApi, 'AwsSolutions-APIG4');
    // Assess
    expect(reasons).toContainEqual(expect.stringMatching(/console function verifies the Cognito ID token/));
  });
});
