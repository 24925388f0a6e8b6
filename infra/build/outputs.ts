import { CfnOutput } from 'aws-cdk-lib';
import type { SupervisionStack } from '../supervision-stack.ts';

/** The stack's outputs: what operators, the CLI and the edge stack read after a deploy. */
export function buildOutputs(stack: SupervisionStack, surveyBaseUrl: string): void {
  new CfnOutput(stack, 'ApiDomain', {
    value: `${stack.surveyApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
    description:
      'Domain of the HTTP API: the origin of the edge stack (npx cdk deploy <stack>-Edge --parameters ApiDomain=<this>).',
  });
  new CfnOutput(stack, 'TableName', {
    value: stack.table.tableName,
    description: 'DynamoDB table holding campaigns, rosters, assignments, responses and scores.',
  });
  new CfnOutput(stack, 'StateMachineArn', {
    value: stack.stateMachine.stateMachineArn,
    description: 'Campaign workflow; start one execution per campaign, named by the campaign id.',
  });
  new CfnOutput(stack, 'SurveyApiUrl', {
    value: surveyBaseUrl,
    description: 'Base URL of the survey links (/s/{token}) and rectification links (/r/{token}).',
  });
  new CfnOutput(stack, 'AlarmTopicArn', {
    value: stack.alarmTopic.topicArn,
    description: 'SNS topic receiving every alarm; subscribe the operators to it.',
  });
  new CfnOutput(stack, 'ConfigurationSetName', {
    value: stack.configurationSet.configurationSetName,
    description:
      'SES configuration set used for every email. The sender is not created by this stack: verify it, or its domain, in SES in this region (and leave the SES sandbox) before launching a campaign.',
  });
  new CfnOutput(stack, 'ConsoleUrl', {
    value: `${surveyBaseUrl}/console`,
    description: "The organizer console: sign in with an account of the console's user pool.",
  });
  new CfnOutput(stack, 'ConsoleUserPoolId', {
    value: stack.consoleUserPool.userPoolId,
    description:
      "User pool of the organizer console; add accounts to city-organizer, district-coordinator or leader (a coordinator's custom:district names their district).",
  });
  new CfnOutput(stack, 'ConsoleUserPoolClientId', {
    value: stack.consoleUserPoolClient.userPoolClientId,
    description: 'App client the console signs in with (USER_PASSWORD_AUTH or SRP, no secret).',
  });
  new CfnOutput(stack, 'LinkSecretArn', {
    value: stack.linkSecret.secretArn,
    description: 'Secrets Manager secret that derives the survey links; do not rotate it while a campaign is open.',
  });
}
