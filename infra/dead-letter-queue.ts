import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeFinding } from './nag.ts';

/**
 * An SQS queue that keeps what a function gave up on (a stream batch's position, an async event) for
 * 14 days, the longest SQS keeps a message: encrypted with SQS-managed keys, refusing requests
 * without TLS. Alarm on its visible messages (see alarms.ts): nothing should ever land in it.
 */
export function buildDeadLetterQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledgeFinding(
    queue,
    'AwsSolutions-SQS3',
    'This queue is itself a dead-letter destination (a Lambda on-failure destination); an operator reads and replays its messages by hand, so it has no dead-letter queue of its own.',
  );
  return queue;
}
