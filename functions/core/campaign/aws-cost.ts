import * as z from 'zod';
import type { Lang } from '../i18n.ts';
import { lazySchema } from '../lazy-schema.ts';

/**
 * What a campaign would cost on AWS: the billable quantities the embedded cloud counted while it ran
 * the campaign, priced with AWS's published on-demand list prices for a region. Pure: the counting
 * lives in local/usage-meter.ts, the reading in the store.
 */

const Count = lazySchema(() => z.number().int().nonnegative());
const Amount = lazySchema(() => z.number().nonnegative());

/** One function's billable use: requests and GB-seconds (billed duration, rounded up to 1 ms, × memory in GB). */
export const LambdaUsage = lazySchema(() => z.object({ invocations: Count, gbSeconds: Amount }));
export type LambdaUsage = z.infer<typeof LambdaUsage>;

/** Counted billable quantities of every priced service; read back from the table, hence a schema. */
export const CloudUsage = lazySchema(() =>
  z.object({
    /** By function name. */
    lambda: z.record(z.string(), LambdaUsage),
    /** On-demand request units (halves appear: an eventually consistent read of ≤ 4 KB is 0.5 RRU). */
    dynamodb: z.object({
      readRequestUnits: Amount,
      writeRequestUnits: Amount,
      /** Calls by API action (GetItem, Query…), for reading the units, not for pricing. */
      calls: z.record(z.string(), Count).default({}),
    }),
    stepFunctions: z.object({ stateTransitions: Count }),
    ses: z.object({ messages: Count, attachmentBytes: Count }),
    secretsManager: z.object({ apiCalls: Count }),
    kms: z.object({ requests: Count }),
  }),
);
export type CloudUsage = z.infer<typeof CloudUsage>;

/** Usage with nothing counted. */
export const emptyUsage = (): CloudUsage => ({
  lambda: {},
  dynamodb: { readRequestUnits: 0, writeRequestUnits: 0, calls: {} },
  stepFunctions: { stateTransitions: 0 },
  ses: { messages: 0, attachmentBytes: 0 },
  secretsManager: { apiCalls: 0 },
  kms: { requests: 0 },
});

const addRecords = <T>(a: Record<string, T>, b: Record<string, T>, add: (x: T, y: T) => T): Record<string, T> => {
  const out: Record<string, T> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    out[key] = mine === undefined ? value : add(mine, value);
  }
  return out;
};

/** The sum of two usages, service by service and function by function. */
export const addUsage = (a: CloudUsage, b: CloudUsage): CloudUsage => ({
  lambda: addRecords(a.lambda, b.lambda, (x, y) => ({
    invocations: x.invocations + y.invocations,
    gbSeconds: x.gbSeconds + y.gbSeconds,
  })),
  dynamodb: {
    readRequestUnits: a.dynamodb.readRequestUnits + b.dynamodb.readRequestUnits,
    writeRequestUnits: a.dynamodb.writeRequestUnits + b.dynamodb.writeRequestUnits,
    calls: addRecords(a.dynamodb.calls, b.dynamodb.calls, (x, y) => x + y),
  },
  stepFunctions: { stateTransitions: a.stepFunctions.stateTransitions + b.stepFunctions.stateTransitions },
  ses: { messages: a.ses.messages + b.ses.messages, attachmentBytes: a.ses.attachmentBytes + b.ses.attachmentBytes },
  secretsManager: { apiCalls: a.secretsManager.apiCalls + b.secretsManager.apiCalls },
  kms: { requests: a.kms.requests + b.kms.requests },
});

/** The sum of any number of usages (empty usage for none). */
export const mergeUsage = (...usages: readonly CloudUsage[]): CloudUsage => usages.reduce(addUsage, emptyUsage());

/**
 * GB-seconds Lambda bills for one invocation: the duration rounded up to the next millisecond, times
 * the configured memory in GB (1 GB = 1,024 MB, as Lambda counts it).
 */
export const lambdaGbSeconds = (memoryMb: number, durationMs: number): number =>
  (Math.ceil(Math.max(0, durationMs)) / 1000) * (memoryMb / 1024);

/**
 * On-demand read request units of one read returning `bytes` (for a Query or Scan, the summed size of the
 * items read): 1 per started 4 KB strongly consistent, half that eventually consistent, at least one
 * 4 KB step even for nothing found. A transactional read is twice the strongly consistent figure.
 */
export const readUnits = (bytes: number, consistent: boolean): number =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/**
 * On-demand write request units of one item write of `bytes` (for an update, the larger of the item
 * before and after): 1 per started KB, at least 1. A transactional write is twice this.
 */
export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

/** Regions with a price row: us-east-1 and the SES + Cognito regions nearest Chinese cities. */
export const PRICED_REGIONS = ['us-east-1', 'ap-northeast-1', 'ap-southeast-1'] as const;
export type PricedRegion = (typeof PRICED_REGIONS)[number];

/** True when the region has a row in the price table. */
export const isPricedRegion = (region: string): region is PricedRegion =>
  (PRICED_REGIONS as readonly string[]).includes(region);

/** The region to price a deployment in: its own when the table has it, else us-east-1 as the baseline. */
export const pricingRegion = (region: string | undefined): PricedRegion =>
  region !== undefined && isPricedRegion(region) ? region : 'us-east-1';

/** On-demand list prices of one region in USD, first (smallest) usage tier. */
export interface RegionPrices {
  /** The region's name on the pricing pages. */
  name: string;
  /** Lambda, Arm (arm64), per GB-second, first tier (first 7.5 billion GB-s a month). */
  lambdaArmPerGbSecond: number;
  lambdaPerMillionRequests: number;
  /** DynamoDB on-demand, Standard table class. */
  dynamodbPerMillionWriteUnits: number;
  dynamodbPerMillionReadUnits: number;
  /** Step Functions Standard workflows. */
  stepFunctionsPerThousandTransitions: number;
  /** SES outbound email sent from outside EC2, and attachment data. */
  sesPerThousandMessages: number;
  sesPerAttachmentGb: number;
  secretsManagerPerTenThousandCalls: number;
  secretsManagerPerSecretMonth: number;
  /** KMS symmetric key requests. */
  kmsPerTenThousandRequests: number;
}

/**
 * The date the price table was compiled, from AWS's published on-demand list prices as known then (the
 * pages below; they were not fetched when compiling, and only the Step Functions figure was checked
 * against a copy of its page). AWS changes them (DynamoDB on-demand halved on 2024-11-01): re-read the
 * pages before quoting an estimate.
 */
export const PRICES_AS_OF = '2026-12-06';

/** The pages the prices come from (aws.amazon.com/<service>/pricing/). */
export const PRICE_SOURCES: readonly { page: string; url: string }[] = [
  { page: 'AWS Lambda Pricing', url: 'https://aws.amazon.com/lambda/pricing/' },
  { page: 'Amazon DynamoDB Pricing for On-Demand Capacity', url: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  { page: 'AWS Step Functions Pricing', url: 'https://aws.amazon.com/step-functions/pricing/' },
  { page: 'Amazon SES Pricing', url: 'https://aws.amazon.com/ses/pricing/' },
  { page: 'AWS Secrets Manager Pricing', url: 'https://aws.amazon.com/secrets-manager/pricing/' },
  { page: 'AWS Key Management Service Pricing', url: 'https://aws.amazon.com/kms/pricing/' },
];

/** Prices that do not differ between the three regions. */
const SAME_EVERYWHERE = {
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  stepFunctionsPerThousandTransitions: 0.025,
  sesPerThousandMessages: 0.1,
  sesPerAttachmentGb: 0.12,
  secretsManagerPerTenThousandCalls: 0.05,
  secretsManagerPerSecretMonth: 0.4,
  kmsPerTenThousandRequests: 0.03,
} as const;

/**
 * On-demand list prices by region, as of PRICES_AS_OF; free tiers excluded (an estimate is what the
 * usage costs once they are spent, as in an account that runs anything else).
 */
export const PRICES: Readonly<Record<PricedRegion, RegionPrices>> = {
  'us-east-1': {
    name: 'US East (N. Virginia)',
    ...SAME_EVERYWHERE,
    dynamodbPerMillionWriteUnits: 0.625,
    dynamodbPerMillionReadUnits: 0.125,
  },
  'ap-northeast-1': {
    name: 'Asia Pacific (Tokyo)',
    ...SAME_EVERYWHERE,
    dynamodbPerMillionWriteUnits: 0.7135,
    dynamodbPerMillionReadUnits: 0.1427,
  },
  'ap-southeast-1': {
    name: 'Asia Pacific (Singapore)',
    ...SAME_EVERYWHERE,
    dynamodbPerMillionWriteUnits: 0.7135,
    dynamodbPerMillionReadUnits: 0.1427,
  },
};

/** Priced services, in the order the breakdown lists them. */
export const COST_SERVICES = ['lambda', 'dynamodb', 'stepFunctions', 'ses', 'secretsManager', 'kms'] as const;
export type CostService = (typeof COST_SERVICES)[number];

/** A usage priced for one region: USD by service, the total, and per assignment when known. */
export interface CostEstimate {
  region: PricedRegion;
  pricesAsOf: string;
  services: Record<CostService, number>;
  total: number;
  assignments?: number;
  perAssignment?: number;
  /** Per assignment without SES: what the workflow, storage and pages cost apart from the mail. */
  perAssignmentExcludingSes?: number;
}

/** What the estimate charges besides the counted usage. */
export interface EstimateOptions {
  /** Assignments of the campaign, for the cost per assignment. */
  assignments?: number;
  /** Secret-months to charge (the stack's link secret prorated over the campaigns of its month). @default 0 */
  secretMonths?: number;
}

const GB = 1024 ** 3;

/** Prices a usage at a region's on-demand list prices (free tier excluded). */
export const estimateCost = (usage: CloudUsage, region: PricedRegion, options: EstimateOptions = {}): CostEstimate => {
  const p = PRICES[region];
  const fns = Object.values(usage.lambda);
  const invocations = fns.reduce((sum, f) => sum + f.invocations, 0);
  const gbSeconds = fns.reduce((sum, f) => sum + f.gbSeconds, 0);
  const services: Record<CostService, number> = {
    lambda: gbSeconds * p.lambdaArmPerGbSecond + (invocations / 1e6) * p.lambdaPerMillionRequests,
    dynamodb:
      (usage.dynamodb.writeRequestUnits / 1e6) * p.dynamodbPerMillionWriteUnits +
      (usage.dynamodb.readRequestUnits / 1e6) * p.dynamodbPerMillionReadUnits,
    stepFunctions: (usage.stepFunctions.stateTransitions / 1000) * p.stepFunctionsPerThousandTransitions,
    ses:
      (usage.ses.messages / 1000) * p.sesPerThousandMessages + (usage.ses.attachmentBytes / GB) * p.sesPerAttachmentGb,
    secretsManager:
      (usage.secretsManager.apiCalls / 10_000) * p.secretsManagerPerTenThousandCalls +
      Math.max(0, options.secretMonths ?? 0) * p.secretsManagerPerSecretMonth,
    kms: (usage.kms.requests / 10_000) * p.kmsPerTenThousandRequests,
  };
  const total = COST_SERVICES.reduce((sum, s) => sum + services[s], 0);
  const { assignments } = options;
  return {
    region,
    pricesAsOf: PRICES_AS_OF,
    services,
    total,
    ...(assignments !== undefined && assignments > 0
      ? {
          assignments,
          perAssignment: total / assignments,
          perAssignmentExcludingSes: (total - services.ses) / assignments,
        }
      : {}),
  };
};

const SERVICE_LABELS: Readonly<Record<CostService, string>> = {
  lambda: 'lambda',
  dynamodb: 'dynamodb',
  stepFunctions: 'sfn',
  ses: 'ses',
  secretsManager: 'secrets',
  kms: 'kms',
};

/** Dollars with enough digits that a fraction of a cent still shows. */
export const formatUsd = (usd: number): string => {
  if (usd === 0) return '$0';
  if (usd >= 100) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toPrecision(2)}`;
};

/** The estimate in one phrase: region, price date and total. */
export const formatCostTotal = ({ region, pricesAsOf, total }: CostEstimate, lang: Lang): string =>
  lang === 'zh'
    ? `AWS 费用估算（${region}，${pricesAsOf} 价格）：${formatUsd(total)}`
    : `AWS cost estimate (${region}, prices of ${pricesAsOf}): ${formatUsd(total)}`;

/**
 * The estimate for a terminal or a page, in one language: the headline with the breakdown, the cost
 * per assignment when known, and what the figure leaves out.
 */
export const formatCostLines = (estimate: CostEstimate, lang: Lang): string[] => {
  const breakdown = COST_SERVICES.map((s) => `${SERVICE_LABELS[s]} ${formatUsd(estimate.services[s])}`).join(' · ');
  const { pricesAsOf, assignments, perAssignment, perAssignmentExcludingSes } = estimate;
  const lines = [`${formatCostTotal(estimate, lang)} — ${breakdown}`];
  if (assignments !== undefined && perAssignment !== undefined && perAssignmentExcludingSes !== undefined)
    lines.push(
      lang === 'zh'
        ? `每项监督任务 ${formatUsd(perAssignment)}（不含邮件 ${formatUsd(perAssignmentExcludingSes)}；共 ${assignments} 项）`
        : `per assignment ${formatUsd(perAssignment)} (excl. ses ${formatUsd(perAssignmentExcludingSes)}; ${assignments} assignments)`,
    );
  lines.push(
    lang === 'zh'
      ? `按需标价，不含免费额度（excl. free tier）、存储、数据传输及按月固定费用；价格为 ${pricesAsOf} 记录的 AWS 公布价，引用前请核对 AWS 定价页面`
      : `on-demand list prices, excl. free tier, storage, data transfer and monthly fixed charges; AWS's published prices as recorded on ${pricesAsOf}: check the AWS pricing pages before quoting`,
  );
  return lines;
};
