/**
 * S3 for the embedded cloud: s3rver, its data in a temporary folder, with the stack's buckets (and their
 * CORS rules) created at start; the objects created in a bucket are announced to the functions the
 * bucket's notifications name, in the shape S3 sends, as an asynchronous invocation (retried twice on
 * error, as Lambda retries one).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import S3rver, { type S3rverEvent } from 's3rver';
import { listen } from './listen.ts';
import type { BucketSpec } from './stack-model.ts';

/** A running local S3. */
export interface LocalS3 {
  url: string;
  /** Resolves once every notification announced so far was delivered (or given up). */
  settle: () => Promise<void>;
  close: () => Promise<void>;
}

/** How notifications reach functions, and how long a retry waits (Lambda waits a minute, then two). */
export interface S3NotificationTarget {
  invoke: (functionName: string, event: unknown) => Promise<unknown>;
  retryDelaysMs?: readonly number[];
  region: string;
  log?: (line: string) => void;
}

const corsXml = (bucket: BucketSpec): string | undefined =>
  bucket.cors.length === 0
    ? undefined
    : `<CORSConfiguration>${bucket.cors
        .map(
          (rule) =>
            `<CORSRule>${rule.allowedOrigins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`).join('')}${rule.allowedMethods
              .map((m) => `<AllowedMethod>${m}</AllowedMethod>`)
              .join('')}${rule.allowedHeaders.map((h) => `<AllowedHeader>${h}</AllowedHeader>`).join('')}${
              rule.maxAgeSeconds === undefined ? '' : `<MaxAgeSeconds>${rule.maxAgeSeconds}</MaxAgeSeconds>`
            }</CORSRule>`,
        )
        .join('')}</CORSConfiguration>`;

/** S3 writes an event's key URL-encoded, spaces as `+`. */
const encodeEventKey = (key: string): string => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/** The notification S3 sends for one object created, from s3rver's record of it. */
export const toS3Notification = (record: S3rverEvent['Records'][number], region: string, configurationId: string) => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: region,
      eventTime: record.eventTime,
      eventName: record.eventName,
      userIdentity: { principalId: 'AWS:LOCAL' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'LOCAL', 'x-amz-id-2': 'LOCAL' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId,
        bucket: {
          name: record.s3.bucket.name,
          ownerIdentity: { principalId: 'LOCAL' },
          arn: `arn:aws:s3:::${record.s3.bucket.name}`,
        },
        object: {
          key: encodeEventKey(record.s3.object.key),
          size: record.s3.object.size ?? 0,
          ...(record.s3.object.eTag ? { eTag: record.s3.object.eTag } : {}),
          sequencer: record.s3.object.sequencer ?? '0',
        },
      },
    },
  ],
});

/** Whether a notification's event pattern (`s3:ObjectCreated:*`, `s3:ObjectCreated:Post`) covers an event name. */
const covers = (pattern: string, eventName: string): boolean => {
  const wanted = pattern.replace(/^s3:/, '');
  return wanted.endsWith(':*') ? eventName.startsWith(wanted.slice(0, -1)) : wanted === eventName;
};

/**
 * Makes s3rver's writes and deletes take turns. Deleting an object removes the folders of its key left
 * empty, which races with an upload creating its file in the same folder (`incoming/<campaign>/`): the
 * upload's file stream fails (ENOENT) with no listener, and the whole process dies. S3 has no folders and
 * no such race. A multipart upload completes through `putObject`, so it is not wrapped itself.
 */
export const serializeObjectWrites = (store: Record<string, unknown>): void => {
  let turn: Promise<unknown> = Promise.resolve();
  for (const name of ['putObject', 'copyObject', 'deleteObject']) {
    const original = store[name];
    if (typeof original !== 'function') throw new Error(`s3rver's store has no ${name}: its version changed`);
    store[name] = (...args: unknown[]): Promise<unknown> => {
      const run = turn.then(() => original.apply(store, args));
      turn = run.catch(() => undefined);
      return run;
    };
  }
};

/** Starts s3rver on `host:port` (0: any free one) with the stack's buckets; a taken port is PortInUse naming S3. */
export const startLocalS3 = async (
  buckets: readonly BucketSpec[],
  at: { host: string; port: number },
  target: S3NotificationTarget,
): Promise<LocalS3> => {
  const directory = await mkdtemp(path.join(tmpdir(), 'supervision-s3-'));
  const s3rver = new S3rver({
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: buckets.map((b) => {
      const cors = corsXml(b);
      return { name: b.name, configs: cors ? [cors] : [] };
    }),
  });
  serializeObjectWrites((s3rver as unknown as { store: Record<string, unknown> }).store);
  await s3rver.configureBuckets();
  const pending = new Set<Promise<void>>();
  s3rver.on('event', (event) => {
    for (const record of event.Records) {
      const bucket = buckets.find((b) => b.name === record.s3.bucket.name);
      for (const [i, n] of (bucket?.notifications ?? []).entries()) {
        const key = record.s3.object.key;
        if (!covers(n.event, record.eventName) || !key.startsWith(n.prefix) || !key.endsWith(n.suffix)) continue;
        const delivery = deliver(
          n.functionName,
          toS3Notification(record, target.region, `${bucket?.logicalId}-${i}`),
          target,
        );
        pending.add(delivery);
        void delivery.finally(() => pending.delete(delivery));
      }
    }
  });
  // Requests still being handled (an upload's file written) finish before the folder is removed at close.
  const handling = new Set<Promise<void>>();
  const handle = s3rver.callback();
  const server = createServer((req, res) => {
    const request = handle(req, res);
    handling.add(request);
    void request.finally(() => handling.delete(request));
  });
  server.keepAliveTimeout = 60_000;
  const port = await listen(server, { service: 'S3', host: at.host, port: at.port });
  return {
    url: `http://${at.host}:${port}`,
    settle: async () => {
      await Promise.allSettled([...pending]);
    },
    close: async () => {
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await Promise.race([Promise.allSettled([...handling]), sleep(5_000, undefined, { ref: false })]);
      await rm(directory, { recursive: true, force: true });
    },
  };
};

/** An asynchronous invocation: tried again after each delay when the function fails, then given up (logged). */
const deliver = async (functionName: string, event: unknown, target: S3NotificationTarget): Promise<void> => {
  const delays = target.retryDelaysMs ?? [1_000, 2_000];
  for (let attempt = 0; ; attempt++) {
    try {
      await target.invoke(functionName, event);
      return;
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined) {
        target.log?.(`s3: ${functionName} failed a notification ${attempt + 1} times, given up: ${String(error)}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
};
