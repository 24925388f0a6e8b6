import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ANSWER_STREAM } from '../../functions/adapters/answer-stream.ts';
import { buildDeadLetterQueue } from '../dead-letter-queue.ts';
import { acknowledgeFinding } from '../nag.ts';
import type { SupervisionFunction } from '../supervision-function.ts';
import { TABLE_INDEX } from '../table-grants.ts';
import type { FunctionFactory } from './functions.ts';

/** Retries of a failed batch of first answers before it goes to the dead-letter queue (halvings included). */
export const ANSWER_COUNT_RETRIES = 20;

/** The table's only secondary index: campaigns of a series, month by month. */
export const CAMPAIGN_INDEX = TABLE_INDEX;

/** A dead-letter queue of the stack, with the id of its alarm and what a message in it means. */
export interface DeadLetterQueueEntry {
  id: string;
  queue: Queue;
  description: string;
}

/** The single table (`PK`/`SK`, index `GSI1`), kept when the stack is deleted, streaming new images. */
export function buildTable(scope: Construct): Table {
  const table = new Table(scope, 'Table', {
    partitionKey: { name: 'PK', type: AttributeType.STRING },
    sortKey: { name: 'SK', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    encryption: TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    // Feeds count-answers: a response item's creation is an assignment's first answer.
    stream: StreamViewType.NEW_IMAGE,
  });
  table.addGlobalSecondaryIndex({
    indexName: CAMPAIGN_INDEX,
    partitionKey: { name: 'GSI1PK', type: AttributeType.STRING },
    sortKey: { name: 'GSI1SK', type: AttributeType.STRING },
    projectionType: ProjectionType.ALL,
  });
  return table;
}

/** The key that derives the survey links; never rotated, kept when the stack is deleted. */
export function buildLinkSecret(scope: Construct): Secret {
  const secret = new Secret(scope, 'LinkSecret', {
    description: "Key that derives the supervisors' survey links; changing it invalidates every link already sent.",
    generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeFinding(
    secret,
    'AwsSolutions-SMG4',
    'Rotating the link key would invalidate every survey link already emailed to supervisors; links expire with their campaign instead.',
  );
  return secret;
}

/** What the answer counter is built from. */
export interface AnswerCounterSources {
  readonly table: Table;
  readonly newFunction: FunctionFactory;
  /** The workflow it wakes once a campaign's last assignment is counted. */
  readonly stateMachineArn: string;
  /** Receives the counter's dead-letter queue. */
  readonly deadLetterQueues: DeadLetterQueueEntry[];
}

/**
 * The answer counter, fed by the table's stream: only the creation of a response item (an
 * assignment's first answer) reaches it, in batches of up to {@link ANSWER_STREAM.batchSize}.
 */
export function buildAnswerCounter(scope: Construct, sources: AnswerCounterSources): SupervisionFunction {
  const fn = sources.newFunction('count-answers', {
    description: 'Counts first answers from the table stream and wakes the campaign when all are in.',
    timeout: Duration.seconds(60),
  });
  const deadLetters = buildDeadLetterQueue(scope, 'CountAnswersDeadLetters');
  sources.deadLetterQueues.push({
    id: 'CountAnswersDeadLettersAlarm',
    queue: deadLetters,
    description:
      'The answer counter gave up on a batch of first answers (see the message for its shard and sequence numbers): those answers are stored but not yet counted; plan-mail counts them before reminders and summaries.',
  });
  // Sends the Collect task's token once the campaign's last assignment is counted.
  fn.bindWorkflowCallbacks(sources.stateMachineArn);
  fn.addEventSource(
    new DynamoEventSource(sources.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: ANSWER_STREAM.batchSize,
      maxBatchingWindow: Duration.seconds(ANSWER_STREAM.maxBatchingWindowSeconds),
      // Bounded retries, then the dead-letter queue: unlimited retries (until the record leaves the
      // stream after 24 hours) would let one batch that keeps failing block its shard, and every
      // answer behind it, for a day. A failed batch is usually throttling or an outage that passes
      // within the retries and hours allowed here; halving a failed batch retries the rest in smaller
      // pieces, and a record that cannot be parsed is logged and skipped by the function, not thrown.
      // What is given up is not lost: the answer itself is stored, only its count is late; the
      // queue keeps the batch's shard and sequence numbers (the records stay readable in the
      // stream for 24 hours) and alarms; plan-mail marks and counts every answer still missing its
      // mark before reminders and summaries, so nobody answered is reminded and standings count it.
      bisectBatchOnError: true,
      retryAttempts: ANSWER_COUNT_RETRIES,
      maxRecordAge: Duration.hours(6),
      onFailure: new SqsDlq(deadLetters),
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual(ANSWER_STREAM.eventName),
          dynamodb: {
            Keys: { [ANSWER_STREAM.sortKey]: { S: FilterRule.beginsWith(ANSWER_STREAM.sortKeyPrefix) } },
          },
        }),
      ],
    }),
  );
  acknowledgeFinding(
    fn.executionRole,
    'AwsSolutions-IAM5[Resource::*]',
    "dynamodb:ListStreams supports no resource-level permissions; the event source mapping lists the table's streams with it and reads records only from this table's stream.",
  );
  return fn;
}
