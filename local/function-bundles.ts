/**
 * The embedded cloud runs each function from the bundle the stack deploys, not from its sources: esbuild
 * with the stack's options (infra/bundle-options.ts), the AWS SDK left to the runtime as on Lambda, the
 * packages a function installs beside its bundle (sharp) left outside it. A bundle is a directory of its
 * own, its entry `index.mjs` and the chunks the function imports at first use, as in the function's
 * asset; an execution environment loads a few files instead of hundreds of source modules, so it starts
 * several times faster, and what runs here is what Lambda runs.
 *
 * Bundles are content-addressed under node_modules/.cache: built once for the sources, the lock file and
 * the options, then shared by every cloud started from the same tree (the test files' clouds, `npm start`).
 */

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { BUNDLE_ENTRY, functionBundleOptions, STACK_ESBUILD_OPTIONS } from '../infra/bundle-options.ts';
import { HANDLER_METADATA, type Template } from './template-resolver.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const FUNCTIONS = path.join(ROOT, 'functions');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'service-supervision', 'bundles');

/** Packages a function installs next to its bundle (NodejsFunction `nodeModules`): resolved from node_modules. */
const INSTALLED_BESIDE = ['sharp'];

/** What a local bundle adds to the stack's options: the packages installed beside it stay outside. */
const OPTIONS: BuildOptions = {
  external: [...(STACK_ESBUILD_OPTIONS.external ?? []), ...INSTALLED_BESIDE],
  logLevel: 'error',
};

/** The files a bundle is made of: the handlers' sources, the lock file and these options. */
const bundleInputs = (): string[] => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|json|js|css|svg)$/.test(entry)) files.push(full);
    }
  };
  walk(FUNCTIONS);
  files.push(path.join(ROOT, 'package-lock.json'), path.join(ROOT, 'infra', 'bundle-options.ts'));
  return files.sort();
};

/**
 * The bundle of each named function (`functions/<name>.ts` exporting `handler`), built unless bundles of
 * the same sources are cached: the absolute path of each entry (`<name>/index.mjs`), by function name.
 */
export const bundleFunctions = async (names: readonly string[]): Promise<Map<string, string>> => {
  const sorted = [...new Set(names)].sort();
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ sorted, STACK_ESBUILD_OPTIONS, OPTIONS }));
  for (const file of bundleInputs()) hash.update(path.relative(ROOT, file)).update(readFileSync(file));
  const dir = path.join(CACHE_DIR, hash.digest('hex').slice(0, 32));
  const paths = new Map(sorted.map((name) => [name, path.join(dir, name, `${BUNDLE_ENTRY}.mjs`)]));
  if (existsSync(dir)) return paths;
  // Built whole beside the cache entry, then renamed: clouds starting together never load half a bundle.
  const partial = `${dir}.${process.pid}.${Date.now()}`;
  mkdirSync(partial, { recursive: true });
  try {
    // One build per function, as the stack bundles each into its own asset: chunks are never shared between functions.
    await Promise.all(
      sorted.map((name) => build({ ...functionBundleOptions(ROOT, name, path.join(partial, name)), ...OPTIONS })),
    );
    try {
      renameSync(partial, dir);
    } catch (error) {
      // Another cloud built the same bundles first: theirs are the same.
      if (!existsSync(dir)) throw error;
      rmSync(partial, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  return paths;
};

/** The handler of every function of a synthesized template (the name CDK records beside each function). */
export const handlerNamesOf = (template: Template): string[] =>
  Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => r.Metadata?.[HANDLER_METADATA])
    .filter((name): name is string => typeof name === 'string');
