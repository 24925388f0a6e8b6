import { rmSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupervisionStack } from '../../infra/supervision-stack.ts';
import {
  appContext,
  createProjectRoot,
  logicalId,
  nagFindingsOn,
  STACK_HANDLERS,
  synthesizedOnce,
} from '../support/stack.ts';

let projectRoot: string;
beforeAll(() => {
  projectRoot = createProjectRoot(STACK_HANDLERS, 'evidence-bucket-');
});
afterAll(() => rmSync(projectRoot, { recursive: true, force: true }));

const synthesize = synthesizedOnce(
  () =>
    new SupervisionStack(new App({ context: appContext() }), 'Evidence', {
      senderEmail: 'noreply@example.gov.cn',
      projectRoot,
      publicUrl: 'https://survey.example.gov.cn',
    }),
);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of a function's role policy that names S3 or KMS, as `action resource`. */
const storageAccessOf = (handler: 'survey-api' | 'check-photo' | 'console-api' | 'rectification-api'): string[] => {
  const { stack, template } = synthesize();
  const fn = {
    'survey-api': stack.surveyFunction,
    'check-photo': stack.photoCheckFunction,
    'console-api': stack.consoleFunction,
    'rectification-api': stack.rectificationFunction,
  }[handler];
  const role = logicalId(stack, fn.executionRole);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];
  const access: string[] = [];
  for (const policy of policies.filter((p) => p.Properties.Roles.some((r) => r.Ref === role)))
    for (const s of policy.Properties.PolicyDocument.Statement) {
      const actions = ([] as string[]).concat(s.Action).filter((a) => a.startsWith('s3:') || a.startsWith('kms:'));
      const resource = JSON.stringify(stack.resolve(s.Resource));
      for (const action of actions)
        access.push(`${action} ${resource.includes('EvidenceKey') ? 'key' : prefixOf(resource)}`);
    }
  return access.sort();
};

/** The key prefix a resource names: `evidence`, `incoming`, or for the officials' photos of fixes `incoming/<any>/fix`. */
const prefixOf = (resource: string): string => {
  const m = /\/(\w+)\/\*(\/fix\/\*)?/.exec(resource);
  return m?.[1] ? `${m[1]}${m[2] ? '/*/fix' : ''}` : resource;
};

describe('the evidence bucket', () => {
  it('is private, encrypted with its own rotated KMS key, TLS only, with access logs', () => {
    // Act
    const { template } = synthesize();
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
          }),
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'evidence/' }),
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      Description: Match.stringLikeRegexp('evidence'),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('expires incoming/ after a day and lets only the survey site post to it', () => {
    // Act
    const { template } = synthesize();
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'incoming/', ExpirationInDays: 1, Status: 'Enabled' })]),
      },
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedOrigins: ['https://survey.example.gov.cn'], AllowedMethods: ['POST'] })],
      },
    });
  });

  it('notifies check-photo of every object created under incoming/, and only S3 of this bucket may invoke it', () => {
    // Act
    const { stack, template } = synthesize();
    // Assess
    const checker = logicalId(stack, stack.photoCheckFunction);
    template.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: {
        LambdaConfigurations: [
          {
            Event: 's3:ObjectCreated:*',
            Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'incoming/' }] } },
            Function: { 'Fn::GetAtt': [checker, 'Arn'] },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [checker, 'Arn'] },
      SourceArn: Match.anyValue(),
      SourceAccount: Match.anyValue(),
    });
    // No custom-resource function stands in for the notification.
    expect(Object.keys(template.findResources('Custom::S3BucketNotifications'))).toEqual([]);
  });

  it('grants each function only the prefixes it uses, with the KMS use each implies', () => {
    // Assess
    expect(storageAccessOf('survey-api')).toEqual([
      'kms:Decrypt key',
      'kms:GenerateDataKey key',
      's3:GetObject evidence',
      's3:PutObject incoming',
    ]);
    expect(storageAccessOf('check-photo')).toEqual([
      'kms:Decrypt key',
      'kms:GenerateDataKey key',
      's3:DeleteObject incoming',
      's3:GetObject incoming',
      's3:PutObject evidence',
    ]);
    expect(storageAccessOf('console-api')).toEqual(['kms:Decrypt key', 's3:GetObject evidence']);
    // An official may have photos of fixes posted under incoming/<campaign>/fix/ only, and read evidence.
    expect(storageAccessOf('rectification-api')).toEqual([
      'kms:Decrypt key',
      'kms:GenerateDataKey key',
      's3:GetObject evidence',
      's3:PutObject incoming/*/fix',
    ]);
  });

  it('passes the AWS Solutions checks on the bucket, its key, the checker and the functions granted photos', () => {
    // Act
    const { stack } = synthesize();
    // Assess
    expect(nagFindingsOn(stack, ['Evidence', 'CheckPhoto', 'RectificationApi', 'SurveyApi', 'ConsoleApi'])).toEqual([]);
  });
});
