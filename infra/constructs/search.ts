import { Aws, Fn, Lazy, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EbsDeviceVolumeType } from 'aws-cdk-lib/aws-ec2';
import {
  AnyPrincipal,
  ArnPrincipal,
  Effect,
  type IRole,
  PolicyDocument,
  PolicyStatement,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { LogGroup, ResourcePolicy, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type CfnDomain, Domain, EngineVersion, TLSSecurityPolicy } from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';

export interface SearchProps {
  instanceType: string;
  instanceCount: number;
  /** 1 (no zone awareness), 2 or 3; instanceCount is a multiple of it. */
  availabilityZones: 1 | 2 | 3;
  /** 0 (data nodes elect the master), 3 or 5. */
  dedicatedMasterCount: 0 | 3 | 5;
  dedicatedMasterType: string;
  volumeSizeGiB: number;
}

/** What the index endpoints accept; the same set CDK's Domain.grantReadWrite gives. */
const HTTP_ACTIONS = ['ESHttpGet', 'ESHttpHead', 'ESHttpPost', 'ESHttpPut', 'ESHttpDelete', 'ESHttpPatch'].map(
  (action) => `es:${action}`,
);

/** The OpenSearch Service domain that indexes image metadata for search. */
export class Search extends Construct {
  readonly domain: Domain;
  /** How the domain is sized, for the alarms that depend on it. */
  readonly sizing: Readonly<SearchProps>;
  private readonly accessPolicy = new PolicyDocument();
  /** Everything under the domain, written from its name (the domain cannot reference itself). */
  private readonly accessPolicyResource: string;
  /** The roles grantHttpAccess named: the only principals the access policy lets in. */
  private readonly allowedRoleArns: string[] = [];

  constructor(scope: Construct, id: string, props: SearchProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.sizing = props;

    // An explicit name lets the access policy and the log policy name the domain's ARN without
    // referencing the domain itself (a circular reference). A prefix from the construct path and a
    // suffix from the stack's id (a new UUID each time the stack is created, fixed while it lives):
    // after `cdk destroy`, a redeploy gets a new name, so a domain still being deleted can never
    // block it. 3-28 characters, lowercase, starting with a letter.
    const prefix = Names.uniqueResourceName(this, { maxLength: 19, separator: '-', allowedSpecialCharacters: '-' })
      .toLowerCase()
      .replace(/^[^a-z]+/, '');
    const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    const domainName = `${prefix}-${Fn.select(0, Fn.split('-', stackUuid))}`;
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

    const zoneAware = props.availabilityZones > 1;
    this.domain = new Domain(this, 'Domain', {
      domainName,
      // The last 2.x line, in standard support; preferred over 3.x for the widest instance-type
      // support, the burstable T3 default included.
      // At least 2.16: the near-duplicate search maps the perceptual hash as a binary k-NN vector
      // (data_type binary, Hamming distance, Faiss), which the k-NN plugin supports from 2.16.
      version: EngineVersion.OPENSEARCH_2_19,
      capacity: {
        dataNodes: props.instanceCount,
        dataNodeInstanceType: props.instanceType,
        masterNodes: props.dedicatedMasterCount || undefined,
        masterNodeInstanceType: props.dedicatedMasterCount ? props.dedicatedMasterType : undefined,
        multiAzWithStandbyEnabled: false,
      },
      ebs: { volumeSize: props.volumeSizeGiB, volumeType: EbsDeviceVolumeType.GP3 },
      zoneAwareness: zoneAware ? { enabled: true, availabilityZoneCount: props.availabilityZones } : { enabled: false },
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
      // Derived data: the metadata sidecars in the (retained) bucket are the source of truth and
      // `imagegraph reindex` rebuilds the index from them. A retained domain would keep billing by
      // the hour after `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.domain.node.addDependency(logPolicy);

    // Set on the CloudFormation resource: CDK's accessPolicies prop would add a custom resource
    // Lambda to apply it. Statements are added by grantHttpAccess and rendered at synth.
    (this.domain.node.defaultChild as CfnDomain).accessPolicies = this.accessPolicy;
    this.accessPolicyResource = `${domainArn}/*`;
    // Within one account, an identity policy alone grants access unless a resource policy denies
    // it: without this, any principal of the account with es:ESHttp* could read every user's index.
    this.accessPolicy.addStatements(
      new PolicyStatement({
        sid: 'OnlyTheNamedRoles',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['es:ESHttp*'],
        resources: [this.accessPolicyResource],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': Lazy.list({ produce: () => this.allowedRoleArns }) } },
      }),
    );

    acknowledge(
      this.domain,
      'AwsSolutions-OS1',
      "Public endpoint on purpose: AppSync's OpenSearch data source cannot reach a domain in a VPC (aws-appsync-community#302), and the access policy denies every principal but three named roles, with SigV4-signed requests only. A VPC would also need the processing Lambda in it with NAT or endpoints for S3, Rekognition and AppSync.",
    );
    acknowledge(
      this.domain,
      'AwsSolutions-OS3',
      'Callers are Lambda and AppSync, whose source IPs are not fixed or allow-listable; access is restricted to named IAM roles and signed requests instead.',
    );
    if (!props.dedicatedMasterCount) {
      acknowledge(
        this.domain,
        'AwsSolutions-OS4',
        'Dedicated master nodes (three more instances) cost more than the small "dev" data tier itself; the data nodes elect the master. The "production" preset (searchDedicatedMasterCount) turns them on.',
      );
    }
    if (!zoneAware) {
      acknowledge(
        this.domain,
        'AwsSolutions-OS7',
        'One zone keeps the "dev" domain at one node, and the index can be rebuilt from the metadata sidecars in S3. The "production" preset (searchAvailabilityZones) spreads it over three.',
      );
    }
  }

  /** The domain's HTTPS endpoint as a URL, as OPENSEARCH_ENDPOINT and the SearchEndpoint output give it. */
  get endpointUrl(): string {
    return `https://${this.domain.domainEndpoint}`;
  }

  /**
   * Lets `role` call the domain's HTTP API: an identity policy on the role and a statement in the
   * domain's access policy, which denies every principal but the roles granted here.
   */
  grantHttpAccess(role: IRole): void {
    this.domain.grantReadWrite(role);
    this.allowedRoleArns.push(role.roleArn);
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
