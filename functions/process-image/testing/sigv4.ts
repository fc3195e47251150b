import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4, type SignatureV4Init } from '@smithy/signature-v4';
import type { RecordedRequest } from './http-fake.ts';

/**
 * Signs a received request again, independently of the client that sent it, over the headers it
 * claims to have signed and at the time it claims: the result equals the request's Authorization
 * header only if it was signed with these credentials for this service and region.
 */
export async function recomputeAuthorization(
  request: RecordedRequest,
  signing: { service: string; region: string; credentials: SignatureV4Init['credentials'] },
): Promise<string> {
  const authorization = String(request.headers.authorization ?? '');
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name] ?? '')]));
  // The signed payload hash must also be the hash of what actually arrived.
  const payloadHash = headers['x-amz-content-sha256'];
  if (payloadHash !== undefined && payloadHash !== createHash('sha256').update(request.body).digest('hex')) {
    return 'x-amz-content-sha256 does not match the body';
  }
  const amzDate = headers['x-amz-date'] ?? '';
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const url = new URL(request.url, 'http://placeholder');
  const signer = new SignatureV4({ ...signing, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname: headers.host ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: request.body,
    },
    { signingDate },
  );
  return String(signed.headers.authorization);
}
