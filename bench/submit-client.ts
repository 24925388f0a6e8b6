/**
 * The phones of the submit bench, on a thread of their own: their HTTP client's CPU is not the
 * server's. Sends each request of `workerData.requests` with `concurrency` in flight over kept-alive
 * connections (`http-client.ts`: a fraction of node:http's CPU, which is taken from the server here), then posts
 * the throughput, latency percentiles, status counts and the thread's own busy time per request.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { type ClientRequest, KeptAliveConnection } from './http-client.ts';
import { type Measured, measure } from './measure.ts';

export type { ClientRequest } from './http-client.ts';

/** What the thread reports. */
export interface ClientResult extends Measured {
  statuses: Record<string, number>;
  /** Milliseconds this thread's event loop was busy, per request. */
  busyMsEach: number;
}

const { requests, concurrency } = workerData as { requests: ClientRequest[]; concurrency: number };
const first = requests[0];
if (!first) throw new Error('no request to send');
const target = new URL(first.url);
// One connection per request in flight: a free one is always there when a request starts.
const free = Array.from({ length: concurrency }, () => new KeptAliveConnection(target.hostname, Number(target.port)));
const all = [...free];

const statuses: Record<string, number> = {};
const before = performance.eventLoopUtilization();
const timed = await measure(requests.length, concurrency, async (i) => {
  const connection = free.pop();
  if (!connection) throw new Error('no free connection');
  try {
    const status = await connection.send(requests[i] as ClientRequest);
    statuses[status] = (statuses[status] ?? 0) + 1;
  } finally {
    free.push(connection);
  }
});
const busy = performance.eventLoopUtilization(before);
for (const connection of all) connection.close();
const result: ClientResult = { ...timed, statuses, busyMsEach: busy.active / requests.length };
parentPort?.postMessage(result);
