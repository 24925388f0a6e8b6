import type { MailBatch } from './workflow-contract.ts';

/** Most recipients in one Map iteration: it must finish well inside a Lambda's time at the SES rate. */
export const MAX_BATCH_SIZE = 50;

/**
 * Splits ids into batches for a Map that runs `lanes` iterations at once. Each iteration sends at
 * 1/lanes of the SES rate, so the batches are equal in size and their number a multiple of `lanes`:
 * every lane stays busy to the end instead of a last half-empty wave sending at a fraction of the rate.
 */
export const planBatches = (ids: readonly string[], lanes: number, maxSize = MAX_BATCH_SIZE): MailBatch[] => {
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
    batches.push({ index, ids: ids.slice(start, start + size) });
    start += size;
  }
  return batches;
};
