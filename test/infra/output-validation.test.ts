import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintTemplates, substitutePlaceholders, validateWorkflow } from '../../infra/output-checks.ts';
import { SupervisionStack } from '../../infra/supervision-stack.ts';
import { appContext, createProjectRoot, STACK_HANDLERS } from '../support/stack.ts';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');
const WORKFLOW_FILE = path.join(REPOSITORY_ROOT, 'workflows/campaign.asl.json');

let projectRoot: string;
let dir: string;

beforeAll(() => {
  projectRoot = createProjectRoot(STACK_HANDLERS, 'output-validation-');
  dir = mkdtempSync(path.join(tmpdir(), 'output-validation-'));
});

afterAll(() => {
  rmSync(projectRoot, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('validation of the synthesized output (npm run synth)', () => {
  it('finds the workflow definition valid Amazon States Language, placeholders substituted', () => {
    // Act
    const result = validateWorkflow(WORKFLOW_FILE, REPOSITORY_ROOT);
    // Assess
    expect(substitutePlaceholders(readFileSync(WORKFLOW_FILE, 'utf8'))).not.toMatch(/\$\{/);
    expect(result.output).toMatch(/is valid/);
    expect(result.ok).toBe(true);
  });

  it('refuses a definition that is not valid Amazon States Language', () => {
    // Prepare
    const broken = path.join(dir, 'broken.asl.json');
    writeFileSync(broken, JSON.stringify({ StartAt: 'Missing', States: { Done: { Type: 'Succeed' } } }));
    // Act
    const result = validateWorkflow(broken, REPOSITORY_ROOT);
    // Assess
    expect(result.ok).toBe(false);
  });

  it('finds the synthesized template free of cfn-lint errors and warnings', () => {
    // Prepare
    const stack = new SupervisionStack(new App({ context: appContext() }), 'Test', {
      senderEmail: 'noreply@example.gov.cn',
      projectRoot,
    });
    const template = path.join(dir, 'Test.template.json');
    writeFileSync(template, JSON.stringify(Template.fromStack(stack).toJSON()));
    // Act
    const result = lintTemplates([template], dir);
    // Assess
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('refuses a template cfn-lint finds wrong', () => {
    // Prepare
    const template = path.join(dir, 'Broken.template.json');
    writeFileSync(
      template,
      JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { RetentionPeriod: 'a week' } } } }),
    );
    // Act
    const result = lintTemplates([template], dir);
    // Assess
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/E3002|RetentionPeriod/);
  });
});
