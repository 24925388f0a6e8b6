import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addUsage,
  CloudUsage,
  COST_SERVICES,
  emptyUsage,
  estimateCost,
  formatCostLines,
  formatUsd,
  isPricedRegion,
  lambdaGbSeconds,
  mergeUsage,
  PRICED_REGIONS,
  PRICES,
  PRICES_AS_OF,
  readUnits,
  writeUnits,
} from '../../../functions/core/campaign/aws-cost.ts';

/** One million of everything, so each service's price shows plainly. */
const aMillion = (): CloudUsage => ({
  lambda: { 'survey-api': { invocations: 1_000_000, gbSeconds: 1_000_000 } },
  dynamodb: { readRequestUnits: 1_000_000, writeRequestUnits: 1_000_000, calls: { GetItem: 1_000_000 } },
  stepFunctions: { stateTransitions: 1_000_000 },
  ses: { messages: 1_000_000, attachmentBytes: 1024 ** 3 },
  secretsManager: { apiCalls: 1_000_000 },
  kms: { requests: 1_000_000 },
});

describe('request units', () => {
  it('charges a strongly consistent read one unit per started 4 KB and an eventually consistent one half', () => {
    expect(readUnits(0, true)).toBe(1);
    expect(readUnits(4096, true)).toBe(1);
    expect(readUnits(4097, true)).toBe(2);
    expect(readUnits(100, false)).toBe(0.5);
    expect(readUnits(8192, false)).toBe(1);
  });

  it('charges a write one unit per started KB, at least one', () => {
    expect(writeUnits(0)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(3000)).toBe(3);
  });

  it('bills Lambda duration rounded up to the millisecond times memory in GB', () => {
    expect(lambdaGbSeconds(1024, 1000)).toBe(1);
    expect(lambdaGbSeconds(512, 0.2)).toBeCloseTo(0.0005, 12);
    expect(lambdaGbSeconds(128, 10.5)).toBeCloseTo(0.011 / 8, 12);
  });
});

describe('estimateCost', () => {
  it('prices each service at the region list price', () => {
    // Act
    const e = estimateCost(aMillion(), 'us-east-1');

    // Assess
    expect(e.services.lambda).toBeCloseTo(13.3334 + 0.2, 6);
    expect(e.services.dynamodb).toBeCloseTo(0.625 + 0.125, 9);
    expect(e.services.stepFunctions).toBeCloseTo(25, 9);
    expect(e.services.ses).toBeCloseTo(100 + 0.12, 9);
    expect(e.services.secretsManager).toBeCloseTo(5, 9);
    expect(e.services.kms).toBeCloseTo(3, 9);
    expect(e.total).toBeCloseTo(13.5334 + 0.75 + 25 + 100.12 + 5 + 3, 6);
    expect(e.pricesAsOf).toBe(PRICES_AS_OF);
    expect(e.perAssignment).toBeUndefined();
  });

  it('prices DynamoDB higher in Tokyo and Singapore than in N. Virginia', () => {
    const usage = aMillion();
    for (const region of ['ap-northeast-1', 'ap-southeast-1'] as const)
      expect(estimateCost(usage, region).services.dynamodb).toBeGreaterThan(
        estimateCost(usage, 'us-east-1').services.dynamodb,
      );
  });

  it('divides the total by the assignments, with and without SES', () => {
    // Act
    const e = estimateCost(aMillion(), 'ap-southeast-1', { assignments: 1000 });

    // Assess
    expect(e.perAssignment).toBeCloseTo(e.total / 1000, 12);
    expect(e.perAssignmentExcludingSes).toBeCloseTo((e.total - e.services.ses) / 1000, 12);
  });

  it('charges prorated secret-months on top of the API calls', () => {
    const usage = emptyUsage();
    expect(estimateCost(usage, 'us-east-1', { secretMonths: 0.5 }).services.secretsManager).toBeCloseTo(0.2, 12);
    expect(estimateCost(usage, 'us-east-1').total).toBe(0);
  });

  it('knows only the regions in its table', () => {
    expect(PRICED_REGIONS.every(isPricedRegion)).toBe(true);
    expect(isPricedRegion('cn-north-1')).toBe(false);
    for (const region of PRICED_REGIONS) expect(PRICES[region].name).not.toBe('');
  });
});

describe('usage', () => {
  it('adds usage function by function and action by action', () => {
    // Prepare
    const a = mergeUsage(emptyUsage(), {
      ...emptyUsage(),
      lambda: { prepare: { invocations: 1, gbSeconds: 0.5 } },
      dynamodb: { readRequestUnits: 1, writeRequestUnits: 2, calls: { Query: 1 } },
    });
    const b: CloudUsage = {
      ...emptyUsage(),
      lambda: { prepare: { invocations: 2, gbSeconds: 1 }, 'send-mail': { invocations: 1, gbSeconds: 0.25 } },
      dynamodb: { readRequestUnits: 0.5, writeRequestUnits: 0, calls: { Query: 2, PutItem: 1 } },
    };

    // Act
    const sum = addUsage(a, b);

    // Assess
    expect(sum.lambda).toEqual({
      prepare: { invocations: 3, gbSeconds: 1.5 },
      'send-mail': { invocations: 1, gbSeconds: 0.25 },
    });
    expect(sum.dynamodb).toEqual({ readRequestUnits: 1.5, writeRequestUnits: 2, calls: { Query: 3, PutItem: 1 } });
  });

  it('reads back a stored usage and refuses negative counts', () => {
    expect(CloudUsage.parse(JSON.parse(JSON.stringify(aMillion())))).toEqual(aMillion());
    const bad = { ...aMillion(), kms: { requests: -1 } };
    expect(CloudUsage.safeParse(bad).success).toBe(false);
  });
});

describe('formatCostLines', () => {
  it('heads with the region, the price date, the total and the breakdown, and says what is left out', () => {
    // Act
    const lines = formatCostLines(estimateCost(aMillion(), 'us-east-1', { assignments: 100 }), 'en');

    // Assess
    expect(lines[0]).toMatch(
      new RegExp(
        `^AWS cost estimate \\(us-east-1, prices of ${PRICES_AS_OF}\\): \\$\\d+\\.\\d+ — lambda \\$13\\.5334 · dynamodb \\$0\\.7500 · sfn \\$25\\.0000 · ses \\$100\\.12 · secrets \\$5\\.0000 · kms \\$3\\.0000$`,
      ),
    );
    expect(lines[1]).toMatch(/^per assignment \$1\.\d{4} \(excl\. ses \$0\.\d{4}; 100 assignments\)$/);
    expect(lines[2]).toContain('excl. free tier');
    expect(lines[2]).toContain(PRICES_AS_OF);
  });

  it('speaks Chinese when asked', () => {
    const lines = formatCostLines(estimateCost(emptyUsage(), 'ap-northeast-1'), 'zh');
    expect(lines[0]).toBe(
      `AWS 费用估算（ap-northeast-1，${PRICES_AS_OF} 价格）：$0 — lambda $0 · dynamodb $0 · sfn $0 · ses $0 · secrets $0 · kms $0`,
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('免费额度');
  });

  it('keeps a fraction of a cent visible', () => {
    expect(formatUsd(0.000041234)).toBe('$0.000041');
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(1234.5)).toBe('$1234.50');
  });
});

const count = fc.integer({ min: 0, max: 10_000_000 });
const units = fc.integer({ min: 0, max: 20_000_000 }).map((n) => n / 2);
const usageArb: fc.Arbitrary<CloudUsage> = fc.record({
  lambda: fc.dictionary(
    fc.constantFrom('prepare', 'send-mail', 'survey-api', 'score-campaign'),
    fc.record({ invocations: count, gbSeconds: fc.double({ min: 0, max: 1e6, noNaN: true }) }),
  ),
  dynamodb: fc.record({
    readRequestUnits: units,
    writeRequestUnits: units,
    calls: fc.dictionary(fc.constantFrom('GetItem', 'Query', 'PutItem'), count),
  }),
  stepFunctions: fc.record({ stateTransitions: count }),
  ses: fc.record({ messages: count, attachmentBytes: count }),
  secretsManager: fc.record({ apiCalls: count }),
  kms: fc.record({ requests: count }),
});
const regionArb = fc.constantFrom(...PRICED_REGIONS);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe('estimateCost properties', () => {
  it('is additive over merged usage, service by service', () => {
    fc.assert(
      fc.property(usageArb, usageArb, regionArb, (a, b, region) => {
        const merged = estimateCost(mergeUsage(a, b), region);
        const ea = estimateCost(a, region);
        const eb = estimateCost(b, region);
        expect(close(merged.total, ea.total + eb.total)).toBe(true);
        for (const s of COST_SERVICES) expect(close(merged.services[s], ea.services[s] + eb.services[s])).toBe(true);
      }),
    );
  });

  it('is never negative and never falls when usage grows', () => {
    fc.assert(
      fc.property(usageArb, usageArb, regionArb, (a, b, region) => {
        const before = estimateCost(a, region);
        const after = estimateCost(addUsage(a, b), region);
        expect(before.total).toBeGreaterThanOrEqual(0);
        for (const s of COST_SERVICES) {
          expect(before.services[s]).toBeGreaterThanOrEqual(0);
          expect(after.services[s]).toBeGreaterThanOrEqual(before.services[s] * (1 - 1e-12));
        }
        expect(after.total).toBeGreaterThanOrEqual(before.total * (1 - 1e-12));
      }),
    );
  });
});
