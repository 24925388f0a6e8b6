import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { campaignPk, USAGE } from '../functions/adapters/table/keys.ts';
import { type CloudUsage, emptyUsage, lambdaGbSeconds } from '../functions/core/campaign/aws-cost.ts';

/** DynamoDB request units of one call, from `readUnits`/`writeUnits` in functions/core/campaign/aws-cost.ts. */
export interface RequestUnits {
  readUnits?: number;
  writeUnits?: number;
}

const nonNegative = (what: string, n: number) => {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${what} must be a finite number ≥ 0, got ${n}`);
  return n;
};

/**
 * Counts what the embedded cloud's functions consume in AWS's billing units, per campaign where the
 * caller knows the campaign and in total, so a run can be priced as it would be on AWS
 * (functions/core/campaign/aws-cost.ts). The embedded cloud calls it: the Lambda runner after each invocation,
 * the DynamoDB/SES/Secrets Manager/KMS gateway after each accepted call, the Step Functions runner per
 * transition. Calls with no campaign count in the total only.
 */
export class UsageMeter {
  private readonly total: CloudUsage = emptyUsage();
  private readonly campaigns = new Map<string, CloudUsage>();
  /** Campaigns whose usage changed since the last flush. */
  private readonly dirty = new Set<string>();

  /** Adds in place: the meter sees every call of a province run, so it allocates nothing per call. */
  private count(campaignId: string | undefined, add: (usage: CloudUsage) => void) {
    add(this.total);
    if (campaignId === undefined) return;
    let usage = this.campaigns.get(campaignId);
    if (!usage) {
      usage = emptyUsage();
      this.campaigns.set(campaignId, usage);
    }
    add(usage);
    this.dirty.add(campaignId);
  }

  /** One Lambda invocation: a request, and its duration rounded up to 1 ms × its memory as GB-seconds. */
  lambdaInvoked(functionName: string, memoryMb: number, durationMs: number, campaignId?: string): void {
    const gbSeconds = lambdaGbSeconds(nonNegative('memoryMb', memoryMb), nonNegative('durationMs', durationMs));
    this.count(campaignId, (u) => {
      const fn = u.lambda[functionName] ?? { invocations: 0, gbSeconds: 0 };
      fn.invocations++;
      fn.gbSeconds += gbSeconds;
      u.lambda[functionName] = fn;
    });
  }

  /**
   * One DynamoDB API call (`GetItem`, `Query`, `BatchWriteItem`…) and the request units it consumed:
   * a batch or a transaction passes the sum over its items (doubled for a transaction).
   */
  dynamodbCall(action: string, units: RequestUnits, campaignId?: string): void {
    const read = nonNegative('readUnits', units.readUnits ?? 0);
    const write = nonNegative('writeUnits', units.writeUnits ?? 0);
    this.count(campaignId, (u) => {
      u.dynamodb.readRequestUnits += read;
      u.dynamodb.writeRequestUnits += write;
      u.dynamodb.calls[action] = (u.dynamodb.calls[action] ?? 0) + 1;
    });
  }

  /** `n` Step Functions state transitions (Standard workflows bill each one, retries included). */
  stateTransitions(n: number, campaignId?: string): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`state transitions must be an integer ≥ 0, got ${n}`);
    this.count(campaignId, (u) => {
      u.stepFunctions.stateTransitions += n;
    });
  }

  /**
   * One email accepted by SES. `bytes`: the attachments' size, which SES bills per GB (0 for none);
   * passing the whole raw message errs on the high side by its text.
   */
  sesMessage(bytes: number, campaignId?: string): void {
    const attachmentBytes = Math.ceil(nonNegative('bytes', bytes));
    this.count(campaignId, (u) => {
      u.ses.messages++;
      u.ses.attachmentBytes += attachmentBytes;
    });
  }

  /** One Secrets Manager API call (GetSecretValue…). */
  secretsCall(campaignId?: string): void {
    this.count(campaignId, (u) => {
      u.secretsManager.apiCalls++;
    });
  }

  /** One KMS request (Decrypt, GenerateDataKey…). */
  kmsCall(campaignId?: string): void {
    this.count(campaignId, (u) => {
      u.kms.requests++;
    });
  }

  /** The usage of one campaign (empty when nothing was counted for it), or the total without an id. */
  snapshot(campaignId?: string): CloudUsage {
    const usage = campaignId === undefined ? this.total : (this.campaigns.get(campaignId) ?? emptyUsage());
    return structuredClone(usage);
  }

  /** The campaigns something was counted for. */
  campaignIds(): string[] {
    return [...this.campaigns.keys()];
  }

  /**
   * Writes the latest snapshot of each campaign whose usage changed since the last flush, one item per
   * campaign (`CAMPAIGN#<id>` / `USAGE`), overwritten by PutItem so a repeated flush is harmless.
   * Give it a client whose calls are not metered, or each flush would count itself. Resolves to the
   * number of items written; a campaign whose write failed is written again at the next flush.
   */
  async flush(documentClient: DynamoDBDocumentClient, tableName: string): Promise<number> {
    const ids = [...this.dirty];
    this.dirty.clear();
    const results = await Promise.allSettled(
      ids.map((campaignId) =>
        documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              PK: campaignPk(campaignId),
              SK: USAGE,
              campaignId,
              usage: this.snapshot(campaignId),
              updatedAt: new Date().toISOString(),
            },
          }),
        ),
      ),
    );
    const failed = ids.filter((_, i) => results[i]?.status === 'rejected');
    for (const id of failed) this.dirty.add(id);
    const error = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (error) throw new Error(`could not write the usage of ${failed.join(', ')}`, { cause: error.reason });
    return ids.length;
  }
}
