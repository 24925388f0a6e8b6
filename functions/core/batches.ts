import type { MailBatch } from './workflow-contract.ts';

/**
 * Most recipients in one Map iteration: at a quarter of a 14/s account rate, 100 emails take about
 * 30 s, well inside the function's time; fewer, larger batches keep state transitions low.
 */
export const MAX_BATCH_SIZE = 100;

/**
 * Splits sorted ids into batches (ranges of ids) for a Map that runs `lanes` iterations at once. Each iteration sends at
 * 1/lanes of the SES rate, so the batches are equal in size and their number a multiple of `lanes`:
 * every lane stays busy to the end instead of a last half-empty wave sending at a fraction of the rate.
 */
export const planBatches = (unsorted: readonly string[], lanes: number, maxSize = MAX_BATCH_SIZE): MailBatch[] => {
  const ids = [...unsorted].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (ids.length === 0) return [];
  let count = Math.ceil(ids.length / maxSize);
  if (ids.length >= lanes) count = Math.ceil(count / lanes) * lanes;
  const batches: MailBatch[] = [];
  // Sizes differ by at most one: the first `extra` batches take one more id.
  const base = Math.floor(ids.length / count);
  const extra = ids.length % count;
  let start = 0;
  for (let index = 0; index < count; index++) {
    const size = base + (index < extra ? 1 : 0);
    batches.push({ index, first: ids[start] ?? '', last: ids[start + size - 1] ?? '', count: size });
    start += size;
  }
  return batches;
};

/** The ids of a batch among a sorted list of candidates. */
export const idsInBatch = (sortedIds: readonly string[], batch: Pick<MailBatch, 'first' | 'last'>): string[] =>
  sortedIds.filter((id) => id >= batch.first && id <= batch.last);
