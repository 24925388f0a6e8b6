import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  idsInBatch,
  MAIL_PLAN_BUDGET_BYTES,
  MAX_BATCH_SIZE,
  MailPlanTooLarge,
  planBatches,
  planMailWithin,
  serializedBytes,
} from '../../../functions/core/campaign/batches.ts';
import { MAIL_MAP_CONCURRENCY, MAX_MAIL_BATCH, MailPlan } from '../../../functions/core/campaign/workflow-contract.ts';

describe('planBatches', () => {
  it('covers every id exactly once, in equal batches whose number is a multiple of the lanes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 8 }), (n, lanes) => {
        // Prepare
        const ids = Array.from({ length: n }, (_, i) => `S${(i * 7919) % 10007}`);
        const sorted = [...ids].sort();
        // Act
        const batches = planBatches(ids, lanes);
        // Assess
        expect(batches.flatMap((b) => idsInBatch(sorted, b))).toEqual(sorted);
        expect(batches.map((b) => idsInBatch(sorted, b).length)).toEqual(batches.map((b) => b.count));
        expect(batches.map((b) => b.index)).toEqual(batches.map((_, i) => i));
        const sizes = batches.map((b) => b.count);
        if (n > 0) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(sizes.every((s) => s >= 1 && s <= MAX_BATCH_SIZE)).toBe(true);
        if (n >= lanes) expect(batches.length % lanes).toBe(0);
      }),
    );
  });

  it('uses the MaxConcurrency of the workflow file', () => {
    // Prepare
    const asl = readFileSync(new URL('../../../workflows/campaign.asl.json', import.meta.url), 'utf8');
    // Act
    const values = [...asl.matchAll(/"MaxConcurrency":\s*(\d+)/g)].map((m) => Number(m[1]));
    // Assess
    expect(values.length).toBeGreaterThan(0);
    expect(new Set(values)).toEqual(new Set([MAIL_MAP_CONCURRENCY]));
  });
});

/** `n` distinct ids of exactly `length` characters (1–64, as Id allows). */
const idsOf = (n: number, length: number): string[] =>
  Array.from({ length: n }, (_, i) => i.toString(36).padStart(length, 'S').slice(-length));

describe('planMailWithin', () => {
  it('keeps batches of 100 while the plan fits the state budget', () => {
    // Prepare
    const ids = idsOf(2_000, 12);
    // Act
    const plan = planMailWithin({ kind: 'invitation', round: 0 }, ids, MAIL_MAP_CONCURRENCY);
    // Assess
    expect(plan.recipients).toBe(2_000);
    expect(Math.max(...plan.batches.map((b) => b.count))).toBeLessThanOrEqual(MAX_BATCH_SIZE);
    expect(plan.batches.reduce((sum, b) => sum + b.count, 0)).toBe(2_000);
  });

  it('plans 150,000 recipients with the longest ids within the budget by using larger batches', () => {
    // Prepare: in batches of 100 these ids would take about 300 KB of state
    const ids = idsOf(150_000, 64);
    expect(serializedBytes(planBatches(ids, MAIL_MAP_CONCURRENCY))).toBeGreaterThan(MAIL_PLAN_BUDGET_BYTES);
    // Act
    const plan = planMailWithin({ kind: 'reminder', round: 1 }, ids, MAIL_MAP_CONCURRENCY);
    // Assess
    expect(serializedBytes(plan)).toBeLessThanOrEqual(MAIL_PLAN_BUDGET_BYTES);
    expect(Math.max(...plan.batches.map((b) => b.count))).toBeGreaterThan(MAX_BATCH_SIZE);
    expect(MailPlan.safeParse(plan).success).toBe(true);
    expect(plan.batches.reduce((sum, b) => sum + b.count, 0)).toBe(150_000);
  });

  it('fails with MailPlanTooLarge, naming the recipients and the limit, when even the largest batches do not fit', () => {
    // Prepare
    const ids = idsOf(150_000, 64);
    // Act
    const plan = () => planMailWithin({ kind: 'summary', round: 0 }, ids, MAIL_MAP_CONCURRENCY, 40 * 1024);
    // Assess
    expect(plan).toThrow(MailPlanTooLarge);
    expect(plan).toThrow(new RegExp(`150000 recipients.*batches of ${MAX_MAIL_BATCH}.*limit of ${40 * 1024} bytes`));
  });

  it('never returns a plan over the budget, whatever the recipients and id lengths', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000, max: 200_000 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 60, max: 220 }),
        (n, length, budgetKiB) => {
          // Prepare
          const ids = idsOf(n, Math.max(length, Math.ceil(Math.log(n) / Math.log(36))));
          const budget = budgetKiB * 1024;
          // Act
          let plan: MailPlan | undefined;
          let error: unknown;
          try {
            plan = planMailWithin({ kind: 'invitation', round: 0 }, ids, MAIL_MAP_CONCURRENCY, budget);
          } catch (e) {
            error = e;
          }
          // Assess
          if (plan) {
            expect(serializedBytes(plan)).toBeLessThanOrEqual(budget);
            expect(plan.batches.every((b) => b.count <= MAX_MAIL_BATCH)).toBe(true);
          } else expect(error).toBeInstanceOf(MailPlanTooLarge);
        },
      ),
      { numRuns: 12 },
    );
  });
});
