/**
 * How every Lambda is bundled, shared by the CDK construct and `npm run bench -- bundles` so the
 * measured bundles are the deployed ones.
 */

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

/** esbuild's options as the CDK stack bundles a function, for those who bundle alike (the benches, the embedded cloud). */
export const STACK_ESBUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: BUNDLE.format,
  target: BUNDLE.target,
  mainFields: [...BUNDLE.mainFields],
  minify: BUNDLE.minify,
  banner: { js: BUNDLE.banner },
  external: [...BUNDLE.external],
};
