import { dropPages, generateBenchData, responsesOf, scoreFull, scoreOurs } from './scoring.ts';

// Run in a child process (with --expose-gc) by the scoring suite, so that what it measures is its own.
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const rss = () => process.memoryUsage().rss;
const data = generateBenchData(undefined, false);
// The pages as the Score step holds them: in columns, the parsed records dropped.
dropPages(data);
gc();
const pages = rss();
scoreOurs(data);
// Right after the run, before anything is collected: the run's arrays are still resident.
const afterOurs = rss();
gc();
const settled = rss();
scoreFull(data);
const afterFull = rss();
// Per answer its indicator (2 bytes) and raw answer (8); per response its center, rater,
// activity and first answer (4 + 4 + 1 + 4).
const columns = responsesOf(data) * (17 * 10 + 13);
process.stdout.write(
  `scoring-1M-memory-mb: pages_rss=${mb(pages)} after_ours_rss=${mb(afterOurs)} (+${mb(afterOurs - pages)}) after_full_rss=${mb(afterFull)} (+${mb(afterFull - settled)}) answer_columns=${mb(columns)}\n`,
);
