/**
 * The hosted web app (constructs/web-hosting.ts): private bucket behind CloudFront with origin
 * access control, the security headers, SPA fallback, config.json from the stack's own values,
 * the images bucket's CORS and the WebUrl output. Intrinsics are evaluated with stand-in values
 * for the resources they reference, so the assertions read the strings AWS would see.
 */
import { type App, CfnWaitConditionHandle, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientConfigFromOutputs } from '../client/src/api/config.ts';
import {
  contentSecurityPolicy,
  DEV_SERVER_ORIGINS,
  imagesBucketName,
  WEB_PLACEHOLDER_DIR,
  webAssetsDir,
} from './constructs/web-hosting.ts';
import type { ImageGraphStack } from './image-graph-stack.ts';
import { bundleResolvers } from './resolver-bundles.ts';
import { OUTPUT_KEYS } from './stack-outputs.ts';
import { createTestApp, createTestStack } from './testing.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string };

const SYNTH_TIMEOUT_MS = 60_000;
const resolvers = bundleResolvers();

/** A built web app as `npm run web:build` leaves it, with a stale config.json to be replaced. */
function builtWebApp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'imagegraph-web-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(dir, 'config.json'), '{"graphqlUrl":"http://127.0.0.1:4710/graphql"}');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  return dir;
}

let app: App;
let stack: ImageGraphStack;
let resources: Record<string, Resource>;
let template: Template;

beforeAll(() => {
  ({ app, stack } = createTestStack({ resolvers, webAssetsDir: builtWebApp() }));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
}, SYNTH_TIMEOUT_MS);

const idOf = (type: string, predicate: (r: Resource) => boolean = () => true): string => {
  const found = Object.entries(resources).filter(([, r]) => r.Type === type && predicate(r));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0]![0];
};
const webBucketId = () => idOf('AWS::S3::Bucket', (r) => r.DeletionPolicy === 'Delete');
const imagesBucketId = () => idOf('AWS::S3::Bucket', (r) => r.Properties.CorsConfiguration !== undefined);
const distributionId = () => idOf('AWS::CloudFront::Distribution');
const distributionConfig = () => resources[distributionId()]!.Properties.DistributionConfig as Record<string, unknown>;
const deployments = () => Object.entries(resources).filter(([, r]) => r.Type === 'Custom::CDKBucketDeployment');

/** Stand-ins for what CloudFormation knows only at deploy time. */
const DEPLOY_TIME = {
  account: '123456789012',
  graphqlUrl: 'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql',
  realtimeUrl: 'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
  distributionDomain: 'd111111abcdef8.cloudfront.net',
  userPoolId: 'eu-west-1_AbCdEfGhI',
  userPoolClientId: '1example23456789',
  stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/ImageGraphTest/0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0',
};

/** Evaluates the intrinsics these resources use; any other reference fails the test. */
function evaluate(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if ('Ref' in node) {
    const ref = node.Ref as string;
    const refs: Record<string, string> = {
      'AWS::AccountId': DEPLOY_TIME.account,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::Partition': 'aws',
      'AWS::StackId': DEPLOY_TIME.stackId,
      [idOf('AWS::Cognito::UserPool')]: DEPLOY_TIME.userPoolId,
      [idOf('AWS::Cognito::UserPoolClient')]: DEPLOY_TIME.userPoolClientId,
    };
    if (ref in refs) return refs[ref]!;
  }
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    const api = idOf('AWS::AppSync::GraphQLApi');
    if (id === api && attribute === 'GraphQLUrl') return DEPLOY_TIME.graphqlUrl;
    if (id === api && attribute === 'RealtimeUrl') return DEPLOY_TIME.realtimeUrl;
    if (id === distributionId() && attribute === 'DomainName') return DEPLOY_TIME.distributionDomain;
  }
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(evaluate).join(separator);
  }
  if ('Fn::Select' in node) {
    const [index, list] = node['Fn::Select'] as [number, { 'Fn::Split': [string, unknown] }];
    const [separator, source] = list['Fn::Split'];
    return evaluate(source).split(separator)[index]!;
  }
  throw new Error(`unexpected intrinsic ${JSON.stringify(value)}`);
}

const IMAGES_HOST = 'imagegraphtest-images-0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0.s3.eu-west-1.amazonaws.com';

describe('web bucket', () => {
  it('is private, encrypted, TLS-only and logs access to the log bucket', () => {
    const bucket = resources[webBucketId()]!.Properties;
    // Locked down like the images bucket (image-graph-stack.test.ts spells those settings out).
    const images = resources[imagesBucketId()]!.Properties;
    for (const setting of ['PublicAccessBlockConfiguration', 'BucketEncryption', 'OwnershipControls']) {
      expect(bucket[setting]).toEqual(images[setting]);
    }
    expect(bucket.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const logBucket = stack.getLogicalId(stack.storage.accessLogsBucket.node.defaultChild as CfnBucket);
    expect(bucket.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logBucket }, LogFilePrefix: 'web/' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: webBucketId() },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets only this distribution read it, through origin access control', () => {
    const policy = Object.values(resources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && (r.Properties.Bucket as { Ref: string }).Ref === webBucketId(),
    )!;
    const allows = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement.filter(
      (statement) => statement.Effect === 'Allow',
    );
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' });
    const sourceArn = (allows[0]!.Condition as { StringEquals: { 'AWS:SourceArn': { 'Fn::Join': [string, unknown[]] } } })
      .StringEquals['AWS:SourceArn'];
    expect(sourceArn['Fn::Join'][1]).toContainEqual({ Ref: distributionId() });

    const oacId = idOf('AWS::CloudFront::OriginAccessControl');
    expect(resources[oacId]!.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [origin] = distributionConfig().Origins as Record<string, unknown>[];
    expect(origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [webBucketId(), 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      // No legacy origin access identity.
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });
});

describe('distribution', () => {
  it('serves index.html over HTTPS only, cached and compressed, with the security headers', () => {
    expect(distributionConfig()).toMatchObject({
      Enabled: true,
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      PriceClass: 'PriceClass_100',
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        Compress: true,
        // AWS's managed CachingOptimized policy.
        CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
        ResponseHeadersPolicyId: { Ref: idOf('AWS::CloudFront::ResponseHeadersPolicy') },
      },
    });
  });

  it('answers unknown paths with the app (SPA fallback for 403 and 404)', () => {
    expect(distributionConfig().CustomErrorResponses).toEqual([
      { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
      { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
    ]);
  });

  it('outputs WebUrl as the distribution https URL', () => {
    const output = template.findOutputs(OUTPUT_KEYS.webUrl)[OUTPUT_KEYS.webUrl] as { Value: unknown };
    expect(evaluate(output.Value)).toBe(`https://${DEPLOY_TIME.distributionDomain}`);
  });
});

describe('security headers', () => {
  const securityHeaders = () =>
    (resources[idOf('AWS::CloudFront::ResponseHeadersPolicy')]!.Properties.ResponseHeadersPolicyConfig as Record<string, Record<string, unknown>>)
      .SecurityHeadersConfig!;

  it('sets a CSP that allows exactly AppSync (https and wss), Cognito and the images bucket', () => {
    const csp = securityHeaders().ContentSecurityPolicy as { ContentSecurityPolicy: unknown; Override: boolean };
    expect(csp.Override).toBe(true);
    expect(evaluate(csp.ContentSecurityPolicy)).toBe(
      [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        `img-src 'self' https://${IMAGES_HOST}`,
        "connect-src 'self' https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com " +
          'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com ' +
          `https://cognito-idp.eu-west-1.amazonaws.com https://${IMAGES_HOST}`,
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        'upgrade-insecure-requests',
      ].join('; '),
    );
  });

  it('names the bucket the API presigns for: the images bucket, by its fixed name', () => {
    expect(`${evaluate(resources[imagesBucketId()]!.Properties.BucketName)}.s3.eu-west-1.amazonaws.com`).toBe(IMAGES_HOST);
  });

  it('sets HSTS for two years, nosniff, DENY framing and no referrer', () => {
    expect(securityHeaders()).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
  });

  it('limits browser features to geolocation and isolates the window', () => {
    const config = resources[idOf('AWS::CloudFront::ResponseHeadersPolicy')]!.Properties.ResponseHeadersPolicyConfig as {
      CustomHeadersConfig: { Items: { Header: string; Value: string }[] };
    };
    expect(config.CustomHeadersConfig.Items).toEqual([
      { Header: 'Permissions-Policy', Value: 'camera=(), microphone=(), payment=(), usb=(), geolocation=(self)', Override: true },
      { Header: 'Cross-Origin-Opener-Policy', Value: 'same-origin', Override: true },
    ]);
  });

  it('builds the policy from its four hosts', () => {
    const csp = contentSecurityPolicy({ graphqlHost: 'g', realtimeHost: 'r', cognitoHost: 'c', imagesHost: 'i' });
    expect(csp).toContain("connect-src 'self' https://g wss://r https://c https://i;");
    expect(csp).toContain("img-src 'self' https://i;");
    expect(csp).not.toMatch(/unsafe|\*/);
  });
});

describe('deploying the app', () => {
  it('caches hashed assets for a year and revalidates the rest, never pruning the other half', () => {
    const [hashed, rest] = [...deployments()].sort(([, a]) => (a.Properties.DestinationBucketKeyPrefix ? -1 : 1));
    expect(hashed![1].Properties).toMatchObject({
      DestinationBucketName: { Ref: webBucketId() },
      DestinationBucketKeyPrefix: 'assets/',
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
      Prune: false,
      RetainOnDelete: false,
    });
    expect(rest![1].Properties).toMatchObject({
      DestinationBucketName: { Ref: webBucketId() },
      SystemMetadata: { 'cache-control': 'no-cache' },
      Prune: false,
      RetainOnDelete: false,
    });
    expect(rest![1].Properties.DestinationBucketKeyPrefix).toBeUndefined();
    // index.html goes up only after the files it names.
    expect(rest![1].DependsOn).toContain(hashed![0]);
  });

  it("writes config.json from the stack's own values, in the format the web app reads", () => {
    const [, appDeployment] = deployments().find(([, r]) => r.Properties.SourceMarkers !== undefined)!;
    const keys = appDeployment.Properties.SourceObjectKeys as string[];
    const markers = appDeployment.Properties.SourceMarkers as Record<string, unknown>[];
    const index = markers.findIndex((m) => Object.keys(m).length > 0);
    const assembly = app.synth();
    const assetDir = path.join(assembly.directory, `asset.${keys[index]!.replace(/\.zip$/, '')}`);
    let config = readFileSync(path.join(assetDir, 'config.json'), 'utf8');
    for (const [marker, value] of Object.entries(markers[index]!)) config = config.replaceAll(marker, evaluate(value));
    const expected = clientConfigFromOutputs({
      GraphQLUrl: DEPLOY_TIME.graphqlUrl,
      RealtimeUrl: DEPLOY_TIME.realtimeUrl,
      Region: 'eu-west-1',
      UserPoolId: DEPLOY_TIME.userPoolId,
      UserPoolClientId: DEPLOY_TIME.userPoolClientId,
      BucketName: 'unused',
      QueueUrl: 'unused',
      DeadLetterQueueUrl: 'unused',
      SearchEndpoint: 'unused',
    });
    expect(JSON.parse(config)).toEqual(expected);
    // The build's own config.json (the local cloud's) is left out of the app files.
    const appFilesDir = path.join(assembly.directory, `asset.${keys[1 - index]!.replace(/\.zip$/, '')}`);
    expect(() => readFileSync(path.join(appFilesDir, 'config.json'))).toThrow(/ENOENT/);
    expect(readFileSync(path.join(appFilesDir, 'index.html'), 'utf8')).toContain('/assets/index-abc123.js');
  });

  it('deploys a placeholder page, with a synth warning, when the app was not built', () => {
    const unbuilt = new Stack(createTestApp(), 'Unbuilt');
    new CfnWaitConditionHandle(unbuilt, 'AnyResource'); // CloudFormation refuses empty templates
    const missing = path.join(tmpdir(), 'imagegraph-no-such-build');
    expect(webAssetsDir(unbuilt, missing)).toBe(WEB_PLACEHOLDER_DIR);
    Annotations.fromStack(unbuilt).hasWarning('*', Match.stringLikeRegexp('imagegraph-no-such-build has no index.html'));
    expect(readFileSync(path.join(WEB_PLACEHOLDER_DIR, 'index.html'), 'utf8')).toContain('npm run deploy');
  });
});

describe('images bucket CORS', () => {
  const allowedOrigins = (s: ImageGraphStack) => {
    const rules = Template.fromStack(s).findResources('AWS::S3::Bucket', { Properties: { CorsConfiguration: Match.anyValue() } });
    const [bucket] = Object.values(rules) as Resource[];
    return (bucket!.Properties.CorsConfiguration as { CorsRules: { AllowedOrigins: unknown[] }[] }).CorsRules[0]!.AllowedOrigins;
  };

  it('allows the hosted app and the Vite dev server by default', () => {
    expect(allowedOrigins(stack).map(evaluate)).toEqual([`https://${DEPLOY_TIME.distributionDomain}`, ...DEV_SERVER_ORIGINS]);
  });

  it('allows exactly the configured origins when set', () => {
    const { stack: custom } = createTestStack({ resolvers, corsOrigins: ['https://photos.example.com'] });
    expect(allowedOrigins(custom)).toEqual(['https://photos.example.com']);
  });
});

describe('imagesBucketName', () => {
  it('is a valid S3 bucket name for long and odd stack names, new for every stack created', () => {
    const scratch = createTestApp();
    const long = new Stack(scratch, 'My-Very-Long-ImageGraph-Production-Stack-For-Photos', {
      env: { account: DEPLOY_TIME.account, region: 'ap-southeast-2' },
    });
    const name = evaluate(long.resolve(imagesBucketName(long)));
    expect(name).toBe('my-very-long-imageg-images-0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    // The UUID comes from the stack id at deploy time: a redeploy after destroy gets another name.
    expect(JSON.stringify(stack.resolve(imagesBucketName(stack)))).toContain('{"Ref":"AWS::StackId"}');
  });
});

describe('cdk-nag', () => {
  it('has no unacknowledged findings with the built app (two deployments)', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
    // As app.ts registers it: an unacknowledged error would fail synth.
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth({ force: true })).not.toThrow();
  });
});
