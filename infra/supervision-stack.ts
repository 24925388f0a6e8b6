import { fileURLToPath } from 'node:url';
import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { StandardThreatProtectionMode, type UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type AlarmSources, buildAlarms } from './alarms.ts';
import { buildAnswerCounter, buildLinkSecret, buildTable, type DeadLetterQueueEntry } from './build/data.ts';
import { bindEvidence, buildEvidenceBucket, buildPhotoChecker, EVIDENCE_GRANTS } from './build/evidence.ts';
import { buildEvidenceExporter, buildEvidenceRetention, outputEvidenceBucket } from './build/evidence-export.ts';
import { makeFunctionFactory } from './build/functions.ts';
import { buildConsoleFunction, buildRectificationFunction, buildSurveyFunction } from './build/http-functions.ts';
import { buildMailBinding, buildMailConfiguration, buildMailEvents } from './build/mail.ts';
import { buildAlarmTopic, buildNotificationKey } from './build/notifications.ts';
import { buildOutputs } from './build/outputs.ts';
import { buildConsoleUsers } from './build/users.ts';
import { buildSurveyApi, buildSurveyRoutes } from './build/web.ts';
import { buildWorkflow, nameWorkflow } from './build/workflow.ts';
import { buildTaskFunctions, type WorkflowHandlerName } from './build/workflow-tasks.ts';
import type { SupervisionFunction } from './supervision-function.ts';

/** The repository root: where `functions/`, `workflows/` and the lock file live. */
const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

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
  /** The private bucket of evidence photos: `incoming/` from the phones, `evidence/` once checked. */
  public readonly evidenceBucket: Bucket;
  /** Builds evidence ZIPs into `exports/`, started by the console. */
  public readonly exportEvidenceFunction: SupervisionFunction;
  /** Purges the evidence of campaigns past their retention, daily. */
  public readonly expireEvidenceFunction: SupervisionFunction;
  /** Checks each photo posted to `incoming/`, re-encoding it into `evidence/`. */
  public readonly photoCheckFunction: SupervisionFunction;
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
  public readonly deadLetterQueues: DeadLetterQueueEntry[] = [];

  public constructor(scope: Construct, id: string, props: SupervisionStackProps) {
    super(scope, id, props);
    const projectRoot = props.projectRoot ?? REPOSITORY_ROOT;
    const logRetention = props.logRetention ?? RetentionDays.THREE_MONTHS;
    Tags.of(this).add('Application', 'service-supervision');

    this.table = buildTable(this);
    this.linkSecret = buildLinkSecret(this);
    const notificationKey = buildNotificationKey(this);
    this.alarmTopic = buildAlarmTopic(this, notificationKey);
    this.configurationSet = buildMailConfiguration(this, notificationKey);
    this.surveyApi = buildSurveyApi(this);
    // The execute-api endpoint comes from the API alone, so functions can hold it without a cycle.
    const surveyBaseUrl = props.publicUrl ?? this.surveyApi.apiEndpoint;
    const mail = buildMailBinding(this, {
      senderEmail: props.senderEmail,
      maxSendRate: props.maxSendRate,
      configurationSet: this.configurationSet,
      surveyBaseUrl,
    });
    const workflow = nameWorkflow(this);
    const stateMachineArn = workflow.arn;
    const linkSecret = this.linkSecret;
    const newFunction = makeFunctionFactory(this, { projectRoot, logRetention, table: this.table });

    this.taskFunctions = buildTaskFunctions(newFunction, { linkSecret, mail, stateMachineArn });
    this.surveyFunction = buildSurveyFunction(newFunction);
    // The survey page posts photos from its own origin: the public address's, or the API's.
    const evidence = buildEvidenceBucket(this, surveyBaseUrl);
    this.evidenceBucket = evidence.bucket;
    this.photoCheckFunction = buildPhotoChecker(newFunction, evidence);
    bindEvidence(this.surveyFunction, evidence, EVIDENCE_GRANTS['survey-api']);
    this.countAnswersFunction = buildAnswerCounter(this, {
      table: this.table,
      newFunction,
      stateMachineArn,
      deadLetterQueues: this.deadLetterQueues,
    });
    this.rectificationFunction = buildRectificationFunction(newFunction);
    bindEvidence(this.rectificationFunction, evidence, EVIDENCE_GRANTS['rectification-api']);
    const users = buildConsoleUsers(this, props.consoleThreatProtection ?? StandardThreatProtectionMode.AUDIT_ONLY);
    this.consoleUserPool = users.userPool;
    this.consoleUserPoolClient = users.client;
    this.consoleFunction = buildConsoleFunction(newFunction, { users, linkSecret, mail, stateMachineArn });
    bindEvidence(this.consoleFunction, evidence, EVIDENCE_GRANTS['console-api']);
    this.exportEvidenceFunction = buildEvidenceExporter(newFunction, evidence, this.consoleFunction);
    this.expireEvidenceFunction = buildEvidenceRetention(newFunction, evidence);
    outputEvidenceBucket(evidence);

    this.stateMachine = buildWorkflow(this, { identity: workflow, taskFunctions: this.taskFunctions, logRetention });
    const api = buildSurveyRoutes(this, {
      api: this.surveyApi,
      survey: this.surveyFunction,
      rectification: this.rectificationFunction,
      console: this.consoleFunction,
      logRetention,
    });
    this.mailEventsFunction =
      props.sesEvents === false
        ? undefined
        : buildMailEvents(this, {
            notificationKey,
            configurationSet: this.configurationSet,
            projectRoot,
            newFunction,
            deadLetterQueues: this.deadLetterQueues,
          });
    buildAlarms(this, {
      topic: this.alarmTopic,
      stateMachine: this.stateMachine,
      apiStage: api.stage,
      apiAccessLogs: api.accessLogs,
      functionErrors: this.listFunctionErrorAlarms(),
      streamConsumer: this.countAnswersFunction,
      deadLetterQueues: this.deadLetterQueues,
    });
    buildOutputs(this, surveyBaseUrl);
  }

  /** The functions whose unhandled errors alarm, each with what an error means. */
  private listFunctionErrorAlarms(): AlarmSources['functionErrors'] {
    return [
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
        id: 'CheckPhotoErrorsAlarm',
        fn: this.photoCheckFunction,
        description:
          'A photo could not be checked; S3 retries the notification twice, then the photo stays "checking".',
      },
      {
        id: 'ExportEvidenceErrorsAlarm',
        fn: this.exportEvidenceFunction,
        description: 'An evidence ZIP could not be built; it is retried once, then the console shows it failed.',
      },
      {
        id: 'ExpireEvidenceErrorsAlarm',
        fn: this.expireEvidenceFunction,
        description:
          'The daily evidence retention check failed; campaigns past their retention keep their photos until it succeeds.',
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
    ];
  }
}
