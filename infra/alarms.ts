import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** SES puts an account under review at a 5% bounce rate (probation at 10%). */
export const BOUNCE_RATE_ALARM = 0.05;
/** SES puts an account under review at a 0.1% complaint rate (probation at 0.5%). */
export const COMPLAINT_RATE_ALARM = 0.001;
/** Namespace of the metrics a stack derives from its own logs: one per stack, so two deployments never mix. */
export const metricNamespace = (stackName: string): string => `ServiceSupervision/${stackName}`;

/** What the alarms watch; every alarm notifies `topic`. */
export interface AlarmSources {
  readonly topic: ITopic;
  readonly stateMachine: IStateMachine;
  /** The HTTP API's stage: its 5xx, 4xx and request count (AWS/ApiGateway, ApiId and Stage). */
  readonly apiStage: HttpStage;
  /** The stage's JSON access log, whose `status` field counts the requests refused with 429. */
  readonly apiAccessLogs: ILogGroup;
  /** Functions whose unhandled errors alarm, each with what an error means. */
  readonly functionErrors: readonly { readonly id: string; readonly fn: IFunction; readonly description: string }[];
  /** The table stream's consumer: alarms when it falls behind. */
  readonly streamConsumer: IFunction;
  /** Dead-letter queues: any visible message alarms. */
  readonly deadLetterQueues: readonly { readonly id: string; readonly queue: IQueue; readonly description: string }[];
}

/**
 * The stack's alarms, all into one topic: failed, throttled, aborted and timed-out workflows; unhandled
 * function errors; the answer counter's lag; the API's 5xx (the HTTP functions turn every error into a
 * page, so their Lambda Errors stay quiet), 4xx rate and throttled requests; Lambda throttles; SES bounce
 * and complaint rates near the levels at which AWS reviews the account; messages in a dead-letter queue.
 */
export function buildAlarms(scope: Construct, sources: AlarmSources): void {
  const alarmOn = makeAlarmOn(scope, new SnsAction(sources.topic));
  alarmOnWorkflow(alarmOn, sources.stateMachine);
  alarmOnFunctions(alarmOn, sources);
  alarmOnApi(scope, alarmOn, sources.apiStage, sources.apiAccessLogs);
  alarmOnSesReputation(alarmOn);
  for (const { id, queue, description } of sources.deadLetterQueues) {
    alarmOn(id, queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }), description);
  }
}

/** Creates an alarm at or above `threshold` (default 1) in one period, missing data not breaching. */
type AlarmOn = (id: string, metric: IMetric, description: string, threshold?: number) => void;

const PERIOD = Duration.minutes(5);
const SUM = { period: PERIOD, statistic: 'Sum' } as const;

/** Alarms under `scope`, each notifying `action`. */
function makeAlarmOn(scope: Construct, action: SnsAction): AlarmOn {
  return (id, metric, description, threshold = 1) => {
    new Alarm(scope, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    }).addAlarmAction(action);
  };
}

/** Failed, throttled, aborted and timed-out workflow executions. */
function alarmOnWorkflow(alarmOn: AlarmOn, stateMachine: IStateMachine): void {
  alarmOn('WorkflowFailedAlarm', stateMachine.metricFailed(SUM), 'A campaign workflow execution failed.');
  alarmOn('WorkflowThrottledAlarm', stateMachine.metricThrottled(SUM), 'Campaign workflow executions were throttled.');
  alarmOn('WorkflowAbortedAlarm', stateMachine.metricAborted(SUM), 'A campaign workflow execution was aborted.');
  alarmOn('WorkflowTimedOutAlarm', stateMachine.metricTimedOut(SUM), 'A campaign workflow execution timed out.');
}

/** Unhandled function errors, the answer counter's lag, and Lambda throttles in the account. */
function alarmOnFunctions(alarmOn: AlarmOn, sources: AlarmSources): void {
  for (const { id, fn, description } of sources.functionErrors) alarmOn(id, fn.metricErrors(SUM), description);
  // The stream's records wait while batches fail: answers stay uncounted and Collect is not woken.
  alarmOn(
    'CountAnswersIteratorAgeAlarm',
    sources.streamConsumer.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' }),
    'The answer counter is a minute or more behind the table stream: first answers are not being counted.',
    Duration.minutes(1).toMilliseconds(),
  );
  // Account-wide: a new account's concurrency quota can be as low as 10, which one mail Map fills.
  alarmOn(
    'LambdaThrottlesAlarm',
    new Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', ...SUM }),
    "Lambda throttled invocations in this account and region: the concurrency quota is too low for the campaign's load; request an increase (Service Quotas, Lambda concurrent executions).",
  );
}

/** The API's 5xx, its 4xx rate, and the requests its stage refused with 429 (counted from the access log). */
function alarmOnApi(scope: Construct, alarmOn: AlarmOn, stage: HttpStage, accessLogs: ILogGroup): void {
  alarmOn(
    'ApiServerErrorsAlarm',
    stage.metricServerError(SUM),
    'The survey, rectification or console API answered with a 5xx: a function failed (the functions answer every unexpected error with a 500 page, so their Lambda Errors alarms stay quiet), timed out or was throttled.',
  );
  alarmOn(
    'ApiClientErrorRateAlarm',
    new MathExpression({
      // Quiet hours with a handful of requests (a mistyped link) say nothing; the rate counts from 20 on.
      expression: 'IF(requests >= 20, 100 * clientErrors / requests, 0)',
      usingMetrics: { clientErrors: stage.metricClientError(SUM), requests: stage.metricCount(SUM) },
      period: PERIOD,
      label: 'Share of API requests answered with a 4xx (%)',
    }),
    'A quarter or more of the API requests in 5 minutes were answered with a 4xx: a wave of dead links, probing for tokens, or refused submissions.',
    25,
  );
  const throttled = new MetricFilter(scope, 'ApiThrottledRequests', {
    logGroup: accessLogs,
    // The access log's status is a JSON string ("$context.status").
    filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
    metricNamespace: metricNamespace(Stack.of(scope).stackName),
    metricName: 'ApiThrottledRequests',
    metricValue: '1',
  });
  alarmOn(
    'ApiThrottledAlarm',
    throttled.metric(SUM),
    "The API refused 10 or more requests with 429 in 5 minutes: the stage's rate limit turns away supervisors or officials; raise it if the load is real.",
    10,
  );
}

/** Account-wide, as AWS reviews them: SES publishes these rates (0 to 1) every few hours. */
function alarmOnSesReputation(alarmOn: AlarmOn): void {
  const reputation = { namespace: 'AWS/SES', period: Duration.hours(1), statistic: 'Maximum' } as const;
  alarmOn(
    'SesBounceRateAlarm',
    new Metric({ ...reputation, metricName: 'Reputation.BounceRate' }),
    `The account's SES bounce rate reached ${BOUNCE_RATE_ALARM * 100}%, where AWS puts the account under review (sending is paused at 10%): check the rosters' addresses.`,
    BOUNCE_RATE_ALARM,
  );
  alarmOn(
    'SesComplaintRateAlarm',
    new Metric({ ...reputation, metricName: 'Reputation.ComplaintRate' }),
    `The account's SES complaint rate reached ${COMPLAINT_RATE_ALARM * 100}%, where AWS puts the account under review (sending is paused at 0.5%).`,
    COMPLAINT_RATE_ALARM,
  );
}
