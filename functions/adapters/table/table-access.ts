import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { campaignPk } from './keys.ts';

/** Items per BatchWriteItem, and the bound on parallel single-item calls. */
export const BATCH = 25;

/** Waits `ms` milliseconds (backoff between retries of unprocessed items). */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether DynamoDB answered a request with a client error (4xx): the request was not applied. */
export const refusedByService = (error: unknown): boolean => {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
};

/**
 * What every persistence class of the one table shares: the client, the table's name, paged
 * Queries, batch writes with backoff and conditional puts. Reads are by key or Query, never Scan.
 */
export class TableAccess {
  protected readonly db: DynamoDBDocumentClient;
  protected readonly tableName: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.db = db;
    this.tableName = tableName;
  }

  /** Every page of a Query. */
  protected async *queryPages(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<QueryCommandOutput> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }),
      );
      yield out;
      start = out.LastEvaluatedKey;
    } while (start);
  }

  /** Every item of a Query, page after page. */
  protected async *queryAll(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Record<string, unknown>> {
    for await (const page of this.queryPages(input)) for (const item of page.Items ?? []) yield item;
  }

  /** Batch writes in 25s, re-sending unprocessed items with exponential backoff and jitter. */
  protected async batchPut(items: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH) {
      let requests = items.slice(i, i + BATCH).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 10) throw new Error(`DynamoDB left ${requests.length} items unprocessed after 10 retries`);
        if (attempt > 0) await sleep(Math.random() * Math.min(5_000, 50 * 2 ** attempt));
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        const unprocessed = out.UnprocessedItems?.[this.tableName] ?? [];
        requests = unprocessed.flatMap((r) =>
          r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
        );
      }
    }
  }

  /** Puts an item under a condition; a failed condition becomes the error `refused` names. */
  protected async putConditional(
    item: Record<string, unknown>,
    condition: { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> },
    refused: (cause: Error) => Error,
  ): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw refused(error);
      throw error;
    }
  }

  /** The campaign's own items whose sort key starts with `prefix`, parsed. */
  protected async listCampaignItems<T>(campaignId: string, prefix: string, schema: z.ZodType<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': campaignPk(campaignId), ':p': prefix },
    })) {
      out.push(schema.parse(item));
    }
    return out;
  }
}
