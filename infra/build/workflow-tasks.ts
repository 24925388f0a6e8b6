import { Duration } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  DEFAULT_CAMPAIGN_CACHE_SECONDS,
  SURVEY_REQUEST_TIMEOUT_SECONDS,
  settleSeconds,
} from '../../functions/core/campaign/submission-window.ts';
import type { WORKFLOW_FUNCTIONS } from '../../functions/core/campaign/workflow-contract.ts';
import type { MailBinding, SupervisionFunction } from '../supervision-function.ts';
import type { FunctionFactory, FunctionSettings } from './functions.ts';

/** A handler file name under `functions/` that the workflow invokes. */
export type WorkflowHandlerName = (typeof WORKFLOW_FUNCTIONS)[keyof typeof WORKFLOW_FUNCTIONS];

// Each timeout stays below the TimeoutSeconds of the state that invokes the function, so a slow run
// fails as a Lambda error the workflow retries, not as a state timeout.
const WORKFLOW_TASKS: Readonly<Record<WorkflowHandlerName, FunctionSettings>> = {
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
  'open-sign-off': {
    description:
      'Holds scored results as a draft until an organizer signs them off, unless the campaign auto-publishes.',
    timeout: Duration.seconds(50),
  },
  'await-sign-off': { description: 'Stores the SignOff task token on the campaign.', timeout: Duration.minutes(1) },
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

/** What the workflow's task functions are bound to besides the table. */
export interface TaskBindings {
  readonly linkSecret: ISecret;
  readonly mail: MailBinding;
  /** The workflow whose waiting tasks the `await-*` functions may wake. */
  readonly stateMachineArn: string;
}

/** The workflow's task functions, by handler file name, each granted only what its own work needs. */
export function buildTaskFunctions(
  newFunction: FunctionFactory,
  bindings: TaskBindings,
): Readonly<Record<WorkflowHandlerName, SupervisionFunction>> {
  const { linkSecret, mail, stateMachineArn } = bindings;
  const taskFunctions = Object.fromEntries(
    Object.entries(WORKFLOW_TASKS).map(([name, settings]) => [
      name,
      newFunction(name as WorkflowHandlerName, settings),
    ]),
  ) as Record<WorkflowHandlerName, SupervisionFunction>;
  taskFunctions.prepare.bindSecret(linkSecret, 'LINK_SECRET_ARN');
  taskFunctions['send-mail'].bindSecret(linkSecret, 'LINK_SECRET_ARN');
  taskFunctions['send-mail'].bindMail(mail);
  // The city summary carries the results workbook: the one sender of MIME mail.
  taskFunctions['publish-city-summary'].bindMail({ ...mail, attachments: true });
  taskFunctions['fail-campaign'].bindMail(mail);
  // Asks the organizers to sign the draft results off.
  taskFunctions['open-sign-off'].bindMail(mail);
  // Wakes Collect at once when every assignment was answered before the token was stored.
  taskFunctions['await-responses'].bindWorkflowCallbacks(stateMachineArn);
  taskFunctions['await-review'].bindWorkflowCallbacks(stateMachineArn);
  taskFunctions['await-fact-check'].bindWorkflowCallbacks(stateMachineArn);
  taskFunctions['await-sign-off'].bindWorkflowCallbacks(stateMachineArn);
  // Score reads the responses only once every submission accepted before the close was seen has landed.
  taskFunctions['close-campaign'].addEnvironment(
    'SUBMISSION_SETTLE_SECONDS',
    String(settleSeconds(DEFAULT_CAMPAIGN_CACHE_SECONDS, SURVEY_REQUEST_TIMEOUT_SECONDS)),
  );
  return taskFunctions;
}
