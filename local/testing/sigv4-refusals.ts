/**
 * What the local services' authentication tests share: the ways a request can be wrong (no
 * signature, an unknown key, a wrong secret, a stale date, another service's or region's scope, a
 * foreign Host, a web page's Origin), sent as raw HTTP so nothing in between fixes them up, and
 * the same mistakes made by real SDK clients. Each service's test says how it must answer.
 */
import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { type KeyPair, signedHeaders } from '../sigv4.ts';

export const REFUSAL_CASES = ['unsigned', 'unknown key', 'wrong secret', 'skewed date', 'wrong service', 'wrong region', 'foreign Host', 'foreign Origin'] as const;
export type RefusalCase = (typeof REFUSAL_CASES)[number];

/** What a service accepts, and one request it would serve when signed with that. */
export interface ServiceCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  service: string;
  region: string;
  credentials: KeyPair;
  /** The CA to trust for an https url (the local CA's PEM). */
  ca?: string;
}

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * How AWS's JSON-protocol services refuse signatures: these types, with 400 (Rekognition, Cognito)
 * or 403 (AppSync's IAM mode, which answers a request without credentials on its own terms).
 */
export function jsonProtocolRefusals<Status extends number>(status: Status) {
  return {
    unsigned: [status, 'MissingAuthenticationTokenException'],
    'unknown key': [status, 'UnrecognizedClientException'],
    'wrong secret': [status, 'InvalidSignatureException'],
    'skewed date': [status, 'InvalidSignatureException'],
    'wrong service': [status, 'InvalidSignatureException'],
    'wrong region': [status, 'InvalidSignatureException'],
  } as const satisfies Partial<Record<RefusalCase, readonly [number, string]>>;
}

export const FOREIGN_ORIGIN = 'http://attacker.example';
const FOREIGN_HOST = 'attacker.example';
/** Beyond the 15 minutes SQS allows, and so the 5 minutes of the others. */
const SKEW_MS = 20 * 60 * 1000;

/** Sends `call` correctly signed, or with one thing wrong. */
export async function sendCall(call: ServiceCall, wrong?: RefusalCase): Promise<RawReply> {
  const url = new URL(call.url);
  let headers = call.headers;
  if (wrong === 'foreign Origin') {
    // What a web page's "simple" request looks like: no preflight, text/plain, its origin.
    headers = { ...headers, 'content-type': 'text/plain', origin: FOREIGN_ORIGIN };
  }
  if (wrong === 'unsigned') return rawRequest(url, { method: call.method, headers, body: call.body, ca: call.ca });
  const signingUrl = new URL(url);
  // Signed for the name the request is sent with: only the Host check can refuse it.
  if (wrong === 'foreign Host') signingUrl.hostname = FOREIGN_HOST;
  const signed = await signedHeaders(
    signingUrl,
    { method: call.method, headers, body: call.body },
    {
      service: wrong === 'wrong service' ? 'execute-api' : call.service,
      region: wrong === 'wrong region' ? 'eu-west-3' : call.region,
      credentials: {
        accessKeyId: wrong === 'unknown key' ? 'AKIAOTHERUSER0000000' : call.credentials.accessKeyId,
        secretAccessKey: wrong === 'wrong secret' ? 'not-the-secret' : call.credentials.secretAccessKey,
      },
      ...(wrong === 'skewed date' ? { signingDate: new Date(Date.now() - SKEW_MS) } : {}),
    },
  );
  return rawRequest(url, { method: call.method, headers: signed, body: call.body, ca: call.ca });
}

/** One HTTP exchange with node:http (node:https, trusting `ca`, for https), which sends the Host header it is given. */
export function rawRequest(url: URL, init: { method: string; headers: Record<string, string>; body: string; ca?: string }): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // The certificate is checked against the name dialled, as a browser does, not against a Host header sent.
    const tls = { ...(init.ca ? { ca: init.ca } : {}), checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(url.hostname, cert) };
    const request = send(url, { method: init.method, headers: init.headers, ...tls }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

/**
 * The same mistakes made by a real SDK client: configuration to spread over a working client's.
 * One attempt only: the SDK would otherwise correct its clock from the refusal and retry.
 */
export function wrongClientConfigs(credentials: KeyPair): Record<'unknown key' | 'wrong secret' | 'skewed date' | 'wrong region', Record<string, unknown>> {
  return {
    'unknown key': { credentials: { ...credentials, accessKeyId: 'AKIAOTHERUSER0000000' }, maxAttempts: 1 },
    'wrong secret': { credentials: { ...credentials, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 },
    'skewed date': { credentials, systemClockOffset: -SKEW_MS, maxAttempts: 1 },
    'wrong region': { credentials, region: 'eu-west-3', maxAttempts: 1 },
  };
}
