import type { BuildOptions } from 'esbuild';
import { BUNDLE } from '../infra/bundle-options.ts';

/** esbuild's options as the CDK stack bundles a function (infra/bundle-options.ts), for benches that bundle alike. */
export const STACK_BUNDLE: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: BUNDLE.format,
  target: BUNDLE.target,
  mainFields: [...BUNDLE.mainFields],
  minify: BUNDLE.minify,
  banner: { js: BUNDLE.banner },
  external: [...BUNDLE.external],
};
