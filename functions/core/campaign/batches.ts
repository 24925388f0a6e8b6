import { MAX_MAIL_BATCH, type MailBatch, type MailPlan } from './workflow-contract.ts';

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

/**
 * The most bytes a mail plan may take in the workflow's state: Step Functions refuses a state over
 * 256 KiB, and the plan shares it with the campaign's other results.
 */
export const MAIL_PLAN_BUDGET_BYTES = 200 * 1024;

/** Even batches of the largest size leave the plan over the state budget: the campaign is too large to plan. */
export class MailPlanTooLarge extends Error {
  override name = 'MailPlanTooLarge';
}

/** Bytes of a value as the workflow's state holds it (JSON, UTF-8). */
export const serializedBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;

/**
 * Plans one round of mail as {@link planBatches} does, within `budgetBytes` of workflow state: when
 * batches of {@link MAX_BATCH_SIZE} make the plan too large, batches grow (up to {@link MAX_MAIL_BATCH})
 * until it fits. Throws {@link MailPlanTooLarge}, naming the recipients and the limit, when even the
 * largest batches do not fit: the plan never silently exceeds the budget.
 */
export const planMailWithin = (
  plan: Pick<MailPlan, 'kind' | 'round'>,
  ids: readonly string[],
  lanes: number,
  budgetBytes = MAIL_PLAN_BUDGET_BYTES,
): MailPlan => {
  let bytes = 0;
  for (let size = MAX_BATCH_SIZE; size <= MAX_MAIL_BATCH; size += MAX_BATCH_SIZE) {
    const planned: MailPlan = { ...plan, recipients: ids.length, batches: planBatches(ids, lanes, size) };
    bytes = serializedBytes(planned);
    if (bytes <= budgetBytes) return planned;
  }
  throw new MailPlanTooLarge(
    `the ${plan.kind} plan for ${ids.length} recipients takes ${bytes} bytes of workflow state even in batches of ${MAX_MAIL_BATCH}, over the limit of ${budgetBytes} bytes (Step Functions holds at most 256 KiB of state)`,
  );
};
