import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { CampaignTaskInput } from './core/campaign/workflow-contract.ts';
import { CampaignNotFound, CampaignStateConflict } from './core/errors.ts';
import type { Campaign, Questionnaire } from './core/model.ts';
import { CenterScoreAccumulator } from './core/scoring/accumulate.ts';
import { METHODOLOGY_VERSION } from './core/scoring/options.ts';
import { normalizationChanges, type PreviousScores, previousCandidates } from './core/scoring/previous.ts';
import type { CenterExplanation } from './core/scoring/records.ts';
import { buildResultsViews, resultsRowOf } from './core/scoring/results-views.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/** What Score reports. */
export interface ScoreResult {
  centers: number;
  scored: number;
  responses: number;
  methodology: string;
}

/** Explanations written per batch, so that 20,000 of them never sit in memory at once. */
const EXPLANATION_CHUNK = 500;

/**
 * The latest earlier campaign of the series that was scored, for trends. Trends against it are
 * marked not comparable when it was scored by another method or an indicator's normalization changed;
 * a change within the same campaign year is also reported, as frontiers are meant to stay fixed for it.
 */
const findPrevious = async (
  campaign: Campaign,
  questionnaire: Questionnaire,
): Promise<{ previous?: PreviousScores; warnings: string[] }> => {
  const series = await store.campaigns.listSeries(campaign.series);
  for (const candidate of previousCandidates(series, { campaignId: campaign.id, month: campaign.month })) {
    let status: string;
    try {
      status = (await store.campaigns.getMeta(candidate.campaignId)).status;
    } catch (error) {
      if (error instanceof CampaignNotFound) continue;
      throw error;
    }
    if (status !== 'scored' && status !== 'published') continue;
    const [scores, before] = await Promise.all([
      store.scores.listScores(candidate.campaignId),
      store.rosters.getQuestionnaire(candidate.campaignId),
    ]);
    const changed = normalizationChanges(before, questionnaire);
    const methods = [...new Set(scores.map((s) => s.methodology))].filter((m) => m !== METHODOLOGY_VERSION);
    const warnings: string[] = [];
    if (changed.length > 0 && candidate.month.slice(0, 4) === campaign.month.slice(0, 4)) {
      warnings.push(
        `the normalization of ${changed.join(', ')} changed since ${candidate.campaignId} (${candidate.month}) within the campaign year; trends are marked not comparable`,
      );
    }
    if (methods.length > 0) {
      warnings.push(`${candidate.campaignId} was scored with ${methods.join(', ')}; trends are marked not comparable`);
    }
    return {
      previous: { campaignId: candidate.campaignId, scores, comparable: changed.length === 0 && methods.length === 0 },
      warnings,
    };
  }
  return { warnings: [] };
};

/**
 * Moves the campaign to scored. A late or re-run attempt may find it awaiting sign-off or published
 * already: the scores it wrote are the same ones, and the campaign stays where it is rather than going back.
 */
const markScored = async (campaignId: string): Promise<void> => {
  try {
    await store.campaigns.setStatus(campaignId, 'scored');
  } catch (error) {
    if (!(error instanceof CampaignStateConflict)) throw error;
    const { status } = await store.campaigns.getMeta(campaignId);
    if (status !== 'published' && status !== 'awaiting-sign-off') throw error;
  }
};

/**
 * Score: streams every latest response once, page by page, each page encoded into typed columns as it
 * is read; finishes every center's score with its interval, agreement, flags and trend; writes the
 * scores, the results page's views, each center's explanation, the raters' severities and the campaign
 * summary. Re-running it writes identical results.
 */
export const scoreCampaign = async ({ campaignId }: CampaignTaskInput): Promise<ScoreResult> => {
  const [meta, questionnaire, centers] = await Promise.all([
    store.campaigns.getMeta(campaignId),
    store.rosters.getQuestionnaire(campaignId),
    store.rosters.getCenters(campaignId),
  ]);
  const accumulator = new CenterScoreAccumulator(questionnaire, [...centers.values()], campaignId, {
    expectedResponses: meta.answered,
  });
  let responses = 0;
  for await (const page of store.responses.streamCountedResponses(campaignId)) {
    // Each page into columns as it is read; the parsed responses are dropped with the page.
    accumulator.addColumns(accumulator.encoder.encode(page));
    responses += page.length;
  }
  const { previous, warnings } = await findPrevious(meta.campaign, questionnaire);
  const result = accumulator.finish({}, previous);
  await store.scores.putScores(campaignId, result.scores);
  await store.scores.putResultsViews(
    campaignId,
    buildResultsViews(
      result.scores.flatMap((score) => {
        const center = centers.get(score.centerId);
        return center ? [resultsRowOf(center, score)] : [];
      }),
    ),
  );
  const ids = accumulator.centerIds;
  for (let i = 0; i < ids.length; i += EXPLANATION_CHUNK) {
    const chunk = ids.slice(i, i + EXPLANATION_CHUNK).flatMap((id): CenterExplanation[] => {
      const explanation = result.explain(id);
      return explanation ? [explanation] : [];
    });
    await store.scores.putExplanations(campaignId, chunk);
  }
  await store.scores.putRaterSeverities(campaignId, result.raters);
  await store.scores.putScoringSummary({ ...result.summary, warnings: [...result.summary.warnings, ...warnings] });
  await markScored(campaignId);
  return {
    centers: result.scores.length,
    scored: result.summary.scored,
    responses,
    methodology: result.summary.methodology,
  };
};

/** Lambda entry point of the Score state. */
export const handler = middy<CampaignTaskInput, ScoreResult>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => scoreCampaign(event));
