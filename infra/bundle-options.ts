/**
 * How every Lambda is bundled, shared by the CDK stack (infra/supervision-function.ts), the embedded
 * cloud (local/function-bundles.ts) and the benches, so the bundles measured and run locally are the
 * deployed ones.
 */

import path from 'node:path';
import type { BuildOptions } from 'esbuild';

export const BUNDLE = {
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  /** Defines `require` in ESM bundles, for the CommonJS dependencies esbuild inlines. */
  banner:
    "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);",
  /**
   * The AWS SDK v3 comes with the nodejs22.x runtime: leaving it out keeps each bundle a fraction of
   * its size (cold starts load less). The SDK is backward compatible within v3; tests run the
   * version in the lock file.
   */
  external: ['@aws-sdk/*', '@smithy/*'],
} as const;

/** The name of a bundle's entry file (`index.mjs`): the handler is `index.handler`. */
export const BUNDLE_ENTRY = 'index';

/**
 * esbuild's options as the stack bundles a function into a directory: `index.mjs`, the module a cold
 * start loads, and a chunk for each module the function imports with `import()` (an HTTP function's
 * pages and actions, see functions/edge/http/lazy-handler.ts) and for the code several of them share,
 * each loaded at its first use. Each file has its source map beside it, without the sources: the
 * functions run with --enable-source-maps, so traces name the source files.
 */
export const STACK_ESBUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: BUNDLE.format,
  target: BUNDLE.target,
  mainFields: [...BUNDLE.mainFields],
  minify: BUNDLE.minify,
  banner: { js: BUNDLE.banner },
  external: [...BUNDLE.external],
  splitting: true,
  sourcemap: 'linked',
  sourcesContent: false,
  outExtension: { '.js': '.mjs' },
};

/** The options that bundle the function of `functions/<handlerName>.ts` under `projectRoot` into `outdir`. */
export const functionBundleOptions = (projectRoot: string, handlerName: string, outdir: string): BuildOptions => ({
  ...STACK_ESBUILD_OPTIONS,
  absWorkingDir: projectRoot,
  entryPoints: [{ in: path.join(projectRoot, 'functions', `${handlerName}.ts`), out: BUNDLE_ENTRY }],
  outdir,
});
