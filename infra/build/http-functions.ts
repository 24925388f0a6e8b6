import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  DEFAULT_CAMPAIGN_CACHE_SECONDS,
  SURVEY_REQUEST_TIMEOUT_SECONDS,
} from '../../functions/core/campaign/submission-window.ts';
import type { MailBinding, SupervisionFunction } from '../supervision-function.ts';
import type { FunctionFactory } from './functions.ts';
import { bindConsoleSignIn, type ConsoleUsers } from './users.ts';

/**
 * The function behind the survey links: it only stores the answer; counting it and waking Collect are
 * count-answers' work, off the request. No link secret: a link is checked by the SHA-256 of its token.
 */
export function buildSurveyFunction(newFunction: FunctionFactory): SupervisionFunction {
  const fn = newFunction('survey-api', {
    description: 'Serves the survey pages and records answers.',
    timeout: Duration.seconds(SURVEY_REQUEST_TIMEOUT_SECONDS),
    memorySize: 1024,
  });
  fn.addEnvironment('CAMPAIGN_CACHE_SECONDS', String(DEFAULT_CAMPAIGN_CACHE_SECONDS));
  return fn;
}

/** The function behind the officials' rectification links (`/r/{token}`). */
export function buildRectificationFunction(newFunction: FunctionFactory): SupervisionFunction {
  return newFunction('rectification-api', {
    description: "Serves the officials' rectification pages, records disputes and items reported fixed.",
    timeout: Duration.seconds(15),
  });
}

/** What the console function is bound to besides the table. */
export interface ConsoleBindings {
  readonly users: ConsoleUsers;
  readonly linkSecret: ISecret;
  readonly mail: MailBinding;
  /** The workflow whose waiting Collect or Review task the console wakes. */
  readonly stateMachineArn: string;
}

/** The function behind the organizer console: signs users in, reviews responses, wakes the workflow. */
export function buildConsoleFunction(newFunction: FunctionFactory, bindings: ConsoleBindings): SupervisionFunction {
  const { users } = bindings;
  const fn = newFunction('console-api', {
    description: 'Serves the organizer console: progress, review of responses, reminders, deadlines, results.',
    // Under the HTTP API's 30-second limit: the slowest page builds the results workbook of the whole city.
    timeout: Duration.seconds(29),
    memorySize: 1769,
  });
  bindConsoleSignIn(fn, users.userPool, users.client);
  // Every console request checks that the session's user still has its role (functions/console-api.ts).
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['cognito-idp:AdminListGroupsForUser'],
      resources: [users.userPool.userPoolArn],
    }),
  );
  // A returned response is emailed to its supervisor with their survey link, derived from the link secret.
  fn.bindSecret(bindings.linkSecret, 'LINK_SECRET_ARN');
  fn.bindMail(bindings.mail);
  // Remind now, a moved deadline, close now and finish review wake the waiting Collect or Review task.
  fn.bindWorkflowCallbacks(bindings.stateMachineArn);
  return fn;
}
