/** esbuild's options as the CDK stack bundles a function (infra/bundle-options.ts), for benches that bundle alike. */
export {
  BUNDLE_ENTRY,
  functionBundleOptions,
  STACK_ESBUILD_OPTIONS as STACK_BUNDLE,
} from '../infra/bundle-options.ts';
