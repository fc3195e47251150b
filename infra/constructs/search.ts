import { Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EbsDeviceVolumeType } from 'aws-cdk-lib/aws-ec2';
import { ArnPrincipal, type IRole, PolicyDocument, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, ResourcePolicy, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type CfnDomain, Domain, EngineVersion, TLSSecurityPolicy } from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';

export interface SearchProps {
  instanceType: string;
  instanceCount: number;
  volumeSizeGiB: number;
}

/** What the index endpoints accept; the same set CDK's Domain.grantReadWrite gives. */
const HTTP_ACTIONS = ['ESHttpGet', 'ESHttpHead', 'ESHttpPost', 'ESHttpPut', 'ESHttpDelete', 'ESHttpPatch'].map(
  (action) => `es:${action}`,
);

/** The OpenSearch Service domain that indexes image metadata for search. */
export class Search extends Construct {
  readonly domain: Domain;
  private readonly accessPolicy = new PolicyDocument();
  /** Everything under the domain, written from its name (the domain cannot reference itself). */
  private readonly accessPolicyResource: string;

  constructor(scope: Construct, id: string, props: SearchProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // An explicit name lets the access policy and the log policy name the domain's ARN without
    // referencing the domain itself (a circular reference). Derived from the construct path, so
    // it is stable per stack and unique across stacks: 3-28 characters, lowercase.
    const domainName = Names.uniqueResourceName(this, { maxLength: 28, separator: '-', allowedSpecialCharacters: '-' })
      .toLowerCase()
      .replace(/^[^a-z]+/, '');
    const domainArn = stack.formatArn({ service: 'es', resource: 'domain', resourceName: domainName });

    const logGroups = {
      slowSearch: new LogGroup(this, 'SlowSearchLogs', { retention: RetentionDays.ONE_MONTH }),
      slowIndex: new LogGroup(this, 'SlowIndexLogs', { retention: RetentionDays.ONE_MONTH }),
      app: new LogGroup(this, 'AppLogs', { retention: RetentionDays.ONE_MONTH }),
    };
    // A native AWS::Logs::ResourcePolicy instead of the custom resource Lambda CDK would add.
    const logPolicy = new ResourcePolicy(this, 'LogDeliveryPolicy', {
      policyStatements: [
        new PolicyStatement({
          principals: [new ServicePrincipal('es.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: Object.values(logGroups).map((group) => group.logGroupArn),
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: { 'aws:SourceArn': domainArn },
          },
        }),
      ],
    });

    // Zone awareness spreads replicas over AZs, which needs the nodes to divide evenly over them.
    const zoneCount = props.instanceCount % 2 === 0 ? 2 : props.instanceCount % 3 === 0 ? 3 : undefined;
    this.domain = new Domain(this, 'Domain', {
      domainName,
      // The last 2.x line, in standard support; preferred over 3.x for the widest instance-type
      // support, the burstable T3 default included.
      version: EngineVersion.OPENSEARCH_2_19,
      capacity: {
        dataNodes: props.instanceCount,
        dataNodeInstanceType: props.instanceType,
        multiAzWithStandbyEnabled: false,
      },
      ebs: { volumeSize: props.volumeSizeGiB, volumeType: EbsDeviceVolumeType.GP3 },
      zoneAwareness: zoneCount ? { enabled: true, availabilityZoneCount: zoneCount } : { enabled: false },
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: TLSSecurityPolicy.TLS_1_2,
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup: logGroups.slowSearch,
        slowIndexLogEnabled: true,
        slowIndexLogGroup: logGroups.slowIndex,
        appLogEnabled: true,
        appLogGroup: logGroups.app,
      },
      suppressLogsResourcePolicy: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.domain.node.addDependency(logPolicy);

    // Set on the CloudFormation resource: CDK's accessPolicies prop would add a custom resource
    // Lambda to apply it. Statements are added by grantHttpAccess and rendered at synth.
    (this.domain.node.defaultChild as CfnDomain).accessPolicies = this.accessPolicy;
    this.accessPolicyResource = `${domainArn}/*`;

    acknowledge(
      this.domain,
      'AwsSolutions-OS1',
      'Public endpoint on purpose: its only clients are Lambda functions and AppSync, outside any VPC here, and the access policy accepts only SigV4-signed requests from two named roles. A VPC would move the Lambdas into it and add NAT or VPC endpoints (hourly cost) to reach S3, Rekognition and AppSync.',
    );
    acknowledge(
      this.domain,
      'AwsSolutions-OS3',
      'Callers are Lambda and AppSync, whose source IPs are not fixed or allow-listable; access is restricted to named IAM roles and signed requests instead.',
    );
    acknowledge(
      this.domain,
      'AwsSolutions-OS4',
      'Dedicated master nodes (three more instances) cost more than the small default data tier itself; for one or two data nodes the data nodes elect the master. Enable them when scaling past a few data nodes.',
    );
    if (!zoneCount) {
      acknowledge(
        this.domain,
        'AwsSolutions-OS7',
        'Zone awareness needs data nodes that divide evenly over two or three AZs; the default single node keeps cost low, and the index can be rebuilt from the metadata sidecars in S3. A searchInstanceCount of 2, 3, 4 or 6 turns it on.',
      );
    }
  }

  /** The domain's HTTPS endpoint as a URL, as OPENSEARCH_ENDPOINT and the SearchEndpoint output give it. */
  get endpointUrl(): string {
    return `https://${this.domain.domainEndpoint}`;
  }

  /**
   * Lets `role` call the domain's HTTP API: an identity policy on the role and a statement in the
   * domain's access policy, which names only the roles granted here.
   */
  grantHttpAccess(role: IRole): void {
    this.domain.grantReadWrite(role);
    this.accessPolicy.addStatements(
      new PolicyStatement({
        principals: [new ArnPrincipal(role.roleArn)],
        actions: HTTP_ACTIONS,
        resources: [this.accessPolicyResource],
      }),
    );
    acknowledge(
      role,
      wildcardResourceFinding(role, `${this.domain.domainArn}/*`),
      'OpenSearch index and document paths live under the domain ARN (domain/name/index/_doc/id); the wildcard covers this one domain only.',
    );
  }
}
