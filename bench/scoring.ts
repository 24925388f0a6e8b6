import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { ResponseRecord } from '../functions/adapters/table/responses.ts';
import { type CenterLevel, Questionnaire } from '../functions/core/model.ts';
import { seededRandom } from '../functions/core/random.ts';
import { CenterScoreAccumulator } from '../functions/core/scoring/accumulate.ts';
import { median } from '../functions/core/scoring/agreement.ts';
import { type ResponseColumns, ResponseEncoder } from '../functions/core/scoring/encode.ts';
import type { BenchSuite } from './suite.ts';

const CENTERS = 20_000;
const RATERS_PER_CENTER = 3;
const SUPERVISORS = 2_000;
const PAGE = 1_000;
const RUNS = 9;
const WARMUPS = 2;
const SEED = 'scoring-bench/1';

const t = (zh: string, en: string) => ({ zh, en });

/** The benchmark questionnaire: 17 indicators over three dimensions, every kind of question, uneven weights. */
export const QUESTIONNAIRE = Questionnaire.parse({
  id: 'bench',
  title: t('基准问卷', 'Benchmark questionnaire'),
  sections: [
    {
      dimension: 'standardization',
      title: t('标准化', 'Standardization'),
      weight: 1,
      questions: [
        {
          id: 's1',
          indicator: 's1',
          kind: 'yesno',
          dimension: 'standardization',
          weight: 2,
          title: t('清单一致', 'List matches'),
        },
        {
          id: 's2',
          indicator: 's2',
          kind: 'yesno',
          dimension: 'standardization',
          weight: 1.5,
          title: t('只进一扇门', 'One door'),
        },
        {
          id: 's3',
          indicator: 's3',
          kind: 'rating',
          dimension: 'standardization',
          title: t('表格规范', 'Standard forms'),
        },
        {
          id: 's4',
          indicator: 's4',
          kind: 'rating',
          dimension: 'standardization',
          title: t('指南清楚', 'Clear guides'),
        },
        {
          id: 's5',
          indicator: 's5',
          kind: 'choice',
          dimension: 'standardization',
          title: t('功能分区', 'Service areas'),
          options: [
            { value: 'complete', label: t('齐全', 'Complete'), score: 100 },
            { value: 'mostly', label: t('大部分', 'Mostly'), score: 60 },
            { value: 'lacking', label: t('缺失', 'Lacking'), score: 20 },
          ],
        },
        {
          id: 's6',
          indicator: 's6',
          kind: 'rating',
          dimension: 'standardization',
          weight: 0.5,
          title: t('公示', 'Notices'),
        },
      ],
    },
    {
      dimension: 'regulation',
      title: t('规范化', 'Regulation'),
      weight: 1,
      questions: [
        { id: 'r1', indicator: 'r1', kind: 'yesno', dimension: 'regulation', title: t('在岗', 'At post') },
        {
          id: 'r2',
          indicator: 'r2',
          kind: 'rating',
          dimension: 'regulation',
          weight: 1.5,
          title: t('态度', 'Attitude'),
        },
        {
          id: 'r3',
          indicator: 'r3',
          kind: 'yesno',
          good: 'no',
          dimension: 'regulation',
          weight: 2,
          title: t('额外材料', 'Extra documents'),
        },
        { id: 'r4', indicator: 'r4', kind: 'rating', dimension: 'regulation', title: t('时限', 'Time limits') },
        {
          id: 'r5',
          indicator: 'r5',
          kind: 'choice',
          dimension: 'regulation',
          title: t('秩序', 'Queue order'),
          options: [
            { value: 'orderly', label: t('有序', 'Orderly'), score: 100 },
            { value: 'uneven', label: t('偶有混乱', 'Uneven'), score: 50 },
            { value: 'disorderly', label: t('混乱', 'Disorderly'), score: 0 },
          ],
        },
        { id: 'r6', indicator: 'r6', kind: 'rating', dimension: 'regulation', title: t('标识', 'Signage') },
      ],
    },
    {
      dimension: 'facilitation',
      title: t('便利化', 'Facilitation'),
      weight: 1.5,
      questions: [
        {
          id: 'f1',
          indicator: 'f1',
          kind: 'number',
          dimension: 'facilitation',
          weight: 1.5,
          title: t('等候', 'Minutes waited'),
          unit: t('分钟', 'minutes'),
          best: 5,
          worst: 60,
          maxValue: 480,
        },
        {
          id: 'f2',
          indicator: 'f2',
          kind: 'number',
          dimension: 'facilitation',
          weight: 2,
          title: t('跑动次数', 'Trips'),
          unit: t('次', 'trips'),
          best: 1,
          worst: 4,
          minValue: 1,
        },
        {
          id: 'f3',
          indicator: 'f3',
          kind: 'choice',
          dimension: 'facilitation',
          title: t('一网通办', 'One network'),
          options: [
            { value: 'online', label: t('全程网办', 'Online'), score: 100 },
            { value: 'partly', label: t('部分', 'Partly'), score: 60 },
            { value: 'offline', label: t('现场', 'In person'), score: 0 },
          ],
        },
        { id: 'f4', indicator: 'f4', kind: 'yesno', dimension: 'facilitation', title: t('帮办代办', 'Help and proxy') },
        { id: 'f5', indicator: 'f5', kind: 'rating', dimension: 'facilitation', title: t('自助终端', 'Self-service') },
      ],
    },
  ],
});

const LEVELS: CenterLevel[] = ['municipal', 'district', 'street', 'community'];

interface BenchData {
  centers: { id: string; level: CenterLevel }[];
  /** The response records as the store parses them, page by page (see dropPages). */
  pages: ResponseRecord[][];
  /**
   * The same pages as the Score step hands them to the accumulator: each page encoded into columns as
   * it is read (the parsed records are then dropped), by the encoder of the campaign's questionnaire and centers.
   */
  encoder: ResponseEncoder;
  columns: ResponseColumns[];
  /** The same answers as DuckDB rows: center, rater, indicator, numeric answer (NaN = not applicable). */
  rows: { count: number; center: Int32Array; rater: Int32Array; indicator: Int16Array; value: Float64Array };
  answers: number;
  responses: number;
}

/**
 * 20,000 centers × 3 raters × 17 indicators, seeded: centers of varied quality, raters of varied
 * severity. `rows` (the DuckDB copy) is left empty when `withRows` is false.
 */
export const generateBenchData = (
  seed = SEED,
  withRows = true,
  ratersPerCenter = RATERS_PER_CENTER,
  centerCount = CENTERS,
): BenchData => {
  const random = seededRandom(seed);
  const questions = QUESTIONNAIRE.sections.flatMap((s) => s.questions);
  const severity = Array.from({ length: SUPERVISORS }, () => (random() - 0.5) * 0.2);
  const centers = Array.from({ length: centerCount }, (_, i) => ({
    id: `C${String(i).padStart(5, '0')}`,
    level: LEVELS[i < 1 ? 0 : i < 100 ? 1 : i < 2_000 ? 2 : 3] as CenterLevel,
  }));
  const capacity = withRows ? centerCount * ratersPerCenter * questions.length : 0;
  const rows: BenchData['rows'] = {
    count: 0,
    center: new Int32Array(capacity),
    rater: new Int32Array(capacity),
    indicator: new Int16Array(capacity),
    value: new Float64Array(capacity),
  };
  const records: ResponseRecord[] = [];
  centers.forEach((center, c) => {
    const quality = 0.3 + 0.65 * random();
    const picked = new Set<number>();
    while (picked.size < ratersPerCenter) picked.add(Math.floor(random() * SUPERVISORS));
    for (const rater of picked) {
      const answers: Record<string, number | boolean | string | null> = {};
      questions.forEach((q, indicator) => {
        const roll = random();
        const level = Math.min(1, Math.max(0, quality + (severity[rater] ?? 0) + (random() - 0.5) * 0.4));
        let value: number | boolean | string | null;
        let numeric: number | null;
        if (roll < 0.02) {
          value = null;
          numeric = null;
        } else {
          switch (q.kind) {
            case 'rating':
              value = 1 + Math.round(level * 4);
              numeric = value;
              break;
            case 'yesno': {
              const good = random() < level;
              value = q.good === 'yes' ? good : !good;
              numeric = value ? 1 : 0;
              break;
            }
            case 'number':
              value = Math.round(q.worst + (q.best - q.worst) * level + (random() - 0.5) * 4);
              value = Math.max(q.minValue, value);
              numeric = value;
              break;
            case 'choice': {
              const k = level > 0.75 ? 0 : level > 0.45 ? 1 : 2;
              value = q.options[k]?.value ?? '';
              numeric = k + 1;
              break;
            }
            default:
              return;
          }
        }
        answers[q.id] = value;
        if (withRows) {
          rows.center[rows.count] = c;
          rows.rater[rows.count] = rater;
          rows.indicator[rows.count] = indicator;
          rows.value[rows.count++] = numeric ?? Number.NaN;
        }
      });
      const supervisorId = `S${String(rater).padStart(4, '0')}`;
      const assignmentId = `A-${center.id}-${supervisorId}`;
      // The same parse the store applies to every item it reads.
      records.push(
        ResponseRecord.parse({
          PK: `CAMPAIGN#bench#S${String(rater % 16).padStart(2, '0')}`,
          SK: `RESPONSE#${assignmentId}`,
          campaignId: 'bench',
          assignmentId,
          supervisorId,
          centerId: center.id,
          activity: 'experiential',
          version: 1,
          submittedAt: '2026-12-10T10:00:00+08:00',
          answers,
          submissionId: `sub-${assignmentId}`,
        }),
      );
    }
  });
  // Pages come shard by shard, not center by center.
  records.sort((a, b) => (a.supervisorId < b.supervisorId ? -1 : a.supervisorId > b.supervisorId ? 1 : 0));
  const pages: ResponseRecord[][] = [];
  for (let i = 0; i < records.length; i += PAGE) pages.push(records.slice(i, i + PAGE));
  const encoder = new ResponseEncoder(QUESTIONNAIRE, centers);
  return {
    centers,
    pages,
    encoder,
    columns: encodePages(encoder, pages),
    rows,
    answers: records.reduce((n, r) => n + Object.keys(r.answers).length, 0),
    responses: records.length,
  };
};

/** The parsed pages into columns, page by page, as the Score step does as it reads them. */
export const encodePages = (encoder: ResponseEncoder, pages: readonly ResponseRecord[][]): ResponseColumns[] =>
  pages.map((page) => encoder.encode(page));

/**
 * Drops the parsed records, as the Score step drops each page once encoded: what stays in memory is
 * the columns, so the collector does not walk 60,000 records while scoring is timed.
 */
export const dropPages = (data: BenchData): void => {
  data.pages = [];
};

/** Responses the campaign record counts as answered, known to the Score step before it reads a page. */
export const responsesOf = (data: BenchData) => data.responses;

/** Every page added, as the Score step hands them to the accumulator. */
const accumulate = (data: BenchData) => {
  const accumulator = new CenterScoreAccumulator(QUESTIONNAIRE, data.centers, 'bench', {
    expectedResponses: responsesOf(data),
    encoder: data.encoder,
  });
  for (const page of data.columns) accumulator.addColumns(page);
  return accumulator;
};

/** Ours: from the pages in columns to finished two-level center scores. */
export const scoreOurs = (data: BenchData) => accumulate(data).meanScores();

/** The full method on the same pages: medians, intervals, alpha, severity, adjusted scores, ranks, trends. */
export const scoreFull = (data: BenchData) => accumulate(data).finish();

/**
 * Median milliseconds of encoding every parsed page into columns (runs after warm-ups). The Score step
 * encodes each page right after parsing it, so each page is copied afresh (untimed) before it is encoded,
 * as a page just parsed is: encoding pages generated long before, spread over a heap of millions of
 * answers, would time the memory's latency more than the step's work (about 1.2× here at 8 raters).
 */
const timeEncoding = (data: BenchData, runs: number, warmups: number): number => {
  const ms: number[] = [];
  for (let k = 0; k < warmups + runs; k++) {
    let spent = 0;
    for (const page of data.pages) {
      const parsed = structuredClone(page);
      const started = performance.now();
      data.encoder.encode(parsed);
      spent += performance.now() - started;
    }
    if (k >= warmups) ms.push(spent);
  }
  return median(ms);
};

const SCORE_SQL = `
WITH s AS (
  SELECT a.center, a.indicator,
    CASE i.kind
      WHEN 'rating' THEN least(100, greatest(0, ((a.value - i.lo) / i.span) * 100))
      WHEN 'number' THEN least(100, greatest(0, (100 * (i.lo - a.value)) / i.span))
      WHEN 'yesno' THEN CASE WHEN (a.value = 1) = i.good THEN 100.0 ELSE 0.0 END
      ELSE i.opt[a.value::INTEGER]
    END AS score
  FROM answers a JOIN indicators i ON a.indicator = i.indicator
  WHERE a.value IS NOT NULL
),
m AS (SELECT center, indicator, avg(score) AS mean FROM s WHERE score IS NOT NULL GROUP BY center, indicator),
d AS (
  SELECT m.center, i.dimension, any_value(i.section_weight) AS sw, sum(i.weight * m.mean) / sum(i.weight) AS dim
  FROM m JOIN indicators i ON m.indicator = i.indicator
  GROUP BY m.center, i.dimension
)`;

const CENTER_SQL = `${SCORE_SQL} SELECT center, sum(sw * dim) / sum(sw) AS score FROM d GROUP BY center ORDER BY center`;
const DIMENSION_SQL = `${SCORE_SQL} SELECT center, dimension, dim FROM d ORDER BY center, dimension`;

const loadDuckDb = async (data: BenchData) => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    'CREATE TABLE answers (center INTEGER NOT NULL, rater INTEGER NOT NULL, indicator SMALLINT NOT NULL, value DOUBLE)',
  );
  const appender = await connection.createAppender('answers');
  const { rows } = data;
  for (let k = 0; k < rows.count; k++) {
    appender.appendInteger(rows.center[k] as number);
    appender.appendInteger(rows.rater[k] as number);
    appender.appendSmallInt(rows.indicator[k] as number);
    const value = rows.value[k] as number;
    if (Number.isNaN(value)) appender.appendNull();
    else appender.appendDouble(value);
    appender.endRow();
  }
  appender.closeSync();
  await connection.run(`CREATE TABLE indicators (
    indicator SMALLINT PRIMARY KEY, dimension TINYINT, weight DOUBLE, section_weight DOUBLE,
    kind VARCHAR, lo DOUBLE, span DOUBLE, good BOOLEAN, opt DOUBLE[])`);
  const values: string[] = [];
  let indicator = 0;
  QUESTIONNAIRE.sections.forEach((section, dimension) => {
    for (const q of section.questions) {
      const lo = q.kind === 'rating' ? q.min : q.kind === 'number' ? q.worst : 0;
      const span = q.kind === 'rating' ? q.max - q.min : q.kind === 'number' ? q.worst - q.best : 1;
      const good = q.kind === 'yesno' ? q.good === 'yes' : true;
      const opt = q.kind === 'choice' ? `[${q.options.map((o) => o.score ?? 'NULL').join(', ')}]::DOUBLE[]` : 'NULL';
      values.push(
        `(${indicator++}, ${dimension}, ${q.weight}, ${section.weight}, '${q.kind}', ${lo}, ${span}, ${good}, ${opt})`,
      );
    }
  });
  await connection.run(`INSERT INTO indicators VALUES ${values.join(', ')}`);
  return { instance, connection };
};

/** Peak memory of one run of ours and of the full method, each in a fresh process holding only the pages. */
const measureMemory = (): Promise<string> =>
  new Promise((done, fail) => {
    const script = fileURLToPath(new URL('./scoring-memory.ts', import.meta.url));
    const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(out.trim()) : fail(new Error(`memory probe exited with ${code}`))));
  });

const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** `scoring-1M`: our Score step arithmetic against DuckDB computing the same two-level scores. */
export const suite: BenchSuite = {
  name: 'scoring',
  summary: '1,000,000 answers (20,000 centers × 3 raters × 17 indicators): ours vs DuckDB',
  run: async (out) => {
    await measureMillion(out);
    // The full method at other rater counts: the same 20,000 centers, each rated by 3, 5 or 8 supervisors.
    // Each count's pages alone in memory (generated after the previous count's are dropped), as a Score
    // step holds one campaign: the collector does not walk another data set's 100 MB meanwhile.
    for (const raters of [3, 5, 8]) {
      const more =
        raters === RATERS_PER_CENTER ? generateBenchData() : generateBenchData(`${SEED}/${raters}`, false, raters);
      const encodeMs = timeEncoding(more, 3, 1);
      const answers = more.answers;
      dropPages(more);
      const ms: number[] = [];
      let result = scoreFull(more);
      for (let k = 0; k < 3; k++) {
        const started = performance.now();
        result = scoreFull(more);
        ms.push(performance.now() - started);
      }
      out(
        `scoring-20k-full-${raters}-raters: ours_ms=${(median(ms) + encodeMs).toFixed(1)} score_ms=${median(ms).toFixed(1)} encode_ms=${encodeMs.toFixed(1)} answers=${answers} disagreement_flagged=${result.summary.flags.disagreement ?? 0}/${more.centers.length} (ours_ms: the Score step's work from parsed pages, encoding them included; each a median of 3 after a warm-up)`,
      );
    }
    for (const line of (await measureMemory()).split('\n')) out(line);
  },
};

/** The 1,000,000 answers against DuckDB, and the full method on them; its data is dropped when it returns. */
const measureMillion = async (out: (line: string) => void): Promise<void> => {
  const data = generateBenchData();
  const encodeMs = timeEncoding(data, RUNS, WARMUPS);
  const pageCount = data.pages.length;
  dropPages(data);
  const inputRss = rssMb();

  // Ours alone first, so the peak memory it reaches is not DuckDB's.
  const oursMs: number[] = [];
  let ours = scoreOurs(data);
  for (let k = 0; k < WARMUPS + RUNS; k++) {
    const started = performance.now();
    ours = scoreOurs(data);
    const ms = performance.now() - started;
    if (k >= WARMUPS) oursMs.push(ms);
  }
  const oursPeak = peakRssMb();

  const { instance, connection } = await loadDuckDb(data);
  const duckMs: number[] = [];
  let duckScores: number[] = [];
  for (let k = 0; k < WARMUPS + RUNS; k++) {
    const started = performance.now();
    const reader = await connection.runAndReadAll(CENTER_SQL);
    const rows = reader.getRows();
    const ms = performance.now() - started;
    if (k >= WARMUPS) duckMs.push(ms);
    duckScores = new Array(data.centers.length).fill(Number.NaN);
    for (const [center, score] of rows) duckScores[Number(center)] = Number(score);
  }
  // Dimension scores are compared too, outside the timing.
  const dimensionRows = (await connection.runAndReadAll(DIMENSION_SQL)).getRows();
  connection.closeSync();
  instance.closeSync();

  let maxDiff = 0;
  const nd = QUESTIONNAIRE.sections.length;
  for (let c = 0; c < data.centers.length; c++) {
    const a = ours.score[c] as number;
    const b = duckScores[c] as number;
    if (Number.isNaN(a) !== Number.isNaN(b)) maxDiff = Number.POSITIVE_INFINITY;
    else if (!Number.isNaN(a)) maxDiff = Math.max(maxDiff, Math.abs(a - b));
  }
  for (const [center, dimension, dim] of dimensionRows) {
    const a = ours.dimensions[Number(center) * nd + Number(dimension)] as number;
    maxDiff = Math.max(maxDiff, Math.abs(a - Number(dim)));
  }
  if (dimensionRows.length === 0) maxDiff = Number.POSITIVE_INFINITY;

  const fullMs: number[] = [];
  let flagged = 0;
  for (let k = 0; k < 3; k++) {
    const started = performance.now();
    const result = scoreFull(data);
    fullMs.push(performance.now() - started);
    flagged = result.summary.flags.disagreement ?? 0;
  }

  const oursMedian = median(oursMs);
  const duckMedian = median(duckMs);
  out(
    `scoring-1M: ours_ms=${oursMedian.toFixed(1)} duckdb_ms=${duckMedian.toFixed(1)} ratio=${(oursMedian / duckMedian).toFixed(3)} ratio_with_encode=${((oursMedian + encodeMs) / duckMedian).toFixed(3)} max_abs_diff=${maxDiff.toExponential(2)}`,
  );
  out(
    `scoring-1M-answers: ${data.answers} in ${responsesOf(data)} responses, ${pageCount} pages; runs=${RUNS} (median), warmups=${WARMUPS}`,
  );
  out(
    `scoring-1M-encode: ms=${encodeMs.toFixed(1)} (the parsed pages into columns, as the Score step does page by page as it reads them; not in ours_ms, as loading the table is not in duckdb_ms)`,
  );
  out(
    `scoring-1M-runs: ours_ms=[${oursMs.map((x) => x.toFixed(1)).join(', ')}] duckdb_ms=[${duckMs.map((x) => x.toFixed(1)).join(', ')}]`,
  );
  out(
    `scoring-1M-peak-rss-mb: input=${inputRss.toFixed(0)} ours_peak=${oursPeak.toFixed(0)} process_peak=${peakRssMb().toFixed(0)}`,
  );
  out(
    `scoring-1M-full: ours_ms=${median(fullMs).toFixed(1)} (median raters, intervals, alpha, severity, adjusted scores, ranks; median of 3) disagreement_flagged=${flagged}/${data.centers.length}`,
  );
};
