import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupervisionFunction } from '../../infra/supervision-function.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

interface FunctionResource {
  readonly Properties: { readonly Code: { readonly S3Key: string } };
  readonly Metadata: Record<string, string>;
}

/** The asset directory of each function, by the handler file it runs. */
let assets: Map<string, string>;
let template: Template;
let outdir: string;

beforeAll(() => {
  // Bundling on (the other stack tests skip it): two HTTP functions are bundled as a deploy bundles them.
  outdir = mkdtempSync(path.join(tmpdir(), 'function-bundling-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundled');
  for (const handlerName of ['survey-api', 'rectification-api']) {
    new SupervisionFunction(stack, `${handlerName}-function`, {
      projectRoot: PROJECT_ROOT,
      handlerName,
      description: handlerName,
      timeout: Duration.seconds(10),
    });
  }
  template = Template.fromStack(stack);
  const assembly = app.synth();
  const functions = template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
  assets = new Map(
    Object.values(functions).map((fn) => [
      fn.Metadata['service-supervision:handler'] ?? '',
      // The staged asset: `asset.<hash>` beside the template, `<hash>.zip` once uploaded.
      path.join(assembly.directory, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`),
    ]),
  );
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('a function bundle', () => {
  it('runs index.handler on Node.js 22 for arm64', () => {
    // Assess
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Handler: 'index.handler', Runtime: 'nodejs22.x', Architectures: ['arm64'] },
      2,
    );
  });

  it('is split: an entry that imports no page, and a chunk per page loaded at its first request', () => {
    // Prepare
    const dir = assets.get('survey-api') ?? '';
    // Act
    const files = readdirSync(dir);
    const entry = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    const page = files.find((f) => /^page-[A-Z0-9]+\.mjs$/.test(f)) ?? '';
    // Assess
    expect(page).not.toBe('');
    expect(entry).toContain(`import("./${page}")`);
    expect(entry).not.toMatch(/^import[^;]*\.\/page-/m);
    expect(entry).toContain('//# sourceMappingURL=index.mjs.map');
    for (const file of files.filter((f) => f.endsWith('.mjs'))) expect(files).toContain(`${file}.map`);
  });

  it('holds one function each: the two functions have assets of their own', () => {
    // Prepare
    const survey = assets.get('survey-api') ?? '';
    const rectification = assets.get('rectification-api') ?? '';
    // Assess
    expect(survey).not.toBe(rectification);
    expect(existsSync(path.join(rectification, 'index.mjs'))).toBe(true);
    expect(readFileSync(path.join(rectification, 'index.mjs'), 'utf8')).toContain('/r/{token}');
    expect(readFileSync(path.join(survey, 'index.mjs'), 'utf8')).not.toContain('/r/{token}');
  });
});
