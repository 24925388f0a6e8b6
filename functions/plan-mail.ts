import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { listOpenAssignments, prepareSummaries } from './app/publication.ts';
import { planMailWithin } from './core/campaign/batches.ts';
import { MAIL_MAP_CONCURRENCY, type MailPlan, PlanMailInput } from './core/campaign/workflow-contract.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/**
 * Plans one round of mail as batches of IDs, within the workflow's state budget (else `MailPlanTooLarge`): every assigned supervisor for invitations, supervisors
 * with unanswered assignments for reminders, every center for summaries (after recording the
 * campaign's findings: rectification items, re-check outcomes, comments).
 */
export const planMail = async ({ campaignId, kind, round }: PlanMailInput): Promise<MailPlan> => {
  let ids: string[];
  if (kind === 'summary') {
    // Every answer marked and the findings recorded before any summary is composed.
    await prepareSummaries(store, campaignId, new Date());
    ids = [...(await store.rosters.getCenters(campaignId)).keys()];
  } else if (kind === 'fact-check') {
    // The officials of centers with draft findings: the others have nothing to check.
    ids = [...new Set((await store.factCheck.listFactCheckItems(campaignId)).map((item) => item.centerId))];
  } else if (kind === 'city-summary') {
    ids = ['organizers'];
  } else if (kind === 'reminder') {
    ids = [...new Set((await listOpenAssignments(store, campaignId)).map((a) => a.supervisorId))];
    await store.campaigns.recordReminderRound(campaignId, round);
  } else {
    const everyone = new Set<string>();
    for await (const a of store.assignments.streamAssignments(campaignId)) everyone.add(a.supervisorId);
    ids = [...everyone];
  }
  ids.sort();
  // A province's plan must still fit the workflow's state: larger batches, or a clear failure.
  return planMailWithin({ kind, round }, ids, MAIL_MAP_CONCURRENCY);
};

/** Lambda entry point of PlanInvitations, PlanReminders and PlanSummaries. */
export const handler = middy<PlanMailInput, MailPlan>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(PlanMailInput))
  .handler((event) => planMail(event));
