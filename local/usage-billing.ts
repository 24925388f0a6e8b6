import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readUnits, writeUnits } from '../functions/core/campaign/aws-cost.ts';
import type { ForwardedCall } from './iam-gateway.ts';
import type { UsageMeter } from './usage-meter.ts';

/** The campaign an invocation works on, when its event names one (workflow tasks do). */
export const campaignOf = (event: unknown): string | undefined => {
  const id = (event as { campaignId?: unknown } | null)?.campaignId;
  return typeof id === 'string' ? id : undefined;
};

/** The campaign a partition key belongs to (`CAMPAIGN#<id>…`, `AUDIT#<id>`). */
const campaignOfKey = (key: string | undefined): string | undefined =>
  key === undefined ? undefined : /^(?:CAMPAIGN|AUDIT)#([^#]+)/.exec(key)?.[1];

/** Counts a call the gateway let through in AWS's billing units. */
export const meterCall = (meter: UsageMeter, call: ForwardedCall): void => {
  const campaignId = call.caller?.campaignId;
  if (call.status >= 300) return;
  if (call.service === 'secretsmanager') meter.secretsCall(campaignId);
  else if (call.service === 'ses') {
    if (call.operation === 'SendEmail' || call.operation === 'SendRawEmail')
      meter.sesMessage(Buffer.byteLength(call.requestBody), campaignId);
  } else if (call.service === 'dynamodb') meterDynamoDbCall(meter, call, campaignId);
};

/** A DynamoDB call in request units, charged to the caller's campaign or to the campaign of its keys. */
const meterDynamoDbCall = (meter: UsageMeter, call: ForwardedCall, campaignId: string | undefined): void => {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(call.requestBody) as Record<string, unknown>;
  } catch {
    return;
  }
  const key = ((body.Key ?? body.Item) as Record<string, { S?: string }> | undefined)?.PK?.S;
  const keyCondition = (body.ExpressionAttributeValues as Record<string, { S?: string }> | undefined) ?? {};
  const campaign =
    campaignId ??
    campaignOfKey(key) ??
    campaignOfKey(Object.values(keyCondition).find((v) => v.S?.startsWith('CAMPAIGN#'))?.S);
  const consistent = body.ConsistentRead === true;
  const responseBytes = call.responseBody.length;
  const requestBytes = Buffer.byteLength(call.requestBody);
  // Request units approximated from the bytes on the wire: an item read or written is about its JSON size.
  const units =
    call.operation === 'PutItem' || call.operation === 'UpdateItem' || call.operation === 'DeleteItem'
      ? { readUnits: 0, writeUnits: writeUnits(requestBytes) }
      : call.operation === 'BatchWriteItem'
        ? {
            readUnits: 0,
            writeUnits: Object.values((body.RequestItems ?? {}) as Record<string, unknown[]>).reduce<number>(
              (sum, items) =>
                sum + items.reduce<number>((s, item) => s + writeUnits(Buffer.byteLength(JSON.stringify(item))), 0),
              0,
            ),
          }
        : { readUnits: readUnits(responseBytes, consistent), writeUnits: 0 };
  meter.dynamodbCall(call.operation, units, campaign);
};

/** The meter's snapshots, written to the table every 2 s and on demand. */
export interface UsageFlush {
  /** Writes each campaign's usage so far to the table now. */
  flush: () => Promise<void>;
  /** Stops the timer and writes a last snapshot. */
  close: () => Promise<void>;
}

/**
 * Writes the meter's snapshots every 2 s straight to DynamoDB at `endpoint`, not through the gateway:
 * they are not the stack's calls.
 */
export const startUsageFlush = (meter: UsageMeter, endpoint: string, region: string, table: string): UsageFlush => {
  const usageClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const flush = async () => {
    await meter.flush(usageClient, table).catch(() => undefined);
  };
  const flushing = setInterval(() => void flush(), 2_000);
  flushing.unref();
  const close = async () => {
    clearInterval(flushing);
    await flush();
    usageClient.destroy();
  };
  return { flush, close };
};
