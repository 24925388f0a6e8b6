import middy from '@middy/core';
import { parseEvent } from './adapters/middleware.ts';
import { store } from './adapters/table.ts';
import { CenterScoreAccumulator } from './core/scoring.ts';
import { CampaignTaskInput } from './core/workflow-contract.ts';

/** What Score reports. */
export interface ScoreResult {
  centers: number;
  scored: number;
  responses: number;
}

/** Score: streams every latest response once, page by page, and writes every center's score. */
export const scoreCampaign = async ({ campaignId }: CampaignTaskInput): Promise<ScoreResult> => {
  const [questionnaire, centers] = await Promise.all([store.getQuestionnaire(campaignId), store.getCenters(campaignId)]);
  const accumulator = new CenterScoreAccumulator(questionnaire, [...centers.values()], campaignId);
  let responses = 0;
  for await (const page of store.streamResponses(campaignId)) {
    for (const response of page) accumulator.add(response);
    responses += page.length;
  }
  const scores = accumulator.finish();
  await store.putScores(campaignId, scores);
  await store.setStatus(campaignId, 'scored');
  return { centers: scores.length, scored: scores.filter((s) => s.score !== null).length, responses };
};

/** Lambda entry point of the Score state. */
export const handler = middy<CampaignTaskInput, ScoreResult>()
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => scoreCampaign(event));
