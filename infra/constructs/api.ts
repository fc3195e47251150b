import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import {
  AuthorizationType,
  type BaseDataSource,
  type CfnGraphQLApi,
  Code,
  DataSourceLevelMetricsBehavior,
  Definition,
  type FieldLogLevel,
  FunctionRuntime,
  GraphqlApi,
  LambdaDataSource,
  NoneDataSource,
  OpenSearchDataSource,
  OperationLevelMetricsConfig,
  Resolver,
  ResolverLevelMetricsBehavior,
  SchemaFile,
} from 'aws-cdk-lib/aws-appsync';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PREFIX } from '../../functions/shared/storage-keys.ts';
import { toAppSyncSdl } from '../appsync-sdl.ts';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
import { repoPath } from '../paths.ts';
import { bundleResolvers, checkResolverWiring, type ResolverBundle } from '../resolver-bundles.ts';
import type { ApiQueryLimits } from '../stack-props.ts';
import { API_FUNCTIONS, type ApiFunctionName, RESOLVER_WIRING, type WiredField } from '../resolver-wiring.ts';
import { NodeFunction } from './node-function.ts';
import type { Search } from './search.ts';

export interface ApiProps {
  userPool: IUserPool;
  userPoolClient: IUserPoolClient;
  bucket: Bucket;
  search: Search;
  /** Settings every function reads (bucket, limits, TTLs), by ENV name. */
  environment: Record<string, string>;
  fieldLogLevel: FieldLogLevel;
  /** QueryDepthLimit and ResolverCountLimit (infra/stack-props.ts). */
  queryLimits: ApiQueryLimits;
  /** Resolver code; bundled from resolvers/ when omitted. */
  resolvers?: ResolverBundle[];
}

/** The only field the processing backend may call, with IAM credentials. */
const PUBLISH_FIELD = 'publishImageProcessed';

const FUNCTION_DESCRIPTIONS: Record<ApiFunctionName, string> = {
  'request-upload': 'Reserves an image id and presigns its upload (Mutation.requestUpload)',
  'delete-image': "Deletes one of the caller's images (Mutation.deleteImage)",
  'sign-urls': 'Presigns download URLs for originals and thumbnails, batched (Image.originalUrl, Thumbnail.url)',
};

/** The AppSync GraphQL API, its Lambda functions, data sources and JS resolvers. */
export class Api extends Construct {
  readonly api: GraphqlApi;
  readonly functions: Record<ApiFunctionName, NodeFunction>;
  readonly logGroup: LogGroup;
  /** The WebSocket endpoint for subscriptions. */
  readonly realtimeUrl: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    // Bundle first: a missing or unwired resolver should fail synth before anything else is built.
    const bundles = props.resolvers ?? bundleResolvers();
    checkResolverWiring(bundles, Object.keys(RESOLVER_WIRING));

    this.functions = this.createFunctions(props);

    // The SDL alone (AppSync defines its own scalars and directives and rejects redeclarations),
    // rewritten into the SDL AppSync's parser accepts: a construct it refuses would fail the whole
    // deploy with "Failed to parse schema document", so synth fails first, naming it.
    const schema = SchemaFile.fromAsset(repoPath('schema/schema.graphql'));
    schema.definition = toAppSyncSdl(schema.definition);

    this.api = new GraphqlApi(this, 'GraphqlApi', {
      name: Stack.of(this).stackName,
      definition: Definition.fromSchema(schema),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: AuthorizationType.USER_POOL,
          // Only tokens issued to this stack's app client.
          userPoolConfig: { userPool: props.userPool, appIdClientRegex: `^${props.userPoolClient.userPoolClientId}$` },
        },
        // IAM for the processing backend's publishImageProcessed.
        additionalAuthorizationModes: [{ authorizationType: AuthorizationType.IAM }],
      },
      xrayEnabled: true,
      // Field errors come back as HTTP 200 with `errors`, which the 5XXError metric never counts:
      // per-resolver GraphQLError and per-data-source Errors metrics make them visible. Operation
      // metrics stay off: operation names are chosen by clients, so their number is unbounded.
      enhancedMetricsConfig: {
        resolverLevelMetricsBehavior: ResolverLevelMetricsBehavior.FULL_REQUEST_RESOLVER_METRICS,
        dataSourceLevelMetricsBehavior: DataSourceLevelMetricsBehavior.FULL_REQUEST_DATA_SOURCE_METRICS,
        operationLevelMetricsConfig: OperationLevelMetricsConfig.DISABLED,
      },
      queryDepthLimit: props.queryLimits.apiQueryDepthLimit,
      resolverCountLimit: props.queryLimits.apiResolverCountLimit,
    });
    for (const level of ['Resolver', 'DataSource']) {
      Annotations.of(this.api).acknowledgeWarning(
        `@aws-cdk/aws-appsync:fullRequest${level}Metrics`,
        'Every resolver and data source on purpose: the error alarms sum them all (monitoring.ts).',
      );
    }
    const cfnApi = this.api.node.defaultChild as CfnGraphQLApi;
    this.realtimeUrl = cfnApi.attrRealtimeUrl;

    // Logging is configured on the CloudFormation resource with a log group this stack owns:
    // GraphqlApi's logConfig would add a log-retention custom resource Lambda and a role with the
    // AWS-managed AWSAppSyncPushToCloudWatchLogs policy (write access to every log group).
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: RetentionDays.ONE_MONTH,
    });
    // The API needs this role to exist first, so the role can name the account's APIs, not this one.
    const logRole = this.appSyncRole(
      'LogRole',
      'Lets AppSync write request and resolver logs to its own log group',
      Stack.of(this).formatArn({ service: 'appsync', resource: 'apis', resourceName: '*' }),
    );
    this.logGroup.grantWrite(logRole);
    cfnApi.logConfig = {
      cloudWatchLogsRoleArn: logRole.roleArn,
      fieldLogLevel: props.fieldLogLevel,
      excludeVerboseContent: false,
    };

    const dataSources = this.createDataSources(props);
    for (const bundle of bundles) {
      const wiring = RESOLVER_WIRING[`${bundle.typeName}.${bundle.fieldName}` as WiredField];
      const dataSource = wiring.kind === 'LAMBDA' ? dataSources[wiring.function] : dataSources[wiring.kind];
      new Resolver(this, `${bundle.typeName}.${bundle.fieldName}`, {
        api: this.api,
        dataSource,
        typeName: bundle.typeName,
        fieldName: bundle.fieldName,
        runtime: FunctionRuntime.JS_1_0_0,
        code: Code.fromInline(bundle.code),
        maxBatchSize: 'maxBatchSize' in wiring ? wiring.maxBatchSize : undefined,
      });
    }
  }

  get graphqlUrl(): string {
    return this.api.graphqlUrl;
  }

  /** Lets `grantee` call Mutation.publishImageProcessed, and no other field. */
  grantPublishImageProcessed(grantee: IGrantable): void {
    this.api.grantMutation(grantee, PUBLISH_FIELD);
  }

  private createFunctions(props: ApiProps): Record<ApiFunctionName, NodeFunction> {
    const create = (name: ApiFunctionName) =>
      new NodeFunction(this, name, {
        entry: `functions/${name}/index.ts`,
        description: FUNCTION_DESCRIPTIONS[name],
        timeout: Duration.seconds(name === 'delete-image' ? 30 : 10),
        environment: props.environment,
      });
    const functions = Object.fromEntries(API_FUNCTIONS.map((name) => [name, create(name)])) as Record<
      ApiFunctionName,
      NodeFunction
    >;

    const { bucket } = props;
    const uploads = bucket.arnForObjects(`${PREFIX.uploads}*`);
    const thumbnails = bucket.arnForObjects(`${PREFIX.thumbnails}*`);
    const objectWildcardReason =
      'Presigned requests act with this role, for keys chosen per request under one prefix of this one bucket; object ARNs need a key wildcard.';

    // A presigned POST is signed with the function's credentials, so the role itself must be
    // allowed the PutObject the browser will make.
    const requestUpload = functions['request-upload'].role;
    requestUpload.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [uploads] }));
    acknowledge(requestUpload, wildcardResourceFinding(requestUpload, uploads), objectWildcardReason);

    const deleteImage = functions['delete-image'].role;
    deleteImage.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${PREFIX.uploads}*`] } },
      }),
    );
    deleteImage.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [uploads] }));
    acknowledge(
      deleteImage,
      wildcardResourceFinding(deleteImage, uploads),
      "Deletes the objects under uploads/{owner}/{imageId}/ of the caller's image; keys vary per image, so the ARN needs a wildcard within uploads/ of this bucket.",
    );

    const signUrls = functions['sign-urls'].role;
    signUrls.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [uploads, thumbnails] }));
    acknowledge(signUrls, wildcardResourceFinding(signUrls, uploads), objectWildcardReason);
    acknowledge(signUrls, wildcardResourceFinding(signUrls, thumbnails), objectWildcardReason);

    return functions;
  }

  /**
   * A role only AppSync may assume, and only on behalf of `sourceArn` in this account, so that no
   * other account's API can be made to act with it (confused deputy).
   */
  private appSyncRole(id: string, description: string, sourceArn: string): Role {
    return new Role(this, id, {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        ArnLike: { 'aws:SourceArn': sourceArn },
      }),
      description,
    });
  }

  private createDataSources(props: ApiProps): Record<ApiFunctionName | 'OPENSEARCH' | 'NONE', BaseDataSource> {
    // An explicit role, so the domain's access policy can name it.
    const searchRole = this.appSyncRole('SearchDataSourceRole', 'Lets AppSync query the image search domain', this.api.arn);
    const search = new OpenSearchDataSource(this, 'SearchDataSource', {
      api: this.api,
      name: 'OpenSearch',
      domain: props.search.domain,
      serviceRole: searchRole,
    });
    props.search.grantHttpAccess(searchRole);

    const lambda = (name: ApiFunctionName, dataSourceName: string) => {
      const { fn } = this.functions[name];
      const serviceRole = this.appSyncRole(
        `${dataSourceName}DataSourceRole`,
        `Lets AppSync invoke the ${name} function`,
        this.api.arn,
      );
      const dataSource = new LambdaDataSource(this, `${dataSourceName}DataSource`, {
        api: this.api,
        name: dataSourceName,
        lambdaFunction: fn,
        serviceRole,
      });
      acknowledge(
        serviceRole,
        wildcardResourceFinding(serviceRole, `${fn.functionArn}:*`),
        `CDK grants lambda:InvokeFunction on the ${name} function and its versions and aliases (ARN:*); it covers that one function only.`,
      );
      return dataSource;
    };

    return {
      OPENSEARCH: search,
      NONE: new NoneDataSource(this, 'NoneDataSource', { api: this.api, name: 'None' }),
      'request-upload': lambda('request-upload', 'RequestUpload'),
      'delete-image': lambda('delete-image', 'DeleteImage'),
      'sign-urls': lambda('sign-urls', 'SignUrls'),
    };
  }
}
