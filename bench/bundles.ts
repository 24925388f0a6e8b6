import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { median } from '../functions/core/scoring/agreement.ts';
import { STACK_BUNDLE } from './stack-bundle.ts';
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
    AWS_REGION: 'us-east-1',
    NODE_PATH: join(ROOT, 'node_modules'),
  };
  const once = () =>
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, cwd: ROOT }).toString().trim());
  return median(Array.from({ length: runs }, once));
};

/** Bundles every handler exactly as the CDK stack does and reports size and module load time. */
export const suite: BenchSuite = {
  name: 'bundles',
  summary: `Lambda bundle sizes (target ≤ ${LIMIT_KB} KB minified) and module load times`,
  run: async (out) => {
    // The bundles import the AWS SDK from the runtime; here it resolves from the project's node_modules.
    const dir = mkdtempSync(join(ROOT, 'node_modules', '.bench-bundles-'));
    try {
      let max = 0;
      for (const name of handlers()) {
        const outfile = join(dir, `${name}.mjs`);
        await build({
          ...STACK_BUNDLE,
          entryPoints: [join(ROOT, 'functions', `${name}.ts`)],
          outfile,
          logLevel: 'error',
        });
        const kb = statSync(outfile).size / 1024;
        max = Math.max(max, kb);
        out(`bundle-kb ${name}: ${kb.toFixed(1)} load_ms=${loadMs(outfile).toFixed(1)}`);
      }
      out(`bundle-max-kb: ${max.toFixed(1)} (target ≤ ${LIMIT_KB})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
