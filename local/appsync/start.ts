/**
 * startLocalAppSync: the project's schema and deployed resolver bundles served as AWS AppSync serves
 * them, over HTTP (POST /graphql) and AppSync's real-time WebSocket protocol (/graphql/realtime).
 */
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import type { ApiFunctionName } from '../../infra/resolver-wiring.ts';
import type { ApiQueryLimits } from '../../infra/stack-props.ts';
import { authenticator } from './auth/authenticate.ts';
import { cognitoVerifier, type CognitoConfig } from './auth/cognito.ts';
import { iamVerifier, type IamConfig } from './auth/iam.ts';
import { AuthorizationRules } from './authorization.ts';
import type { LambdaHandler } from './data-sources/lambda.ts';
import { openSearchDataSource } from './data-sources/opensearch.ts';
import { Executor } from './execution.ts';
import { explorerAssets, explorerPage } from './explorer/build.ts';
import { RealtimeHub } from './realtime/hub.ts';
import { DEFAULT_HANDLER_BUDGET_MS, loadResolvers } from './resolvers.ts';
import { loadProjectSchema } from './schema.ts';
import { GRAPHQL_PATH, REALTIME_PATH, createAppSyncServer, type ServerLimits } from './server.ts';
import { closeServer, listen, servePlainAndTls, type TlsIdentity } from '../http-server.ts';

export interface LocalAppSyncOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  region: string;
  /** The OPENSEARCH data source: the local engine or a domain; requests are SigV4-signed for `es`. */
  searchEndpoint: string;
  /** What the OPENSEARCH data source signs with (its role's credentials on AWS). */
  searchCredentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  /** The API's Lambda handlers, invoked in process. */
  lambdas: Record<ApiFunctionName, LambdaHandler>;
  cognito: CognitoConfig;
  iam: IamConfig;
  /** Serve the GraphQL explorer (GraphiQL with user pool sign-in) at `/` (default true). */
  explorer?: boolean;
  /** Where the explorer signs users in: Cognito's endpoint (default AWS's regional one) and app client (default the first of cognito.clientIds). */
  explorerSignIn?: { cognitoEndpoint?: string; userPoolClientId?: string };
  /** Time budget of one resolver handler call. */
  handlerBudgetMs?: number;
  /** Query depth and resolver count limits: the stack's settings (DEFAULT_SETTINGS or a deployment's). */
  queryLimits: ApiQueryLimits;
  limits?: Partial<ServerLimits>;
  /**
   * Serve https and wss too, on the same port (the first byte of a connection tells TLS from
   * plain HTTP): the local CA's server certificate (local/tls/certificates.ts).
   */
  tls?: TlsIdentity;
}

export interface LocalAppSync {
  url: string;
  realtimeUrl: string;
  /** The same endpoints over TLS (same port), when `tls` was given. */
  tlsUrl?: string;
  tlsRealtimeUrl?: string;
  close(): Promise<void>;
}

/** AppSync's documented real-time defaults: connectionTimeoutMs 300000, a ka every minute. */
export const DEFAULT_LIMITS: ServerLimits = {
  maxRequestBytes: 5 * 1024 * 1024,
  // AppSync's limit on a subscription message payload: 240 KB.
  maxMessageBytes: 240 * 1024,
  keepAliveMs: 60_000,
  connectionTimeoutMs: 300_000,
  maxSubscriptionsPerConnection: 100,
};

export async function startLocalAppSync(options: LocalAppSyncOptions): Promise<LocalAppSync> {
  const host = options.host ?? '127.0.0.1';
  const schema = loadProjectSchema();
  const executor = new Executor({
    schema,
    // The deployed API: user pools by default, IAM as the additional mode (infra/constructs/api.ts).
    rules: new AuthorizationRules('AMAZON_COGNITO_USER_POOLS'),
    resolvers: await loadResolvers(options.handlerBudgetMs ?? DEFAULT_HANDLER_BUDGET_MS),
    dataSources: {
      opensearch: openSearchDataSource({ endpoint: options.searchEndpoint, region: options.region, credentials: options.searchCredentials }),
      lambdas: options.lambdas,
    },
    region: options.region,
    queryLimits: options.queryLimits,
  });
  const hub = new RealtimeHub(schema, executor);
  const explorer = {
    page: (origin: string) => explorerPage({
      graphqlUrl: `${origin}${GRAPHQL_PATH}`,
      realtimeUrl: `${origin.replace(/^http/, 'ws')}${REALTIME_PATH}`,
      cognitoEndpoint: options.explorerSignIn?.cognitoEndpoint ?? `https://cognito-idp.${options.region}.amazonaws.com/`,
      userPoolId: options.cognito.userPoolId,
      userPoolClientId: options.explorerSignIn?.userPoolClientId ?? options.cognito.clientIds[0] ?? '',
    }),
    assets: explorerAssets,
  };
  const { server, closeRealtime } = createAppSyncServer({
    authenticator: authenticator(cognitoVerifier(options.cognito), iamVerifier(options.iam, options.region)),
    executor,
    hub,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    ...(options.explorer === false ? {} : { explorer }),
    onPublishError: (error) => console.error('local AppSync: publishing to subscribers failed:', error),
  });
  const dual = options.tls ? servePlainAndTls(server, options.tls) : undefined;
  const origin = await listen(dual?.front ?? server, options.port ?? 0, host);
  const tlsOrigin = origin.replace(/^http:/, 'https:');
  return {
    url: `${origin}${GRAPHQL_PATH}`,
    realtimeUrl: `${origin.replace(/^http/, 'ws')}${REALTIME_PATH}`,
    ...(dual ? { tlsUrl: `${tlsOrigin}${GRAPHQL_PATH}`, tlsRealtimeUrl: `${tlsOrigin.replace(/^https/, 'wss')}${REALTIME_PATH}` } : {}),
    close: () => {
      closeRealtime();
      return dual ? dual.close() : closeServer(server);
    },
  };
}
