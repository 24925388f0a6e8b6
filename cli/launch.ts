import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { CampaignDefinition } from '../functions/core/model.ts';
import { CampaignExists, type CampaignStore } from '../functions/adapters/store.ts';

/** What a launch did. */
export type LaunchOutcome =
  | { outcome: 'started'; executionArn: string }
  | { outcome: 'already-launched'; executionArn: string; status: string };

/** The execution ARN for a campaign: executions are named by campaign id. */
export const executionArnOf = (stateMachineArn: string, campaignId: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${campaignId}`;

/**
 * Launches a campaign: stores the definition as a draft, then starts the execution named by the
 * campaign id. Launching the same campaign again starts nothing and says so.
 */
export const launchCampaign = async (
  deps: { store: CampaignStore; sfn: SFNClient; stateMachineArn: string },
  definition: CampaignDefinition,
  now = new Date(),
): Promise<LaunchOutcome> => {
  const campaignId = definition.campaign.id;
  const executionArn = executionArnOf(deps.stateMachineArn, campaignId);
  const alreadyLaunched = async (): Promise<LaunchOutcome> => {
    const out = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return { outcome: 'already-launched', executionArn, status: out.status ?? 'UNKNOWN' };
  };
  try {
    await deps.store.createCampaign(definition, now);
  } catch (error) {
    if (error instanceof CampaignExists) {
      try {
        return await alreadyLaunched();
      } catch (e) {
        if (e instanceof Error && e.name === 'ExecutionDoesNotExist') {
          // Stored by an earlier launch that stopped before starting the workflow: start it now.
        } else throw e;
      }
    } else throw error;
  }
  try {
    const out = await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.stateMachineArn,
        name: campaignId,
        input: JSON.stringify({ campaignId }),
      }),
    );
    return { outcome: 'started', executionArn: out.executionArn ?? executionArn };
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return alreadyLaunched();
    throw error;
  }
};
