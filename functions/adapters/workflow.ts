import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { WakeSignal } from '../core/workflow-contract.ts';
import { sfnClient } from './sfn.ts';

const STALE_TOKEN = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/**
 * Wakes the campaign's Collect task. A token that is stale (the task already timed out or was woken)
 * is not an error: the workflow re-checks progress on every wake-up anyway.
 */
export const wakeCollect = async (taskToken: string, signal: WakeSignal): Promise<'woken' | 'stale'> => {
  try {
    await sfnClient.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(signal) }));
    return 'woken';
  } catch (error) {
    if (error instanceof Error && STALE_TOKEN.has(error.name)) return 'stale';
    throw error;
  }
};
