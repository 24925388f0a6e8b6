import type { Center } from '../core/model.ts';
import type { CampaignScoringSummary } from '../core/scoring.ts';
import { store } from './table.ts';

// Centers never change after Prepare: one read per container and campaign.
const centerCache = new Map<string, Promise<Map<string, Center>>>();
/** The campaign's centers, read once per container (they never change after Prepare). */
export const centersOf = (campaignId: string) => {
  let hit = centerCache.get(campaignId);
  if (!hit) {
    hit = store.getCenters(campaignId);
    centerCache.set(campaignId, hit);
    hit.catch(() => centerCache.delete(campaignId));
  }
  return hit;
};

// The scoring summary is written once by Score: one read per container and campaign.
const summaryCache = new Map<string, Promise<CampaignScoringSummary | undefined>>();
/** The campaign's scoring summary, read once per container (Score writes it once). */
export const summaryOf = (campaignId: string) => {
  let hit = summaryCache.get(campaignId);
  if (!hit) {
    hit = store.getScoringSummary(campaignId);
    summaryCache.set(campaignId, hit);
    hit.catch(() => summaryCache.delete(campaignId));
  }
  return hit;
};
