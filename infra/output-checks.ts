import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * cfn-lint findings the CDK always produces and that say nothing about the stack: W3005, an explicit
 * DependsOn on a function's role that a GetAtt already implies (CDK adds it so the role's policy
 * exists before the function).
 */
export const IGNORED_CFN_LINT_CHECKS = ['W3005'] as const;

/** A validator's verdict: `ok`, or what it printed. */
export interface CheckResult {
  readonly ok: boolean;
  readonly output: string;
}

/** The workflow definition with every `${Name}` placeholder replaced by a well-formed Lambda ARN, as CDK substitutes them. */
export function substitutePlaceholders(definition: string): string {
  return definition.replace(
    /\$\{(\w+)\}/g,
    (_, name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  );
}

const run = (command: string, args: readonly string[], cwd: string): CheckResult => {
  try {
    const output = execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, output };
  } catch (error) {
    const failed = error as { code?: string; stdout?: string; stderr?: string; message: string };
    if (failed.code === 'ENOENT') {
      return { ok: false, output: `${command} is not installed (${failed.message})` };
    }
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` || failed.message };
  }
};

/**
 * Validates an Amazon States Language file with asl-validator (npm, offline), placeholders
 * substituted first: the definition the stack deploys.
 */
export function validateWorkflow(workflowFile: string, projectRoot: string): CheckResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'asl-'));
  try {
    const substituted = path.join(dir, path.basename(workflowFile));
    writeFileSync(substituted, substitutePlaceholders(readFileSync(workflowFile, 'utf8')));
    return run(path.join(projectRoot, 'node_modules/.bin/asl-validator'), ['--json-path', substituted], projectRoot);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Lints CloudFormation templates with cfn-lint (`pip install cfn-lint`: AWS's linter, offline, with
 * the current resource specification); any error or warning but {@link IGNORED_CFN_LINT_CHECKS} fails.
 */
export function lintTemplates(templates: readonly string[], cwd: string): CheckResult {
  return run('cfn-lint', ['--ignore-checks', ...IGNORED_CFN_LINT_CHECKS, '--', ...templates], cwd);
}
