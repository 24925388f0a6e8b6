import type { CampaignTable } from '../adapters/table/campaigns.ts';
import type { ScoreTable } from '../adapters/table/scores.ts';
import type { CenterScore } from '../core/scoring/records.ts';

/** How many campaigns of a series a center's trend shows at most: a year of months. */
export const SERIES_SHOWN = 12;

/** One campaign of a center's trend: the campaign, its month, and the center's score there if it was scored. */
export interface CenterSeriesPoint {
  campaignId: string;
  month: string;
  score: CenterScore | undefined;
  current: boolean;
}

/**
 * A center's score over the campaigns of its series up to the current one (the last `SERIES_SHOWN`,
 * oldest first): one Query of the series index, then each campaign's score of the center by key.
 * Campaigns not scored (yet) have none.
 */
export const loadCenterSeries = async (
  ports: { campaigns: Pick<CampaignTable, 'listSeries'>; scores: Pick<ScoreTable, 'getScores'> },
  campaign: { id: string; series: string; month: string },
  centerId: string,
): Promise<CenterSeriesPoint[]> => {
  const series = (await ports.campaigns.listSeries(campaign.series))
    .filter((c) => c.month < campaign.month || c.campaignId === campaign.id)
    .sort((a, b) => (a.month === b.month ? (a.campaignId < b.campaignId ? -1 : 1) : a.month < b.month ? -1 : 1))
    .slice(-SERIES_SHOWN);
  const scores = await Promise.all(series.map((c) => ports.scores.getScores(c.campaignId, [centerId])));
  return series.map((c, i) => ({
    campaignId: c.campaignId,
    month: c.month,
    score: scores[i]?.get(centerId),
    current: c.campaignId === campaign.id,
  }));
};
