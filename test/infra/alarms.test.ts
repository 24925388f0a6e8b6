import { rmSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOUNCE_RATE_ALARM, COMPLAINT_RATE_ALARM } from '../../infra/alarms.ts';
import { SupervisionStack } from '../../infra/supervision-stack.ts';
import { appContext, createProjectRoot, logicalId, STACK_HANDLERS, synthesizedOnce } from '../support/stack.ts';

let projectRoot: string;

beforeAll(() => {
  projectRoot = createProjectRoot(STACK_HANDLERS, 'alarms-');
});

afterAll(() => {
  rmSync(projectRoot, { recursive: true, force: true });
});

const synthesize = synthesizedOnce(
  () =>
    new SupervisionStack(new App({ context: appContext() }), 'Test', {
      senderEmail: 'noreply@example.gov.cn',
      projectRoot,
    }),
);

const stageDimensions = (stack: SupervisionStack) => [
  { Name: 'ApiId', Value: { Ref: logicalId(stack, stack.surveyApi) } },
  { Name: 'Stage', Value: '$default' },
];

describe('alarms', () => {
  it("alarms on the API's 5xx, which the HTTP functions' own Errors alarms never see", () => {
    // Act
    const { stack, template } = synthesize();
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: stageDimensions(stack),
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
    });
  });

  it("alarms when a quarter of the API's requests get a 4xx, counted from 20 requests on", () => {
    // Act
    const { stack, template } = synthesize();
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 25,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests >= 20, 100 * clientErrors / requests, 0)' }),
        Match.objectLike({
          Id: 'clientErrors',
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'AWS/ApiGateway', MetricName: '4xx', Dimensions: stageDimensions(stack) },
          }),
        }),
        Match.objectLike({
          Id: 'requests',
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: stageDimensions(stack) },
          }),
        }),
      ]),
      AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
    });
  });

  it('counts the requests refused with 429 from the access log and alarms on them', () => {
    // Act
    const { stack, template } = synthesize();
    // Assess
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [
        { MetricNamespace: 'ServiceSupervision/Test', MetricName: 'ApiThrottledRequests', MetricValue: '1' },
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ServiceSupervision/Test',
      MetricName: 'ApiThrottledRequests',
      Threshold: 10,
      AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
    });
  });

  it('alarms on Lambda throttles, which a new account’s concurrency quota makes likely', () => {
    // Act
    const { stack, template } = synthesize();
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: Match.absent(),
      Threshold: 1,
      AlarmDescription: Match.stringLikeRegexp('request an increase'),
      AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
    });
  });

  it.each([
    ['Reputation.BounceRate', BOUNCE_RATE_ALARM],
    ['Reputation.ComplaintRate', COMPLAINT_RATE_ALARM],
  ])('alarms on the SES %s at the level where AWS reviews the account', (metricName, threshold) => {
    // Act
    const { stack, template } = synthesize();
    // Assess
    expect(threshold).toBeLessThanOrEqual(metricName === 'Reputation.BounceRate' ? 0.05 : 0.001);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: metricName,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
    });
  });
});

describe('mail events dead letters', () => {
  it('keeps a bounce or complaint event that ses-events failed to record, in an encrypted TLS-only queue that alarms', () => {
    // Act
    const { stack, template } = synthesize();
    // Assess
    const queue = stack.deadLetterQueues.find((entry) => entry.id === 'MailEventsDeadLettersAlarm')?.queue;
    if (!queue || !stack.mailEventsFunction) throw new Error('no mail-events function or dead-letter queue');
    const queueArn = { 'Fn::GetAtt': [logicalId(stack, queue), 'Arn'] };
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack, stack.mailEventsFunction) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(stack, queue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, queue), 'QueueName'] } }],
      AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
    });
  });
});

describe('notification key', () => {
  it('lets CloudWatch use the key only for this account’s alarms, and SES only for this configuration set', () => {
    // Act
    const { stack, template } = synthesize();
    // Assess
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', Match.arrayWith([':alarm:*'])] } },
            },
          }),
          Match.objectLike({
            Principal: { Service: 'ses.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    Match.arrayWith([':configuration-set/', { Ref: logicalId(stack, stack.configurationSet) }]),
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
    const keys = Object.values(template.findResources('AWS::KMS::Key')) as {
      Properties: { KeyPolicy: { Statement: { Principal?: { Service?: string }; Condition?: unknown }[] } };
    }[];
    const servicesWithoutCondition = keys
      .flatMap((key) => key.Properties.KeyPolicy.Statement)
      .filter((statement) => statement.Principal?.Service !== undefined && statement.Condition === undefined);
    expect(servicesWithoutCondition).toEqual([]);
  });
});
