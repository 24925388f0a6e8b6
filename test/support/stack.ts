import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { WORKFLOW_FUNCTIONS } from '../../functions/core/campaign/workflow-contract.ts';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');

/** Every function of the stack, the mail-events one included: the handler files a project root needs. */
export const STACK_HANDLERS: readonly string[] = [
  ...Object.values(WORKFLOW_FUNCTIONS),
  'survey-api',
  'check-photo',
  'export-evidence',
  'expire-evidence',
  'count-answers',
  'rectification-api',
  'console-api',
  'ses-events',
];

/** A project root whose handler files are placeholders: bundling is skipped, only their presence counts. */
export const createProjectRoot = (handlers: readonly string[], prefix = 'supervision-stack-'): string => {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  mkdirSync(path.join(root, 'functions'));
  for (const handler of handlers) {
    writeFileSync(path.join(root, 'functions', `${handler}.ts`), 'export const handler = async () => ({});\n');
  }
  writeFileSync(path.join(root, 'package-lock.json'), '{}\n');
  // check-photo installs sharp into its bundle: CDK reads its version from the project's package.json.
  writeFileSync(
    path.join(root, 'package.json'),
    `${JSON.stringify({ name: 'stack-test', private: true, dependencies: { sharp: '^0.35.6' } })}\n`,
  );
  return root;
};

/** The app context of cdk.json (feature flags included), with esbuild bundling skipped. */
export const appContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };
};

/** The logical ID of a construct's CloudFormation resource. */
export const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** A stack built and synthesized once, for the assertions that only read it. */
export const synthesizedOnce = <S extends Stack>(build: () => S): (() => { stack: S; template: Template }) => {
  let built: { stack: S; template: Template } | undefined;
  return () => {
    if (!built) {
      const stack = build();
      built = { stack, template: Template.fromStack(stack) };
    }
    return built;
  };
};

/** The cdk-nag AwsSolutions rules a stack breaks on resources whose construct path contains one of `paths`. */
export const nagFindingsOn = (stack: Stack, paths: readonly string[]): string[] =>
  new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.filter((violation) =>
      violation.violatingResources.some((resource) => paths.some((p) => resource.constructPath?.includes(p))),
    )
    .map((violation) => violation.ruleName);

/** The reasons a construct gives for acknowledging the cdk-nag rule `ruleId` (e.g. AwsSolutions-APIG4). */
export const acknowledgedReasons = (construct: IConstruct, ruleId: string): string[] =>
  construct.node.metadata
    .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
    .filter(([id]) => id.endsWith(ruleId))
    .map(([, reason]) => reason);
