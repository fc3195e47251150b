/**
 * AWS_IAM: Signature Version 4 for service `appsync`, recomputed with @smithy/signature-v4 over
 * exactly the headers the client signed, and compared in constant time.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import { parseAmzDate, sameHex } from '../../sigv4.ts';
import { RequestRefused } from '../errors.ts';
import type { AuthHeaders, IamIdentity } from './identity.ts';

export interface IamConfig {
  accessKeyId: string;
  secretAccessKey: string;
  /** Reported in ctx.identity; defaults to a local placeholder account. */
  accountId?: string;
  userArn?: string;
}

export interface SignedRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers: AuthHeaders;
  body: string;
}

/** AWS refuses signatures dated more than five minutes from its clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const invalidSignature = (message: string) => new RequestRefused(403, 'InvalidSignatureException', message);

export function isSigV4(headers: AuthHeaders): boolean {
  return (headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256');
}

export type IamVerify = (request: SignedRequest, sourceIp: string) => Promise<IamIdentity>;

export function iamVerifier(config: IamConfig, region: string, now: () => number = Date.now): IamVerify {
  const accountId = config.accountId ?? '000000000000';
  const signer = new SignatureV4({
    service: 'appsync',
    region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    sha256: Sha256,
    // Only what the client signed is signed again; no header is added.
    applyChecksum: false,
  });
  return async (request, sourceIp) => {
    const match = AUTHORIZATION.exec(request.headers.authorization ?? '');
    if (!match) throw new RequestRefused(403, 'IncompleteSignatureException', 'Authorization header requires Credential, SignedHeaders and Signature.');
    const [, accessKeyId, day, signedRegion, service, signedHeaderList, signature] = match as unknown as string[];
    if (accessKeyId !== config.accessKeyId) {
      throw new RequestRefused(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (service !== 'appsync' || signedRegion !== region) {
      throw invalidSignature(`Credential should be scoped to a valid region and service appsync: got ${signedRegion}/${service}.`);
    }
    const amzDate = request.headers['x-amz-date'] ?? '';
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === null || !amzDate.startsWith(day ?? '')) throw invalidSignature('X-Amz-Date is missing or does not match the credential scope.');
    if (Math.abs(now() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) {
      throw invalidSignature(`Signature expired: ${amzDate} is more than 5 minutes from the server time.`);
    }
    const signedNames = (signedHeaderList ?? '').split(';');
    if (!signedNames.includes('host')) throw invalidSignature("'Host' must be a signed header.");
    // The signer trusts a signed x-amz-content-sha256 as the payload's hash, so it must be the body's.
    const claimedHash = request.headers['x-amz-content-sha256'];
    if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(request.body).digest('hex')) {
      throw invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    const headers: Record<string, string> = {};
    for (const name of signedNames) headers[name] = request.headers[name] ?? '';
    const recomputed = await signer.sign(
      { method: request.method, protocol: 'https:', hostname: headers.host ?? '', path: request.path, query: request.query ?? {}, headers, body: request.body },
      { signingDate: signedAt, signableHeaders: new Set(signedNames) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(recomputed.headers.authorization ?? ''))?.[1] ?? '';
    if (expected.length !== 64 || !sameHex(expected, signature ?? '')) {
      throw invalidSignature(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      );
    }
    return {
      accountId,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      sourceIp: [sourceIp],
      username: accessKeyId,
      userArn: config.userArn ?? `arn:aws:iam::${accountId}:user/local`,
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
    };
  };
}
