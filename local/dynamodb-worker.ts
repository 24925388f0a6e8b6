/**
 * DynamoDB (dynalite) on a thread of its own, as the real service runs apart from the functions that
 * call it: the handlers' CPU and the database's do not queue behind each other. Started by
 * `startEmbeddedCloud`; posts `{ url }` once listening and closes on `'close'`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

/** What the embedded cloud passes to this thread. */
export interface DynamoDbWorkerData {
  host: string;
  port: number;
  dataDir?: string;
}

const { host, port, dataDir } = workerData as DynamoDbWorkerData;
const server: Server = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  ...(dataDir ? { path: dataDir } : {}),
});
server.on('error', (error) => parentPort?.postMessage({ error: error.message }));
server.listen(port, host, () => {
  const address = server.address() as AddressInfo;
  parentPort?.postMessage({ url: `http://${host}:${address.port}` });
});
parentPort?.on('message', (message) => {
  if (message !== 'close') return;
  server.closeAllConnections();
  server.close(() => parentPort?.postMessage({ closed: true }));
});
