import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDbWorkerData } from './dynamodb-worker.ts';
import type { StackModel } from './stack-model.ts';
import type { StreamRecordData } from './table-stream.ts';

/** DynamoDB running on its own thread. */
export interface DynamoDbThread {
  url: string;
  /** Milliseconds the thread has been busy since it started. */
  busyMs: () => number;
  close: () => Promise<void>;
}

/** Starts dynalite on its own thread (see `dynamodb-worker.ts`); resolves once it listens. */
export const startDynamoDbThread = (
  data: DynamoDbWorkerData,
  onRecords: (records: StreamRecordData[]) => void,
): Promise<DynamoDbThread> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./dynamodb-worker.ts', import.meta.url), {
      workerData: data,
      // The thread's own loader strips the types; the parent's (tsx, vitest) is not needed there.
      execArgv: [],
    });
    const close = async () => {
      const closed = new Promise<void>((done) => {
        worker.on('message', (m: { closed?: boolean }) => m.closed && done());
        worker.once('exit', () => done());
      });
      worker.postMessage('close');
      await Promise.race([closed, new Promise((done) => setTimeout(done, 5_000).unref())]);
      await worker.terminate();
    };
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the DynamoDB thread exited with code ${code} before listening`)));
    // One listener for everything the thread posts: `{ url }` or `{ error }` once, then stream records.
    worker.on('message', (m: { url?: string; error?: string; records?: StreamRecordData[] }) => {
      if (m.records) onRecords(m.records);
      else if (m.url) resolve({ url: m.url, busyMs: () => worker.performance.eventLoopUtilization().active, close });
      else if (m.error) reject(new Error(`DynamoDB (dynalite) did not start: ${m.error}`));
    });
  });

/** Creates the stack's table (string keys, every index projecting all attributes) unless it exists. */
export const createTable = async (endpoint: string, table: StackModel['table'], region: string): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const attributes = new Set([
    table.partitionKey,
    table.sortKey,
    ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: table.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  } finally {
    client.destroy();
  }
};
