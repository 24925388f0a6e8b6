/** Throughput and latency of a run of calls. */
export interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  /** The calls, the seconds they took together, and each one's milliseconds (ascending). */
  n: number;
  seconds: number;
  latencies: number[];
}

/** The value at share `p` of an ascending list (nearest rank below); NaN when the list is empty. */
const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

/** Throughput and percentiles of `n` calls that took `seconds` together, with their latencies (sorted here). */
const summarize = (n: number, seconds: number, latencies: number[]): Measured => {
  latencies.sort((a, b) => a - b);
  return {
    perSecond: n / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    n,
    seconds,
    latencies,
  };
};

/** Runs `call(i)` for every i below `n`, `concurrency` calls in flight: throughput and latency percentiles. */
export const measure = async (
  n: number,
  concurrency: number,
  call: (i: number) => Promise<void>,
): Promise<Measured> => {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return summarize(n, (performance.now() - started) / 1000, latencies);
};

/** Runs measured apart (rounds of one benchmark) as one: calls over seconds, percentiles over all calls. */
export const combine = (runs: readonly Measured[]): Measured => {
  const n = runs.reduce((sum, r) => sum + r.n, 0);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  return summarize(
    n,
    seconds,
    runs.flatMap((r) => r.latencies),
  );
};
