/**
 * SigV4 verification of S3 requests, header-signed (SDK calls) and query-signed (presigned URLs).
 * The canonical request and signature are recomputed by @smithy/signature-v4, the signer the SDK
 * itself uses, from exactly what arrived: the raw path, the decoded query, the signed headers.
 */
import { createScope, getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { NodeSha256, parseAmzDate, sameHex } from '../sigv4.ts';
import type { StreamSigning } from './chunk-signatures.ts';
import { errors } from './s3-error.ts';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface AuthConfig {
  credentials: Credentials;
  region: string;
}

/** What the front knows of a request before reading its body. */
export interface IncomingRequest {
  method: string;
  /** As sent, still percent-encoded, without the query. */
  path: string;
  /** As sent, without the '?'. */
  query: string;
  /** Lower-case names, as node parses them. */
  headers: Record<string, string | string[] | undefined>;
}

export type Authentication =
  | { kind: 'anonymous' }
  /**
   * `payloadHash` is the x-amz-content-sha256 the signature covers; the body must match it. A
   * signed stream's chunks must carry the signatures `streaming` chains from this one.
   */
  | { kind: 'header'; payloadHash: string; streaming: StreamSigning | null }
  | { kind: 'query' };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** S3 refuses header-signed requests dated more than 15 minutes from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** Presigned URLs live at most 7 days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
/** The query parameters of SigV4 query authentication, which the signature does not cover. */
export const QUERY_AUTH_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'];

/** Verifies the request's signature, if any; throws the S3Error S3 would answer with. */
export async function authenticate(request: IncomingRequest, config: AuthConfig, now = new Date()): Promise<Authentication> {
  const query = parseQuery(request.query);
  const authorization = header(request, 'authorization');
  if (authorization !== undefined && 'X-Amz-Algorithm' in query) {
    throw errors.invalidArgument('Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified', {
      ArgumentName: 'Authorization',
      ArgumentValue: authorization,
    });
  }
  if (authorization !== undefined) return verifyHeaderSignature(request, query, authorization, config, now);
  if ('X-Amz-Algorithm' in query) return verifyQuerySignature(request, query, config, now);
  if ('Signature' in query || 'AWSAccessKeyId' in query) throw unsupportedMechanism();
  return { kind: 'anonymous' };
}

async function verifyHeaderSignature(
  request: IncomingRequest,
  query: Query,
  authorization: string,
  config: AuthConfig,
  now: Date,
): Promise<Authentication> {
  const match = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization.trim());
  if (!authorization.startsWith(`${ALGORITHM} `)) throw unsupportedMechanism();
  if (!match) throw errors.headerMalformed('The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  const [, credential = '', signedHeaderList = '', signature = ''] = match;
  const amzDate = header(request, 'x-amz-date') ?? '';
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) throw errors.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  const scope = checkCredential(credential, signingDate, config, errors.headerMalformed, 'The authorization header is malformed;');
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) throw errors.tooSkewed(signingDate, now);

  const payloadHash = header(request, 'x-amz-content-sha256');
  if (payloadHash === undefined) throw errors.invalidRequest('Missing required header for this request: x-amz-content-sha256');
  const signedHeaders = signedHeaderNames(signedHeaderList);
  const signed = await signer(config, scope.region).sign(toSmithyRequest(request, query, signedHeaders), {
    signingDate,
    signableHeaders: new Set(signedHeaders),
  });
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (!sameHex(expected, signature)) throw errors.signatureDoesNotMatch(scope.accessKeyId);
  return { kind: 'header', payloadHash, streaming: await streamSigning(payloadHash, { amzDate, signature, scope }, config) };
}

/** The payload hashes of a signed stream: chunks signed, and with `-TRAILER` the trailer lines too. */
const SIGNED_STREAMS: Record<string, { signedTrailer: boolean }> = {
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': { signedTrailer: false },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': { signedTrailer: true },
};

/** For a signed stream, what its chunk signatures chain from: the seed signature and the request's signing key. */
async function streamSigning(payloadHash: string, request: { amzDate: string; signature: string; scope: Scope }, config: AuthConfig): Promise<StreamSigning | null> {
  const stream = SIGNED_STREAMS[payloadHash];
  if (!stream) return null;
  const shortDate = request.amzDate.slice(0, 8);
  return {
    accessKeyId: request.scope.accessKeyId,
    // The signer's own derivation (and cache), as for the header signature just verified.
    signingKey: await getSigningKey(NodeSha256, config.credentials, shortDate, request.scope.region, 's3'),
    amzDate: request.amzDate,
    scope: createScope(shortDate, request.scope.region, 's3'),
    seed: request.signature,
    signedTrailer: stream.signedTrailer,
  };
}

async function verifyQuerySignature(request: IncomingRequest, query: Query, config: AuthConfig, now: Date): Promise<Authentication> {
  const param = (name: string) => {
    const value = query[name];
    if (typeof value !== 'string') {
      throw errors.queryMalformed(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
      );
    }
    return value;
  };
  const [algorithm, credential, amzDate, expires, signedHeaderList, signature] = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ].map(param) as [string, string, string, string, string, string];
  if (algorithm !== ALGORITHM) throw errors.queryMalformed('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) throw errors.queryMalformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  const expiresIn = Number(expires);
  if (!/^\d+$/.test(expires)) throw errors.queryMalformed('X-Amz-Expires should be a number');
  if (expiresIn > MAX_EXPIRES_SECONDS) throw errors.queryMalformed(`X-Amz-Expires must be less than a week (in seconds) that is; ${MAX_EXPIRES_SECONDS}`);
  const scope = checkCredential(credential, signingDate, config, errors.queryMalformed, 'Error parsing the X-Amz-Credential parameter;');
  const expiry = new Date(signingDate.getTime() + expiresIn * 1000);
  if (now > expiry) throw errors.expired(expiry, now, expires);

  const signedHeaders = signedHeaderNames(signedHeaderList);
  const unsigned = Object.fromEntries(Object.entries(query).filter(([name]) => name !== 'X-Amz-Signature'));
  // Presigned URLs never sign the payload; the signer reads that from this header, which is
  // neither hoisted into the query nor signed.
  const smithyRequest = toSmithyRequest(request, unsigned, signedHeaders);
  smithyRequest.headers['x-amz-content-sha256'] = UNSIGNED_PAYLOAD;
  const presigned = await signer(config, scope.region).presign(smithyRequest, {
    signingDate,
    expiresIn,
    signableHeaders: new Set(signedHeaders),
    unsignableHeaders: new Set(['x-amz-content-sha256']),
    unhoistableHeaders: new Set([...signedHeaders, 'x-amz-content-sha256']),
  });
  if (!sameHex(String(presigned.query?.['X-Amz-Signature']), signature)) throw errors.signatureDoesNotMatch(scope.accessKeyId);
  return { kind: 'query' };
}

export interface Scope {
  accessKeyId: string;
  region: string;
}

/** Checks `AKID/yyyymmdd/region/s3/aws4_request` against the credentials, region and date. */
export function checkCredential(
  credential: string,
  signingDate: Date,
  config: AuthConfig,
  malformed: (message: string) => Error,
  prefix: string,
): Scope {
  const parts = credential.split('/');
  const [accessKeyId = '', date, region, service, terminator] = parts;
  if (parts.length !== 5) throw malformed(`${prefix} the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  if (accessKeyId !== config.credentials.accessKeyId) throw errors.invalidAccessKeyId(accessKeyId);
  if (date !== signingDate.toISOString().slice(0, 10).replace(/-/g, '')) throw malformed(`${prefix} incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`);
  if (region !== config.region) throw malformed(`${prefix} the region '${region}' is wrong; expecting '${config.region}'`);
  if (service !== 's3') throw malformed(`${prefix} incorrect service "${service}". This endpoint belongs to "s3".`);
  if (terminator !== 'aws4_request') throw malformed(`${prefix} incorrect terminal "${terminator}". This endpoint uses "aws4_request".`);
  return { accessKeyId, region };
}

export function signer(config: AuthConfig, region: string): SignatureV4 {
  // S3 signs the path as sent (no second encoding), like the SDK's S3 client. node:crypto hashes
  // about twice as fast as the SDK's pure-JS Sha256 here, on every request of every upload.
  return new SignatureV4({ credentials: config.credentials, region, service: 's3', sha256: NodeSha256, uriEscapePath: false });
}

export type Query = Record<string, string | string[]>;

/** The query as the signer wants it: decoded names and values, repeated names as arrays. */
export function parseQuery(raw: string): Query {
  const query: Query = {};
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const at = pair.indexOf('=');
    const name = decode(at < 0 ? pair : pair.slice(0, at));
    // A bare `?uploads` is signed as `uploads=`.
    const value = at < 0 ? '' : decode(pair.slice(at + 1));
    const previous = query[name];
    query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return query;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw errors.invalidArgument(`Invalid URI encoding: ${text}`);
  }
}

function toSmithyRequest(request: IncomingRequest, query: Query, signedHeaders: string[]): HttpRequest {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = header(request, name);
    // A header that is signed but absent cannot be reproduced, so the signature cannot match.
    if (value === undefined) throw errors.accessDenied(`There were headers present in the request which were not signed: ${name}`);
    headers[name] = value;
  }
  const host = header(request, 'host') ?? '';
  return { method: request.method, protocol: 'http:', hostname: host.replace(/:\d+$/, ''), path: request.path, query, headers };
}

function signedHeaderNames(list: string): string[] {
  const names = list.split(';').map((name) => name.trim().toLowerCase());
  if (!names.includes('host')) throw errors.accessDenied('Host header is not signed');
  return names;
}

function header(request: IncomingRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function unsupportedMechanism(): Error {
  return errors.invalidRequest('The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
}
