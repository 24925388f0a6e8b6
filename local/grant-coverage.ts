/**
 * Least privilege, checked against what the functions really did: given every call each function made
 * on the embedded cloud (as the IAM gateway authorized it), reports the grants that were missing (a call
 * was denied) and the grants that were never needed (taking the action, or one `dynamodb:LeadingKeys`
 * pattern, out of its statement would have denied no call). Only the services the embedded cloud stands
 * in for are judged; X-Ray and CloudWatch Logs grants belong to the Lambda runtime, not to the code.
 */

import type { AuthorizedCall } from './iam-gateway.ts';
import type { FunctionSpec } from './stack-model.ts';

/** The services whose grants the code's calls decide. */
const JUDGED_SERVICES = new Set(['dynamodb', 'ses', 'states', 'secretsmanager']);
const LEADING_KEYS = 'dynamodb:LeadingKeys';
/** Actions Lambda's event source mapping takes with the function's role to read the table's stream, not the code. */
const STREAM_READING = new Set([
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
]);

/** One grant: an action of a statement, narrowed to one leading-key pattern where the statement has them. */
export interface Grant {
  functionName: string;
  statement: number;
  action: string;
  resources: string[];
  leadingKeys?: string;
}

/** What the calls showed of each function's policy. */
export interface GrantCoverage {
  /** Calls a function made that its policy denied. */
  missing: AuthorizedCall[];
  /** Grants no call needed. */
  unused: Grant[];
  /** Functions of the stack that made no judged call at all (their grants are all listed as unused). */
  idle: string[];
}

const like = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];

interface Statement {
  index: number;
  actions: string[];
  resources: string[];
  leadingKeys?: string[];
  /** Other conditions as `StringEquals` key → allowed values. */
  equals: Record<string, string[]>;
  /** `StringLike` conditions (an S3 listing's `s3:prefix`) as key → allowed patterns. */
  likes: Record<string, string[]>;
}

/** The Allow statements of a function's policies, in the subset of IAM the stack writes. */
const statementsOf = (spec: FunctionSpec): Statement[] => {
  const statements: Statement[] = [];
  for (const policy of spec.policies) {
    for (const raw of policy.document.Statement) {
      if (raw.Effect !== 'Allow') continue;
      const condition = (raw.Condition ?? {}) as Record<string, Record<string, unknown>>;
      const equals: Record<string, string[]> = {};
      const likes: Record<string, string[]> = {};
      let leadingKeys: string[] | undefined;
      for (const [operator, keys] of Object.entries(condition)) {
        for (const [key, values] of Object.entries(keys)) {
          if (operator === 'ForAllValues:StringLike' && key === LEADING_KEYS) leadingKeys = list(values);
          else if (operator === 'StringEquals') equals[key] = list(values);
          else if (operator === 'StringLike') likes[key] = list(values);
          else throw new Error(`grant coverage cannot judge the condition ${operator} ${key} of ${spec.name}'s policy`);
        }
      }
      statements.push({
        index: statements.length,
        actions: list(raw.Action),
        resources: list(raw.Resource),
        leadingKeys,
        equals,
        likes,
      });
    }
  }
  return statements;
};

/** Whether a statement, with one action and optionally without one of its leading-key patterns, allows a call. */
const allows = (
  statement: Statement,
  call: AuthorizedCall,
  without?: { action: string; pattern?: string },
): boolean => {
  if (!statement.actions.some((a) => like(a, call.action))) return false;
  if (!statement.resources.some((r) => like(r, call.resource))) return false;
  for (const [key, values] of Object.entries(statement.equals)) {
    const actual = call.context[key];
    if (typeof actual !== 'string' || !values.includes(actual)) return false;
  }
  for (const [key, patterns] of Object.entries(statement.likes)) {
    const actual = call.context[key];
    if (typeof actual !== 'string' || !patterns.some((p) => like(p, actual))) return false;
  }
  let patterns = statement.leadingKeys;
  if (without && like(without.action, call.action)) {
    if (without.pattern === undefined) return false;
    patterns = patterns?.filter((p) => p !== without.pattern);
  }
  if (patterns) {
    const keys = list(call.context[LEADING_KEYS]);
    if (!keys.every((k) => patterns?.some((p) => like(p, k)))) return false;
  }
  return true;
};

/** Judges each function's policy against the calls it made. */
export const grantCoverage = (functions: readonly FunctionSpec[], calls: readonly AuthorizedCall[]): GrantCoverage => {
  const missing = calls.filter((c) => !c.allowed);
  const unused: Grant[] = [];
  const idle: string[] = [];
  for (const spec of functions) {
    const statements = statementsOf(spec);
    const seen = new Map<string, AuthorizedCall>();
    for (const call of calls)
      if (call.allowed && call.functionName === spec.name)
        seen.set(`${call.action} ${call.resource} ${JSON.stringify(call.context)}`, call);
    const own = [...seen.values()];
    if (own.length === 0) idle.push(spec.name);
    for (const call of own) {
      if (!statements.some((s) => allows(s, call)))
        throw new Error(
          `grant coverage and the IAM evaluator disagree on ${spec.name} ${call.action} ${call.resource}`,
        );
    }
    for (const statement of statements) {
      for (const action of statement.actions) {
        if (!JUDGED_SERVICES.has(action.split(':')[0] ?? '') || STREAM_READING.has(action)) continue;
        for (const pattern of statement.leadingKeys ?? [undefined]) {
          const removed = { action, pattern };
          const needed = own.some(
            (call) =>
              allows(statement, call) &&
              !allows(statement, call, removed) &&
              !statements.some((other) => other !== statement && allows(other, call)),
          );
          if (!needed)
            unused.push({
              functionName: spec.name,
              statement: statement.index,
              action,
              resources: statement.resources,
              ...(pattern === undefined ? {} : { leadingKeys: pattern }),
            });
        }
      }
    }
  }
  return { missing, unused, idle };
};

/** One line per grant no call needed, for people. */
export const formatUnusedGrant = (grant: Grant): string =>
  `${grant.functionName}: ${grant.action}${grant.leadingKeys ? ` on ${grant.leadingKeys}` : ''} (${grant.resources.join(', ')})`;
