import middy from '@middy/core';
import { shardOf } from './adapters/keys.ts';
import { classifyErrors, parseEvent } from './adapters/middleware.ts';
import { preparePublication } from './adapters/publication.ts';
import { store } from './adapters/table.ts';
import { planBatches } from './core/batches.ts';
import { MAIL_MAP_CONCURRENCY, type MailPlan, PlanMailInput } from './core/workflow-contract.ts';

/**
 * Plans one round of mail as batches of IDs: every assigned supervisor for invitations, supervisors
 * with unanswered assignments for reminders, every center for summaries (after recording the
 * campaign's findings: rectification items, re-check outcomes, comments).
 */
export const planMail = async ({ campaignId, kind, round }: PlanMailInput): Promise<MailPlan> => {
  let ids: string[];
  if (kind === 'summary') {
    // Rectification items, re-check outcomes and comments must exist before any summary is composed.
    await preparePublication(store, campaignId, new Date());
    ids = [...(await store.getCenters(campaignId)).keys()];
  } else if (kind === 'city-summary') {
    ids = ['organizers'];
  } else {
    // An answer stored without its answered mark (counting it failed, and the supervisor then submitted
    // anew instead of retrying) is marked and counted here, once, instead of being reminded of.
    const firstAnswers = new Map<string, string>();
    if (kind === 'reminder') {
      for await (const { assignmentId, at } of store.streamFirstAnswers(campaignId)) firstAnswers.set(assignmentId, at);
    }
    const wanted = new Set<string>();
    for await (const a of store.streamAssignments(campaignId)) {
      if (kind === 'reminder' && a.answeredAt) continue;
      const answeredAt = firstAnswers.get(a.id);
      if (answeredAt === undefined) wanted.add(a.supervisorId);
      else await store.markAnswered({ ...a, shard: shardOf(a.supervisorId) }, answeredAt);
    }
    ids = [...wanted];
    if (kind === 'reminder') await store.recordReminderRound(campaignId, round);
  }
  ids.sort();
  return { kind, round, recipients: ids.length, batches: planBatches(ids, MAIL_MAP_CONCURRENCY) };
};

/** Lambda entry point of PlanInvitations, PlanReminders and PlanSummaries. */
export const handler = middy<PlanMailInput, MailPlan>()
  .use(classifyErrors())
  .use(parseEvent(PlanMailInput))
  .handler((event) => planMail(event));
