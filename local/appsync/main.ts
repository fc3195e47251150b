/**
 * `npm run local:appsync -- --search-endpoint http://127.0.0.1:9200 --user-pool-id us-east-1_XXXX
 *   --client-id ID --jwks jwks.json --access-key-id KEY --secret-access-key SECRET [--port 4000]`
 * The local AppSync on its own, with the API's real Lambda handlers (their environment variables as
 * in functions/shared/config.ts). `npm start` (local/start.ts) runs it with the rest of the cloud.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { ApiFunctionName } from '../../infra/resolver-wiring.ts';
import { DEFAULT_SETTINGS } from '../../infra/stack-props.ts';
import type { LambdaHandler } from './data-sources/lambda.ts';
import { startLocalAppSync } from './start.ts';

const options = new Command('local:appsync')
  .requiredOption('--search-endpoint <url>', 'OpenSearch endpoint (the local engine, or an https domain)')
  .requiredOption('--user-pool-id <id>', 'Cognito user pool id (us-east-1_XXXX)')
  .requiredOption('--client-id <ids...>', 'allowed app client ids')
  .requiredOption('--jwks <file>', "the pool's JSON Web Key Set, as a file")
  .requiredOption('--access-key-id <key>', 'IAM access key id accepted for SigV4, and what the OPENSEARCH data source signs with')
  .requiredOption('--secret-access-key <secret>', 'its secret')
  .option('--region <region>', 'AWS region', process.env.AWS_REGION ?? 'us-east-1')
  .option('--port <port>', 'port', '4000')
  .option('--host <host>', 'host', '127.0.0.1')
  .option('--cognito-endpoint <url>', 'where the explorer signs users in')
  .parse()
  .opts<Record<string, string | string[]>>();

const [upload, del, sign] = await Promise.all([
  import('../../functions/request-upload/index.ts'),
  import('../../functions/delete-image/index.ts'),
  import('../../functions/sign-urls/index.ts'),
]);
const lambdas: Record<ApiFunctionName, LambdaHandler> = {
  'request-upload': upload.handler as LambdaHandler,
  'delete-image': del.handler as LambdaHandler,
  'sign-urls': sign.handler as LambdaHandler,
};
const keyPair = { accessKeyId: String(options.accessKeyId), secretAccessKey: String(options.secretAccessKey) };
const api = await startLocalAppSync({
  port: Number(options.port),
  host: String(options.host),
  region: String(options.region),
  searchEndpoint: String(options.searchEndpoint),
  lambdas,
  cognito: { userPoolId: String(options.userPoolId), clientIds: [options.clientId ?? []].flat(), jwks: JSON.parse(readFileSync(String(options.jwks), 'utf8')) as Jwks },
  iam: keyPair,
  searchCredentials: keyPair,
  queryLimits: DEFAULT_SETTINGS,
  ...(options.cognitoEndpoint ? { explorerSignIn: { cognitoEndpoint: String(options.cognitoEndpoint) } } : {}),
});
console.log(`local AppSync: ${api.url} (real-time ${api.realtimeUrl}; explorer ${new URL('/', api.url).href})`);
const stop = () => void api.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
