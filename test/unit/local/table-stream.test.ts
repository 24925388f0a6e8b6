import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalEventSourceMapping, type StreamRecordData } from '../../../local/table-stream.ts';

const record = (n: number): StreamRecordData => ({
  eventName: 'INSERT',
  Keys: { PK: { S: 'P' }, SK: { S: `RESPONSE#A${n}` } },
  NewImage: { PK: { S: 'P' }, SK: { S: `RESPONSE#A${n}` } },
  SequenceNumber: String(n).padStart(21, '0'),
  ApproximateCreationDateTime: 1_800_000_000,
});
const records = (from: number, count: number) => Array.from({ length: count }, (_, i) => record(from + i));
const sortKeys = (event: DynamoDBStreamEvent) => event.Records.map((r) => r.dynamodb?.Keys?.SK?.S);

const options = { eventSourceArn: 'arn:stream', region: 'us-east-1', maxBatchingWindowMs: 20 };

describe('the local event source mapping on the table stream', () => {
  it('delivers every record once, in write order, in batches of at most the batch size', async () => {
    // Prepare
    const batches: DynamoDBStreamEvent[] = [];
    const mapping = new LocalEventSourceMapping(async (e) => batches.push(e), { ...options, batchSize: 4 });
    // Act
    mapping.push(records(1, 6));
    mapping.push(records(7, 3));
    await mapping.idle();
    // Assess
    expect(batches.flatMap(sortKeys)).toEqual(records(1, 9).map((r) => r.Keys.SK?.S));
    expect(batches.every((b) => b.Records.length <= 4)).toBe(true);
    expect(batches[0]?.Records[0]).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: 'arn:stream',
      dynamodb: { StreamViewType: 'NEW_IMAGE', SequenceNumber: '000000000000000000001' },
    });
  });

  it('gathers records for the batching window before invoking with a small batch', async () => {
    // Prepare
    const batches: DynamoDBStreamEvent[] = [];
    const mapping = new LocalEventSourceMapping(async (e) => batches.push(e), { ...options, batchSize: 100 });
    // Act: two writes a few milliseconds apart fall into one window
    mapping.push(records(1, 1));
    await new Promise((r) => setTimeout(r, 5));
    mapping.push(records(2, 1));
    await mapping.idle();
    // Assess
    expect(batches.map((b) => b.Records.length)).toEqual([2]);
  });

  it('delivers a failed batch again, whole, before any later record', async () => {
    // Prepare: the first two deliveries fail
    const attempts: (string | undefined)[][] = [];
    const errors: number[] = [];
    const mapping = new LocalEventSourceMapping(
      async (e) => {
        attempts.push(sortKeys(e));
        if (attempts.length <= 2) throw new Error('throttled');
      },
      { ...options, batchSize: 2, retryDelayMs: 1, onError: (_, attempt) => errors.push(attempt) },
    );
    // Act
    mapping.push(records(1, 3));
    await mapping.idle();
    // Assess
    expect(attempts).toEqual([
      ['RESPONSE#A1', 'RESPONSE#A2'],
      ['RESPONSE#A1', 'RESPONSE#A2'],
      ['RESPONSE#A1', 'RESPONSE#A2'],
      ['RESPONSE#A3'],
    ]);
    expect(errors).toEqual([1, 2]);
  });

  it('holds records while paused and delivers them, in order, on resume', async () => {
    // Prepare
    const batches: DynamoDBStreamEvent[] = [];
    const mapping = new LocalEventSourceMapping(async (e) => batches.push(e), { ...options, batchSize: 10 });
    mapping.pause();
    // Act
    mapping.push(records(1, 3));
    await new Promise((r) => setTimeout(r, 40));
    const whilePaused = batches.length;
    const backlog = mapping.backlog;
    mapping.resume();
    await mapping.idle();
    // Assess
    expect(whilePaused).toBe(0);
    expect(backlog).toBe(3);
    expect(batches.flatMap(sortKeys)).toEqual(['RESPONSE#A1', 'RESPONSE#A2', 'RESPONSE#A3']);
  });

  it('stops retrying at close once its grace period is over, and takes nothing more', async () => {
    // Prepare: a function that always fails
    let calls = 0;
    const mapping = new LocalEventSourceMapping(
      async () => {
        calls++;
        throw new Error('down');
      },
      { ...options, batchSize: 10, retryDelayMs: 5 },
    );
    mapping.push(records(1, 1));
    // Act
    await mapping.close(50);
    const afterClose = calls;
    mapping.push(records(2, 1));
    await new Promise((r) => setTimeout(r, 30));
    // Assess
    expect(afterClose).toBeGreaterThan(1);
    expect(calls).toBe(afterClose);
    await expect(mapping.idle()).resolves.toBeUndefined();
  });
});
