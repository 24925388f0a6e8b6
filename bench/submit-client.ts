/**
 * The phones of the submit bench, on a thread of their own: their HTTP client's CPU is not the
 * server's. Sends each request of `workerData.requests` with `concurrency` in flight, then posts the
 * throughput, latency percentiles and status counts.
 */
import { parentPort, workerData } from 'node:worker_threads';

/** One request to send. */
export interface ClientRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
}

/** What the thread reports. */
export interface ClientResult {
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

const { requests, concurrency } = workerData as { requests: ClientRequest[]; concurrency: number };

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

const latencies: number[] = [];
const statuses: Record<string, number> = {};
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const request = requests[i] as ClientRequest;
      const t = performance.now();
      const res = await fetch(request.url, {
        method: request.method,
        headers: { accept: 'application/json', ...(request.body ? { 'content-type': 'application/json' } : {}) },
        body: request.body,
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const result: ClientResult = {
  perSecond: requests.length / seconds,
  p50: percentile(latencies, 0.5),
  p99: percentile(latencies, 0.99),
  statuses,
};
parentPort?.postMessage(result);
