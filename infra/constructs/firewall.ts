import type { GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  /** The AppSync GraphQL API to protect. */
  api: GraphqlApi;
  /** Requests one client IP may make in any 5 minutes. */
  rateLimitPer5Minutes: number;
  /** SigV4-signed requests one IP may make in any 5 minutes (the backend's publishes). */
  signedRateLimitPer5Minutes: number;
}

/**
 * AWS managed rule groups in front of the API, in order. All three are baseline groups AWS offers
 * for every regional resource AppSync can be associated with; none needs a paid subscription.
 */
export const MANAGED_RULE_GROUPS = [
  // IPs Amazon's threat intelligence saw in attacks and scans.
  'AWSManagedRulesAmazonIpReputationList',
  // OWASP-style checks (XSS, path traversal, 8 KB body limit: our GraphQL documents are under 3 KB).
  'AWSManagedRulesCommonRuleSet',
  // Request patterns of known exploits (Log4j JNDI lookups, Java deserialization, ...).
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/** WAF evaluates rate-based rules over a trailing window of this many seconds. */
const RATE_WINDOW_SECONDS = 300;

/**
 * Rules of the common rule set that count instead of block. AppSync's real-time handshake carries
 * the base64-encoded authorization header, a Cognito JWT, in the query string, which can pass the
 * rule's 2 KB query-string limit.
 */
export const COUNTED_RULES = ['SizeRestrictions_QUERYSTRING'] as const;

const SIGV4_SIGNED: CfnWebACL.StatementProperty = {
  byteMatchStatement: {
    fieldToMatch: { singleHeader: { Name: 'authorization' } },
    positionalConstraint: 'STARTS_WITH',
    searchString: 'AWS4-HMAC-SHA256',
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
};

/**
 * The per-IP limit and the managed rules apply only to requests that are not SigV4-signed. The
 * signed ones come from the processing backend: it publishes one event per image from Lambda's few
 * shared egress addresses, which the users' per-IP limit would block during a burst of uploads,
 * and its events carry text read from the photos (labels, EXIF, detected text) that injection
 * rules could mistake for an attack. Anyone can send a header that looks signed, so signed
 * requests get a rate limit of their own, sized to the backend's most (signedRateLimitPer5Minutes):
 * a flood with forged signatures is bounded too, and AppSync rejects each before any resolver runs.
 */
const NOT_SIGV4_SIGNED: CfnWebACL.StatementProperty = { notStatement: { statement: SIGV4_SIGNED } };

/**
 * An AWS WAF web ACL on the GraphQL API: a per-IP rate limit, then AWS's managed rule groups.
 * WAF runs before AppSync's own authorization, so floods and known exploits never reach resolvers.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      metricName,
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('ImageGraphApi'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.rateLimitPer5Minutes,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              aggregateKeyType: 'IP',
              scopeDownStatement: NOT_SIGV4_SIGNED,
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          name: 'RateLimitSignedPerIp',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.signedRateLimitPer5Minutes,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              aggregateKeyType: 'IP',
              scopeDownStatement: SIGV4_SIGNED,
            },
          },
          visibilityConfig: visibility('RateLimitSignedPerIp'),
        },
        ...MANAGED_RULE_GROUPS.map((name, index) => ({
          name,
          priority: index + 2,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name,
              scopeDownStatement: NOT_SIGV4_SIGNED,
              ruleActionOverrides:
                name === 'AWSManagedRulesCommonRuleSet'
                  ? COUNTED_RULES.map((rule) => ({ name: rule, actionToUse: { count: {} } }))
                  : undefined,
            },
          },
          visibilityConfig: visibility(name),
        })),
      ],
    });

    const association = new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.api.arn,
      webAclArn: this.webAcl.attrArn,
    });
    // After the API is complete (schema, data sources, resolvers): WAF refuses to associate with a
    // resource it cannot retrieve yet (WAFUnavailableEntityException).
    association.node.addDependency(props.api);
  }
}
