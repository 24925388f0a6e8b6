import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { CLIENT_RATE_LIMITS, SupervisionEdgeStack } from '../../infra/edge-stack.ts';
import { appContext } from '../support/stack.ts';

const buildEdge = () =>
  new SupervisionEdgeStack(new App({ context: appContext() }), 'Edge', { env: { region: 'us-east-1' } });

describe('the edge stack: CloudFront and AWS WAF in front of the HTTP API', () => {
  it('is built in us-east-1, where WAF for CloudFront lives, and takes the API domain as a parameter', () => {
    // Act
    const stack = buildEdge();
    const template = Template.fromStack(stack);

    // Assess
    expect(stack.region).toBe('us-east-1');
    template.hasParameter('ApiDomain', { Type: 'String' });
    template.hasOutput('PublicUrl', Match.anyValue());
  });

  it('applies the managed common and known-bad-inputs rules and a rate limit per client address for each limit', () => {
    // Act
    const template = Template.fromStack(buildEdge());

    // Assess
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL')) as {
      Properties: { Scope: string; Rules: Record<string, unknown>[] };
    }[];
    expect(acl?.Properties.Scope).toBe('CLOUDFRONT');
    const names = acl?.Properties.Rules.map((r) => r.Name);
    expect(names).toEqual([
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      ...CLIENT_RATE_LIMITS.map((l) => `RateLimit${l.name}`),
    ]);
    for (const limit of CLIENT_RATE_LIMITS) {
      expect(acl?.Properties.Rules.find((r) => r.Name === `RateLimit${limit.name}`)).toMatchObject({
        Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
        Statement: {
          RateBasedStatement: { Limit: limit.limit, EvaluationWindowSec: limit.windowSeconds, AggregateKeyType: 'IP' },
        },
      });
    }
    const signIn = acl?.Properties.Rules.find((r) => r.Name === 'RateLimitConsoleSignIn');
    expect(JSON.stringify(signIn)).toContain('/console/sign-in');
    expect(JSON.stringify(signIn)).toContain('"SearchString":"POST"');
  });

  it('sends every request through WAF to the API over HTTPS, uncached, with the viewer headers but Host', () => {
    // Act
    const template = Template.fromStack(buildEdge());

    // Assess
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] },
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: Match.arrayWith(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']),
        }),
        Origins: [
          Match.objectLike({
            DomainName: { Ref: 'ApiDomain' },
            CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }),
          }),
        ],
      }),
    });
  });

  it('passes the AWS Solutions checks with every remaining finding acknowledged', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(buildEdge());

    // Assess
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}`)).toEqual([]);
  });
});
