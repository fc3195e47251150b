import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, Provider, SourceData } from '@smithy/types';
import { type Hash, type Hmac, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Signature Version 4 for the local services: the one header-signature verifier that AppSync's IAM
 * mode, the queue, the vision service, the search engine and Cognito's IAM-only actions use, and
 * the signing their raw-HTTP callers use. @smithy/signature-v4, the SDK's own signer, recomputes
 * every signature. The verifier says what is wrong (a SigV4Problem, with AWS's message); each
 * service words the refusal as its AWS counterpart does. S3 (local/s3/sigv4.ts) has its own
 * header and presigned-URL rules and shares only the helpers at the bottom.
 */

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What one service accepts. */
export interface SigV4Scope {
  /** The signing name: `sqs`, `rekognition`, `es`, `cognito-idp`, `appsync`. */
  service: string;
  region: string;
  credentials: KeyPair;
  /** How far X-Amz-Date may be from the server's clock. */
  maxSkewMs: number;
}

/** Five minutes: what most AWS JSON services and OpenSearch Service allow ("... - 5 min."). */
export const FIVE_MINUTES_MS = 5 * 60 * 1000;
/** Fifteen minutes: what SQS allows ("... - 15 min."). */
export const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;

export interface SignedHttpRequest {
  method: string;
  /** As sent: percent-encoded, without the query. */
  path: string;
  /** Decoded names and values; repeated names as arrays. */
  query: Record<string, string | string[]>;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  body: string | Uint8Array;
}

/**
 * Why a request was refused: no signature at all, a malformed one, a key this service does not
 * know, a scope (date, region, service) that is not this service's, a date too far from now, or a
 * signature that does not match.
 */
export type SigV4Problem = 'missing' | 'incomplete' | 'unknownKey' | 'scope' | 'expired' | 'mismatch';

export class SigV4Refused extends Error {
  override name = 'SigV4Refused';

  constructor(
    readonly problem: SigV4Problem,
    message: string,
  ) {
    super(message);
  }
}

/** The `__type` AWS's JSON-protocol services (Rekognition, Cognito, AppSync's IAM mode) answer with. */
export const JSON_PROTOCOL_ERROR = {
  missing: 'MissingAuthenticationTokenException',
  incomplete: 'IncompleteSignatureException',
  unknownKey: 'UnrecognizedClientException',
  scope: 'InvalidSignatureException',
  expired: 'InvalidSignatureException',
  mismatch: 'InvalidSignatureException',
} as const satisfies Record<SigV4Problem, string>;

const ALGORITHM = 'AWS4-HMAC-SHA256';
export const MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Verifies a header-signed request against one service's scope; resolves with the caller's key id. */
export async function verifySigV4(request: SignedHttpRequest, scope: SigV4Scope, now = Date.now()): Promise<{ accessKeyId: string }> {
  const { accessKeyId, signedAt, signedNames, signature } = checkSigV4Headers(request.headers, scope, now);

  // The signer takes a signed x-amz-content-sha256 as the payload's hash, so it must be the body's.
  const claimedHash = request.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(request.body).digest('hex')) {
    throw new SigV4Refused('mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const headers: Record<string, string> = {};
  for (const name of signedNames) headers[name] = request.headers[name] ?? '';
  const recomputed = await verifierSigner(scope).sign(
    { method: request.method, protocol: 'http:', hostname: headers.host ?? '', path: request.path, query: request.query, headers, body: request.body },
    { signingDate: signedAt, signableHeaders: new Set(signedNames) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(recomputed.headers.authorization ?? ''))?.[1] ?? '';
  if (expected.length !== 64 || !sameHex(expected, signature)) throw new SigV4Refused('mismatch', MISMATCH_MESSAGE);
  return { accessKeyId };
}

/**
 * Everything verifySigV4 can refuse without the body (no or a malformed signature, another key,
 * scope or date): servers call it before reading a body, so that no caller without this service's
 * key makes them buffer one (up to 100 MB for the search engine).
 */
export function checkSigV4Headers(
  headers: Record<string, string | string[] | undefined>,
  scope: SigV4Scope,
  now = Date.now(),
): { accessKeyId: string; signedAt: Date; signedNames: string[]; signature: string } {
  const single = singleValued(headers);
  const authorization = single.authorization?.trim();
  if (!authorization) throw new SigV4Refused('missing', 'Missing Authentication Token');
  const parts = authorizationParts(authorization);
  const amzDate = single['x-amz-date'];
  const signedAt = amzDate === undefined ? null : parseAmzDate(amzDate);
  const missing = [
    ...(parts.credential === undefined ? ["Authorization header requires 'Credential' parameter."] : []),
    ...(parts.signature === undefined ? ["Authorization header requires 'Signature' parameter."] : []),
    ...(parts.signedHeaders === undefined ? ["Authorization header requires 'SignedHeaders' parameter."] : []),
    ...(signedAt === null ? ["Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."] : []),
  ];
  if (parts.algorithm !== ALGORITHM || missing.length > 0 || signedAt === null) {
    throw new SigV4Refused('incomplete', parts.algorithm !== ALGORITHM ? `Unsupported AWS 'algorithm': '${parts.algorithm}'.` : `${missing.join(' ')} Authorization=${authorization}`);
  }
  const credential = (parts.credential ?? '').split('/');
  const [accessKeyId = '', day, region, service, terminator] = credential;
  if (credential.length !== 5 || terminator !== 'aws4_request') {
    throw new SigV4Refused('incomplete', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator ?? ''}'. `);
  }
  const signedNames = (parts.signedHeaders ?? '').split(';');
  if (!signedNames.includes('host')) throw new SigV4Refused('incomplete', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (accessKeyId !== scope.credentials.accessKeyId) throw new SigV4Refused('unknownKey', 'The security token included in the request is invalid.');
  const amzDay = (amzDate ?? '').slice(0, 8);
  if (day !== amzDay) {
    throw new SigV4Refused('scope', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${amzDay}', from 'X-Amz-Date'.`);
  }
  if (region !== scope.region) throw new SigV4Refused('scope', `Credential should be scoped to a valid region, not '${region}'. `);
  if (service !== scope.service) throw new SigV4Refused('scope', `Credential should be scoped to correct service: '${scope.service}'. `);
  const skew = signedAt.getTime() - now;
  if (Math.abs(skew) > scope.maxSkewMs) throw new SigV4Refused('expired', skewMessage(amzDate ?? '', now, scope.maxSkewMs, skew < 0));
  return { accessKeyId, signedAt, signedNames, signature: parts.signature ?? '' };
}

/** Node's repeated headers joined as they are signed (`a, b`). */
function singleValued(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const single: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) single[name] = Array.isArray(value) ? value.join(', ') : value;
  return single;
}

/** One signer per scope: it keeps the day's derived signing key instead of four HMACs a request. */
const signers = new WeakMap<SigV4Scope, SignatureV4>();

function verifierSigner(scope: SigV4Scope): SignatureV4 {
  let signer = signers.get(scope);
  if (!signer) {
    // Only what the client signed is signed again: no checksum header is added.
    signer = new SignatureV4({ service: scope.service, region: scope.region, credentials: scope.credentials, sha256: NodeSha256, applyChecksum: false });
    signers.set(scope, signer);
  }
  return signer;
}

interface AuthorizationParts {
  algorithm: string;
  credential?: string;
  signedHeaders?: string;
  signature?: string;
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`, each component optional. */
function authorizationParts(authorization: string): AuthorizationParts {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  const components = new Map<string, string>();
  for (const component of (space < 0 ? '' : authorization.slice(space + 1)).split(',')) {
    const at = component.indexOf('=');
    if (at > 0) components.set(component.slice(0, at).trim(), component.slice(at + 1).trim());
  }
  return { algorithm, credential: components.get('Credential'), signedHeaders: components.get('SignedHeaders'), signature: components.get('Signature') };
}

/** AWS's wording: "Signature expired: … is now earlier than … (… - 5 min.)", or "not yet current". */
function skewMessage(amzDate: string, now: number, maxSkewMs: number, past: boolean): string {
  const minutes = Math.round(maxSkewMs / 60_000);
  const bound = amzDateOf(new Date(past ? now - maxSkewMs : now + maxSkewMs));
  const current = amzDateOf(new Date(now));
  return past
    ? `Signature expired: ${amzDate} is now earlier than ${bound} (${current} - ${minutes} min.)`
    : `Signature not yet current: ${amzDate} is still later than ${bound} (${current} + ${minutes} min.)`;
}

function amzDateOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** verifySigV4 for a request as node's HTTP server received it, with its whole body. */
export function verifyIncomingRequest(
  request: Pick<IncomingMessage, 'method' | 'url' | 'headers'>,
  body: Uint8Array,
  scope: SigV4Scope,
  now = Date.now(),
): Promise<{ accessKeyId: string }> {
  const target = request.url ?? '/';
  const queryAt = target.indexOf('?');
  return verifySigV4(
    {
      method: request.method ?? 'GET',
      path: queryAt < 0 ? target : target.slice(0, queryAt),
      query: queryOf(new URL(target, 'http://localhost')),
      headers: singleValued(request.headers),
      body,
    },
    scope,
    now,
  );
}

/** The query of a URL as the verifier and the signer take it (decoded, repeated names as arrays). */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return query;
}

/**
 * The headers that sign `request` for `service`, as an SDK client signs it: what tools, tests and
 * the AppSync OPENSEARCH data source send when they call a local service (or AWS) with raw HTTP.
 */
export async function signedHeaders(
  url: URL,
  request: { method: string; headers?: Record<string, string>; body?: string },
  signing: { service: string; region: string; credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>; signingDate?: Date },
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: signing.service, region: signing.region, credentials: signing.credentials, sha256: NodeSha256 });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: queryOf(url),
      headers: { ...request.headers, host: url.host },
      body: request.body,
    },
    signing.signingDate ? { signingDate: signing.signingDate } : {},
  );
  return signed.headers;
}

/**
 * How a child service (search engine, queue) receives the key pair it accepts from the process
 * that starts it: in its environment, which other users cannot read (arguments they can, in ps).
 */
export const KEY_PAIR_ENV = { accessKeyId: 'IMAGEGRAPH_LOCAL_ACCESS_KEY_ID', secretAccessKey: 'IMAGEGRAPH_LOCAL_SECRET_ACCESS_KEY' } as const;

export function keyPairEnv(keyPair: KeyPair): Record<string, string> {
  return { [KEY_PAIR_ENV.accessKeyId]: keyPair.accessKeyId, [KEY_PAIR_ENV.secretAccessKey]: keyPair.secretAccessKey };
}

/** The key pair from the environment; undefined when neither variable is set, an error when one is. */
export function keyPairFromEnv(env: NodeJS.ProcessEnv): KeyPair | undefined {
  const accessKeyId = env[KEY_PAIR_ENV.accessKeyId];
  const secretAccessKey = env[KEY_PAIR_ENV.secretAccessKey];
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (!accessKeyId || !secretAccessKey) throw new Error(`${KEY_PAIR_ENV.accessKeyId} and ${KEY_PAIR_ENV.secretAccessKey} must be set together`);
  return { accessKeyId, secretAccessKey };
}

/**
 * node:crypto's SHA-256 behind the interface the signer takes: bodies of bulk requests run to
 * megabytes, which @aws-crypto/sha256-js hashes about ten times slower.
 */
export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : ArrayBuffer.isView(this.secret) ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength) : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
}

/** `yyyymmddThhmmssZ` (X-Amz-Date) as a Date, or null. */
export function parseAmzDate(value: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return null;
  const [year = 0, month = 0, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Compares two hex signatures in constant time. */
export function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
