import type { Center } from '../core/model.ts';
import type { CampaignScoringSummary } from '../core/scoring/records.ts';
import { store } from './table.ts';

/**
 * Reads kept per container, by key, for `ttlMs` (for good by default). Concurrent callers share one
 * read; a read that fails is forgotten, so the next call reads again.
 */
export const containerCache = <T>(ttlMs = Number.POSITIVE_INFINITY) => {
  const entries = new Map<string, { readAt: number; value: Promise<T> }>();
  return (key: string, load: () => Promise<T>): Promise<T> => {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && now - hit.readAt < ttlMs) return hit.value;
    const entry = { readAt: now, value: load() };
    entries.set(key, entry);
    entry.value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return entry.value;
  };
};

// Centers never change after Prepare; Score writes the scoring summary once.
const centerCache = containerCache<Map<string, Center>>();
const summaryCache = containerCache<CampaignScoringSummary | undefined>();

/** The campaign's centers, read once per container (they never change after Prepare). */
export const centersOf = (campaignId: string) => centerCache(campaignId, () => store.rosters.getCenters(campaignId));

/** The campaign's scoring summary, read once per container (Score writes it once). */
export const summaryOf = (campaignId: string) =>
  summaryCache(campaignId, () => store.scores.getScoringSummary(campaignId));
