import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');

/** A project root whose handler files are placeholders: bundling is skipped, only their presence counts. */
export const createProjectRoot = (handlers: readonly string[], prefix = 'supervision-stack-'): string => {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  mkdirSync(path.join(root, 'functions'));
  for (const handler of handlers) {
    writeFileSync(path.join(root, 'functions', `${handler}.ts`), 'export const handler = async () => ({});\n');
  }
  writeFileSync(path.join(root, 'package-lock.json'), '{}\n');
  return root;
};

/** The app context of cdk.json (feature flags included), with esbuild bundling skipped. */
export const appContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };
};
