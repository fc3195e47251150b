/**
 * The HTTP edge: Rekognition's AWS JSON 1.1 protocol (POST /, X-Amz-Target:
 * RekognitionService.<Operation>) onto the service. Errors are sent as the SDK parses them: the
 * x-amzn-ErrorType header and a {"__type", "Code", "Message"} body. Every request must be signed
 * (SigV4, service `rekognition`) with the configured key pair.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from '../http-server.ts';
import { guardRefusal } from '../request-guard.ts';
import { checkSigV4Headers, FIVE_MINUTES_MS, JSON_PROTOCOL_ERROR, type KeyPair, SigV4Refused, type SigV4Scope, verifyIncomingRequest } from '../sigv4.ts';
import { RekognitionError, toErrorData } from './core/errors.ts';
import { MAX_BYTES_IMAGE } from './core/limits.ts';
import { RekognitionService } from './service.ts';

const TARGET_PREFIX = 'RekognitionService.';
/** Room for a maximal base64 image (4/3 of 5 MB) and the rest of the request. */
const MAX_BODY_BYTES = Math.ceil((MAX_BYTES_IMAGE * 4) / 3) + 64 * 1024;

/**
 * Longer than the SDK's idle sockets live: with Node's default of 5 s, a client reusing a socket
 * just as the server closes it gets "socket hang up" (as AWS's own endpoints, keep 60 s and more).
 */
const KEEP_ALIVE_MS = 65_000;

export function createRekognitionServer(service: RekognitionService, auth: { credentials: KeyPair; region: string }): Server {
  const scope: SigV4Scope = { service: 'rekognition', region: auth.region, credentials: auth.credentials, maxSkewMs: FIVE_MINUTES_MS };
  const server = createServer((request, response) => {
    const refused = guardRefusal(request, { kind: 'none', service: 'vision service' });
    if (refused) request.resume();
    const work = refused
      ? Promise.reject(new RekognitionError('AccessDeniedException', refused.message, 403))
      : handle(service, scope, request);
    work
      .then((body) => send(response, 200, body))
      .catch((error: unknown) => {
        const { type, message } = toErrorData(error);
        const status = error instanceof RekognitionError ? error.status : 500;
        send(response, status, { __type: type, Code: type, Message: message }, type);
      });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return server;
}

async function handle(service: RekognitionService, scope: SigV4Scope, request: IncomingMessage): Promise<unknown> {
  let raw: Buffer;
  try {
    // A caller without the key is refused before its body (up to an image's size) is buffered.
    checkSigV4Headers(request.headers, scope);
    raw = await readBody(request, MAX_BODY_BYTES, () => new RekognitionError('ImageTooLargeException', `Image size is too large: the limit for Bytes is ${MAX_BYTES_IMAGE} bytes`));
    await verifyIncomingRequest(request, raw, scope);
  } catch (error) {
    if (!(error instanceof SigV4Refused)) throw error;
    request.resume();
    throw new RekognitionError(JSON_PROTOCOL_ERROR[error.problem], error.message);
  }
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (request.method !== 'POST' || !RekognitionService.isOperation(operation)) {
    throw new RekognitionError('UnknownOperationException', `Operation ${target || '(no X-Amz-Target)'} is not supported by the local Rekognition`);
  }
  const text = raw.toString('utf8');
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new RekognitionError('SerializationException', 'Request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RekognitionError('SerializationException', 'Request body must be a JSON object');
  return service.call(operation, body as Record<string, unknown>);
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}
