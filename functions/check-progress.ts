import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { decideProgress } from './core/campaign/progress.ts';
import { CampaignTaskInput, type ProgressDecision } from './core/campaign/workflow-contract.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/** CheckProgress: reads the campaign's counters and decides remind / wait / close. */
export const checkProgress = async ({ campaignId }: CampaignTaskInput): Promise<ProgressDecision> => {
  const meta = await store.campaigns.getMeta(campaignId);
  return decideProgress({
    now: new Date(),
    reminders: meta.campaign.schedule.reminders,
    deadline: meta.deadline,
    remindersSent: meta.remindersSent,
    answered: meta.answered,
    total: meta.total,
    closeRequested: meta.closeRequested === true || meta.status !== 'open',
  });
};

/** Lambda entry point of the CheckProgress state. */
export const handler = middy<CampaignTaskInput, ProgressDecision>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => checkProgress(event));
