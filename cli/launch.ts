import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { hashDefinition } from '../functions/adapters/table/campaigns.ts';
import type { Tables } from '../functions/adapters/table/tables.ts';
import { CampaignExists } from '../functions/core/errors.ts';
import type { CampaignDefinition, CampaignStatus } from '../functions/core/model.ts';

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
  deps: { store: Tables; sfn: SFNClient; stateMachineArn: string },
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
    await deps.store.campaigns.createCampaign(definition, now);
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

/** What `launch` reports: the outcome, and for a repeat whether it was the same definition. */
export interface LaunchReport {
  outcome: LaunchOutcome;
  /** For a repeat: false when the stored campaign was launched from different files. */
  sameDefinition: boolean;
  /** For a repeat: the campaign's state. */
  status?: CampaignStatus;
}

/** Launches a checked definition on a target and finds out, for a repeat, whether it is the same campaign. */
export const launchDefinition = async (
  target: { store: Tables; sfn: SFNClient; stateMachineArn: string },
  definition: CampaignDefinition,
  now = new Date(),
): Promise<LaunchReport> => {
  const outcome = await launchCampaign(target, definition, now);
  if (outcome.outcome === 'started') return { outcome, sameDefinition: true };
  const meta = await target.store.campaigns.getMeta(definition.campaign.id);
  return { outcome, sameDefinition: meta.definitionHash === hashDefinition(definition), status: meta.status };
};
