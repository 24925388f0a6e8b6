import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchSuite } from './suite.ts';

/** The suites, loaded on demand; adding one is one line here. */
const SUITES: Record<string, () => Promise<BenchSuite>> = {
  scoring: async () => (await import('./scoring.ts')).suite,
  bundles: async () => (await import('./bundles.ts')).suite,
  'cold-load': async () => (await import('./cold-load.ts')).suite,
  submit: async () => (await import('./submit.ts')).suite,
  'ses-pacing': async () => (await import('./ses-pacing.ts')).suite,
  province: async () => (await import('./province.ts')).suite,
  'results-page': async () => (await import('./results-page.ts')).suite,
  photos: async () => (await import('./photos.ts')).suite,
  'evidence-export': async () => (await import('./evidence-export.ts')).suite,
  'console-province': async () => (await import('./console-province.ts')).suite,
};

/** Runs the named suites (all when none are named); returns the exit code. */
export const runBench = async (
  names: readonly string[],
  out = (line: string) => console.log(line),
): Promise<number> => {
  const unknown = names.filter((n) => !(n in SUITES));
  if (unknown.length > 0) {
    console.error(
      `unknown bench suite ${unknown.map((n) => `"${n}"`).join(', ')}; suites: ${Object.keys(SUITES).join(', ')}`,
    );
    return 2;
  }
  const selected = names.length > 0 ? names : Object.keys(SUITES);
  if (selected.length === 1) {
    const load = SUITES[selected[0] ?? ''];
    if (load) await (await load()).run(out);
    return 0;
  }
  // One suite per process: the embedded cloud's handlers read their endpoints once, at load.
  let code = 0;
  for (const name of selected) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], {
      stdio: 'inherit',
    });
    if (child.status !== 0) code = child.status ?? 1;
  }
  return code;
};

process.exitCode = await runBench(process.argv.slice(2).filter((a) => a !== '--'));
