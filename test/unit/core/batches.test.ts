import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idsInBatch, MAX_BATCH_SIZE, planBatches } from '../../../functions/core/batches.ts';
import { MAIL_MAP_CONCURRENCY } from '../../../functions/core/workflow-contract.ts';

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
