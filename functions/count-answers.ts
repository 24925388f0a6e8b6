import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod';
import { ANSWER_STREAM } from './adapters/answer-stream.ts';
import { logger, withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { wakeCollect } from './adapters/workflow.ts';
import { allAnswered } from './core/campaign/progress.ts';
import { CampaignNotFound } from './core/errors.ts';

/** The part of a newly created response item the counter reads. */
const NewResponse = z.object({
  SK: z.string().startsWith(ANSWER_STREAM.sortKeyPrefix),
  campaignId: z.string().min(1),
  assignmentId: z.string().min(1),
  supervisorId: z.string().min(1),
  // The first version's time is when the assignment was answered.
  history: z.tuple([z.object({ submittedAt: z.iso.datetime({ offset: true }) })], z.unknown()),
});
type NewResponse = z.infer<typeof NewResponse>;

/** What one batch changed. */
export interface CountAnswersResult {
  /** First answers marked and counted now. */
  counted: number;
  /** First answers counted before (a batch delivered again). */
  alreadyCounted: number;
  /** Records that are not a response's creation (logged and skipped: they can never be counted). */
  skipped: number;
  /** Campaigns whose workflow was woken because every assignment is now answered. */
  woken: number;
}

/** Assignments counted side by side within a batch. */
const PARALLEL = 16;

const newResponseOf = (record: DynamoDBRecord): NewResponse | undefined => {
  if (record.eventName !== ANSWER_STREAM.eventName || !record.dynamodb?.NewImage) return undefined;
  const parsed = NewResponse.safeParse(
    unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>, { wrapNumbers: false }),
  );
  return parsed.success ? parsed.data : undefined;
};

/**
 * CountAnswers: takes the table's stream of newly created responses (an assignment's first answer;
 * the stream's filter drops everything else), marks each assignment answered with the time of its
 * first version and counts it once on the campaign (the mark guards the count, so a batch delivered
 * twice counts nothing twice), then wakes the campaign's Collect task when every assignment is
 * answered. Submitting an answer is therefore one write; counting follows within about a second.
 * Throttling or an outage fails the batch, which the event source mapping delivers again.
 */
export const countAnswers = async (event: DynamoDBStreamEvent): Promise<CountAnswersResult> => {
  const result: CountAnswersResult = { counted: 0, alreadyCounted: 0, skipped: 0, woken: 0 };
  const answers: NewResponse[] = [];
  for (const record of event.Records) {
    const answer = newResponseOf(record);
    if (answer) answers.push(answer);
    else {
      result.skipped++;
      logger.error('stream record is not a new response; skipped', {
        eventId: record.eventID,
        eventName: record.eventName,
      });
    }
  }
  // Campaigns touched by this batch: each is checked for completion once, after all its marks.
  const campaigns = new Set<string>();
  let next = 0;
  // After a failure no new answer is started, and the batch fails only once those under way are done:
  // no work of this delivery may still run (and take a mark back) while the next delivery counts.
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let answer = answers[next++]; answer && !failure; answer = answers[next++]) {
      const assignment = { campaignId: answer.campaignId, supervisorId: answer.supervisorId, id: answer.assignmentId };
      let count: number | undefined;
      try {
        count = await store.assignments.markAnswered(assignment, answer.history[0].submittedAt);
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (count === undefined) result.alreadyCounted++;
      else result.counted++;
      campaigns.add(answer.campaignId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, answers.length) }, worker));
  if (failure) throw failure.error;

  // The task token changes with each wait, so it is read afresh, once per campaign and batch. A batch
  // delivered again checks too: its first delivery may have failed between counting and waking.
  for (const campaignId of campaigns) {
    const meta = await store.campaigns.getMeta(campaignId).catch((error: unknown) => {
      if (error instanceof CampaignNotFound) return undefined;
      throw error;
    });
    if (!meta) continue;
    if (meta.status === 'open' && allAnswered(meta) && meta.taskToken) {
      await wakeCollect(meta.taskToken, { reason: 'complete', at: new Date().toISOString() });
      result.woken++;
    }
  }
  // Per batch, so at debug level (POWERTOOLS_LOG_LEVEL=DEBUG); skipped records are logged as errors above.
  logger.debug('answers counted', { ...result });
  return result;
};

/** Lambda entry point of the table stream's event source mapping (first answers only). */
export const handler = middy<DynamoDBStreamEvent, CountAnswersResult>()
  .use(withLambdaContext())
  .handler((event) => countAnswers(event));
