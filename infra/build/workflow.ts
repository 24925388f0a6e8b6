import { fileURLToPath } from 'node:url';
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { WORKFLOW_FUNCTIONS } from '../../functions/core/campaign/workflow-contract.ts';
import { acknowledgeFinding, acknowledgeWildcardResource } from '../nag.ts';
import type { SupervisionFunction } from '../supervision-function.ts';
import type { WorkflowHandlerName } from './workflow-tasks.ts';

/** The one workflow definition, shared with the local runner. */
export const WORKFLOW_FILE = fileURLToPath(new URL('../../workflows/campaign.asl.json', import.meta.url));

/** The campaign workflow's name and ARN, known before it exists so its functions can hold them. */
export interface WorkflowIdentity {
  readonly name: string;
  readonly arn: string;
}

/** Names the stack's workflow `<stack name>-Campaign` and formats its ARN. */
export function nameWorkflow(scope: Construct): WorkflowIdentity {
  const stack = Stack.of(scope);
  const name = `${stack.stackName}-Campaign`;
  const arn = stack.formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return { name, arn };
}

/** What the state machine is built from. */
export interface WorkflowSources {
  readonly identity: WorkflowIdentity;
  readonly taskFunctions: Readonly<Record<WorkflowHandlerName, SupervisionFunction>>;
  readonly logRetention: RetentionDays;
}

/**
 * The campaign workflow from `workflows/campaign.asl.json`, its placeholders replaced by the task
 * functions' ARNs; logged without execution data, traced, and allowed to run its Distributed Map.
 */
export function buildWorkflow(scope: Construct, sources: WorkflowSources): StateMachine {
  const stateMachineName = sources.identity.name;
  const logGroup = new LogGroup(scope, 'WorkflowLogs', {
    // The vendedlogs prefix keeps the CloudWatch Logs resource policy small.
    logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
    retention: sources.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const substitutions = Object.entries(WORKFLOW_FUNCTIONS).map(
    ([placeholder, handlerName]) => [placeholder, sources.taskFunctions[handlerName].functionArn] as const,
  );
  const stateMachine = new StateMachine(scope, 'CampaignWorkflow', {
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
  allowMapRuns(stateMachine, sources.identity);
  acknowledgeFinding(
    stateMachine.role,
    'AwsSolutions-IAM5[Resource::*]',
    'Log delivery (logs:CreateLogDelivery and related) and X-Ray tracing support no resource-level permissions.',
  );
  return stateMachine;
}

/** The Distributed Map runs its batches as child executions of this same state machine. */
function allowMapRuns(stateMachine: StateMachine, identity: WorkflowIdentity): void {
  const childExecutions = Stack.of(stateMachine).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${identity.name}/*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [identity.arn] }));
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
}
