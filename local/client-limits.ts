/**
 * AWS WAF's rate-based rules for the embedded cloud: read from the synthesized edge stack's web ACL, and
 * applied to each request of the local HTTP API by client address, as WAF counts them in front of
 * CloudFront. A client over a limit is answered 429 until its count in the window falls; every other
 * client is served as before.
 */

import { type Template, UnsupportedTemplate } from './template-resolver.ts';

/** One rate-based rule: at most `limit` requests from one address in `windowSeconds`, to the matching requests. */
export interface ClientLimit {
  name: string;
  limit: number;
  windowSeconds: number;
  /** Path prefixes the rule counts (every path when empty). */
  pathPrefixes: string[];
  /** Methods the rule counts (every method when empty). */
  methods: string[];
}

type Statement = Record<string, unknown>;

/** Reads a scope-down statement of the shapes the stack writes: byte matches on path and method, And, Or. */
const readScope = (
  statement: Statement | undefined,
  rule: string,
  into: { paths: string[]; methods: string[] },
): void => {
  if (!statement) return;
  const match = statement.ByteMatchStatement as
    | { FieldToMatch: Record<string, unknown>; PositionalConstraint: string; SearchString: string }
    | undefined;
  if (match) {
    if ('UriPath' in match.FieldToMatch && match.PositionalConstraint === 'STARTS_WITH')
      into.paths.push(match.SearchString);
    else if ('Method' in match.FieldToMatch && match.PositionalConstraint === 'EXACTLY')
      into.methods.push(match.SearchString);
    else throw new UnsupportedTemplate(`WAF rule ${rule}: the embedded cloud matches path prefixes and methods only`);
    return;
  }
  const group = (statement.OrStatement ?? statement.AndStatement) as { Statements: Statement[] } | undefined;
  if (!group)
    throw new UnsupportedTemplate(
      `WAF rule ${rule}: the embedded cloud cannot apply ${Object.keys(statement).join(', ')}`,
    );
  for (const inner of group.Statements) readScope(inner, rule, into);
};

/** The rate-based rules of every web ACL in a template (none when it has no web ACL). */
export const readClientLimits = (template: Template): ClientLimit[] =>
  Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::WAFv2::WebACL')
    .flatMap((acl) => (acl.Properties?.Rules ?? []) as { Name: string; Statement: Statement }[])
    .filter((rule) => 'RateBasedStatement' in rule.Statement)
    .map((rule) => {
      const rate = rule.Statement.RateBasedStatement as {
        Limit: number;
        EvaluationWindowSec?: number;
        AggregateKeyType: string;
        ScopeDownStatement?: Statement;
      };
      if (rate.AggregateKeyType !== 'IP')
        throw new UnsupportedTemplate(`WAF rule ${rule.Name}: the embedded cloud counts by client address (IP) only`);
      const scope = { paths: [] as string[], methods: [] as string[] };
      readScope(rate.ScopeDownStatement, rule.Name, scope);
      return {
        name: rule.Name,
        limit: rate.Limit,
        windowSeconds: rate.EvaluationWindowSec ?? 300,
        pathPrefixes: scope.paths,
        methods: scope.methods,
      };
    });

/** Counts each client's requests against every limit; `admit` says whether one more may pass. */
export class ClientLimiter {
  private limits: readonly ClientLimit[] = [];
  /** Request times by `<rule> <address>`, oldest first. */
  private readonly seen = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Applies these limits from now on. */
  use(limits: readonly ClientLimit[]): void {
    this.limits = limits;
  }

  /** Records the request and returns the rule it is over, or undefined to serve it. */
  admit(address: string, method: string, path: string): ClientLimit | undefined {
    const now = this.now();
    let over: ClientLimit | undefined;
    for (const limit of this.limits) {
      if (limit.methods.length > 0 && !limit.methods.includes(method)) continue;
      if (limit.pathPrefixes.length > 0 && !limit.pathPrefixes.some((p) => path.startsWith(p))) continue;
      const key = `${limit.name} ${address}`;
      const times = (this.seen.get(key) ?? []).filter((t) => t > now - limit.windowSeconds * 1000);
      times.push(now);
      this.seen.set(key, times);
      if (times.length > limit.limit) over ??= limit;
    }
    return over;
  }
}
