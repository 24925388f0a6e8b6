/**
 * DynamoDB (dynalite) on a thread of its own, as the real service runs apart from the functions that
 * call it: the handlers' CPU and the database's do not queue behind each other. Started by
 * `startEmbeddedCloud`; posts `{ url }` once listening and closes on `'close'`.
 *
 * dynalite has no streams. This thread adds the part of DynamoDB Streams the system uses: every item
 * written to the streamed table that matches the subscription becomes a stream record (keys, the
 * item as written, sequence number), posted to the parent as `{ records }` in write order, which the
 * parent's event source mapping hands to the function (`table-stream.ts`).
 */

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { AttributeValue } from 'aws-lambda';
import dynalite from 'dynalite';
import { listen } from './listen.ts';
import type { StreamRecordData, StreamSubscription } from './table-stream.ts';

/** What the embedded cloud passes to this thread. */
export interface DynamoDbWorkerData {
  host: string;
  port: number;
  dataDir?: string;
  /** The changes to deliver as stream records; none when absent. */
  stream?: StreamSubscription;
}

type AttributeMap = Record<string, AttributeValue>;
type Callback<T = unknown> = (error: Error | null | undefined, value?: T) => void;
interface ItemDb {
  get: (key: string, cb: Callback<AttributeMap>) => void;
  put: (key: string, value: AttributeMap, cb: Callback) => void;
  del: (key: string, cb: Callback) => void;
  streamed?: boolean;
}
interface Store {
  getItemDb: (tableName: string) => ItemDb;
}

const { host, port, dataDir, stream } = workerData as DynamoDbWorkerData;

/** Records written since the last post; posted together once the current burst of writes is done. */
let pending: StreamRecordData[] = [];
let sequence = 0;
const emit = (record: Omit<StreamRecordData, 'SequenceNumber' | 'ApproximateCreationDateTime'>) => {
  sequence += 1;
  if (pending.length === 0)
    setImmediate(() => {
      parentPort?.postMessage({ records: pending });
      pending = [];
    });
  pending.push({
    ...record,
    // Stream sequence numbers are decimal strings that grow with each record.
    SequenceNumber: String(sequence).padStart(21, '0'),
    ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
  });
};

/** Whether an item is one whose changes the subscription asked for (by its sort key's prefix). */
const subscribed = (subscription: StreamSubscription, item: AttributeMap) => {
  const sortKey = item[subscription.sortKey]?.S;
  return typeof sortKey === 'string' && sortKey.startsWith(subscription.sortKeyPrefix);
};

const keysOf = (subscription: StreamSubscription, item: AttributeMap): AttributeMap =>
  Object.fromEntries(subscription.keyAttributes.flatMap((name) => (item[name] ? [[name, item[name]]] : [])));

/**
 * Wraps the item store of the streamed table. A put of an item the subscription asks for reads the
 * item it replaces (dynalite holds the item's lock around the whole write, so that read sees what the
 * write replaces: none → INSERT, one → MODIFY) and records the change once the write succeeded; every
 * other put goes straight through. Deletes are wrapped only for a REMOVE subscription. PutItem,
 * UpdateItem, DeleteItem and BatchWriteItem all write here.
 */
const streamWrites = (itemDb: ItemDb, subscription: StreamSubscription) => {
  const { get, put, del } = itemDb;
  itemDb.put = (key, value, cb) => {
    if (subscription.eventName === 'REMOVE' || !subscribed(subscription, value))
      return put.call(itemDb, key, value, cb);
    get.call(itemDb, key, (readError, old) => {
      if (readError && readError.name !== 'NotFoundError') return cb(readError);
      put.call(itemDb, key, value, (error) => {
        if (error) return cb(error);
        const eventName = old ? 'MODIFY' : 'INSERT';
        if (eventName === subscription.eventName)
          emit({ eventName, Keys: keysOf(subscription, value), NewImage: value });
        cb(null);
      });
    });
  };
  if (subscription.eventName === 'REMOVE') {
    itemDb.del = (key, cb) =>
      get.call(itemDb, key, (readError, old) => {
        if (readError && readError.name !== 'NotFoundError') return cb(readError);
        del.call(itemDb, key, (error) => {
          if (error) return cb(error);
          if (old && subscribed(subscription, old)) emit({ eventName: 'REMOVE', Keys: keysOf(subscription, old) });
          cb(null);
        });
      });
  }
  itemDb.streamed = true;
};

if (stream) {
  // dynalite's own store module (CommonJS): the server below creates its store through it.
  const db = createRequire(import.meta.url)('dynalite/db/index.js') as { create: (options: unknown) => Store };
  const create = db.create;
  db.create = (options) => {
    const store = create(options);
    const getItemDb = store.getItemDb;
    store.getItemDb = (tableName) => {
      const itemDb = getItemDb(tableName);
      if (tableName === stream.tableName && !itemDb.streamed) streamWrites(itemDb, stream);
      return itemDb;
    };
    return store;
  };
}

const server: Server = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  ...(dataDir ? { path: dataDir } : {}),
});
listen(server, { service: 'DynamoDB', host, port }).then(
  (listening) => parentPort?.postMessage({ url: `http://${host}:${listening}` }),
  (error: Error) => parentPort?.postMessage({ error: error.message }),
);
parentPort?.on('message', (message) => {
  if (message !== 'close') return;
  server.closeAllConnections();
  server.close(() => parentPort?.postMessage({ closed: true }));
});
