import { Annotations, Aws, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ClientConfig } from '../../client/src/api/config.ts';
import { acknowledge, wildcardActionFinding, wildcardResourceFinding } from '../nag.ts';
import { repoPath } from '../paths.ts';

/** Where `npm run web:build` writes the web app (client/web/vite.config.ts). */
export const WEB_BUILD_DIR = repoPath('dist/web');
/** Deployed instead when the web app was not built, so synth and tests need no build. */
export const WEB_PLACEHOLDER_DIR = repoPath('infra/web-placeholder');
/** The Vite dev server's origins, which the images bucket's CORS also allows by default. */
export const DEV_SERVER_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'] as const;
/** The file the web app reads its deployment from (client/web/src/browser.ts). */
export const WEB_CONFIG_FILE = 'config.json';
/** "Use my location" in search is the only browser feature the app asks for. */
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), payment=(), usb=(), geolocation=(self)';
/** Vite's folder of content-hashed files: safe to cache for a year. */
const HASHED_ASSETS_DIR = 'assets';

export interface WebHostingProps {
  /** The built web app, index.html at its root; a config.json in it is replaced by the stack's. */
  assetsDir: string;
  /** What the web app reads as /config.json: the stack's own endpoints (tokens resolved at deploy). */
  clientConfig: ClientConfig;
  /** The images bucket's name, known without referencing the bucket (see imagesBucketName). */
  imagesBucketName: string;
  /** Where the web bucket's S3 server access logs go. */
  accessLogsBucket: IBucket;
}

/**
 * The web app on CloudFront: a private S3 bucket read only through origin access control, the
 * security headers below on every response, single-page-app fallback to index.html, and the
 * deployment's config.json generated from the stack's values at deploy time.
 */
export class WebHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  /** https://<distribution domain>, for CORS and the WebUrl output. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'web/',
      // Only build output lives here, rebuilt from the repository on every deploy; the
      // deployment below empties the bucket when the stack is deleted (retainOnDelete: false).
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'ImageGraph web app: CSP, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy({
            graphqlHost: Fn.parseDomainName(props.clientConfig.graphqlUrl),
            realtimeHost: Fn.parseDomainName(props.clientConfig.realtimeUrl),
            cognitoHost: `cognito-idp.${stack.region}.${stack.urlSuffix}`,
            imagesHost: `${props.imagesBucketName}.s3.${stack.region}.${stack.urlSuffix}`,
          }),
          override: true,
        },
        // Two years, the HSTS preload list's recommendation.
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        // For browsers without CSP frame-ancestors.
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        // Nothing the app calls needs a referrer, and its URLs carry image ids.
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'ImageGraph web app',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      // Client-side routes (#/image/<id> today, paths tomorrow) load the app. Without ListBucket,
      // S3 answers a missing key through origin access control with 403, so both map.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(10),
      })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America and Europe edges only: the cheapest class; wider reach is one setting away.
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    this.deployApp(props);
    this.acknowledgeDistributionFindings();
  }

  /**
   * Hashed assets first, cached for a year; then index.html, the favicon and config.json with
   * `no-cache`, so browsers revalidate them and a deploy shows at once without an invalidation
   * (CloudFront keeps them for the cache policy's 1-second minimum TTL).
   */
  private deployApp(props: WebHostingProps): void {
    const hashedDir = path.join(props.assetsDir, HASHED_ASSETS_DIR);
    const hashed = existsSync(hashedDir) ? new Asset(this, 'HashedFiles', { path: hashedDir }) : undefined;
    const files = new Asset(this, 'AppFiles', { path: props.assetsDir, exclude: [HASHED_ASSETS_DIR, WEB_CONFIG_FILE] });

    const hashedDeployment = hashed
      ? new BucketDeployment(this, 'DeployHashedFiles', {
          sources: [Source.bucket(hashed.bucket, hashed.s3ObjectKey)],
          destinationBucket: this.bucket,
          destinationKeyPrefix: `${HASHED_ASSETS_DIR}/`,
          cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
          // Pages loaded before this deploy may still ask for the previous hashed files.
          prune: false,
          retainOnDelete: false,
        })
      : undefined;
    const appDeployment = new BucketDeployment(this, 'DeployApp', {
      sources: [Source.bucket(files.bucket, files.s3ObjectKey), Source.jsonData(WEB_CONFIG_FILE, props.clientConfig)],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.noCache()],
      // Pruning here would delete the hashed files deployed next to these.
      prune: false,
      retainOnDelete: false,
    });
    // index.html must never point at hashed files that are not there yet.
    if (hashedDeployment) appDeployment.node.addDependency(hashedDeployment);
    this.acknowledgeDeploymentHandler(appDeployment, files.bucket);
  }

  private acknowledgeDistributionFindings(): void {
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'A photo app for anyone who signs up: no country is excluded, and the distribution serves only the static app (the API and images are elsewhere).',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'The distribution serves only static, public build files (GET/HEAD, cached); there is nothing for WAF rules to protect, and a web ACL costs at least $5 a month.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR3',
      "CloudFront standard logs need an ACL-enabled bucket, which this stack's log bucket refuses by design; the web bucket's S3 access logs record every origin fetch.",
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR4',
      'With the default *.cloudfront.net certificate CloudFront fixes the viewer policy at TLSv1; browsers negotiate TLS 1.2 or 1.3 anyway. A custom domain with its own certificate can set TLSv1.2_2021.',
    );
  }

  /** BucketDeployment's handler is a CDK singleton at the stack root, with CDK's own role and runtime. */
  private acknowledgeDeploymentHandler(deployment: BucketDeployment, assetBucket: IBucket): void {
    const handler = deployment.handlerRole.node.scope;
    if (!handler) return;
    acknowledge(
      handler,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's bucket-deployment custom resource Lambda uses AWSLambdaBasicExecutionRole for its own logs; it runs only during deployments.",
    );
    const reason =
      "CDK's bucket-deployment Lambda copies the web app from the CDK asset bucket into the web bucket: CDK grants it read on the asset objects and read-write on the web bucket's objects, and it runs only during deployments.";
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
      acknowledge(handler, wildcardActionFinding(action), reason);
    }
    for (const objects of [this.bucket.arnForObjects('*'), assetBucket.arnForObjects('*')]) {
      acknowledge(handler, wildcardResourceFinding(handler, objects), reason);
    }
    acknowledge(
      handler,
      'AwsSolutions-L1',
      "CDK's bucket-deployment Lambda runtime is chosen by aws-cdk-lib (it ships the AWS CLI as a layer for that runtime); it runs only during deployments.",
    );
  }
}

export interface CspSources {
  graphqlHost: string;
  realtimeHost: string;
  cognitoHost: string;
  imagesHost: string;
}

/**
 * The web app's Content-Security-Policy: its own files, and connections to exactly the AppSync API
 * (HTTPS and the real-time WebSocket), the Cognito user pool endpoint and the images bucket
 * (presigned uploads and downloads); images from itself and that bucket. Nothing inline, no eval
 * (the production bundle needs neither), no plugins, no framing, no form posts.
 */
export function contentSecurityPolicy({ graphqlHost, realtimeHost, cognitoHost, imagesHost }: CspSources): string {
  const images = `https://${imagesHost}`;
  return contentSecurityPolicyFor({
    images: [images],
    connect: [`https://${graphqlHost}`, `wss://${realtimeHost}`, `https://${cognitoHost}`, images],
    upgradeInsecureRequests: true,
  });
}

/**
 * The same policy from full origins; the local web server (local/web/server.ts) passes the local
 * endpoints' origins, and no upgrade of insecure requests, since they are plain http on loopback.
 */
export function contentSecurityPolicyFor({ images, connect, upgradeInsecureRequests }: { images: string[]; connect: string[]; upgradeInsecureRequests: boolean }): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'none'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['img-src', "'self'", ...images],
    ['connect-src', "'self'", ...connect],
    ['manifest-src', "'self'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
    ['object-src', "'none'"],
    ...(upgradeInsecureRequests ? [['upgrade-insecure-requests'] as [string]] : []),
  ];
  return directives.map((directive) => directive.join(' ')).join('; ');
}

/**
 * The images bucket's name, chosen here rather than generated by CloudFormation: the web app's CSP
 * must name the bucket, and the bucket's CORS must name the distribution, so with a generated name
 * the two would reference each other (a cycle). The suffix is the stack id's UUID, new each time
 * the stack is created and fixed while it lives: the bucket is kept on `cdk destroy`, and a
 * redeploy must not meet its name (S3 names are global). 3-63 characters: a stack-name prefix of
 * at most 19, "-images-" and the 36-character UUID.
 */
export function imagesBucketName(scope: Construct): string {
  const stackOf = Stack.of(scope);
  const prefix = stackOf.stackName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 19)
    .replace(/^-+|-+$/g, '');
  return `${prefix}-images-${Fn.select(2, Fn.split('/', Aws.STACK_ID))}`;
}

/**
 * The built web app when `npm run web:build` has run, else the placeholder page (with a synth
 * warning), so synth and tests never need a build; `npm run deploy` always builds first.
 */
export function webAssetsDir(scope: Construct, builtDir = WEB_BUILD_DIR): string {
  if (existsSync(path.join(builtDir, 'index.html'))) return builtDir;
  Annotations.of(scope).addWarningV2(
    'imagegraph:web-not-built',
    `${builtDir} has no index.html: deploying a placeholder page. Run \`npm run web:build\` first (\`npm run deploy\` does).`,
  );
  return WEB_PLACEHOLDER_DIR;
}
