import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupervisionStack } from '../../infra/supervision-stack.ts';
import { KEY_SPACES, TABLE_GRANTS, type TableHandlerName } from '../../infra/table-grants.ts';
import { appContext, createProjectRoot, logicalId, STACK_HANDLERS, synthesizedOnce } from '../support/stack.ts';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}
interface PolicyResource {
  readonly Properties: { readonly PolicyDocument: { readonly Statement: Statement[] }; readonly Roles: unknown[] };
}

let projectRoot: string;

beforeAll(() => {
  projectRoot = createProjectRoot(STACK_HANDLERS, 'table-grants-');
});

afterAll(() => {
  rmSync(projectRoot, { recursive: true, force: true });
});

const synthesize = synthesizedOnce(
  () =>
    new SupervisionStack(new App({ context: appContext() }), 'Test', {
      senderEmail: 'noreply@example.gov.cn',
      projectRoot,
    }),
);

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The stack's function for a handler name. */
const functionOf = (stack: SupervisionStack, handler: TableHandlerName) => {
  const named: Partial<Record<TableHandlerName, unknown>> = {
    'survey-api': stack.surveyFunction,
    'check-photo': stack.photoCheckFunction,
    'export-evidence': stack.exportEvidenceFunction,
    'expire-evidence': stack.expireEvidenceFunction,
    'count-answers': stack.countAnswersFunction,
    'rectification-api': stack.rectificationFunction,
    'console-api': stack.consoleFunction,
    'ses-events': stack.mailEventsFunction,
  };
  return (named[handler] ?? stack.taskFunctions[handler as keyof SupervisionStack['taskFunctions']]) as
    | SupervisionStack['surveyFunction']
    | undefined;
};

/**
 * Every (action, table or index, leading key) a role's policies allow on the table's items, as
 * `dynamodb:GetItem table CAMPAIGN#*`; a statement without a LeadingKeys condition shows as `<any key>`.
 */
const itemAccessOf = (stack: SupervisionStack, template: Template, handler: TableHandlerName): string[] => {
  const fn = functionOf(stack, handler);
  if (!fn) throw new Error(`no function for ${handler}`);
  const role = [{ Ref: logicalId(stack, fn.executionRole) }];
  const tableArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, stack.table), 'Arn'] });
  const indexArn = JSON.stringify({ 'Fn::Join': ['', [JSON.parse(tableArn), '/index/GSI1']] });
  const statements = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>)
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify(role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  const access: string[] = [];
  for (const statement of statements) {
    const resources = asArray(statement.Resource).map((r) => JSON.stringify(r));
    const onTable = resources.filter((r) => r === tableArn || r === indexArn);
    if (onTable.length === 0) continue;
    expect(statement.Effect).toBe('Allow');
    const keys = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
    for (const action of asArray(statement.Action)) {
      for (const resource of onTable) {
        for (const key of keys === undefined ? ['<any key>'] : asArray(keys)) {
          access.push(`${action} ${resource === indexArn ? 'GSI1' : 'table'} ${key}`);
        }
      }
    }
  }
  return [...new Set(access)].sort();
};

/** The same triples, as TABLE_GRANTS declares them. */
const declaredAccess = (handler: TableHandlerName): string[] =>
  [
    ...new Set(
      TABLE_GRANTS[handler].flatMap((grant) =>
        grant.actions.flatMap((action) =>
          grant.leadingKeys.map((key) => `${action} ${grant.index ? 'GSI1' : 'table'} ${key}`),
        ),
      ),
    ),
  ].sort();

describe('table grants', () => {
  it('declares the grants of exactly the functions the stack deploys', () => {
    // Act
    const { template } = synthesize();
    // Assess
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(Object.keys(TABLE_GRANTS).sort()).toEqual([...STACK_HANDLERS].sort());
    expect(functions).toHaveLength(STACK_HANDLERS.length);
  });

  it.each(STACK_HANDLERS as TableHandlerName[])(
    'gives %s exactly its declared item access, each statement limited by dynamodb:LeadingKeys',
    (handler) => {
      // Act
      const { stack, template } = synthesize();
      // Assess
      const granted = itemAccessOf(stack, template, handler);
      expect(granted.length).toBeGreaterThan(0);
      expect(granted).toEqual(declaredAccess(handler));
    },
  );

  it('never grants a function an action on a key space another of its patterns already covers', () => {
    // Prepare
    const covers = (pattern: string, other: string) =>
      pattern !== other && new RegExp(`^${pattern.replace(/\*/g, '.*')}$`).test(other);
    // Act
    const redundant = Object.entries(TABLE_GRANTS).flatMap(([handler, grants]) => {
      const pairs = grants.flatMap((grant) =>
        grant.actions.flatMap((action) =>
          grant.leadingKeys.map((key) => ({ action, key, index: grant.index === true })),
        ),
      );
      return pairs
        .filter((pair) =>
          pairs.some(
            (other) => other.action === pair.action && other.index === pair.index && covers(other.key, pair.key),
          ),
        )
        .map((pair) => `${handler} ${pair.action} ${pair.key}`);
    });
    // Assess
    expect(redundant).toEqual([]);
  });

  it('grants no function Scan, table-level actions or the index without a reason', () => {
    // Act
    const grants = Object.entries(TABLE_GRANTS).flatMap(([handler, list]) =>
      list.map((grant) => ({ handler, ...grant })),
    );
    // Assess
    const actions = new Set(grants.flatMap((grant) => grant.actions));
    expect([...actions].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    // Only Score (earlier campaigns of the series) and the console (a center's trend) read GSI1, only by the series key.
    expect(grants.filter((grant) => grant.index)).toEqual([
      { handler: 'score-campaign', actions: ['dynamodb:Query'], leadingKeys: [KEY_SPACES.series], index: true },
      { handler: 'console-api', actions: ['dynamodb:Query'], leadingKeys: [KEY_SPACES.series], index: true },
    ]);
  });

  it("lets an official's dispute and its audit entry be written, rectification items and photos of fixes, nothing else", () => {
    // Act
    const { stack, template } = synthesize();
    // Assess
    const writes = itemAccessOf(stack, template, 'rectification-api').filter((access) =>
      /PutItem|UpdateItem|DeleteItem|BatchWriteItem/.test(access),
    );
    expect(writes).toEqual([
      'dynamodb:PutItem table AUDIT#*',
      'dynamodb:PutItem table CAMPAIGN#*',
      'dynamodb:PutItem table RECT#*',
      'dynamodb:UpdateItem table CAMPAIGN#*#FIX',
    ]);
  });

  it("lets the survey function write only in the shards of assignments, responses, drafts and photos, and the review queue's entries and counts", () => {
    // Act
    const { stack, template } = synthesize();
    // Assess
    const access = itemAccessOf(stack, template, 'survey-api');
    const writes = access.filter((a) => !a.includes('GetItem') && !a.includes('Query'));
    expect([...writes].sort()).toEqual([
      'dynamodb:BatchWriteItem table CAMPAIGN#*#QUEUE',
      'dynamodb:DeleteItem table CAMPAIGN#*#QUEUE',
      'dynamodb:PutItem table CAMPAIGN#*#QUEUE',
      'dynamodb:PutItem table CAMPAIGN#*#S*',
      'dynamodb:UpdateItem table CAMPAIGN#*#QUEUE',
      'dynamodb:UpdateItem table CAMPAIGN#*#S*',
    ]);
    // It reads by Query the center's queue entries (to flag outliers), a response's photos in the
    // supervisor's shard (and, for a re-check, those of the problem re-checked), the officials' photos of
    // fixes, and the rectification items (what a center reported beside a re-check).
    expect([...access.filter((a) => a.includes('Query'))].sort()).toEqual([
      'dynamodb:Query table CAMPAIGN#*#FIX',
      'dynamodb:Query table CAMPAIGN#*#QUEUE',
      'dynamodb:Query table CAMPAIGN#*#S*',
      'dynamodb:Query table RECT#*',
    ]);
  });

  it('grants an action for every kind of DynamoDB call the persistence classes of the table make, and none they never make', () => {
    // Prepare
    const dir = path.join(REPOSITORY_ROOT, 'functions/adapters/table');
    const store = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(path.join(dir, file), 'utf8'))
      .join('\n');
    const commandActions: Record<string, string> = {
      GetCommand: 'dynamodb:GetItem',
      BatchGetCommand: 'dynamodb:BatchGetItem',
      QueryCommand: 'dynamodb:Query',
      PutCommand: 'dynamodb:PutItem',
      UpdateCommand: 'dynamodb:UpdateItem',
      DeleteCommand: 'dynamodb:DeleteItem',
      BatchWriteCommand: 'dynamodb:BatchWriteItem',
      ScanCommand: 'dynamodb:Scan',
      TransactWriteCommand: 'dynamodb:TransactWriteItems',
      TransactGetCommand: 'dynamodb:TransactGetItems',
    };
    // Act
    const used = Object.entries(commandActions)
      .filter(([command]) => new RegExp(`new ${command}\\(`).test(store))
      .map(([, action]) => action)
      .sort();
    const granted = [...new Set(Object.values(TABLE_GRANTS).flatMap((list) => list.flatMap((g) => g.actions)))].sort();
    // Assess
    expect(granted).toEqual(used);
  });
});
