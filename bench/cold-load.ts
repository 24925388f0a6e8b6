import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_ENTRY, functionBundleOptions, STACK_BUNDLE } from './stack-bundle.ts';
import type { BenchSuite } from './suite.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const TARGET_RATIO = 1.3;
const RUNS = 21;
const TOP_INPUTS = 10;

/** The Lambdas behind the HTTP API: their cold start is what a visitor waits for. */
const HTTP_FUNCTIONS = ['console-api', 'survey-api', 'rectification-api'] as const;
type HttpFunction = (typeof HTTP_FUNCTIONS)[number];

/**
 * The modules a typical first request of each function imports (its route's lazy handlers, the site's
 * header profile): the console's sign-in page, a supervisor's survey page, an official's page. Their
 * chunks are loaded after the entry; the page itself is not rendered (it would read the table).
 */
const FIRST_PAGE: Record<HttpFunction, { readonly request: string; readonly modules: readonly string[] }> = {
  'console-api': {
    request: 'GET /console/sign-in',
    modules: ['api/console/foreign-posts.ts', 'api/console/sign-in-page.ts', 'api/console/site.ts'],
  },
  'survey-api': { request: 'GET /s/{token}', modules: ['api/survey/page.ts', 'api/survey/site.ts'] },
  'rectification-api': {
    request: 'GET /r/{token}',
    modules: ['api/rectification/page.ts', 'api/rectification/site.ts'],
  },
};

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

/**
 * Bundles a function (or the floor, from a file of its source) into `outdir` as the CDK stack does: the
 * entry `index.mjs` and its chunks. Returns the metafile.
 */
const bundle = async (entry: { handler: string } | { file: string }, outdir: string): Promise<Metafile> => {
  const options =
    'handler' in entry
      ? functionBundleOptions(ROOT, entry.handler, outdir)
      : { ...STACK_BUNDLE, absWorkingDir: ROOT, entryPoints: [{ in: entry.file, out: BUNDLE_ENTRY }], outdir };
  const result = await build({ ...options, metafile: true, logLevel: 'error' });
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

/** The bundle's JavaScript files (not their maps). */
const scripts = (meta: Metafile) => Object.entries(meta.outputs).filter(([file]) => file.endsWith('.mjs'));

/** The bundle's output files a cold start loads: the entry and the chunks it imports statically, transitively. */
const loadedAtStart = (meta: Metafile): string[] => {
  const entry = scripts(meta).find(([file]) => file.endsWith(`/${BUNDLE_ENTRY}.mjs`))?.[0];
  const seen = new Set<string>();
  const visit = (file: string | undefined) => {
    if (file === undefined || seen.has(file)) return;
    seen.add(file);
    for (const i of meta.outputs[file]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return [...seen];
};

/**
 * What a cold start loads of a bundle (the entry's files: size and largest contributors), the bundle's
 * total size, and the packages its files load from the runtime.
 */
const composition = (
  meta: Metafile,
): { kb: number; totalKb: number; files: number; top: string; runtime: string[] } => {
  const loaded = loadedAtStart(meta);
  const bytes = new Map<string, number>();
  for (const file of loaded) {
    for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[file]?.inputs ?? {})) {
      const group = inputGroup(input);
      bytes.set(group, (bytes.get(group) ?? 0) + bytesInOutput);
    }
  }
  const top = [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_INPUTS)
    .map(([group, n]) => `${group} ${(n / 1024).toFixed(1)}KB`)
    .join(', ');
  const imported = scripts(meta).flatMap(([, output]) =>
    output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path),
  );
  const kb = (files: readonly string[]) =>
    files.reduce((sum, file) => sum + (meta.outputs[file]?.bytes ?? 0), 0) / 1024;
  return {
    kb: kb(loaded),
    totalKb: kb(scripts(meta).map(([file]) => file)),
    files: loaded.length,
    top,
    runtime: [...new Set(imported)].sort(),
  };
};

/** The bundle's file (relative to the bundle's directory) that a module imported with `import()` became. */
const chunkOf = (meta: Metafile, outdir: string, module: string): string => {
  const input = relative(ROOT, join(ROOT, 'functions', module));
  const found = scripts(meta).find(([, output]) => output.entryPoint === input)?.[0];
  if (found === undefined) throw new Error(`${module} is no chunk of its own: is it still imported with import()?`);
  return relative(outdir, join(ROOT, found));
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
  const floorFile = join(dir, 'floor.ts');
  writeFileSync(floorFile, FLOOR_SOURCE);
  for (const name of ['floor', ...HTTP_FUNCTIONS]) {
    const outdir = join(dir, name);
    mkdirSync(outdir);
    const meta = await bundle(name === 'floor' ? { file: floorFile } : { handler: name }, outdir);
    metas.set(name, meta);
    loaders.set(name, loader(name, `import './${name}/${BUNDLE_ENTRY}.mjs';\n`));
    if (name === 'floor') continue;
    const chunks = FIRST_PAGE[name as HttpFunction].modules.map(
      (m) => `import('./${name}/${chunkOf(meta, outdir, m)}')`,
    );
    const firstPage = `import './${name}/${BUNDLE_ENTRY}.mjs';\nawait Promise.all([${chunks.join(', ')}]);\n`;
    loaders.set(`${name} + first page`, loader(`${name}+first`, firstPage));
  }
  const extra = new Set(
    [...metas.values()].flatMap((m) => composition(m).runtime).filter((p) => !FLOOR_PACKAGES.has(p)),
  );
  for (const pkg of [...extra].sort()) {
    const timed = `const t = performance.now();\nawait import('${pkg}');\nconsole.log(performance.now() - t);\n`;
    loaders.set(`floor + ${pkg}`, loader(`floor+${pkg}`, `import './floor/${BUNDLE_ENTRY}.mjs';\n${timed}`));
  }
  return { loaders, metas };
};

/** Times a cold process of each HTTP function against the floor; the ratio is what loading the handler adds. */
export const suite: BenchSuite = {
  name: 'cold-load',
  summary: `Cold process (start, load, exit) of each HTTP function, and of it with its first page's chunks, against the DynamoDB client alone (target ≤ ${TARGET_RATIO})`,
  run: async (out) => {
    // The bundles import the AWS SDK from the runtime; here it resolves from the project's node_modules.
    const dir = mkdtempSync(join(ROOT, 'node_modules', '.bench-cold-'));
    try {
      const { loaders, metas } = await prepare(dir);
      const ms = timeAll(loaders);
      const floor = ms.get('floor') ?? Number.NaN;
      for (const name of HTTP_FUNCTIONS) {
        const own = ms.get(name) ?? Number.NaN;
        const first = ms.get(`${name} + first page`) ?? Number.NaN;
        out(`cold-load-vs-floor: ${name} ${(own / floor).toFixed(2)}`);
        out(`  ${name}: cold process ${own.toFixed(1)} ms, floor ${floor.toFixed(1)} ms (medians of ${RUNS} runs)`);
        out(`cold-load-first-page-vs-floor: ${name} ${(first / floor).toFixed(2)}`);
        out(
          `  ${name}: cold process loading also the chunks of ${FIRST_PAGE[name].request} ${first.toFixed(1)} ms (${FIRST_PAGE[name].modules.join(', ')})`,
        );
      }
      out(`cold-load target: each cold-load-vs-floor ratio ≤ ${TARGET_RATIO}`);
      for (const name of HTTP_FUNCTIONS) {
        const meta = metas.get(name);
        if (!meta) continue;
        const { kb, totalKb, files, top, runtime } = composition(meta);
        out(
          `cold-load-bundle-inputs ${name} (${kb.toFixed(1)} KB in ${files} files loaded at a cold start, of ${totalKb.toFixed(1)} KB): ${top}`,
        );
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
