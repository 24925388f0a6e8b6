/** One benchmark suite of `npm run bench`: prints its result lines through `out`. */
export interface BenchSuite {
  name: string;
  /** One line for the list of suites. */
  summary: string;
  run: (out: (line: string) => void) => Promise<void>;
}
