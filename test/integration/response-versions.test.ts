import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../functions/adapters/table/assignments.ts';
import { MAX_VERSIONS } from '../../functions/adapters/table/responses.ts';
import { createTables, type Tables } from '../../functions/adapters/table/tables.ts';
import { ResponseHistoryFull } from '../../functions/core/errors.ts';

// The response write's condition, evaluated by the DynamoDB the embedded cloud runs (not a mock).
describe('response versions on DynamoDB (dynalite)', () => {
  let server: Server;
  let store: Tables;

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(
      new CreateTableCommand({
        TableName: 'versions',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
      }),
    );
    store = createTables(DynamoDBDocumentClient.from(client), 'versions');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const token = (id: string): TokenRecord => ({
    id,
    campaignId: '2026-11',
    supervisorId: 'sv-01',
    centerId: 'c-001',
    activity: 'experiential',
    shard: 3,
  });
  const submission = (submissionId: string, rating: number) => ({
    submissionId,
    answers: { q1: rating },
    submittedAt: '2026-11-29T08:00:00.000Z',
  });

  it('numbers new submissions, answers a repeated one with its version, and writes nothing for it', async () => {
    // Prepare
    const t = token('a-1');

    // Act
    const first = await store.responses.saveResponse(t, submission('sub-first-0001', 3));
    const second = await store.responses.saveResponse(t, submission('sub-second-001', 4));
    const repeated = await store.responses.saveResponse(t, submission('sub-first-0001', 5));

    // Assert
    expect(first).toEqual({ version: 1, first: true, duplicate: false });
    expect(second).toEqual({ version: 2, first: false, duplicate: false });
    expect(repeated).toEqual({ version: 1, first: true, duplicate: true });
    const versions = await store.responses.listResponseVersions(t);
    expect(versions.map((v) => [v.version, v.submissionId, v.answers.q1])).toEqual([
      [1, 'sub-first-0001', 3],
      [2, 'sub-second-001', 4],
    ]);
    expect((await store.responses.getLatestResponse(t))?.answers).toEqual({ q1: 4 });
  });

  it(`refuses a new version once ${MAX_VERSIONS} are kept, and still recognizes a repeated one`, async () => {
    // Prepare
    const t = token('a-2');
    for (let i = 1; i <= MAX_VERSIONS; i++)
      await store.responses.saveResponse(t, submission(`sub-${String(i).padStart(8, '0')}`, 1));

    // Act
    const refused = await store.responses
      .saveResponse(t, submission('sub-one-too-many', 2))
      .catch((error: unknown) => error);
    const repeated = await store.responses.saveResponse(
      t,
      submission(`sub-${String(MAX_VERSIONS).padStart(8, '0')}`, 1),
    );

    // Assert
    expect(refused).toBeInstanceOf(ResponseHistoryFull);
    expect(repeated).toEqual({ version: MAX_VERSIONS, first: false, duplicate: true });
    expect(await store.responses.listResponseVersions(t)).toHaveLength(MAX_VERSIONS);
  });
});
