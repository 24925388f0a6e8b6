/**
 * The phones of the submit bench, on a thread of their own: their HTTP client's CPU is not the
 * server's. Sends each request of `workerData.requests` with `concurrency` in flight, then posts the
 * throughput, latency percentiles and status counts.
 */
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
}

const { requests, concurrency } = workerData as { requests: ClientRequest[]; concurrency: number };

const statuses: Record<string, number> = {};
const timed = await measure(requests.length, concurrency, async (i) => {
  const request = requests[i] as ClientRequest;
  const res = await fetch(request.url, {
    method: request.method,
    headers: { accept: 'application/json', ...(request.body ? { 'content-type': 'application/json' } : {}) },
    body: request.body,
  });
  await res.arrayBuffer();
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
});
const result: ClientResult = { ...timed, statuses };
parentPort?.postMessage(result);
