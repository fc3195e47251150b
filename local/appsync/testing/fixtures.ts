/**
 * What the local AppSync tests and the realtime benchmark share: a Cognito-shaped RS256 key pair
 * and token minting (the server gets its JWKS), SigV4 signing as IAM callers do it, and a server
 * started against the local search engine with the API's real Lambda handlers.
 */
import type { Jwks } from 'aws-jwt-verify/jwk';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { startSearchEngine } from '../../opensearch/start.ts';
import { signedHeaders } from '../../sigv4.ts';
import { type RefusalCase, jsonProtocolRefusals } from '../../testing/sigv4-refusals.ts';
import { IMAGE_INDEX_MAPPING } from '../../../functions/process-image/image-index-mapping.ts';
import { IMAGES_INDEX, type ImageDocument } from '../../../resolvers/lib/imageDocument.ts';
import { startLocalAppSync, type LocalAppSync, type LocalAppSyncOptions } from '../start.ts';
import type { LambdaHandler } from '../data-sources/lambda.ts';
import type { ApiFunctionName } from '../../../infra/resolver-wiring.ts';
import { DEFAULT_SETTINGS } from '../../../infra/stack-props.ts';

export const REGION = 'us-east-1';
export const USER_POOL_ID = 'us-east-1_LocalTest';
export const CLIENT_ID = 'localtestclient0000000000';
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;
/** AppSync's answers to wrong requests: no credentials at all is 401; a bad signature 403 with the JSON-protocol type. */
export const APPSYNC_REFUSALS: Record<Exclude<RefusalCase, 'foreign Origin'>, readonly [number, string]> = {
  ...jsonProtocolRefusals(403),
  unsigned: [401, 'UnauthorizedException'],
  'foreign Host': [403, 'AccessDeniedException'],
};
export const IAM = { accessKeyId: 'AKIALOCALTEST0000000', secretAccessKey: 'local-test-secret-key-0000000000000000000' };

export const ALICE = '0a1b2c3d-1111-4111-8111-aaaaaaaaaaaa';
export const BOB = '0a1b2c3d-2222-4222-8222-bbbbbbbbbbbb';

function keyPair(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid, alg: 'RS256', use: 'sig' } };
}

const POOL_KEY = keyPair('local-test-key');
/** Same kid, another key: a token signed with it is forged. */
const FORGER_KEY = keyPair('local-test-key');

export const JWKS = { keys: [POOL_KEY.jwk] } as unknown as Jwks;

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export interface TokenOptions {
  sub?: string;
  use?: 'id' | 'access';
  clientId?: string;
  expiresInSeconds?: number;
  groups?: string[];
  forged?: boolean;
}

/** A Cognito-shaped RS256 JWT (id token by default) for `sub`. */
export function mintToken(options: TokenOptions = {}): string {
  const sub = options.sub ?? ALICE;
  const now = Math.floor(Date.now() / 1000);
  const use = options.use ?? 'id';
  const clientId = options.clientId ?? CLIENT_ID;
  const claims = {
    sub,
    iss: ISSUER,
    token_use: use,
    auth_time: now,
    iat: now - 5,
    exp: now + (options.expiresInSeconds ?? 3600),
    jti: randomUUID(),
    ...(use === 'id' ? { aud: clientId, 'cognito:username': sub, email: `${sub.slice(0, 8)}@example.com` } : { client_id: clientId, username: sub, scope: 'aws.cognito.signin.user.admin' }),
    ...(options.groups ? { 'cognito:groups': options.groups } : {}),
  };
  const key = options.forged ? FORGER_KEY : POOL_KEY;
  const head = b64url(JSON.stringify({ alg: 'RS256', kid: key.kid, typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key.privateKey);
  return `${head}.${body}.${b64url(signature)}`;
}

/** SigV4 (service appsync) headers for a POST of `body` to `url`, as IAM callers sign it. */
export function iamHeaders(url: string, body: string, credentials = IAM): Promise<Record<string, string>> {
  return signedHeaders(new URL(url), { method: 'POST', headers: { 'content-type': 'application/json' }, body }, { service: 'appsync', region: REGION, credentials });
}

/** POST a GraphQL body to `url` signed with SigV4 (service appsync), as the backend does. */
export async function iamPost(url: string, body: unknown, credentials = IAM): Promise<Response> {
  const text = JSON.stringify(body);
  return fetch(url, { method: 'POST', headers: await iamHeaders(url, text, credentials), body: text });
}

export async function userPost(url: string, body: unknown, token: string | undefined): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
  });
}

export function imageDocument(ownerSub: string, id: string, overrides: Partial<ImageDocument> = {}): ImageDocument {
  return {
    id,
    ownerSub,
    fileName: `${id}.jpg`,
    contentType: 'image/jpeg',
    bytes: 1000,
    width: 640,
    height: 480,
    format: 'JPEG',
    orientation: 1,
    takenAt: null,
    uploadedAt: '2024-05-01T10:00:00.000Z',
    camera: null,
    location: null,
    altitude: null,
    labels: [{ name: 'Dog', confidence: 97, parents: ['Animal'], categories: [], instances: [] }],
    labelNames: ['Dog'],
    detectedText: [],
    faces: null,
    faceCount: 0,
    moderationLabels: [],
    moderated: false,
    dominantColors: [],
    sha256: null,
    perceptualHash: null,
    duplicateOf: null,
    thumbnails: [{ size: 160, width: 160, height: 160, format: 'WEBP', square: true, key: `thumbnails/${ownerSub}/${id}/160s.webp` }],
    originalKey: `uploads/${ownerSub}/${id}/${id}.jpg`,
    cameraName: null,
    status: 'PROCESSED',
    failureReason: null,
    etag: 'etag',
    sequencer: '0001',
    ...overrides,
  };
}

/** Environment the API functions read at import; presigning needs no network. */
function functionEnvironment(): void {
  process.env.IMAGES_BUCKET ??= 'imagegraph-local-test';
  process.env.S3_ENDPOINT ??= 'http://127.0.0.1:9';
  process.env.OPENSEARCH_ENDPOINT ??= 'http://127.0.0.1:9';
  process.env.GRAPHQL_URL ??= 'http://127.0.0.1:9/graphql';
  process.env.AWS_REGION ??= REGION;
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
}

/** The API's real handlers (delete-image may be replaced: it talks to S3). */
export async function apiHandlers(overrides: Partial<Record<ApiFunctionName, LambdaHandler>> = {}): Promise<Record<ApiFunctionName, LambdaHandler>> {
  functionEnvironment();
  const [upload, del, sign] = await Promise.all([
    import('../../../functions/request-upload/index.ts'),
    import('../../../functions/delete-image/index.ts'),
    import('../../../functions/sign-urls/index.ts'),
  ]);
  return {
    'request-upload': upload.handler as LambdaHandler,
    'delete-image': del.handler as LambdaHandler,
    'sign-urls': sign.handler as LambdaHandler,
    ...overrides,
  };
}

export interface TestCloud {
  appsync: LocalAppSync;
  searchUrl: string;
  close(): Promise<void>;
}

/** A search engine in memory with the images index (and `documents`), and the local AppSync on it. */
export async function startTestCloud(
  documents: ImageDocument[] = [],
  overrides: Partial<LocalAppSyncOptions> & { lambdaOverrides?: Partial<Record<ApiFunctionName, LambdaHandler>> } = {},
): Promise<TestCloud> {
  // The engine takes requests signed with the same key pair as AppSync's IAM callers.
  const search = await startSearchEngine({ dataDir: ':memory:', auth: { credentials: IAM, region: REGION } });
  const put = async (path: string, body: unknown) => {
    const url = new URL(path, search.url);
    const text = JSON.stringify(body);
    const headers = await signedHeaders(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: text }, { service: 'es', region: REGION, credentials: IAM });
    const response = await fetch(url, { method: 'PUT', headers, body: text });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  };
  await put(`/${IMAGES_INDEX}`, IMAGE_INDEX_MAPPING);
  for (const doc of documents) await put(`/${IMAGES_INDEX}/_doc/${doc.id}?refresh=true`, doc);
  const { lambdaOverrides, ...options } = overrides;
  const appsync = await startLocalAppSync({
    region: REGION,
    searchEndpoint: search.url,
    lambdas: await apiHandlers(lambdaOverrides),
    cognito: { userPoolId: USER_POOL_ID, clientIds: [CLIENT_ID], jwks: JWKS },
    iam: IAM,
    searchCredentials: IAM,
    queryLimits: DEFAULT_SETTINGS,
    ...options,
  });
  return {
    appsync,
    searchUrl: search.url,
    close: async () => {
      await appsync.close();
      await search.close();
    },
  };
}
