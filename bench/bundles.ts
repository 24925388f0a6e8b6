import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { median } from '../functions/core/scoring/agreement.ts';
import { BUNDLE_ENTRY, functionBundleOptions } from './stack-bundle.ts';
import type { BenchSuite } from './suite.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const LIMIT_KB = 300;

/** Handler files: one per Lambda. */
const handlers = () =>
  readdirSync(join(ROOT, 'functions'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();

/** Module load time of a bundle in a fresh Node process (median of runs), as a cold start pays it. */
const loadMs = (file: string, runs = 5): number => {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-t)`;
  const env = {
    ...process.env,
    TABLE_NAME: 'bench',
    MAIL_FROM: 'bench@example.gov.cn',
    SURVEY_BASE_URL: 'https://survey.example.gov.cn',
    LINK_SECRET: 'bench-link-secret-0123456789abcdefghij',
    EVIDENCE_BUCKET: 'bench-evidence',
    AWS_REGION: 'us-east-1',
    NODE_PATH: join(ROOT, 'node_modules'),
  };
  const once = () =>
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, cwd: ROOT }).toString().trim());
  return median(Array.from({ length: runs }, once));
};

/**
 * The KB of a bundle's JavaScript a cold start loads (the entry and the chunks it imports statically) and
 * of all of it (the chunks imported at first use too).
 */
const sizesOf = (meta: Metafile): { loadedKb: number; totalKb: number } => {
  const scripts = Object.keys(meta.outputs).filter((file) => file.endsWith('.mjs'));
  const loaded = new Set<string>();
  const visit = (file: string | undefined) => {
    if (file === undefined || loaded.has(file)) return;
    loaded.add(file);
    for (const i of meta.outputs[file]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(scripts.find((file) => file.endsWith(`/${BUNDLE_ENTRY}.mjs`)));
  const kb = (files: Iterable<string>) => [...files].reduce((sum, f) => sum + (meta.outputs[f]?.bytes ?? 0), 0) / 1024;
  return { loadedKb: kb(loaded), totalKb: kb(scripts) };
};

/** Bundles every handler exactly as the CDK stack does and reports sizes and the entry's load time. */
export const suite: BenchSuite = {
  name: 'bundles',
  summary: `Lambda bundle sizes a cold start loads (target ≤ ${LIMIT_KB} KB minified), with the chunks loaded at first use, and module load times`,
  run: async (out) => {
    // The bundles import the AWS SDK from the runtime; here it resolves from the project's node_modules.
    const dir = mkdtempSync(join(ROOT, 'node_modules', '.bench-bundles-'));
    try {
      let max = 0;
      for (const name of handlers()) {
        const outdir = join(dir, name);
        const { metafile } = await build({
          ...functionBundleOptions(ROOT, name, outdir),
          metafile: true,
          logLevel: 'error',
        });
        const { loadedKb, totalKb } = sizesOf(metafile);
        max = Math.max(max, loadedKb);
        const entry = join(outdir, `${BUNDLE_ENTRY}.mjs`);
        out(
          `bundle-kb ${name}: ${loadedKb.toFixed(1)} (with its chunks ${totalKb.toFixed(1)}) load_ms=${loadMs(entry).toFixed(1)}`,
        );
      }
      out(`bundle-max-kb: ${max.toFixed(1)} (target ≤ ${LIMIT_KB})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
