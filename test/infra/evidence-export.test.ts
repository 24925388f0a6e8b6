import { rmSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_SCHEDULE } from '../../infra/build/evidence-export.ts';
import { SupervisionStack } from '../../infra/supervision-stack.ts';
import {
  appContext,
  createProjectRoot,
  logicalId,
  nagFindingsOn,
  STACK_HANDLERS,
  synthesizedOnce,
} from '../support/stack.ts';

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

let projectRoot: string;
beforeAll(() => {
  projectRoot = createProjectRoot(STACK_HANDLERS, 'evidence-export-');
});
afterAll(() => rmSync(projectRoot, { recursive: true, force: true }));

const synthesize = synthesizedOnce(
  () =>
    new SupervisionStack(new App({ context: appContext() }), 'Test', {
      senderEmail: 'noreply@example.gov.cn',
      projectRoot,
    }),
);

/** Every statement of the policies attached to a function's role, as `<action> <resource>` lines. */
const grantsOf = (template: Template, stack: SupervisionStack, fn: SupervisionStack['surveyFunction']): string[] => {
  const role = JSON.stringify([{ Ref: logicalId(stack, fn.executionRole) }]);
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles: unknown; PolicyDocument: { Statement: Statement[] } } }
  >;
  return Object.values(policies)
    .filter((p) => JSON.stringify(p.Properties.Roles) === role)
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .flatMap((s) => {
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      return actions.flatMap((a) =>
        resources.map(
          (r) =>
            `${a} ${JSON.stringify(r).replace(/.*\/(\w+\/\*)".*/, '$1')}${s.Condition ? ` ${JSON.stringify(s.Condition)}` : ''}`,
        ),
      );
    })
    .filter((line) => /^(s3|lambda):/.test(line));
};

describe('evidence export and retention in the stack', () => {
  it('lets the exporter read evidence/ and write exports/ only (a multipart upload, or its abort), with 15 minutes and one retry', () => {
    const { stack, template } = synthesize();
    expect(grantsOf(template, stack, stack.exportEvidenceFunction).sort()).toEqual([
      's3:AbortMultipartUpload exports/*',
      's3:GetObject evidence/*',
      's3:PutObject exports/*',
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Builds a campaign’s or a center’s evidence ZIP into exports/, in the background.',
      Timeout: 900,
      MemorySize: 1769,
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack, stack.exportEvidenceFunction) },
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 3600,
    });
  });

  it('lets the console invoke the exporter (and nothing else) and read finished exports for a download link', () => {
    const { stack, template } = synthesize();
    const grants = grantsOf(template, stack, stack.consoleFunction);
    expect(grants).toContain('s3:GetObject exports/*');
    const invokes = grants.filter((g) => g.startsWith('lambda:InvokeFunction'));
    expect(invokes).toHaveLength(1);
    expect(invokes[0]).toContain(logicalId(stack, stack.exportEvidenceFunction));
    expect(grants.filter((g) => g.startsWith('s3:PutObject') || g.startsWith('s3:DeleteObject'))).toEqual([]);
  });

  it('lets the retention check list and delete under evidence/ and exports/ only, daily on a schedule', () => {
    const { stack, template } = synthesize();
    const grants = grantsOf(template, stack, stack.expireEvidenceFunction);
    expect(grants.filter((g) => !g.startsWith('s3:ListBucket')).sort()).toEqual([
      's3:DeleteObject evidence/*',
      's3:DeleteObject exports/*',
    ]);
    const list = grants.filter((g) => g.startsWith('s3:ListBucket'));
    expect(list).toHaveLength(1);
    expect(list[0]).toContain('{"StringLike":{"s3:prefix":["evidence/*","exports/*"]}}');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: RETENTION_SCHEDULE,
      State: 'ENABLED',
      Targets: [{ Arn: { 'Fn::GetAtt': [logicalId(stack, stack.expireEvidenceFunction), 'Arn'] } }],
    });
  });

  it('alarms into the alarm topic when the exporter or the retention check fails', () => {
    const { stack, template } = synthesize();
    for (const fn of [stack.exportEvidenceFunction, stack.expireEvidenceFunction])
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, fn) } }],
        AlarmActions: [{ Ref: logicalId(stack, stack.alarmTopic) }],
      });
  });

  it('expires exports/ after 7 days beside incoming/ after one', () => {
    const { template } = synthesize();
    const buckets = template.findResources('AWS::S3::Bucket') as Record<
      string,
      {
        Properties: {
          LifecycleConfiguration?: { Rules: { Id?: string; Prefix?: string; ExpirationInDays?: number }[] };
        };
      }
    >;
    const rules = Object.values(buckets).flatMap((b) => b.Properties.LifecycleConfiguration?.Rules ?? []);
    expect(rules).toContainEqual(
      expect.objectContaining({ Id: 'ExpireExports', Prefix: 'exports/', ExpirationInDays: 7 }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ Id: 'ExpireIncoming', Prefix: 'incoming/', ExpirationInDays: 1 }),
    );
  });

  it('leaves cdk-nag nothing to report on the exporter, the retention check, their roles and the schedule', () => {
    const { stack } = synthesize();
    const paths = [
      stack.exportEvidenceFunction.node.path,
      stack.exportEvidenceFunction.executionRole.node.path,
      stack.expireEvidenceFunction.node.path,
      stack.expireEvidenceFunction.executionRole.node.path,
      'EvidenceRetentionSchedule',
    ];
    expect(nagFindingsOn(stack, paths)).toEqual([]);
  });
});
