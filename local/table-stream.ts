import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** The changes of one table the embedded cloud turns into stream records (its event filter). */
export interface StreamSubscription {
  tableName: string;
  keyAttributes: string[];
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  sortKey: string;
  sortKeyPrefix: string;
}

/**
 * One record as the DynamoDB thread posts it: the `dynamodb` part of a Lambda stream record (view
 * `NEW_IMAGE`: the item as written; keys only for a removal), plus its event name.
 */
export interface StreamRecordData {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  Keys: Record<string, AttributeValue>;
  NewImage?: Record<string, AttributeValue>;
  SequenceNumber: string;
  ApproximateCreationDateTime: number;
}

/** How the local mapping batches and retries, as a Lambda event source mapping on a stream does. */
export interface EventSourceMappingOptions {
  eventSourceArn: string;
  region: string;
  batchSize: number;
  /** How long records are gathered before a batch smaller than `batchSize` is delivered. */
  maxBatchingWindowMs: number;
  /** First pause before a failed batch is delivered again; doubles up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Told of each failed delivery (the batch is retried). */
  onError?: (error: unknown, attempt: number) => void;
}

/**
 * A Lambda event source mapping on a table's stream, in one process: records are delivered in write
 * order, in batches, one batch at a time; a batch whose invocation fails is delivered again, whole,
 * after a growing pause, until it succeeds — the records after it wait, as on a stream shard.
 */
export class LocalEventSourceMapping {
  private readonly queue: DynamoDBRecord[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  private paused = false;
  private idleWaiters: (() => void)[] = [];
  private wakeUp: (() => void) | undefined;

  private readonly invoke: (event: DynamoDBStreamEvent) => Promise<unknown>;
  private readonly options: EventSourceMappingOptions;

  constructor(invoke: (event: DynamoDBStreamEvent) => Promise<unknown>, options: EventSourceMappingOptions) {
    this.invoke = invoke;
    this.options = options;
  }

  /** Takes records from the table's stream. */
  push(records: readonly StreamRecordData[]): void {
    if (this.closed) return;
    for (const { eventName, ...dynamodb } of records) {
      this.queue.push({
        eventID: dynamodb.SequenceNumber,
        eventName,
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: this.options.region,
        eventSourceARN: this.options.eventSourceArn,
        dynamodb: { ...dynamodb, StreamViewType: 'NEW_IMAGE' },
      });
    }
    this.kick();
  }

  /**
   * Holds delivery (records queue up) until `resume()`, as disabling a mapping does: tests and
   * benchmarks use it to see the system with counting behind, or to time counting on its own.
   */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.kick();
  }

  /** Records received and not yet delivered. */
  get backlog(): number {
    return this.queue.length;
  }

  /** Resolves once every record received so far has been delivered (or the mapping closed); waits out a pause. */
  idle(): Promise<void> {
    if (this.closed || (!this.running && this.queue.length === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Delivers what is queued (retrying for at most `graceMs`), then takes nothing more. */
  async close(graceMs = 10_000): Promise<void> {
    this.resume();
    const timer = setTimeout(() => {
      this.closed = true;
      this.wakeUp?.();
    }, graceMs);
    timer.unref();
    await this.idle();
    clearTimeout(timer);
    this.closed = true;
    this.queue.length = 0;
    await this.running;
  }

  private kick(): void {
    if (this.running || (this.paused && !this.closed)) return;
    if (this.closed || this.queue.length === 0) {
      for (const done of this.idleWaiters.splice(0)) done();
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.closed && !this.paused) {
      if (this.queue.length < this.options.batchSize) await this.sleep(this.options.maxBatchingWindowMs);
      const batch = this.queue.slice(0, this.options.batchSize);
      for (let attempt = 1; !this.closed; attempt++) {
        try {
          await this.invoke({ Records: batch });
          break;
        } catch (error) {
          this.options.onError?.(error, attempt);
          const first = this.options.retryDelayMs ?? 100;
          await this.sleep(Math.min(first * 2 ** (attempt - 1), this.options.maxRetryDelayMs ?? 5_000));
        }
      }
      this.queue.splice(0, batch.length);
    }
  }

  /** Waits `ms`, or less if the mapping is closed meanwhile. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
