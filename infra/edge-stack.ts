import { CfnOutput, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { acknowledgeFinding } from './nag.ts';

/**
 * A rate limit per client address, as AWS WAF's rate-based rules count: at most `limit` requests in any
 * `windowSeconds` from one address to the paths that start with one of `pathPrefixes` (all paths when
 * empty), with `methods` narrowing it further. Over it, the address is answered 429 until its rate falls.
 */
export interface ClientRateLimit {
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: 60 | 120 | 300 | 600;
  readonly pathPrefixes: readonly string[];
  readonly methods?: readonly string[];
}

/**
 * The per-client limits in front of the HTTP API, tightest first. Sign-in is the target of password
 * guessing; survey and rectification links of guessing tokens; everything else of flooding that would
 * starve the API's shared throttle.
 */
export const CLIENT_RATE_LIMITS: readonly ClientRateLimit[] = [
  // A sign-in is two posts for the roles with an authenticator (password, code) and four at a first
  // sign-in (new password, set-up): 40 is twenty sign-ins. Guessing is held per username by the lockout.
  {
    name: 'ConsoleSignIn',
    limit: 40,
    windowSeconds: 300,
    pathPrefixes: ['/console/sign-in', '/console/mfa', '/console/new-password'],
    methods: ['POST'],
  },
  // A supervisor's page saves a draft 0.8 s after each edit, and an office's supervisors may share one
  // address behind its NAT: generous for people, still far below what guessing tokens or flooding needs.
  { name: 'PersonalLinks', limit: 1000, windowSeconds: 300, pathPrefixes: ['/s/', '/r/'] },
  { name: 'AllRequests', limit: 3000, windowSeconds: 300, pathPrefixes: [] },
];

/** Props of {@link SupervisionEdgeStack}. */
export interface SupervisionEdgeStackProps extends StackProps {
  /**
   * The HTTP API's domain (the main stack's `ApiDomain` output). Absent, the stack asks for it as the
   * CloudFormation parameter `ApiDomain` at deploy time.
   */
  readonly apiDomain?: string;
}

const byteMatch = (field: Record<string, unknown>, search: string, constraint: 'STARTS_WITH' | 'EXACTLY') => ({
  byteMatchStatement: {
    fieldToMatch: field,
    positionalConstraint: constraint,
    searchString: search,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});

/** The scope-down statement of a limit: its paths and methods, or undefined for every request. */
const scopeOf = (limit: ClientRateLimit): CfnWebACL.StatementProperty | undefined => {
  const paths = limit.pathPrefixes.map((p) => byteMatch({ uriPath: {} }, p, 'STARTS_WITH'));
  const methods = (limit.methods ?? []).map((m) => byteMatch({ method: {} }, m, 'EXACTLY'));
  const anyOf = (list: CfnWebACL.StatementProperty[]) =>
    list.length === 1 ? list[0] : { orStatement: { statements: list } };
  const parts = [paths, methods].filter((l) => l.length > 0).map(anyOf) as CfnWebACL.StatementProperty[];
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { andStatement: { statements: parts } };
};

/** A managed rule group of AWS; the rules in `countOnly` count matching requests instead of blocking them. */
const managedRule = (name: string, priority: number, countOnly: string[] = []): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
    },
  },
  visibilityConfig: { sampledRequestsEnabled: true, cloudWatchMetricsEnabled: true, metricName: name },
});

/** One rate-based rule per client limit, blocking with 429 a client address over it. */
const rateRules = (): CfnWebACL.RuleProperty[] =>
  CLIENT_RATE_LIMITS.map((limit, i) => ({
    name: `RateLimit${limit.name}`,
    priority: 10 + i,
    action: { block: { customResponse: { responseCode: 429 } } },
    statement: {
      rateBasedStatement: {
        limit: limit.limit,
        evaluationWindowSec: limit.windowSeconds,
        aggregateKeyType: 'IP',
        ...(scopeOf(limit) ? { scopeDownStatement: scopeOf(limit) } : {}),
      },
    },
    visibilityConfig: {
      sampledRequestsEnabled: true,
      cloudWatchMetricsEnabled: true,
      metricName: `RateLimit${limit.name}`,
    },
  }));

/** The web ACL in front of the distribution: the managed rules, then the per-client rate limits. */
const buildWebAcl = (scope: Construct): CfnWebACL =>
  new CfnWebACL(scope, 'WebAcl', {
    scope: 'CLOUDFRONT',
    defaultAction: { allow: {} },
    description: 'Service supervision: managed rules and per-client rate limits in front of the HTTP API',
    visibilityConfig: {
      sampledRequestsEnabled: true,
      cloudWatchMetricsEnabled: true,
      metricName: 'ServiceSupervision',
    },
    rules: [
      // Answers and reports with long texts exceed the rule set's 8 KB body limit: counted, not blocked.
      managedRule('AWSManagedRulesCommonRuleSet', 0, ['SizeRestrictions_BODY']),
      managedRule('AWSManagedRulesKnownBadInputsRuleSet', 1),
      ...rateRules(),
    ],
  });

/** The distribution in front of the API's domain: nothing cached, HTTPS only, behind `webAcl`. */
const buildDistribution = (scope: Construct, apiDomain: string, webAcl: CfnWebACL): Distribution => {
  const distribution = new Distribution(scope, 'Distribution', {
    comment: 'Service supervision: survey and rectification links and the organizer console',
    defaultBehavior: {
      origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      allowedMethods: AllowedMethods.ALLOW_ALL,
      // Every page is personal: nothing is cached, and every viewer header but Host reaches the API.
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    },
    webAclId: webAcl.attrArn,
    httpVersion: HttpVersion.HTTP2_AND_3,
    priceClass: PriceClass.PRICE_CLASS_ALL,
  });
  acknowledgeFinding(
    distribution,
    'AwsSolutions-CFR1',
    "Supervisors and officials open their links wherever they are; a geo restriction would lock out a supervisor travelling abroad, and WAF's rate limits bound abuse per address.",
  );
  acknowledgeFinding(
    distribution,
    'AwsSolutions-CFR3',
    "The HTTP API's access log (route key, status, latency; never the token in the path) records every request CloudFront forwards; CloudFront's own log would add the personal-link paths.",
  );
  acknowledgeFinding(
    distribution,
    'AwsSolutions-CFR4',
    "The distribution answers on its cloudfront.net name with CloudFront's default certificate, whose viewer policy AWS fixes (TLSv1 at the least); a minimum of TLS 1.2 needs an office's own domain and certificate, which only the office can provide.",
  );
  return distribution;
};

/**
 * What the public reaches: a CloudFront distribution in front of the HTTP API, with AWS WAF (the
 * managed common and known-bad-inputs rules, and a rate limit per client address on each of
 * {@link CLIENT_RATE_LIMITS}). WAF for CloudFront lives in us-east-1, so this is a stack of its own,
 * deployed there whatever the main stack's region; an HTTP API cannot carry a WAF itself.
 */
export class SupervisionEdgeStack extends Stack {
  /** The public entry: links and the console go through it. */
  public readonly distribution: Distribution;
  /** The WAF web ACL of the distribution. */
  public readonly webAcl: CfnWebACL;

  public constructor(scope: Construct, id: string, props: SupervisionEdgeStackProps) {
    super(scope, id, props);
    const apiDomain =
      props.apiDomain ??
      new CfnParameter(this, 'ApiDomain', {
        type: 'String',
        description:
          "The HTTP API's domain: the ApiDomain output of the main stack (xxxx.execute-api.<region>.amazonaws.com).",
        allowedPattern: '^[a-z0-9.-]+$',
      }).valueAsString;
    this.webAcl = buildWebAcl(this);
    this.distribution = buildDistribution(this, apiDomain, this.webAcl);
    new CfnOutput(this, 'PublicUrl', {
      value: `https://${this.distribution.distributionDomainName}`,
      description:
        'Public address of the survey links and the console: deploy the main stack with -c publicUrl=<this>.',
    });
  }
}
