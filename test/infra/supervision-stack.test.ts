import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_FUNCTIONS } from '../../functions/core/campaign/workflow-contract.ts';
import { SupervisionStack, type SupervisionStackProps } from '../../infra/supervision-stack.ts';
import { acknowledgedReasons, appContext, createProjectRoot, logicalId, synthesizedOnce } from '../support/stack.ts';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');
const WORKFLOW_FILE = path.join(REPOSITORY_ROOT, 'workflows/campaign.asl.json');
const SENDER = 'noreply@example.gov.cn';
const HANDLERS = [
  ...Object.values(WORKFLOW_FUNCTIONS),
  'survey-api',
  'check-photo',
  'export-evidence',
  'expire-evidence',
  'count-answers',
  'console-api',
];
/** The functions that may wake a waiting task of the workflow (SendTaskSuccess and the like). */
const WAKERS: readonly string[] = [
  'count-answers',
  'await-responses',
  'await-review',
  'await-fact-check',
  'await-sign-off',
  'console-api',
];
const MAIL_SENDERS: readonly string[] = [
  'send-mail',
  'publish-city-summary',
  'fail-campaign',
  'open-sign-off',
  'console-api',
];
/** What reading a table's stream takes; everything else of DynamoDB is item access. */
const STREAM_ACTIONS: readonly string[] = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}
interface PolicyResource {
  readonly Properties: { readonly PolicyDocument: { readonly Statement: Statement[] }; readonly Roles: unknown[] };
}
interface FunctionResource {
  readonly Properties: {
    readonly Runtime: string;
    readonly Architectures: string[];
    readonly Timeout?: number;
    readonly MemorySize?: number;
    readonly Handler: string;
    readonly Role: unknown;
    readonly TracingConfig?: { readonly Mode: string };
    readonly LoggingConfig?: { readonly LogGroup?: { readonly Ref: string } };
    readonly Environment: { readonly Variables: Record<string, unknown> };
  };
}

/** Project roots whose handler files are placeholders: bundling is skipped, only their presence counts. */
let withMailEventsHandler: string;
let withoutMailEventsHandler: string;

const buildStack = (props: Partial<SupervisionStackProps> = {}): SupervisionStack =>
  new SupervisionStack(new App({ context: appContext() }), 'Test', {
    senderEmail: SENDER,
    projectRoot: withMailEventsHandler,
    ...props,
  });

/** The stack with default props, synthesized once for the read-only assertions. */
const synthesizeDefault = synthesizedOnce(() => buildStack());

/** Every statement of the policies attached to the role with this logical ID. */
const statementsOfRole = (template: Template, roleLogicalId: string): Statement[] => {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>;
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleLogicalId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
};

const actionsOf = (statements: readonly Statement[]): string[] =>
  statements.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));

const functionOf = (stack: SupervisionStack, handler: string) => {
  if (handler === 'survey-api') return stack.surveyFunction;
  if (handler === 'count-answers') return stack.countAnswersFunction;
  if (handler === 'check-photo') return stack.photoCheckFunction;
  if (handler === 'export-evidence') return stack.exportEvidenceFunction;
  if (handler === 'expire-evidence') return stack.expireEvidenceFunction;
  if (handler === 'console-api') return stack.consoleFunction;
  return stack.taskFunctions[handler as keyof SupervisionStack['taskFunctions']];
};

const roleOf = (stack: SupervisionStack, handler: string): string =>
  logicalId(stack, functionOf(stack, handler).executionRole);

const environmentOf = (template: Template, stack: SupervisionStack, handler: string): Record<string, unknown> => {
  const functions = template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
  return functions[logicalId(stack, functionOf(stack, handler))]?.Properties.Environment.Variables ?? {};
};

/** `TimeoutSeconds` of every workflow state that invokes a function, by the function's placeholder. */
const readStateTimeouts = (): Map<string, number[]> => {
  const timeouts = new Map<string, number[]>();
  const visit = (states: Record<string, Record<string, unknown>>): void => {
    for (const state of Object.values(states)) {
      const parameters = state.Parameters as Record<string, unknown> | undefined;
      const target = String(state.Resource).startsWith('${') ? state.Resource : parameters?.FunctionName;
      const placeholder = /^\$\{(\w+)\}$/.exec(String(target))?.[1];
      if (placeholder !== undefined && typeof state.TimeoutSeconds === 'number') {
        timeouts.set(placeholder, [...(timeouts.get(placeholder) ?? []), state.TimeoutSeconds]);
      }
      const processor = state.ItemProcessor as { States: Record<string, Record<string, unknown>> } | undefined;
      if (processor) visit(processor.States);
    }
  };
  visit(
    (JSON.parse(readFileSync(WORKFLOW_FILE, 'utf8')) as { States: Record<string, Record<string, unknown>> }).States,
  );
  return timeouts;
};

const functionArn = (stack: SupervisionStack, handler: keyof SupervisionStack['taskFunctions']) => ({
  'Fn::GetAtt': [logicalId(stack, stack.taskFunctions[handler]), 'Arn'],
});

beforeAll(() => {
  withMailEventsHandler = createProjectRoot([...HANDLERS, 'rectification-api', 'ses-events']);
  withoutMailEventsHandler = createProjectRoot([...HANDLERS, 'rectification-api']);
});

afterAll(() => {
  rmSync(withMailEventsHandler, { recursive: true, force: true });
  rmSync(withoutMailEventsHandler, { recursive: true, force: true });
});

describe('SupervisionStack', () => {
  describe('table', () => {
    it('stores everything in one on-demand table keyed by PK and SK, with point-in-time recovery', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      });
    });

    it('indexes campaigns of a series month by month in GSI1, projecting every attribute', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::DynamoDB::Table', {
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
      });
    });

    it('keeps the table and the link secret when the stack is deleted', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    });
  });

  describe('functions', () => {
    it('runs every function on Node.js 22, arm64, with an explicit timeout, X-Ray and source maps', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      const functions = Object.values(
        template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>,
      );
      // The workflow's tasks, the survey, count-answers and console functions, the rectification function and ses-events.
      expect(functions).toHaveLength(HANDLERS.length + 2);
      for (const fn of functions) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
        });
        expect(fn.Properties.Timeout).toBeGreaterThan(0);
        expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(512);
      }
    });

    it("logs each invocation's platform report (duration, memory, init): system log level INFO", () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(functions.length).toBeGreaterThan(0);
      template.allResourcesProperties('AWS::Lambda::Function', {
        LoggingConfig: Match.objectLike({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' }),
      });
    });

    it('keeps every function under the timeout of the workflow states that invoke it', () => {
      // Prepare
      const { stack, template } = synthesizeDefault();
      const stateTimeouts = readStateTimeouts();
      // Act
      const functions = template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
      // Assess
      expect(stateTimeouts.size).toBeGreaterThan(0);
      for (const [placeholder, timeouts] of stateTimeouts) {
        const handler = WORKFLOW_FUNCTIONS[placeholder as keyof typeof WORKFLOW_FUNCTIONS];
        const timeout = functions[logicalId(stack, stack.taskFunctions[handler])]?.Properties.Timeout;
        for (const stateTimeout of timeouts) expect(timeout, handler).toBeLessThan(stateTimeout);
      }
    });

    it('writes each function to its own log group with a retention, not the basic execution role', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      const functions = Object.values(
        template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>,
      );
      const logGroups = template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90 } });
      const used = functions.map((fn) => fn.Properties.LoggingConfig?.LogGroup?.Ref);
      expect(new Set(used).size).toBe(functions.length);
      for (const ref of used) expect(Object.keys(logGroups)).toContain(ref);
      template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
    });

    it('passes each mail sender its sender, configuration set, send rate and survey base URL', () => {
      // Prepare
      const maxConcurrency = Math.max(
        ...[...readFileSync(WORKFLOW_FILE, 'utf8').matchAll(/"MaxConcurrency":\s*(\d+)/g)].map((match) =>
          Number(match[1]),
        ),
      );
      // Act
      const stack = buildStack({ maxSendRate: 20 });
      const template = Template.fromStack(stack);
      // Assess
      for (const handler of ['send-mail', 'fail-campaign'] as const) {
        expect(environmentOf(template, stack, handler), handler).toMatchObject({
          TABLE_NAME: { Ref: logicalId(stack, stack.table) },
          MAIL_FROM: SENDER,
          SES_CONFIGURATION_SET: { Ref: logicalId(stack, stack.configurationSet) },
          MAX_SEND_RATE: '20',
          MAIL_CONCURRENCY: String(maxConcurrency),
          SURVEY_BASE_URL: { 'Fn::GetAtt': [logicalId(stack, stack.surveyApi), 'ApiEndpoint'] },
        });
      }
      expect(environmentOf(template, stack, 'send-mail')).toMatchObject({
        LINK_SECRET_ARN: { Ref: logicalId(stack, stack.linkSecret) },
      });
    });

    it("leaves MAX_SEND_RATE unset by default, so the mail senders pace by the account's own SES rate", () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      for (const handler of MAIL_SENDERS) {
        const environment = environmentOf(template, stack, handler);
        expect(environment, handler).toHaveProperty('MAIL_CONCURRENCY');
        expect(environment, handler).not.toHaveProperty('MAX_SEND_RATE');
      }
    });

    it('passes the survey function its table, but neither the link secret nor a base URL it never uses', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const environment = environmentOf(template, stack, 'survey-api');
      expect(environment).toMatchObject({ TABLE_NAME: { Ref: logicalId(stack, stack.table) } });
      expect(environment).not.toHaveProperty('LINK_SECRET_ARN');
      expect(environment).not.toHaveProperty('SURVEY_BASE_URL');
    });
  });

  describe('permissions', () => {
    it("limits every function's table statements to its partition keys, and only Score and the console (a center's series) reach GSI1", () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const indexArn = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, stack.table), 'Arn'] }, '/index/GSI1']] };
      for (const handler of HANDLERS) {
        const tableStatements = statementsOfRole(template, roleOf(stack, handler)).filter((statement) =>
          actionsOf([statement]).some((action) => action.startsWith('dynamodb:') && !STREAM_ACTIONS.includes(action)),
        );
        expect(tableStatements.length, handler).toBeGreaterThan(0);
        for (const statement of tableStatements) {
          expect(statement.Condition, handler).toEqual({
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': expect.any(Array) },
          });
          expect(actionsOf([statement]), handler).not.toContain('dynamodb:Scan');
        }
        const onIndex = tableStatements.filter((statement) => JSON.stringify(statement.Resource).includes('/index/'));
        expect(onIndex, handler).toEqual(
          handler === 'score-campaign' || handler === 'console-api'
            ? [expect.objectContaining({ Action: 'dynamodb:Query', Resource: indexArn })]
            : [],
        );
      }
    });

    it('lets only the mail senders (send-mail, publish-city-summary, fail-campaign, open-sign-off, and console-api for returned responses) send email, and only from the configured sender', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      for (const handler of MAIL_SENDERS) {
        // Only the city summary carries attachments (MIME, SendRawEmail); the others send plain mail.
        const action = handler === 'publish-city-summary' ? 'ses:SendRawEmail' : 'ses:SendEmail';
        expect(statementsOfRole(template, roleOf(stack, handler)), handler).toContainEqual(
          expect.objectContaining({
            Effect: 'Allow',
            Action: action,
            Condition: { StringEquals: { 'ses:FromAddress': SENDER } },
          }),
        );
        const sends = actionsOf(statementsOfRole(template, roleOf(stack, handler))).filter((a) => /^ses:Send/.test(a));
        expect(sends, handler).toEqual([action]);
      }
      for (const handler of HANDLERS.filter((name) => !MAIL_SENDERS.includes(name))) {
        const sesActions = actionsOf(statementsOfRole(template, roleOf(stack, handler))).filter((action) =>
          action.startsWith('ses:'),
        );
        expect(sesActions, handler).toEqual([]);
      }
    });

    it("lets the mail senders read the account's send quota, an action that takes no resource", () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      for (const handler of MAIL_SENDERS) {
        const quota = statementsOfRole(template, roleOf(stack, handler)).filter((statement) =>
          actionsOf([statement]).includes('ses:GetSendQuota'),
        );
        expect(quota, handler).toEqual([expect.objectContaining({ Effect: 'Allow', Resource: '*' })]);
        expect(quota[0]?.Condition, handler).toBeUndefined();
        // Merged with X-Ray's statement, which takes no resource either; nothing else of SES is on '*'.
        expect(
          actionsOf(quota).filter((action) => action.startsWith('ses:')),
          handler,
        ).toEqual(['ses:GetSendQuota']);
      }
    });

    it('grants no ses:GetSendQuota when maxSendRate caps the rate', () => {
      // Prepare
      const stack = buildStack({ maxSendRate: 20 });
      // Act
      const template = Template.fromStack(stack);
      // Assess
      for (const handler of HANDLERS) {
        const actions = actionsOf(statementsOfRole(template, roleOf(stack, handler)));
        expect(actions, handler).not.toContain('ses:GetSendQuota');
      }
      for (const handler of MAIL_SENDERS) {
        expect(actionsOf(statementsOfRole(template, roleOf(stack, handler))), handler).toContainEqual(
          expect.stringMatching(/^ses:Send(Raw)?Email$/),
        );
      }
    });

    it("lets only prepare, send-mail and the console (a returned response's link) read the link secret, not the public survey function", () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const readers = HANDLERS.filter((handler) =>
        actionsOf(statementsOfRole(template, roleOf(stack, handler))).includes('secretsmanager:GetSecretValue'),
      );
      expect(readers.sort()).toEqual(['console-api', 'prepare', 'send-mail']);
    });

    it('lets only count-answers, the await functions and console-api wake the tasks of this state machine, not the survey function', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'Test-Campaign' });
      for (const handler of HANDLERS) {
        const callbacks = statementsOfRole(template, roleOf(stack, handler)).filter((statement) =>
          actionsOf([statement]).includes('states:SendTaskSuccess'),
        );
        if (WAKERS.includes(handler)) {
          expect(callbacks, handler).toEqual([
            expect.objectContaining({
              Action: 'states:SendTaskSuccess',
              Resource: { 'Fn::Join': ['', expect.arrayContaining([':stateMachine:Test-Campaign'])] },
            }),
          ]);
        } else {
          expect(callbacks, handler).toEqual([]);
        }
      }
      const surveyStates = actionsOf(statementsOfRole(template, roleOf(stack, 'survey-api'))).filter((action) =>
        action.startsWith('states:'),
      );
      expect(surveyStates).toEqual([]);
    });

    it('gives the sign-off functions their own roles: OpenSignOff reads and moves the campaign, SignOff stores its token and may wake itself', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      for (const handler of ['open-sign-off', 'await-sign-off']) {
        const statements = statementsOfRole(template, roleOf(stack, handler));
        const table = statements.filter((st) => actionsOf([st]).some((a) => a.startsWith('dynamodb:')));
        // OpenSignOff also asks the organizers by email: the outbox's claim (and its release) and suppressions.
        expect([...new Set(actionsOf(table))].sort(), handler).toEqual(
          handler === 'open-sign-off'
            ? ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']
            : ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        );
        expect(JSON.stringify(table.map((st) => st.Condition)), handler).toContain('CAMPAIGN#*');
        expect(
          actionsOf(statements).filter(
            (a) => !a.startsWith('dynamodb:') && !a.startsWith('xray:') && !a.startsWith('logs:'),
          ),
          handler,
        ).toEqual(handler === 'await-sign-off' ? ['states:SendTaskSuccess'] : ['ses:GetSendQuota', 'ses:SendEmail']);
      }
      expect(roleOf(stack, 'open-sign-off')).not.toBe(roleOf(stack, 'await-sign-off'));
    });

    it("lets only count-answers read the table's stream, and only this table's", () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const streamArn = { 'Fn::GetAtt': [logicalId(stack, stack.table), 'StreamArn'] };
      for (const handler of HANDLERS) {
        const statements = statementsOfRole(template, roleOf(stack, handler));
        const readers = statements.filter((statement) => actionsOf([statement]).includes('dynamodb:GetRecords'));
        if (handler === 'count-answers') {
          expect(readers, handler).toEqual([
            expect.objectContaining({
              Effect: 'Allow',
              Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
              Resource: streamArn,
            }),
          ]);
        } else {
          expect(
            actionsOf(statements).filter((action) => STREAM_ACTIONS.includes(action)),
            handler,
          ).toEqual([]);
        }
      }
    });

    it('lets the workflow invoke exactly its task functions', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const workflowRole = logicalId(stack, stack.stateMachine.role);
      const invoke = statementsOfRole(template, workflowRole).filter((statement) =>
        actionsOf([statement]).includes('lambda:InvokeFunction'),
      );
      expect(invoke).toHaveLength(1);
      const expected = [...new Set(Object.values(WORKFLOW_FUNCTIONS))].map((handler) => functionArn(stack, handler));
      expect(invoke[0]?.Resource).toEqual(expect.arrayContaining(expected));
      expect(invoke[0]?.Resource).toHaveLength(expected.length);
    });

    it('lets the Distributed Map start, describe, stop and redrive executions of its own state machine only', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const statements = statementsOfRole(template, logicalId(stack, stack.stateMachine.role));
      expect(statements).toContainEqual(
        expect.objectContaining({
          Action: 'states:StartExecution',
          Resource: { 'Fn::Join': ['', expect.arrayContaining([':stateMachine:Test-Campaign'])] },
        }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({
          Action: ['states:DescribeExecution', 'states:RedriveExecution', 'states:StopExecution'],
          Resource: { 'Fn::Join': ['', expect.arrayContaining([':execution:Test-Campaign/*'])] },
        }),
      );
    });
  });

  describe('answer stream', () => {
    it('streams the new image of every changed item of the table', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      });
    });

    it("feeds count-answers only the creation of response items from the table's stream, 100 at a time", () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      const mappings = template.findResources('AWS::Lambda::EventSourceMapping') as Record<
        string,
        { Properties: Record<string, unknown> & { FilterCriteria: { Filters: { Pattern: string }[] } } }
      >;
      const mapping = Object.values(mappings)[0]?.Properties;
      expect(mapping).toMatchObject({
        FunctionName: { Ref: logicalId(stack, stack.countAnswersFunction) },
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.table), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        BisectBatchOnFunctionError: true,
      });
      expect(mapping?.FilterCriteria.Filters).toHaveLength(1);
      expect(JSON.parse(mapping?.FilterCriteria.Filters[0]?.Pattern ?? 'null')).toEqual({
        eventName: ['INSERT'],
        dynamodb: { Keys: { SK: { S: [{ prefix: 'RESPONSE#' }] } } },
      });
    });

    it('retries a failed batch a bounded number of times, then keeps it in an encrypted dead-letter queue that alarms', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const mappings = Object.values(
        template.findResources('AWS::Lambda::EventSourceMapping') as Record<
          string,
          { Properties: Record<string, unknown> }
        >,
      );
      expect(mappings).toHaveLength(1);
      const queue = stack.deadLetterQueues.find((entry) => entry.id === 'CountAnswersDeadLettersAlarm')?.queue;
      expect(queue).toBeDefined();
      expect(mappings[0]?.Properties).toMatchObject({
        MaximumRetryAttempts: 20,
        MaximumRecordAgeInSeconds: 6 * 3600,
        BisectBatchOnFunctionError: true,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack, queue as NonNullable<typeof queue>), 'Arn'] } },
        },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 86_400,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalId(stack, queue as NonNullable<typeof queue>), 'QueueName'] },
          },
        ],
        Threshold: 1,
        AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
      });
    });

    it('tells count-answers its table but gives it neither the link secret nor email', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const environment = environmentOf(template, stack, 'count-answers');
      expect(environment).toMatchObject({ TABLE_NAME: { Ref: logicalId(stack, stack.table) } });
      expect(environment).not.toHaveProperty('LINK_SECRET_ARN');
      expect(environment).not.toHaveProperty('MAIL_FROM');
    });

    it('alarms into the alarm topic when count-answers falls a minute behind the stream', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, stack.countAnswersFunction) } }],
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 60_000,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
      });
    });

    it('alarms into the alarm topic when count-answers fails a batch', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, stack.countAnswersFunction) } }],
        Threshold: 1,
        AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
      });
    });
  });

  describe('workflow', () => {
    it('substitutes every placeholder of campaign.asl.json with the ARN of its task function', () => {
      // Prepare
      const { stack, template } = synthesizeDefault();
      const placeholders = new Set([...readFileSync(WORKFLOW_FILE, 'utf8').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
      // Act
      const substitutions = Object.fromEntries(
        Object.entries(WORKFLOW_FUNCTIONS).map(([name, handler]) => [name, functionArn(stack, handler)]),
      );
      // Assess
      expect([...placeholders].sort()).toEqual(Object.keys(WORKFLOW_FUNCTIONS).sort());
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        DefinitionS3Location: Match.objectLike({ Key: Match.stringLikeRegexp('\\.json$') }),
        DefinitionSubstitutions: substitutions,
      });
    });

    it('runs as a standard workflow, traced, logging every event without execution data', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: {
          Level: 'ALL',
          IncludeExecutionData: false,
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
        },
      });
    });

    it.each([['ExecutionsFailed'], ['ExecutionThrottled'], ['ExecutionsAborted'], ['ExecutionsTimedOut']])(
      'alarms into the alarm topic on %s',
      (metricName) => {
        // Act
        const { stack, template } = synthesizeDefault();
        // Assess
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/States',
          MetricName: metricName,
          Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: logicalId(stack, stack.stateMachine) } }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
        });
      },
    );
  });

  describe('survey API', () => {
    it('makes Score wait after close longer than a survey container keeps the campaign plus a whole request', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const functions = template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
      const survey = functions[logicalId(stack, stack.surveyFunction)]?.Properties;
      const cacheSeconds = Number(environmentOf(template, stack, 'survey-api').CAMPAIGN_CACHE_SECONDS);
      const settle = Number(environmentOf(template, stack, 'close-campaign').SUBMISSION_SETTLE_SECONDS);
      expect(cacheSeconds).toBeGreaterThan(0);
      expect(survey?.Timeout).toBeGreaterThan(0);
      expect(settle).toBeGreaterThan(cacheSeconds + (survey?.Timeout ?? Number.POSITIVE_INFINITY));
    });

    it('routes survey links to the survey function, rectification links and the console to their own functions', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const routes = template.findResources('AWS::ApiGatewayV2::Route') as Record<
        string,
        { Properties: { RouteKey: string; AuthorizationType?: string } }
      >;
      expect(
        Object.values(routes)
          .map((route) => route.Properties.RouteKey)
          .sort(),
      ).toEqual([
        'ANY /console',
        'ANY /console/{proxy+}',
        'ANY /r/{token}',
        'ANY /r/{token}/{proxy+}',
        'ANY /s/{token}',
        'ANY /s/{token}/{proxy+}',
      ]);
      template.resourceCountIs('AWS::ApiGatewayV2::Integration', 3);
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Record<
        string,
        { Properties: { IntegrationUri: unknown } }
      >;
      const targetOf = (routeKey: string) => {
        const route = Object.values(routes).find((r) => r.Properties.RouteKey === routeKey) as
          | { Properties: { Target: { 'Fn::Join': [string, unknown[]] } } }
          | undefined;
        const ref = route?.Properties.Target['Fn::Join'][1][1] as { Ref: string } | undefined;
        return integrations[ref?.Ref ?? '']?.Properties.IntegrationUri;
      };
      // ANY: the handlers answer HEAD and their own 405 with an Allow header, on AWS as locally.
      for (const key of ['ANY /s/{token}', 'ANY /s/{token}/{proxy+}']) {
        expect(targetOf(key), key).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.surveyFunction), 'Arn'] });
      }
      for (const key of ['ANY /r/{token}', 'ANY /r/{token}/{proxy+}']) {
        expect(targetOf(key), key).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.rectificationFunction), 'Arn'] });
      }
      for (const key of ['ANY /console', 'ANY /console/{proxy+}']) {
        expect(targetOf(key), key).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.consoleFunction), 'Arn'] });
      }
      template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
    });

    it('throttles the default stage and logs access without the path, query string or body', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: {
          DestinationArn: Match.anyValue(),
          Format: Match.stringLikeRegexp('\\$context\\.routeKey'),
        },
      });
      const stages = template.findResources('AWS::ApiGatewayV2::Stage') as Record<
        string,
        { Properties: { AccessLogSettings: { Format: string } } }
      >;
      const format = Object.values(stages)[0]?.Properties.AccessLogSettings.Format ?? '';
      expect(format).not.toMatch(/\$context\.(path|querystring|body)|\$input|\$request/i);
    });

    it('alarms into the alarm topic when the survey function fails', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, stack.surveyFunction) } }],
        AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
      });
    });
  });

  describe('rectification API', () => {
    it('lets the rectification function use the table, but neither secrets, email nor the workflow', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const statements = statementsOfRole(template, logicalId(stack, stack.rectificationFunction.executionRole));
      expect(actionsOf(statements)).toContain('dynamodb:PutItem');
      const others = actionsOf(statements).filter((a) => /^(ses|secretsmanager|states|lambda):/.test(a));
      expect(others).toEqual([]);
    });

    it('tells the rectification function its table and alarms when it fails', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      const functions = template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
      const fn = functions[logicalId(stack, stack.rectificationFunction)]?.Properties;
      expect(fn?.Environment.Variables).toMatchObject({ TABLE_NAME: { Ref: logicalId(stack, stack.table) } });
      expect(fn?.Environment.Variables).not.toHaveProperty('LINK_SECRET_ARN');
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, stack.rectificationFunction) } }],
        AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
      });
    });
  });

  describe('notifications and email', () => {
    it('encrypts the alarm topic with a rotated key and refuses publishing without TLS', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::SNS::Topic', {
        DisplayName: 'Service supervision alarms',
        KmsMasterKeyId: Match.anyValue(),
      });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: logicalId(stack, stack.alarmTopic) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
            }),
          ]),
        },
      });
    });

    it('sends through a configuration set with reputation metrics and no email identity', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::SES::ConfigurationSet', {
        ReputationOptions: { ReputationMetricsEnabled: true },
      });
      template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    });

    it('feeds bounces and complaints to the ses-events function', () => {
      // Act
      const { stack, template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        EventDestination: {
          Enabled: true,
          MatchingEventTypes: ['bounce', 'complaint'],
          SnsDestination: { TopicARN: Match.anyValue() },
        },
      });
      expect(stack.mailEventsFunction).toBeDefined();
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': [logicalId(stack, stack.mailEventsFunction ?? stack.surveyFunction), 'Arn'] },
      });
    });

    it('publishes bounces and complaints but warns, without a subscription, while functions/ses-events.ts is missing', () => {
      // Prepare
      const stack = buildStack({ projectRoot: withoutMailEventsHandler });
      // Act
      const template = Template.fromStack(stack);
      // Assess
      expect(stack.mailEventsFunction).toBeUndefined();
      template.resourceCountIs('AWS::SES::ConfigurationSetEventDestination', 1);
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('functions/ses-events.ts does not exist'));
    });

    it('publishes no SES events when sesEvents is false', () => {
      // Prepare
      const stack = buildStack({ sesEvents: false });
      // Act
      const template = Template.fromStack(stack);
      // Assess
      template.resourceCountIs('AWS::SES::ConfigurationSetEventDestination', 0);
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('generates a 64-character link secret', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
      });
    });
  });

  describe('outputs', () => {
    it.each([
      ['TableName'],
      ['StateMachineArn'],
      ['SurveyApiUrl'],
      ['AlarmTopicArn'],
      ['ConfigurationSetName'],
      ['LinkSecretArn'],
      ['ConsoleUrl'],
    ])('outputs %s with a description', (name) => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      template.hasOutput(name, { Value: Match.anyValue(), Description: Match.stringLikeRegexp('.{20,}') });
    });

    it('tells the operator to verify the sender in SES, which the stack does not create', () => {
      // Act
      const { template } = synthesizeDefault();
      // Assess
      template.hasOutput('ConfigurationSetName', {
        Description: Match.stringLikeRegexp('The sender is not created by this stack: verify it'),
      });
    });

    it('asks for the sender as the SenderEmail parameter when no senderEmail is given', () => {
      // Act
      const stack = buildStack({ senderEmail: undefined });
      const template = Template.fromStack(stack);
      // Assess
      template.hasParameter('SenderEmail', { Type: 'String', AllowedPattern: Match.anyValue() });
      expect(environmentOf(template, stack, 'send-mail')).toMatchObject({ MAIL_FROM: { Ref: 'SenderEmail' } });
    });
  });

  describe('public address', () => {
    it("puts the edge stack's public address in the links when given, and outputs the API domain for its origin", () => {
      // Prepare
      const stack = buildStack({ publicUrl: 'https://d111111abcdef8.cloudfront.net' });
      // Act
      const template = Template.fromStack(stack);
      // Assess
      expect(environmentOf(template, stack, 'send-mail')).toMatchObject({
        SURVEY_BASE_URL: 'https://d111111abcdef8.cloudfront.net',
      });
      template.hasOutput('ApiDomain', Match.anyValue());
    });
  });

  describe('cdk-nag', () => {
    it('passes the AWS Solutions checks with every remaining finding acknowledged', () => {
      // Prepare
      const stack = buildStack();
      // Act
      const report = new AwsSolutionsChecks().validateScope(stack);
      // Assess
      const unacknowledged = report.violations.map(
        (violation) =>
          `${violation.severity} ${violation.ruleName}: ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );
      expect(unacknowledged.filter((line) => line.startsWith('error'))).toEqual([]);
      expect(unacknowledged.filter((line) => line.startsWith('warning'))).toEqual([]);
    });

    it("acknowledges the wildcard resource of ses:GetSendQuota on each mail sender's role, with the reason", () => {
      // Prepare
      const stack = buildStack();
      // Act
      const reasons = MAIL_SENDERS.map((handler) =>
        acknowledgedReasons(functionOf(stack, handler).executionRole, 'AwsSolutions-IAM5[Resource::*]'),
      );
      // Assess
      for (const [i, handler] of MAIL_SENDERS.entries()) {
        expect(reasons[i], handler).toContainEqual(
          expect.stringMatching(/ses:GetSendQuota supports no resource-level permissions/),
        );
      }
    });

    it("acknowledges the wildcard resource of dynamodb:ListStreams on count-answers' role, with the reason", () => {
      // Prepare
      const stack = buildStack();
      // Act
      const reasons = acknowledgedReasons(stack.countAnswersFunction.executionRole, 'AwsSolutions-IAM5[Resource::*]');
      // Assess
      expect(reasons).toContainEqual(
        expect.stringMatching(/dynamodb:ListStreams supports no resource-level permissions/),
      );
    });

    it('gives a reason for every acknowledged finding', () => {
      // Prepare
      const stack = buildStack();
      // Act
      const acknowledgements = stack.node
        .findAll()
        .flatMap((construct) => construct.node.metadata)
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
      // Assess
      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const [id, reason] of acknowledgements) expect(reason.length, id).toBeGreaterThan(40);
    });
  });
});
