import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Annotations, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { ConfigurationSet, EmailSendingEvent, EventDestination, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { buildDeadLetterQueue } from '../dead-letter-queue.ts';
import type { MailBinding, SupervisionFunction } from '../supervision-function.ts';
import type { DeadLetterQueueEntry } from './data.ts';
import type { FunctionFactory } from './functions.ts';
import { WORKFLOW_FILE } from './workflow.ts';

/**
 * The SES configuration set every email is sent with (reputation metrics, the account's suppression of
 * bounces and complaints); `key` lets SES publish this set's events to encrypted topics.
 */
export function buildMailConfiguration(scope: Construct, key: Key): ConfigurationSet {
  const stack = Stack.of(scope);
  const configurationSet = new ConfigurationSet(scope, 'MailConfiguration', {
    reputationMetrics: true,
    suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowThisConfigurationSetToPublishMailEvents',
      principals: [new ServicePrincipal('ses.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: configurationSet.configurationSetName,
          }),
        },
      },
    }),
  );
  return configurationSet;
}

/** What the sending functions' mail settings come from. */
export interface MailSettings {
  /** The sender; absent, it is the CloudFormation parameter `SenderEmail`. */
  readonly senderEmail: string | undefined;
  readonly maxSendRate: number | undefined;
  readonly configurationSet: ConfigurationSet;
  readonly surveyBaseUrl: string;
}

/** The mail binding of every sending function; adds the `SenderEmail` parameter when no sender is given. */
export function buildMailBinding(scope: Construct, settings: MailSettings): MailBinding {
  const senderEmail =
    settings.senderEmail ??
    new CfnParameter(scope, 'SenderEmail', {
      type: 'String',
      description: 'Sender address of every email, verified (or its domain verified) in SES in this region.',
      allowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      constraintDescription: 'must be an email address, e.g. noreply@example.gov.cn',
    }).valueAsString;
  return {
    from: senderEmail,
    configurationSetName: settings.configurationSet.configurationSetName,
    maxSendRate: settings.maxSendRate,
    concurrency: readMailConcurrency(WORKFLOW_FILE),
    surveyBaseUrl: settings.surveyBaseUrl,
  };
}

/** What the mail-events topic and its function are built from. */
export interface MailEventSources {
  readonly notificationKey: Key;
  readonly configurationSet: ConfigurationSet;
  /** Where `functions/ses-events.ts` is looked for. */
  readonly projectRoot: string;
  readonly newFunction: FunctionFactory;
  /** Receives the function's dead-letter queue. */
  readonly deadLetterQueues: DeadLetterQueueEntry[];
}

/**
 * Publishes bounces and complaints to a topic feeding `functions/ses-events.ts`, returned; while that file
 * does not exist, only the topic, with a synth warning.
 */
export function buildMailEvents(scope: Construct, sources: MailEventSources): SupervisionFunction | undefined {
  const topic = new Topic(scope, 'MailEventsTopic', {
    displayName: 'Service supervision bounces and complaints',
    masterKey: sources.notificationKey,
    enforceSSL: true,
  });
  sources.configurationSet.addEventDestination('BouncesAndComplaints', {
    destination: EventDestination.snsTopic(topic),
    events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
  });
  if (!existsSync(path.join(sources.projectRoot, 'functions', 'ses-events.ts'))) {
    Annotations.of(scope).addWarningV2(
      'service-supervision:sesEventsHandlerMissing',
      'functions/ses-events.ts does not exist: bounce and complaint events reach the mail-events topic but nothing records them.',
    );
    return undefined;
  }
  const fn = sources.newFunction('ses-events', {
    description: 'Records bounces and complaints so those addresses are not mailed again.',
    timeout: Duration.seconds(30),
  });
  topic.addSubscription(new LambdaSubscription(fn));
  // SNS invokes it asynchronously: after Lambda's own retries, an event not recorded is kept here.
  const deadLetters = buildDeadLetterQueue(scope, 'MailEventsDeadLetters');
  fn.configureAsyncInvoke({ onFailure: new SqsDestination(deadLetters), retryAttempts: 2 });
  sources.deadLetterQueues.push({
    id: 'MailEventsDeadLettersAlarm',
    queue: deadLetters,
    description:
      'A bounce or complaint event could not be recorded after retries (the message holds it): add the address to the suppression list by hand, or replay the event.',
  });
  return fn;
}

/**
 * The largest `MaxConcurrency` of the workflow's Map states: how many mail batches may send at once,
 * so each batch paces itself to its share of the SES rate.
 */
function readMailConcurrency(workflowFile: string): number {
  const maxima: number[] = [];
  const visit = (states: unknown): void => {
    if (typeof states !== 'object' || states === null) return;
    for (const state of Object.values(states as Record<string, unknown>)) {
      if (typeof state !== 'object' || state === null) continue;
      const { Type, MaxConcurrency, ItemProcessor } = state as Record<string, unknown>;
      if (Type === 'Map' && typeof MaxConcurrency === 'number' && MaxConcurrency > 0) maxima.push(MaxConcurrency);
      if (typeof ItemProcessor === 'object' && ItemProcessor !== null)
        visit((ItemProcessor as Record<string, unknown>).States);
    }
  };
  const definition: unknown = JSON.parse(readFileSync(workflowFile, 'utf8'));
  if (typeof definition === 'object' && definition !== null) visit((definition as Record<string, unknown>).States);
  return Math.max(1, ...maxima);
}
