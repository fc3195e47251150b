import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import type { RequestRefused } from '../errors.ts';
import { iamVerifier, type SignedRequest } from './iam.ts';

const CREDENTIALS = { accessKeyId: 'AKIATEST000000000000', secretAccessKey: 'secret' };

async function signed(body: string, options: { date?: Date; region?: string; service?: string; secret?: string } = {}): Promise<SignedRequest> {
  const signer = new SignatureV4({
    service: options.service ?? 'appsync',
    region: options.region ?? 'us-east-1',
    credentials: { ...CREDENTIALS, secretAccessKey: options.secret ?? CREDENTIALS.secretAccessKey },
    sha256: Sha256,
  });
  const request = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4000, path: '/graphql', query: {}, headers: { host: '127.0.0.1:4000', 'content-type': 'application/json' }, body },
    { signingDate: options.date ?? new Date() },
  );
  return { method: 'POST', path: '/graphql', headers: request.headers, body };
}

const verify = iamVerifier(CREDENTIALS, 'us-east-1');

async function refusal(request: Promise<SignedRequest>): Promise<string> {
  try {
    await verify(await request, '127.0.0.1');
    return 'accepted';
  } catch (error) {
    return (error as RequestRefused).errorType;
  }
}

describe('SigV4 verification', () => {
  it('accepts a correct signature and reports an IAM identity', async () => {
    const identity = await verify(await signed('{"query":"{x}"}'), '10.0.0.1');
    expect(identity).toMatchObject({ accountId: '000000000000', username: CREDENTIALS.accessKeyId, sourceIp: ['10.0.0.1'] });
  });

  it('refuses a changed body, a wrong secret, another region or service, and an old date', async () => {
    const tampered = signed('{"query":"{x}"}').then((r) => ({ ...r, body: '{"query":"{y}"}' }));
    expect(await refusal(tampered)).toBe('InvalidSignatureException');
    expect(await refusal(signed('{}', { secret: 'wrong' }))).toBe('InvalidSignatureException');
    expect(await refusal(signed('{}', { region: 'eu-west-1' }))).toBe('InvalidSignatureException');
    expect(await refusal(signed('{}', { service: 'es' }))).toBe('InvalidSignatureException');
    expect(await refusal(signed('{}', { date: new Date(Date.now() - 10 * 60 * 1000) }))).toBe('InvalidSignatureException');
  });

  it('refuses an unknown key and a malformed header', async () => {
    const unknown = signed('{}').then((r) => ({ ...r, headers: { ...r.headers, authorization: r.headers.authorization!.replace(CREDENTIALS.accessKeyId, 'AKIAOTHER00000000000') } }));
    expect(await refusal(unknown)).toBe('UnrecognizedClientException');
    const malformed = signed('{}').then((r) => ({ ...r, headers: { ...r.headers, authorization: 'AWS4-HMAC-SHA256 nonsense' } }));
    expect(await refusal(malformed)).toBe('IncompleteSignatureException');
  });
});
