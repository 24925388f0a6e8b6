import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/**
 * The customer-managed key of the alarm and mail-event topics (CloudWatch alarms and SES cannot publish
 * to topics under the AWS-managed SNS key); CloudWatch may use it for this account's alarms only.
 */
export function buildNotificationKey(scope: Construct): Key {
  const stack = Stack.of(scope);
  const key = new Key(scope, 'NotificationKey', {
    description: 'Encrypts the alarm and mail-event topics of service supervision',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // Each service only on behalf of this account and of its own resource (confused-deputy protection).
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowThisAccountsAlarmsToPublishToEncryptedTopics',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  return key;
}

/** The topic every alarm publishes to, encrypted with `key`, open to this account's CloudWatch alarms. */
export function buildAlarmTopic(scope: Construct, key: Key): Topic {
  const topic = new Topic(scope, 'AlarmTopic', {
    displayName: 'Service supervision alarms',
    masterKey: key,
    enforceSSL: true,
  });
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowCloudWatchAlarms',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  return topic;
}
