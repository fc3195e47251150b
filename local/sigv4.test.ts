import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FIVE_MINUTES_MS, KEY_PAIR_ENV, checkSigV4Headers, type SignedHttpRequest, type SigV4Problem, SigV4Refused, keyPairFromEnv, signedHeaders, verifySigV4 } from './sigv4.ts';

const KEY = { accessKeyId: 'AKIALOCALTEST0000000', secretAccessKey: 'local-test-secret' };
const SCOPE = { service: 'sqs', region: 'us-east-1', credentials: KEY, maxSkewMs: FIVE_MINUTES_MS };
const URL_ = new URL('http://127.0.0.1:4715/?Action=x&b=2&b=1');
const BODY = '{"QueueUrl":"http://127.0.0.1:4715/000000000000/q"}';

async function signed(options: { key?: typeof KEY; service?: string; region?: string; date?: Date; body?: string } = {}): Promise<SignedHttpRequest> {
  const headers = await signedHeaders(
    URL_,
    { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' }, body: options.body ?? BODY },
    { service: options.service ?? 'sqs', region: options.region ?? 'us-east-1', credentials: options.key ?? KEY, ...(options.date ? { signingDate: options.date } : {}) },
  );
  return { method: 'POST', path: '/', query: { Action: 'x', b: ['2', '1'] }, headers, body: BODY };
}

async function problem(request: SignedHttpRequest | Promise<SignedHttpRequest>, now = Date.now()): Promise<SigV4Problem | 'accepted'> {
  try {
    await verifySigV4(await request, SCOPE, now);
    return 'accepted';
  } catch (error) {
    if (error instanceof SigV4Refused) return error.problem;
    throw error;
  }
}

const withHeaders = async (request: Promise<SignedHttpRequest>, change: Record<string, string | undefined>) => {
  const r = await request;
  return { ...r, headers: { ...r.headers, ...change } };
};

describe('verifySigV4', () => {
  it('accepts a request signed as the SDK signs it (query with repeated names included) and names the key', async () => {
    await expect(verifySigV4(await signed(), SCOPE)).resolves.toEqual({ accessKeyId: KEY.accessKeyId });
  });

  it('accepts the pure-JS signer of @aws-crypto too (the hashes agree)', async () => {
    const signer = new SignatureV4({ service: 'sqs', region: 'us-east-1', credentials: KEY, sha256: Sha256 });
    const request = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', path: '/', query: {}, headers: { host: '127.0.0.1:4715' }, body: BODY });
    expect(await problem({ method: 'POST', path: '/', query: {}, headers: request.headers, body: BODY })).toBe('accepted');
  });

  it('refuses a request without Authorization as missing', async () => {
    const request = await signed();
    expect(await problem({ ...request, headers: { host: '127.0.0.1:4715' } })).toBe('missing');
  });

  it('refuses malformed headers as incomplete: another algorithm, a component or the date missing, Host unsigned', async () => {
    const authorization = String((await signed()).headers.authorization);
    expect(await problem(withHeaders(signed(), { authorization: 'Bearer eyJ...' }))).toBe('incomplete');
    expect(await problem(withHeaders(signed(), { authorization: authorization.replace(/SignedHeaders=[^,]+, /, '') }))).toBe('incomplete');
    expect(await problem(withHeaders(signed(), { 'x-amz-date': undefined }))).toBe('incomplete');
    expect(await problem(withHeaders(signed(), { authorization: authorization.replace('/aws4_request', '/aws5_request') }))).toBe('incomplete');
    expect(await problem(withHeaders(signed(), { authorization: authorization.replace(/(SignedHeaders=[^,]*)host;/, '$1') }))).toBe('incomplete');
    const refusal = await verifySigV4(await withHeaders(signed(), { authorization: 'AWS4-HMAC-SHA256 Credential=x' }), SCOPE).catch((error: unknown) => error);
    expect((refusal as Error).message).toBe(
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=x",
    );
  });

  it('refuses another key as unknown, and another service, region or scope date as scope', async () => {
    expect(await problem(signed({ key: { ...KEY, accessKeyId: 'AKIAOTHER' } }))).toBe('unknownKey');
    expect(await problem(signed({ service: 'rekognition' }))).toBe('scope');
    expect(await problem(signed({ region: 'eu-west-1' }))).toBe('scope');
    const request = await signed();
    const nextDay = String(request.headers['x-amz-date']).replace(/^(\d{8})/, (day) => String(Number(day) + 1));
    expect(await problem({ ...request, headers: { ...request.headers, 'x-amz-date': nextDay } })).toBe('scope');
  });

  it('allows the clock skew and no more, either way', async () => {
    const at = new Date('2025-06-01T12:00:00Z');
    const request = signed({ date: at });
    expect(await problem(request, at.getTime() + FIVE_MINUTES_MS)).toBe('accepted');
    expect(await problem(request, at.getTime() - FIVE_MINUTES_MS)).toBe('accepted');
    expect(await problem(request, at.getTime() + FIVE_MINUTES_MS + 1000)).toBe('expired');
    const future = await verifySigV4(await request, SCOPE, at.getTime() - FIVE_MINUTES_MS - 1000).catch((error: unknown) => error);
    expect((future as Error).message).toBe('Signature not yet current: 20250601T120000Z is still later than 20250601T115959Z (20250601T115459Z + 5 min.)');
  });

  it('refuses a changed body, header or secret, and a payload hash that is not the body’s, as mismatch', async () => {
    expect(await problem(signed().then((r) => ({ ...r, body: `${BODY} ` })))).toBe('mismatch');
    expect(await problem(withHeaders(signed(), { 'x-amz-target': 'AmazonSQS.PurgeQueue' }))).toBe('mismatch');
    expect(await problem(signed({ key: { ...KEY, secretAccessKey: 'guess' } }))).toBe('mismatch');
    // A client that signs a hash of another body: the signature matches that claim, not the body.
    const other = '{"QueueUrl":"x"}';
    const lying = await signedHeaders(URL_, { method: 'POST', headers: { 'x-amz-content-sha256': createHash('sha256').update(other).digest('hex') }, body: BODY }, { service: 'sqs', region: 'us-east-1', credentials: KEY });
    expect(await problem({ method: 'POST', path: '/', query: { Action: 'x', b: ['2', '1'] }, headers: lying, body: BODY })).toBe('mismatch');
    const honest = await signedHeaders(URL_, { method: 'POST', headers: { 'x-amz-content-sha256': createHash('sha256').update(BODY).digest('hex') }, body: BODY }, { service: 'sqs', region: 'us-east-1', credentials: KEY });
    expect(await problem({ method: 'POST', path: '/', query: { Action: 'x', b: ['2', '1'] }, headers: honest, body: BODY })).toBe('accepted');
  });
});

describe('keyPairFromEnv', () => {
  it('reads both variables, none, or refuses one alone', () => {
    expect(keyPairFromEnv({})).toBeUndefined();
    expect(keyPairFromEnv({ [KEY_PAIR_ENV.accessKeyId]: 'a', [KEY_PAIR_ENV.secretAccessKey]: 's' })).toEqual({ accessKeyId: 'a', secretAccessKey: 's' });
    expect(() => keyPairFromEnv({ [KEY_PAIR_ENV.accessKeyId]: 'a' })).toThrow(/must be set together/);
  });
});

describe('checkSigV4Headers', () => {
  const refusal = (headers: Record<string, string | undefined>) => {
    try {
      checkSigV4Headers(headers, SCOPE);
      return 'passed';
    } catch (error) {
      if (error instanceof SigV4Refused) return error.problem;
      throw error;
    }
  };

  it('refuses from the headers alone what needs no body: no signature, another key, scope or date', async () => {
    expect(refusal({ host: '127.0.0.1:4715' })).toBe('missing');
    expect(refusal((await signed({ key: { ...KEY, accessKeyId: 'AKIAOTHERUSER0000000' } })).headers)).toBe('unknownKey');
    expect(refusal((await signed({ region: 'eu-west-3' })).headers)).toBe('scope');
    expect(refusal((await signed({ date: new Date(Date.now() - 2 * FIVE_MINUTES_MS) })).headers)).toBe('expired');
  });

  it('passes a wrong secret on: only the body-signing step can tell', async () => {
    const headers = (await signed({ key: { ...KEY, secretAccessKey: 'not-the-secret' } })).headers;
    expect(refusal(headers)).toBe('passed');
    expect(await problem({ ...(await signed()), headers })).toBe('mismatch');
  });
});
