import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Annotations,
  ArnFormat,
  CfnOutput,
  CfnParameter,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Tags,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  type IUserPool,
  type IUserPoolClient,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EmailSendingEvent, EventDestination, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ANSWER_STREAM } from '../functions/adapters/answer-stream.ts';
import { CONSOLE_ROLES, type ConsoleRole, ROLE_GROUPS } from '../functions/core/access/console-access.ts';
import {
  DEFAULT_CAMPAIGN_CACHE_SECONDS,
  SURVEY_REQUEST_TIMEOUT_SECONDS,
  settleSeconds,
} from '../functions/core/campaign/submission-window.ts';
import { WORKFLOW_FUNCTIONS } from '../functions/core/campaign/workflow-contract.ts';
import { buildAlarms } from './alarms.ts';
import { buildDeadLetterQueue } from './dead-letter-queue.ts';
import { acknowledgeFinding, acknowledgeWildcardResource } from './nag.ts';
import { SupervisionFunction } from './supervision-function.ts';
import { TABLE_GRANTS, TABLE_INDEX, type TableHandlerName } from './table-grants.ts';

/** The repository root: where `functions/`, `workflows/` and the lock file live. */
const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The one workflow definition, shared with the local runner. */
const WORKFLOW_FILE = fileURLToPath(new URL('../workflows/campaign.asl.json', import.meta.url));

/** Retries of a failed batch of first answers before it goes to the dead-letter queue (halvings included). */
export const ANSWER_COUNT_RETRIES = 20;

/** The table's only secondary index: campaigns of a series, month by month. */
export const CAMPAIGN_INDEX = TABLE_INDEX;

/** A handler file name under `functions/` that the workflow invokes. */
export type WorkflowHandlerName = (typeof WORKFLOW_FUNCTIONS)[keyof typeof WORKFLOW_FUNCTIONS];

/** Props of {@link SupervisionStack}. */
export interface SupervisionStackProps extends StackProps {
  /**
   * The sender address (`MAIL_FROM`); verify it, or its domain, in SES in the stack's region.
   * When absent the stack takes it as the CloudFormation parameter `SenderEmail` at deploy time.
   */
  readonly senderEmail?: string;
  /**
   * A cap on the SES send rate in emails per second (`MAX_SEND_RATE`), e.g. to leave room for other
   * senders in the account. @default the account's max send rate, read from SES by each sending function
   */
  readonly maxSendRate?: number;
  /**
   * Publish SES bounce and complaint events to a topic that feeds `functions/ses-events.ts`.
   * The subscription is skipped, with a synth warning, while that handler file does not exist.
   * @default true
   */
  readonly sesEvents?: boolean;
  /** Directory holding `functions/` and `package-lock.json`. @default the repository root */
  readonly projectRoot?: string;
  /** Retention of every log group. @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /**
   * Threat protection of the console's sign-ins (Cognito Plus plan). What it can judge: each password
   * against lists of leaked credentials, and sign-in patterns per account. What it cannot: the user's
   * own IP address and device. The console signs in server-side (InitiateAuth from the function), and
   * Cognito accepts a forwarded `UserContextData.IpAddress` only from an app client with a client
   * secret (`EnablePropagateAdditionalUserContextData`), which this public client has not; so the
   * risk scores see the function's address, not the user's. Hence `AUDIT_ONLY` by default (scored and
   * logged, nothing blocked); `FULL_FUNCTION` also blocks or challenges what it scores as risky, and
   * would act on those scores.
   * @default StandardThreatProtectionMode.AUDIT_ONLY
   */
  readonly consoleThreatProtection?: StandardThreatProtectionMode;
  /**
   * The public address of the links and the console: the CloudFront distribution of the edge stack
   * (infra/edge-stack.ts, its `PublicUrl` output) or an office's own domain in front of it.
   * @default the HTTP API's own endpoint, which WAF does not protect
   */
  readonly publicUrl?: string;
}

/** What each console group may do, as the pool describes it. */
const CONSOLE_GROUP_DESCRIPTIONS: Readonly<Record<ConsoleRole, string>> = {
  organizer: 'City organizers: watch, remind, extend and close campaigns; review responses; rule on disputes',
  coordinator: 'District coordinators: view and review in their own district (custom:district)',
  leader: 'Leaders: read-only view of the whole city',
};

/**
 * Sets `CONSOLE_USER_POOL_ID` and `CONSOLE_CLIENT_ID` on a function that signs console users in
 * and verifies their ID tokens (functions/adapters/console-auth.ts). No IAM grant goes with them:
 * `InitiateAuth` is a public call of the app client, and the pool's signing keys are public.
 */
export function bindConsoleSignIn(fn: SupervisionFunction, userPool: IUserPool, client: IUserPoolClient): void {
  fn.addEnvironment('CONSOLE_USER_POOL_ID', userPool.userPoolId);
  fn.addEnvironment('CONSOLE_CLIENT_ID', client.userPoolClientId);
}

interface TaskSettings {
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize?: number;
}

// Each timeout stays below the TimeoutSeconds of the state that invokes the function, so a slow run
// fails as a Lambda error the workflow retries, not as a state timeout.
const WORKFLOW_TASKS: Readonly<Record<WorkflowHandlerName, TaskSettings>> = {
  prepare: {
    description: 'Validates and freezes the rosters and questionnaire; computes assignments and their links.',
    timeout: Duration.minutes(14),
    memorySize: 1024,
  },
  'plan-mail': {
    description:
      'Splits the recipients of one kind of email into batches of IDs; before the summaries, records rectification items, re-checks and comments.',
    timeout: Duration.minutes(4),
    // Before the summaries it reads every response once and holds the campaign's findings.
    memorySize: 1024,
  },
  'send-mail': {
    description: 'Sends one batch of invitations, reminders or center summaries, paced to the SES send rate.',
    timeout: Duration.minutes(4),
    memorySize: 1024,
  },
  'publish-city-summary': {
    description: 'Sends the organizers the city summary with the results workbook attached; publishes the campaign.',
    timeout: Duration.minutes(4),
    // It holds every center's row and builds the XLSX attachment in memory.
    memorySize: 1769,
  },
  'check-progress': { description: 'Decides: remind non-responders, wait, or close.', timeout: Duration.minutes(4) },
  'await-responses': { description: 'Stores the Collect task token on the campaign.', timeout: Duration.minutes(1) },
  'open-review': {
    description: 'Puts a closed campaign in review until its window ends.',
    timeout: Duration.seconds(50),
  },
  'await-review': { description: 'Stores the Review task token on the campaign.', timeout: Duration.minutes(1) },
  'open-fact-check': {
    description: "Records the draft findings and opens the officials' fact-check window.",
    timeout: Duration.minutes(9),
    memorySize: 1024,
  },
  'await-fact-check': { description: 'Stores the FactCheck task token on the campaign.', timeout: Duration.minutes(1) },
  'check-fact-check': { description: 'Decides whether fact-check can end.', timeout: Duration.seconds(50) },
  'close-campaign': { description: 'Stops accepting answers.', timeout: Duration.minutes(4) },
  'score-campaign': {
    description: 'Streams every response once and scores every center.',
    timeout: Duration.minutes(14),
    memorySize: 1769,
  },
  'fail-campaign': {
    description: 'Marks the campaign failed and tells the organizers why.',
    timeout: Duration.minutes(4),
  },
};

/**
 * Everything one deployment runs: the table and its stream, the task functions, the answer counter,
 * the campaign workflow, the survey HTTP API with the organizer console and its user pool, SES
 * configuration, the link secret, and alarms to one topic.
 */
export class SupervisionStack extends Stack {
  /** The single table (`PK`/`SK`, index `GSI1`), streaming new images to the answer counter. */
  public readonly table: Table;
  /** The campaign workflow; execution name = campaign id. */
  public readonly stateMachine: StateMachine;
  /** The HTTP API serving `/s/{token}`, `/r/{token}` and the organizer console under `/console`. */
  public readonly surveyApi: HttpApi;
  /** Receives every alarm. */
  public readonly alarmTopic: Topic;
  /** Every email is sent with it. */
  public readonly configurationSet: ConfigurationSet;
  /** Derives the survey links. */
  public readonly linkSecret: Secret;
  /** The workflow's task functions, by handler file name. */
  public readonly taskFunctions: Readonly<Record<WorkflowHandlerName, SupervisionFunction>>;
  /** The function behind the survey API. */
  public readonly surveyFunction: SupervisionFunction;
  /** Fed by the table's stream: counts first answers and wakes a campaign once all are in. */
  public readonly countAnswersFunction: SupervisionFunction;
  /** The function behind the officials' rectification links (`/r/{token}`). */
  public readonly rectificationFunction: SupervisionFunction;
  /** The function behind the organizer console (`/console…`): signs users in, reviews, wakes the workflow. */
  public readonly consoleFunction: SupervisionFunction;
  /** The function fed by bounce and complaint events, when it is deployed. */
  public readonly mailEventsFunction: SupervisionFunction | undefined;
  /** The organizer console's users: one group per role, a coordinator's district as `custom:district`. */
  public readonly consoleUserPool: UserPool;
  /** The console's app client: username and password (or SRP), no secret, ID tokens valid an hour. */
  public readonly consoleUserPoolClient: UserPoolClient;
  /** Dead-letter queues with what a message in each means; each alarms on a visible message. */
  public readonly deadLetterQueues: { id: string; queue: Queue; description: string }[] = [];

  public constructor(scope: Construct, id: string, props: SupervisionStackProps) {
    super(scope, id, props);
    const projectRoot = props.projectRoot ?? REPOSITORY_ROOT;
    const logRetention = props.logRetention ?? RetentionDays.THREE_MONTHS;
    Tags.of(this).add('Application', 'service-supervision');

    this.table = new Table(this, 'Table', {
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
    this.table.addGlobalSecondaryIndex({
      indexName: CAMPAIGN_INDEX,
      partitionKey: { name: 'GSI1PK', type: AttributeType.STRING },
      sortKey: { name: 'GSI1SK', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    this.linkSecret = new Secret(this, 'LinkSecret', {
      description: "Key that derives the supervisors' survey links; changing it invalidates every link already sent.",
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFinding(
      this.linkSecret,
      'AwsSolutions-SMG4',
      'Rotating the link key would invalidate every survey link already emailed to supervisors; links expire with their campaign instead.',
    );

    // Customer-managed: CloudWatch alarms and SES cannot publish to topics under the AWS-managed SNS key.
    const notificationKey = new Key(this, 'NotificationKey', {
      description: 'Encrypts the alarm and mail-event topics of service supervision',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Each service only on behalf of this account and of its own resource (confused-deputy protection).
    notificationKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublishToEncryptedTopics',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Service supervision alarms',
      masterKey: notificationKey,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.configurationSet = new ConfigurationSet(this, 'MailConfiguration', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    notificationKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisConfigurationSetToPublishMailEvents',
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'aws:SourceAccount': this.account,
            'aws:SourceArn': this.formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: this.configurationSet.configurationSetName,
            }),
          },
        },
      }),
    );

    this.surveyApi = new HttpApi(this, 'SurveyApi', {
      description: 'Survey and rectification links and the organizer console of service supervision campaigns',
      createDefaultStage: false,
    });
    // The execute-api endpoint comes from the API alone, so functions can hold it without a cycle.
    const surveyBaseUrl = props.publicUrl ?? this.surveyApi.apiEndpoint;
    const senderEmail =
      props.senderEmail ??
      new CfnParameter(this, 'SenderEmail', {
        type: 'String',
        description: 'Sender address of every email, verified (or its domain verified) in SES in this region.',
        allowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
        constraintDescription: 'must be an email address, e.g. noreply@example.gov.cn',
      }).valueAsString;
    const mailBinding = {
      from: senderEmail,
      configurationSetName: this.configurationSet.configurationSetName,
      maxSendRate: props.maxSendRate,
      concurrency: readMailConcurrency(WORKFLOW_FILE),
      surveyBaseUrl,
    };

    const stateMachineName = `${this.stackName}-Campaign`;
    const stateMachineArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const newFunction = (handlerName: TableHandlerName, settings: TaskSettings): SupervisionFunction => {
      const fn = new SupervisionFunction(this, `${toPascalCase(handlerName)}Function`, {
        projectRoot,
        handlerName,
        logRetention,
        ...settings,
      });
      // Least privilege by key space: what this function's store calls touch, nothing more.
      fn.bindTable(this.table, TABLE_GRANTS[handlerName]);
      return fn;
    };

    const taskFunctions = Object.fromEntries(
      Object.entries(WORKFLOW_TASKS).map(([name, settings]) => [
        name,
        newFunction(name as WorkflowHandlerName, settings),
      ]),
    ) as Record<WorkflowHandlerName, SupervisionFunction>;
    this.taskFunctions = taskFunctions;
    taskFunctions.prepare.bindSecret(this.linkSecret, 'LINK_SECRET_ARN');
    taskFunctions['send-mail'].bindSecret(this.linkSecret, 'LINK_SECRET_ARN');
    taskFunctions['send-mail'].bindMail(mailBinding);
    // The city summary carries the results workbook: the one sender of MIME mail.
    taskFunctions['publish-city-summary'].bindMail({ ...mailBinding, attachments: true });
    taskFunctions['fail-campaign'].bindMail(mailBinding);
    // Wakes Collect at once when every assignment was answered before the token was stored.
    taskFunctions['await-responses'].bindWorkflowCallbacks(stateMachineArn);
    taskFunctions['await-review'].bindWorkflowCallbacks(stateMachineArn);
    taskFunctions['await-fact-check'].bindWorkflowCallbacks(stateMachineArn);

    this.surveyFunction = newFunction('survey-api', {
      description: 'Serves the survey pages and records answers.',
      timeout: Duration.seconds(SURVEY_REQUEST_TIMEOUT_SECONDS),
      memorySize: 1024,
    });
    this.surveyFunction.addEnvironment('CAMPAIGN_CACHE_SECONDS', String(DEFAULT_CAMPAIGN_CACHE_SECONDS));
    // Score reads the responses only once every submission accepted before the close was seen has landed.
    taskFunctions['close-campaign'].addEnvironment(
      'SUBMISSION_SETTLE_SECONDS',
      String(settleSeconds(DEFAULT_CAMPAIGN_CACHE_SECONDS, SURVEY_REQUEST_TIMEOUT_SECONDS)),
    );
    // It only stores the answer; counting it and waking Collect are count-answers' work, off the request.
    // No link secret: a link is checked by the SHA-256 of its token (TOKEN#<hash>), never re-derived.
    this.countAnswersFunction = this.createAnswerCounter(stateMachineArn, newFunction);
    this.rectificationFunction = newFunction('rectification-api', {
      description: "Serves the officials' rectification pages, records disputes and items reported fixed.",
      timeout: Duration.seconds(15),
    });
    [this.consoleUserPool, this.consoleUserPoolClient] = this.createConsoleUserPool(
      props.consoleThreatProtection ?? StandardThreatProtectionMode.AUDIT_ONLY,
    );
    this.consoleFunction = newFunction('console-api', {
      description: 'Serves the organizer console: progress, review of responses, reminders, deadlines, results.',
      // Under the HTTP API's 30-second limit: the slowest page builds the results workbook of the whole city.
      timeout: Duration.seconds(29),
      memorySize: 1769,
    });
    bindConsoleSignIn(this.consoleFunction, this.consoleUserPool, this.consoleUserPoolClient);
    // Every console request checks that the session's user still has its role (functions/console-api.ts).
    this.consoleFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['cognito-idp:AdminListGroupsForUser'],
        resources: [this.consoleUserPool.userPoolArn],
      }),
    );
    // A returned response is emailed to its supervisor with their survey link, derived from the link secret.
    this.consoleFunction.bindSecret(this.linkSecret, 'LINK_SECRET_ARN');
    this.consoleFunction.bindMail(mailBinding);
    // Remind now, a moved deadline, close now and finish review wake the waiting Collect or Review task.
    this.consoleFunction.bindWorkflowCallbacks(stateMachineArn);

    this.stateMachine = this.createWorkflow(stateMachineName, stateMachineArn, taskFunctions, logRetention);
    const api = this.createSurveyRoutes(logRetention);
    this.mailEventsFunction =
      props.sesEvents === false ? undefined : this.publishMailEvents(notificationKey, projectRoot, newFunction);
    buildAlarms(this, {
      topic: this.alarmTopic,
      stateMachine: this.stateMachine,
      apiStage: api.stage,
      apiAccessLogs: api.accessLogs,
      functionErrors: [
        {
          id: 'SurveyErrorsAlarm',
          fn: this.surveyFunction,
          description: 'The survey function failed with an unhandled error.',
        },
        {
          id: 'CountAnswersErrorsAlarm',
          fn: this.countAnswersFunction,
          description: 'The answer counter failed a batch of first answers; the stream delivers it again.',
        },
        {
          id: 'ConsoleErrorsAlarm',
          fn: this.consoleFunction,
          description: 'The console function failed with an unhandled error.',
        },
        {
          id: 'RectificationErrorsAlarm',
          fn: this.rectificationFunction,
          description: 'The rectification function failed with an unhandled error.',
        },
        ...(this.mailEventsFunction
          ? [
              {
                id: 'MailEventsErrorsAlarm',
                fn: this.mailEventsFunction,
                description: 'A bounce or complaint could not be recorded.',
              },
            ]
          : []),
      ],
      streamConsumer: this.countAnswersFunction,
      deadLetterQueues: this.deadLetterQueues,
    });
    this.createOutputs(surveyBaseUrl);
  }

  /**
   * The answer counter, fed by the table's stream: only the creation of a response item (an
   * assignment's first answer) reaches it, in batches of up to {@link ANSWER_STREAM.batchSize}.
   */
  private createAnswerCounter(
    stateMachineArn: string,
    newFunction: (handlerName: TableHandlerName, settings: TaskSettings) => SupervisionFunction,
  ): SupervisionFunction {
    const fn = newFunction('count-answers', {
      description: 'Counts first answers from the table stream and wakes the campaign when all are in.',
      timeout: Duration.seconds(60),
    });
    const deadLetters = buildDeadLetterQueue(this, 'CountAnswersDeadLetters');
    this.deadLetterQueues.push({
      id: 'CountAnswersDeadLettersAlarm',
      queue: deadLetters,
      description:
        'The answer counter gave up on a batch of first answers (see the message for its shard and sequence numbers): those answers are stored but not yet counted; plan-mail counts them before reminders and summaries.',
    });
    // Sends the Collect task's token once the campaign's last assignment is counted.
    fn.bindWorkflowCallbacks(stateMachineArn);
    fn.addEventSource(
      new DynamoEventSource(this.table, {
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

  private createWorkflow(
    stateMachineName: string,
    stateMachineArn: string,
    taskFunctions: Readonly<Record<WorkflowHandlerName, SupervisionFunction>>,
    logRetention: RetentionDays,
  ): StateMachine {
    const logGroup = new LogGroup(this, 'WorkflowLogs', {
      // The vendedlogs prefix keeps the CloudWatch Logs resource policy small.
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const substitutions = Object.entries(WORKFLOW_FUNCTIONS).map(
      ([placeholder, handlerName]) => [placeholder, taskFunctions[handlerName].functionArn] as const,
    );
    const stateMachine = new StateMachine(this, 'CampaignWorkflow', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      comment: 'One government service supervision campaign, from launch to published scores.',
      definitionBody: DefinitionBody.fromFile(WORKFLOW_FILE),
      definitionSubstitutions: Object.fromEntries(substitutions),
      // No execution data: state payloads name supervisors and centers.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...new Set(substitutions.map(([, arn]) => arn))],
      }),
    );
    // The Distributed Map runs its batches as child executions of this same state machine.
    const childExecutions = this.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
    );
    // RedriveExecution: redriving a failed campaign redrives its failed Map Run, whose child executions
    // (<name>/<map run label>:<id>) the state machine restarts itself.
    stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
        resources: [childExecutions],
      }),
    );
    acknowledgeWildcardResource(
      stateMachine.role,
      childExecutions,
      "The Distributed Map describes, stops and redrives its child executions, whose names Step Functions generates under this state machine's name.",
    );
    acknowledgeFinding(
      stateMachine.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Log delivery (logs:CreateLogDelivery and related) and X-Ray tracing support no resource-level permissions.',
    );
    return stateMachine;
  }

  private createSurveyRoutes(logRetention: RetentionDays): { stage: HttpStage; accessLogs: LogGroup } {
    const accessLogs = new LogGroup(this, 'SurveyApiAccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new HttpStage(this, 'SurveyApiStage', {
      httpApi: this.surveyApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // The route key, never the path: the token in the path is the supervisor's credential.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
          }),
        ),
      },
    });
    // ANY, not a method list: each handler answers GET, HEAD and POST itself and every other method with
    // its own 405 and Allow header, on AWS as on the embedded cloud (which reads these routes).
    const integration = new HttpLambdaIntegration('SurveyIntegration', this.surveyFunction);
    this.surveyApi.addRoutes({ path: '/s/{token}', methods: [HttpMethod.ANY], integration });
    this.surveyApi.addRoutes({ path: '/s/{token}/{proxy+}', methods: [HttpMethod.ANY], integration });
    this.surveyApi.addRoutes({
      path: '/r/{token}',
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('RectificationIntegration', this.rectificationFunction),
    });
    const consoleIntegration = new HttpLambdaIntegration('ConsoleIntegration', this.consoleFunction);
    this.surveyApi.addRoutes({ path: '/console', methods: [HttpMethod.ANY], integration: consoleIntegration });
    this.surveyApi.addRoutes({ path: '/console/{proxy+}', methods: [HttpMethod.ANY], integration: consoleIntegration });
    acknowledgeFinding(
      this.surveyApi,
      'AwsSolutions-APIG4',
      "Survey and rectification links are capability URLs: the unguessable token in the path is the credential, checked by the function; volunteers and officials have no IAM or Cognito identity. The console's sign-in page must be reachable signed out, and its plain HTML forms send no Authorization header: the console function verifies the Cognito ID token of its session cookie on every other request.",
    );
    return { stage, accessLogs };
  }

  /**
   * The console's user pool: accounts created by administrators only, signed in with a username
   * (or their email) and a strong password; each in the group of their role. Kept when the stack
   * is deleted, like the table: the accounts are the city's.
   */
  private createConsoleUserPool(threatProtection: StandardThreatProtectionMode): [UserPool, UserPoolClient] {
    const userPool = new UserPool(this, 'ConsoleUserPool', {
      userPoolName: `${this.stackName}-console`,
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
      keepOriginal: { email: true },
      customAttributes: {
        // Set by administrators only: the console's client may not write it (see writeAttributes).
        district: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      userInvitation: {
        emailSubject: '督查控制台账号 · Your supervision console account',
        emailBody:
          '用户名 Username: {username}<br>临时密码 Temporary password: {####}<br>首次登录须设置新密码。You will choose a new password at your first sign-in.',
      },
      // A few dozen console users: the Plus plan's per-user price is small, and it scores every sign-in's risk.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: threatProtection,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [precedence, role] of CONSOLE_ROLES.entries()) {
      userPool.addGroup(`${toPascalCase(role)}Group`, {
        groupName: ROLE_GROUPS[role],
        description: CONSOLE_GROUP_DESCRIPTIONS[role],
        // Lower is more powerful: organizer, coordinator, leader, as the console ranks them.
        precedence,
      });
    }
    const client = userPool.addClient('ConsoleClient', {
      userPoolClientName: 'console',
      authFlows: { userPassword: true, userSrp: true },
      generateSecret: false,
      disableOAuth: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(8),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // A user may change their own name, never their district or email: those decide what they see.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
      // Not enablePropagateAdditionalUserContextData: Cognito allows it only on a client with a secret;
      // without it the user's IP address sent as UserContextData is not used (see consoleThreatProtection).
    });
    acknowledgeFinding(
      userPool,
      'AwsSolutions-COG2',
      "MFA is optional (TOTP only, never SMS) rather than required: an account with a TOTP authenticator is asked for its code at sign-in (the console answers Cognito's SOFTWARE_TOKEN_MFA challenge), but the console offers no page to enrol an authenticator, so requiring MFA would lock out every new account. Accounts are created by administrators only, passwords are long and checked against reuse, and threat protection checks them against leaked-credential lists (in audit mode by default).",
    );
    return [userPool, client];
  }

  private publishMailEvents(
    notificationKey: Key,
    projectRoot: string,
    newFunction: (handlerName: TableHandlerName, settings: TaskSettings) => SupervisionFunction,
  ): SupervisionFunction | undefined {
    const topic = new Topic(this, 'MailEventsTopic', {
      displayName: 'Service supervision bounces and complaints',
      masterKey: notificationKey,
      enforceSSL: true,
    });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(topic),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    if (!existsSync(path.join(projectRoot, 'functions', 'ses-events.ts'))) {
      Annotations.of(this).addWarningV2(
        'service-supervision:sesEventsHandlerMissing',
        'functions/ses-events.ts does not exist: bounce and complaint events reach the mail-events topic but nothing records them.',
      );
      return undefined;
    }
    const fn = newFunction('ses-events', {
      description: 'Records bounces and complaints so those addresses are not mailed again.',
      timeout: Duration.seconds(30),
    });
    topic.addSubscription(new LambdaSubscription(fn));
    // SNS invokes it asynchronously: after Lambda's own retries, an event not recorded is kept here.
    const deadLetters = buildDeadLetterQueue(this, 'MailEventsDeadLetters');
    fn.configureAsyncInvoke({ onFailure: new SqsDestination(deadLetters), retryAttempts: 2 });
    this.deadLetterQueues.push({
      id: 'MailEventsDeadLettersAlarm',
      queue: deadLetters,
      description:
        'A bounce or complaint event could not be recorded after retries (the message holds it): add the address to the suppression list by hand, or replay the event.',
    });
    return fn;
  }

  private createOutputs(surveyBaseUrl: string): void {
    new CfnOutput(this, 'ApiDomain', {
      value: `${this.surveyApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
      description:
        'Domain of the HTTP API: the origin of the edge stack (npx cdk deploy <stack>-Edge --parameters ApiDomain=<this>).',
    });
    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'DynamoDB table holding campaigns, rosters, assignments, responses and scores.',
    });
    new CfnOutput(this, 'StateMachineArn', {
      value: this.stateMachine.stateMachineArn,
      description: 'Campaign workflow; start one execution per campaign, named by the campaign id.',
    });
    new CfnOutput(this, 'SurveyApiUrl', {
      value: surveyBaseUrl,
      description: 'Base URL of the survey links (/s/{token}) and rectification links (/r/{token}).',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'SNS topic receiving every alarm; subscribe the operators to it.',
    });
    new CfnOutput(this, 'ConfigurationSetName', {
      value: this.configurationSet.configurationSetName,
      description:
        'SES configuration set used for every email. The sender is not created by this stack: verify it, or its domain, in SES in this region (and leave the SES sandbox) before launching a campaign.',
    });
    new CfnOutput(this, 'ConsoleUrl', {
      value: `${surveyBaseUrl}/console`,
      description: "The organizer console: sign in with an account of the console's user pool.",
    });
    new CfnOutput(this, 'ConsoleUserPoolId', {
      value: this.consoleUserPool.userPoolId,
      description:
        "User pool of the organizer console; add accounts to city-organizer, district-coordinator or leader (a coordinator's custom:district names their district).",
    });
    new CfnOutput(this, 'ConsoleUserPoolClientId', {
      value: this.consoleUserPoolClient.userPoolClientId,
      description: 'App client the console signs in with (USER_PASSWORD_AUTH or SRP, no secret).',
    });
    new CfnOutput(this, 'LinkSecretArn', {
      value: this.linkSecret.secretArn,
      description: 'Secrets Manager secret that derives the survey links; do not rotate it while a campaign is open.',
    });
  }
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

/** `send-mail` → `SendMail`. */
function toPascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
