import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { STACK_BUNDLE } from './stack-bundle.ts';
import type { BenchSuite } from './suite.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const TARGET_RATIO = 1.3;
const RUNS = 21;
const TOP_INPUTS = 10;

/** The Lambdas behind the HTTP API: their cold start is what a visitor waits for. */
const HTTP_FUNCTIONS = ['console-api', 'survey-api', 'rectification-api'] as const;

/** The floor: a module that does only what every HTTP function must, create the DynamoDB document client. */
const FLOOR_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
export const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
`;
const FLOOR_PACKAGES = new Set(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);

/**
 * The environment of every process: what bench/bundles.ts gives the handlers, the console's user pool
 * and secret as the stack sets them, and the stack's NODE_OPTIONS (its bundles carry source maps).
 */
const ENV = {
  PATH: process.env.PATH ?? '',
  NODE_OPTIONS: '--enable-source-maps',
  TABLE_NAME: 'bench',
  MAIL_FROM: 'bench@example.gov.cn',
  SURVEY_BASE_URL: 'https://survey.example.gov.cn',
  LINK_SECRET: 'bench-link-secret-0123456789abcdefghij',
  LINK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-link-AbCdEf',
  CONSOLE_USER_POOL_ID: 'us-east-1_Bench0000',
  CONSOLE_CLIENT_ID: 'bench0console0client0000',
  CAMPAIGN_CACHE_SECONDS: '5',
  AWS_REGION: 'us-east-1',
};

/** Bundles one entry (a file, or the floor's source) as the CDK stack does; returns its metafile. */
const bundle = async (entry: { file: string } | { source: string }, outfile: string): Promise<Metafile> => {
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: ROOT, loader: 'ts' as const, sourcefile: 'floor.ts' } }),
    ...STACK_BUNDLE,
    absWorkingDir: ROOT,
    // The stack's functions bundle with `sourceMap: true` and `sourcesContent: false`.
    sourcemap: true,
    sourcesContent: false,
    outfile,
    metafile: true,
    logLevel: 'error',
  });
  return result.metafile;
};

/**
 * Runs `node <loader>` in a fresh process (start Node, import, exit): its wall time, or the figure the
 * loader printed when it prints one.
 */
const coldProcessMs = (loader: string): number => {
  const start = performance.now();
  const child = spawnSync(process.execPath, [loader], { env: ENV, cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const ms = performance.now() - start;
  if (child.status !== 0) {
    throw new Error(
      `node ${loader} exited with ${child.status ?? child.signal}: ${child.stderr.trim().slice(0, 2000)}`,
    );
  }
  const printed = child.stdout.trim();
  return printed ? Number(printed) : ms;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Median cold-process time of each loader: one warm-up each, then rounds that take every loader in turn. */
const timeAll = (loaders: ReadonlyMap<string, string>): Map<string, number> => {
  for (const loader of loaders.values()) coldProcessMs(loader);
  const times = new Map<string, number[]>([...loaders.keys()].map((name) => [name, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const [name, loader] of loaders) times.get(name)?.push(coldProcessMs(loader));
  }
  return new Map([...times].map(([name, ms]) => [name, median(ms)]));
};

/** Project files by path, packages by name (`node_modules/<pkg>/…` → `<pkg>`). */
const inputGroup = (input: string): string => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input;
  const [scope = '', name = ''] = input.slice(at + 'node_modules/'.length).split('/');
  return scope.startsWith('@') ? `${scope}/${name}` : scope;
};

/** The largest contributors to a bundle (bytes in the output), and the packages it loads from the runtime. */
const composition = (meta: Metafile): { kb: number; top: string; runtime: string[] } => {
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith('.mjs'))?.[1];
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const group = inputGroup(input);
    bytes.set(group, (bytes.get(group) ?? 0) + bytesInOutput);
  }
  const top = [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_INPUTS)
    .map(([group, n]) => `${group} ${(n / 1024).toFixed(1)}KB`)
    .join(', ');
  const imported = (output?.imports ?? []).filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path);
  return { kb: (output?.bytes ?? 0) / 1024, top, runtime: [...new Set(imported)].sort() };
};

/**
 * Bundles the floor and each HTTP function into `dir`, each with a loader that only imports it; and,
 * for each runtime package they load beyond the floor's, a loader that prints what importing that
 * package costs once the floor is loaded (timed inside the process: steadier than a difference of walls).
 */
const prepare = async (dir: string) => {
  const loaders = new Map<string, string>();
  const metas = new Map<string, Metafile>();
  const loader = (name: string, source: string): string => {
    const file = join(dir, `load-${name.replace(/[^\w-]/g, '_')}.mjs`);
    writeFileSync(file, source);
    return file;
  };
  for (const name of ['floor', ...HTTP_FUNCTIONS]) {
    const entry = name === 'floor' ? { source: FLOOR_SOURCE } : { file: join(ROOT, 'functions', `${name}.ts`) };
    metas.set(name, await bundle(entry, join(dir, `${name}.mjs`)));
    loaders.set(name, loader(name, `import './${name}.mjs';\n`));
  }
  const extra = new Set(
    [...metas.values()].flatMap((m) => composition(m).runtime).filter((p) => !FLOOR_PACKAGES.has(p)),
  );
  for (const pkg of [...extra].sort()) {
    const timed = `const t = performance.now();\nawait import('${pkg}');\nconsole.log(performance.now() - t);\n`;
    loaders.set(`floor + ${pkg}`, loader(`floor+${pkg}`, `import './floor.mjs';\n${timed}`));
  }
  return { loaders, metas };
};

/** Times a cold process of each HTTP function against the floor; the ratio is what loading the handler adds. */
export const suite: BenchSuite = {
  name: 'cold-load',
  summary: `Cold process (start, load, exit) of each HTTP function against the DynamoDB client alone (target ≤ ${TARGET_RATIO})`,
  run: async (out) => {
    // The bundles import the AWS SDK from the runtime; here it resolves from the project's node_modules.
    const dir = mkdtempSync(join(ROOT, 'node_modules', '.bench-cold-'));
    try {
      const { loaders, metas } = await prepare(dir);
      const ms = timeAll(loaders);
      const floor = ms.get('floor') ?? Number.NaN;
      for (const name of HTTP_FUNCTIONS) {
        const own = ms.get(name) ?? Number.NaN;
        out(`cold-load-vs-floor: ${name} ${(own / floor).toFixed(2)}`);
        out(`  ${name}: cold process ${own.toFixed(1)} ms, floor ${floor.toFixed(1)} ms (medians of ${RUNS} runs)`);
      }
      out(`cold-load target: each ratio ≤ ${TARGET_RATIO}`);
      for (const name of HTTP_FUNCTIONS) {
        const meta = metas.get(name);
        if (!meta) continue;
        const { kb, top, runtime } = composition(meta);
        out(`cold-load-bundle-inputs ${name} (${kb.toFixed(1)} KB): ${top}`);
        const added = runtime
          .filter((p) => !FLOOR_PACKAGES.has(p))
          .map((p) => `${p} ${(ms.get(`floor + ${p}`) ?? Number.NaN).toFixed(0)} ms`);
        out(`cold-load-runtime-packages ${name}: ${runtime.join(', ')}`);
        if (added.length > 0) out(`  importing each once the floor is loaded: ${added.join(', ')}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
