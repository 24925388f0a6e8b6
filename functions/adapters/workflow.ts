import type { CampaignMeta } from '../core/campaign/lifecycle.ts';
import type { WakeSignal } from '../core/campaign/workflow-contract.ts';
import { loadSfnClient } from './clients/sfn.ts';
import type { Tables } from './table/tables.ts';

const STALE_TOKEN = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/**
 * Wakes the campaign's Collect task. A token that is stale (the task already timed out or was woken)
 * is not an error: the workflow re-checks progress on every wake-up anyway.
 */
export const wakeCollect = async (taskToken: string, signal: WakeSignal): Promise<'woken' | 'stale'> => {
  const [{ SendTaskSuccessCommand }, sfn] = await Promise.all([import('@aws-sdk/client-sfn'), loadSfnClient()]);
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(signal) }));
    return 'woken';
  } catch (error) {
    if (error instanceof Error && STALE_TOKEN.has(error.name)) return 'stale';
    throw error;
  }
};

/**
 * What every waiting state's function does (Collect, Review, FactCheck, SignOff): stores the task token on
 * the campaign so that whoever ends the wait can wake it, then wakes it at once when the wait is
 * over already (it ended while no token was stored). `over` reads the campaign after the token is
 * stored and says why the wait is over, or undefined.
 */
export const holdTaskToken = async (
  store: { campaigns: Pick<Tables['campaigns'], 'setTaskToken' | 'getMeta'> },
  input: { campaignId: string; taskToken: string; wakeAt: string },
  over: (meta: CampaignMeta) => WakeSignal['reason'] | undefined | Promise<WakeSignal['reason'] | undefined>,
): Promise<{ stored: true }> => {
  await store.campaigns.setTaskToken(input.campaignId, input.taskToken, input.wakeAt);
  const reason = await over(await store.campaigns.getMeta(input.campaignId));
  if (reason) await wakeCollect(input.taskToken, { reason, at: new Date().toISOString() });
  return { stored: true };
};
