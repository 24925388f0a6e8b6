/**
 * The phones of the submit bench, on a thread of their own: their HTTP client's CPU is not the
 * server's. Sends each request of `workerData.requests` with `concurrency` in flight over kept-alive
 * connections (node:http, which costs the shared cores about half of what `fetch` does), then posts
 * the throughput, latency percentiles, status counts and the thread's own busy time per request.
 */
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { type Measured, measure } from './measure.ts';

/** One request to send. */
export interface ClientRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
}

/** What the thread reports. */
export interface ClientResult extends Measured {
  statuses: Record<string, number>;
  /** Milliseconds this thread's event loop was busy, per request. */
  busyMsEach: number;
}

const { requests, concurrency } = workerData as { requests: ClientRequest[]; concurrency: number };
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

const send = (r: ClientRequest): Promise<number> =>
  new Promise((resolve, reject) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const req = httpRequest(
      r.url,
      {
        agent,
        method: r.method,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
        },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const statuses: Record<string, number> = {};
const before = performance.eventLoopUtilization();
const timed = await measure(requests.length, concurrency, async (i) => {
  const status = await send(requests[i] as ClientRequest);
  statuses[status] = (statuses[status] ?? 0) + 1;
});
const busy = performance.eventLoopUtilization(before);
agent.destroy();
const result: ClientResult = { ...timed, statuses, busyMsEach: busy.active / requests.length };
parentPort?.postMessage(result);
