/**
 * The HTTP edge of the local S3: authenticates every request as S3 would (SigV4 headers,
 * presigned URLs, presigned POST policies), applies the bucket's CORS rules, and forwards what S3
 * would accept to the s3rver child, which stores it. Refusals carry S3's XML error bodies.
 */
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type OutgoingHttpHeaders, request as httpRequest, type Server, type ServerResponse, createServer } from 'node:http';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import Busboy from 'busboy';
import pLimit from 'p-limit';
import { guardRefusal } from '../request-guard.ts';
import { KeyLocks, type Watch } from './key-locks.ts';
import { relay } from './relay.ts';
import { type CorsRule, allowsRequest, corsHeaders, preflight } from './cors.ts';
import { type PostUpload, verifyPostPolicy } from './post-policy.ts';
import {
  CONDITION_HEADERS,
  decideRead,
  deleteConditions,
  type ReadConditions,
  readConditions,
  refuseDelete,
  refuseWrite,
  type WriteConditions,
  writeConditions,
} from './preconditions.ts';
import { errors, escapeXml, S3Error } from './s3-error.ts';
import { type AuthConfig, authenticate, type IncomingRequest, parseQuery, type Query, QUERY_AUTH_PARAMS } from './sigv4.ts';
import { spool, type Spooled } from './spool.ts';
import { deleteResultXml, parseDeleteRequest } from './delete-request.ts';
import { AwsChunkedDecoder, declaredDecodedLength, decodedHeaders, isAwsChunked } from './aws-chunked.ts';
import { ChunkSignatures } from './chunk-signatures.ts';
import { bodyDigests, expectedDigests, promisesDigest } from './body-digests.ts';
import { MAX_KEY_BYTES, utf8Length } from './store-keys.ts';
import { EVENT_NAME_HEADER, REMOVED_HEADER } from './store-protocol.ts';

export interface FrontOptions {
  /** The s3rver child's Unix socket. */
  upstream: { socketPath: string };
  bucket: string;
  auth: AuthConfig;
  cors: readonly CorsRule[];
  /** Where bodies wait while they are checked. */
  spoolDir: string;
}

/** The front's state: the options, and the locks that keep a conditional write to a key apart from every other write to it. */
type Front = FrontOptions & { locks: KeyLocks };

/** Form fields that become headers of the stored object. */
const STORED_FIELDS = ['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'expires'];
const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function createS3Front(frontOptions: FrontOptions): Server {
  const options: Front = { ...frontOptions, locks: new KeyLocks() };
  return createServer((request, response) => {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    response.setHeader('x-amz-request-id', requestId);
    const origin = request.headers.origin;
    if (request.method !== 'OPTIONS') {
      for (const [name, value] of Object.entries(corsHeaders(options.cors, { origin, method: request.method ?? '' }))) response.setHeader(name, value);
    }
    handle(options, request, response).catch((error: unknown) => {
      const s3Error = error instanceof S3Error ? error : new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');
      if (!(error instanceof S3Error)) console.error('local S3:', error);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      // Read what the client is still sending, so it sees the error rather than a reset.
      request.resume();
      response.writeHead(s3Error.status, { 'content-type': 'application/xml' }).end(s3Error.toXml(requestId));
    });
  });
}

async function handle(options: Front, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const method = request.method ?? 'GET';
  // Stricter than S3, which runs a cross-origin request and only withholds the CORS headers: a
  // web page must not be able to fire requests at the local bucket with the developer's browser.
  const refused = guardRefusal(request, { kind: 'rules', allows: (origin, requestMethod) => allowsRequest(options.cors, origin, requestMethod) });
  if (refused?.reason === 'host') throw errors.accessDenied(refused.message);
  if (refused) throw errors.corsForbidden(method);
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const incoming: IncomingRequest = {
    method,
    path: queryAt < 0 ? url : url.slice(0, queryAt),
    query: queryAt < 0 ? '' : url.slice(queryAt + 1),
    headers: request.headers,
  };
  if (method === 'OPTIONS') {
    const headers = preflight(options.cors, {
      origin: request.headers.origin,
      method: request.headers['access-control-request-method'],
      headers: request.headers['access-control-request-headers'],
    });
    response.writeHead(200, headers).end();
    return;
  }
  if (method === 'POST' && isBucketPath(incoming.path) && /^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
    await postUpload(options, request, response);
    return;
  }
  const authentication = await authenticate(incoming, options.auth);
  if (authentication.kind === 'anonymous') throw errors.accessDenied();
  const query = parseQuery(incoming.query);
  const eventName = method === 'POST' && 'uploadId' in query ? 'ObjectCreated:CompleteMultipartUpload' : undefined;
  const headers = forwardedHeaders(request.headers, eventName);
  const key = pathKey(options.bucket, incoming.path);
  if (key !== null) refuseLongKey(key);
  const objectPath = key === null ? incoming.path : storePath(options.bucket, key);
  const path = `${objectPath}${strippedQuery(incoming.query)}`;
  const write = objectWrite(options.bucket, method, incoming.path, query);
  // AWS refuses a conditional delete of a given version with 501 (measured: localstack issue 13894;
  // which header it names is not recorded there). s3rver would drop the condition and delete.
  if (method === 'DELETE' && key !== null && 'versionId' in query && request.headers['if-match'] !== undefined) throw errors.unsupportedHeader('If-Match');
  if (write?.kind === 'delete') {
    const refusal = await deleteObject(options, write.key, deleteConditions(request.headers)?.ifMatch);
    if (refusal) throw refusal;
    response.writeHead(204).end();
    return;
  }
  const deletesMany = write?.kind === 'delete-many';
  // S3 checks the digests of a PUT's body (an object, a part, a subresource) and of DeleteObjects',
  // which must have one (API reference); a copy has no body.
  const expected = deletesMany || (method === 'PUT' && request.headers['x-amz-copy-source'] === undefined) ? expectedDigests(request.headers) : {};
  if (deletesMany && !promisesDigest(expected)) throw errors.missingDigest();
  // S3 stores an aws-chunked body's bytes, not its framing: decoded before anything is checked.
  const decodedLength = method === 'PUT' && isAwsChunked(request.headers) ? declaredDecodedLength(request.headers) : null;
  // S3 wants a PUT's length up front: HTTP chunked transfer is refused with 501 naming the header,
  // unless the body is aws-chunked with its decoded length declared (what the SDK sends for a stream).
  if (method === 'PUT' && request.headers['transfer-encoding'] !== undefined && decodedLength === null) throw errors.unsupportedHeader('Transfer-Encoding');
  // S3 takes at most 5 GiB in one PUT of an object or a part, refused from its declared size before
  // a byte is read (a multipart upload is the way past it); the spool would otherwise fill the disk.
  if (method === 'PUT' && key !== null && request.headers['x-amz-copy-source'] === undefined) {
    const proposed = decodedLength ?? Number(request.headers['content-length'] ?? 0);
    if (proposed > MAX_PUT_BYTES) throw errors.tooLarge(proposed, MAX_PUT_BYTES);
  }
  const conditions = write?.kind === 'store' ? writeConditions(request.headers) : null;
  // From the request's arrival: a delete succeeding while its body uploads is S3's 409 too.
  const conditional = conditions && write?.key ? { conditions, watch: options.locks.watch(write.key) } : null;
  try {
    const hashed = authentication.kind === 'header' && HEX_SHA256.test(authentication.payloadHash) && hasBody(request);
    const digests = promisesDigest(expected) ? bodyDigests(expected) : null;
    // A signed stream's chunks are checked against the chain its verified header signature seeds.
    const streaming = authentication.kind === 'header' ? authentication.streaming : null;
    const decoder = decodedLength === null ? null : new AwsChunkedDecoder(decodedLength, streaming && new ChunkSignatures(streaming));
    // A conditional write is decided once its body is here, as S3 decides it when the upload completes.
    const body =
      hashed || decoder || digests || ((conditional || deletesMany) && hasBody(request))
        ? await spool(decoder ? decoded(request, decoder) : request, options.spoolDir, {
            sha256: hashed,
            ...(digests ? { observe: (chunk: Buffer) => digests.update(chunk) } : {}),
            ...(deletesMany ? { maxBytes: MAX_DELETE_BODY_BYTES } : {}),
          })
        : undefined;
    try {
      if (body?.overflowed) throw errors.malformedXml();
      if (hashed && body?.sha256 !== authentication.payloadHash) throw errors.contentSha256Mismatch(authentication.payloadHash, body?.sha256 ?? '');
      if (decodedLength !== null && decodedLength !== (body?.size ?? 0)) throw errors.incompleteBody(decodedLength, body?.size ?? 0);
      const refusal = await digests?.refusal(decoder?.trailers);
      if (refusal) throw refusal;
      const sent = decoder ? decodedHeaders(headers, request.headers) : headers;
      const forwarded = { method, path, headers: body ? { ...sent, 'content-length': String(body.size) } : sent };
      const reads = (method === 'GET' || method === 'HEAD') && objectKey(options.bucket, incoming.path, query) !== null;
      const store = () => forward(options, forwarded, body ? body.read() : request, response, reads ? readConditions(request.headers) : null);
      if (deletesMany) await deleteObjects(options, body ? await buffer(body.read()) : Buffer.alloc(0), response);
      else if (write?.key) await lockedWrite(options, write.key, objectPath, conditional, store);
      else await store();
    } finally {
      await body?.discard();
    }
  } finally {
    conditional?.watch.stop();
  }
}

/**
 * Runs a write (PUT, copy, multipart completion) under its key's lock (key-locks.ts): a
 * conditional one exclusively, decided on the stored object's ETag; any other shared.
 */
async function lockedWrite(
  options: Front,
  key: string,
  objectPath: string,
  conditional: { conditions: WriteConditions; watch: Watch } | null,
  store: () => Promise<number>,
): Promise<void> {
  if (!conditional) {
    await options.locks.shared([key], store);
    return;
  }
  await options.locks.exclusive(key, async () => {
    if (conditional.watch.conflicted) throw errors.conditionalRequestConflict();
    const refusal = refuseWrite(conditional.conditions, await storedEtag(options, objectPath), key);
    if (refusal) throw refusal;
    await store();
  });
}

/**
 * Deletes `key` as DeleteObject does: with an If-Match (`*` or an ETag) under the key's exclusive
 * lock, decided on the stored object's ETag, else shared. S3's refusal, or null once deleted. A
 * delete that removed an object fails the conditional writes to its key under way (409); one of a
 * key that held nothing does not (AWS: "a delete request to an object").
 */
async function deleteObject(options: Front, key: string, ifMatch: string | undefined): Promise<S3Error | null> {
  const objectPath = storePath(options.bucket, key);
  const remove = async () => {
    const answer = await send(options, { method: 'DELETE', path: objectPath, headers: {} }, Readable.from([]));
    answer.resume();
    await once(answer, 'end');
    if (answer.statusCode !== 204) throw new Error(`the store answered ${answer.statusCode} to a DELETE of ${objectPath}`);
    if (answer.headers[REMOVED_HEADER] !== undefined) options.locks.deleted(key);
    return null;
  };
  if (ifMatch === undefined) return options.locks.shared([key], remove);
  return options.locks.exclusive(key, async () => refuseDelete({ ifMatch }, await storedEtag(options, objectPath), key) ?? remove());
}

/**
 * DeleteObjects, its body's digest checked (handle): each object deleted as a DeleteObject with its
 * ETag as If-Match (or none) is, and the answer built here (delete-request.ts): `<Deleted>`, or
 * `<Error>` for a refused object.
 */
async function deleteObjects(options: Front, body: Buffer, response: ServerResponse): Promise<void> {
  const deletion = parseDeleteRequest(body.toString('utf8'));
  const limit = pLimit(DELETES_AT_ONCE);
  const outcomes = await Promise.all(deletion.objects.map(({ key, etag }) => limit(async () => ({ key, error: await deleteObject(options, key, etag) }))));
  response.writeHead(200, { 'content-type': 'application/xml' }).end(deleteResultXml(outcomes, deletion.quiet));
}

/** The deletes of one DeleteObjects the store has at once. */
const DELETES_AT_ONCE = 8;

/** A browser-based upload: policy and signature checked, size enforced, then stored as a PUT. */
async function postUpload(options: Front, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { upload, file, digests } = await readPostForm(request, options);
  try {
    refuseLongKey(upload.key);
    if (file.overflowed) throw errors.tooLarge(file.size, upload.maxBytes);
    if (file.size < upload.minBytes) throw errors.tooSmall(file.size, upload.minBytes);
    const refusal = await digests.refusal();
    if (refusal) throw refusal;
    const headers: OutgoingHttpHeaders = {
      host: request.headers.host,
      'content-length': String(file.size),
      'content-type': upload.fields.get('content-type') ?? 'binary/octet-stream',
      [EVENT_NAME_HEADER]: 'ObjectCreated:Post',
    };
    for (const [name, value] of upload.fields) {
      if (STORED_FIELDS.includes(name) || name.startsWith('x-amz-meta-')) headers[name] = value;
    }
    const location = `http://${request.headers.host}/${options.bucket}/${upload.key.split('/').map(encodeURIComponent).join('/')}`;
    const stored = await options.locks.shared([upload.key], async () => {
      const answer = await send(options, { method: 'PUT', path: storePath(options.bucket, upload.key), headers }, file.read());
      answer.resume();
      await once(answer, 'end');
      return answer;
    });
    if (stored.statusCode !== 200) throw new Error(`the store answered ${stored.statusCode} to a POST upload`);
    respondToPost(response, upload, { bucket: options.bucket, etag: String(stored.headers.etag), location });
  } finally {
    await file.discard();
  }
}

/**
 * Parses the form up to the file, verifies the policy against the fields before it (S3 ignores
 * fields after the file), and spools the file within the policy's size range, digesting it for a
 * `Content-MD5` (or checksum) field: "Amazon S3 checks the object against the provided MD5 value"
 * (POST Object reference), as it checks a PUT's headers.
 */
async function readPostForm(
  request: IncomingMessage,
  options: Front,
): Promise<{ upload: PostUpload; file: Spooled; digests: ReturnType<typeof bodyDigests> }> {
  let form: ReturnType<typeof Busboy>;
  try {
    form = Busboy({ headers: request.headers, limits: { files: 1, fieldSize: 20 * 1024 } });
  } catch {
    throw errors.malformedPost('The body of your POST request is not well-formed multipart/form-data.');
  }
  const fields: Array<[string, string]> = [];
  let result: Promise<{ upload: PostUpload; file: Spooled; digests: ReturnType<typeof bodyDigests> }> | undefined;
  form.on('field', (name, value) => {
    if (!result) fields.push([name, value]);
  });
  form.on('file', (name, stream: Readable, info) => {
    if (result || name.toLowerCase() !== 'file') {
      stream.resume();
      return;
    }
    const before = [...fields];
    result = verifyPostPolicy(before, { bucket: options.bucket, fileName: info.filename ?? '', config: options.auth })
      .then((upload) => ({ upload, digests: bodyDigests(expectedDigests(Object.fromEntries(upload.fields))) }))
      .then(
        async ({ upload, digests }) => ({ upload, digests, file: await spool(stream, options.spoolDir, { maxBytes: upload.maxBytes, observe: (chunk) => digests.update(chunk) }) }),
        (error: unknown) => {
          stream.resume();
          throw error;
        },
      );
    // Settled below, once the whole form has been read.
    result.catch(() => undefined);
  });
  const closed = once(form, 'close');
  request.pipe(form);
  try {
    await closed;
  } catch {
    // A file spooled before the form broke is never forwarded: its bytes and temporary file go now.
    await result?.then(({ file }) => file.discard()).catch(() => undefined);
    throw errors.malformedPost('The body of your POST request is not well-formed multipart/form-data.');
  }
  if (!result) {
    if (!fields.some(([name]) => name.toLowerCase() === 'key')) {
      // S3 names the first missing requirement; the key comes before the file.
      await verifyPostPolicy(fields, { bucket: options.bucket, fileName: '', config: options.auth });
    }
    throw errors.invalidArgument('POST requires exactly one file upload per request.', { ArgumentName: 'file', ArgumentValue: '0' });
  }
  return result;
}

function respondToPost(response: ServerResponse, upload: PostUpload, stored: { bucket: string; etag: string; location: string }): void {
  const redirect = upload.fields.get('success_action_redirect') ?? upload.fields.get('redirect');
  if (redirect) {
    const target = new URL(redirect);
    target.searchParams.set('bucket', stored.bucket);
    target.searchParams.set('key', upload.key);
    target.searchParams.set('etag', stored.etag);
    response.writeHead(303, { location: target.toString(), etag: stored.etag }).end();
    return;
  }
  const status = upload.fields.get('success_action_status');
  const headers = { etag: stored.etag, location: stored.location };
  if (status === '201') {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${escapeXml(stored.location)}</Location><Bucket>${escapeXml(stored.bucket)}</Bucket><Key>${escapeXml(upload.key)}</Key><ETag>${escapeXml(stored.etag)}</ETag></PostResponse>`;
    response.writeHead(201, { ...headers, 'content-type': 'application/xml' }).end(xml);
    return;
  }
  response.writeHead(status === '200' ? 200 : 204, headers).end();
}

interface Forwarded {
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
}

/**
 * Sends the request to the store and relays its answer (its status is returned). A read's
 * conditions are judged on the store's answer, so they hold for the very object sent.
 */
async function forward(
  options: Front,
  forwarded: Forwarded,
  body: Readable,
  response: ServerResponse,
  conditions: ReadConditions | null = null,
): Promise<number> {
  const answer = await send(options, forwarded, body);
  const status = answer.statusCode ?? 502;
  const headers = Object.fromEntries(
    Object.entries(answer.headers).filter(([name]) => !name.startsWith('access-control-') && name !== 'x-amz-request-id'),
  );
  if (conditions && (status === 200 || status === 206)) {
    const decision = decideRead(conditions, { etag: String(answer.headers.etag ?? ''), lastModified: new Date(String(answer.headers['last-modified'])) });
    if (decision !== 'proceed') {
      answer.destroy();
      if (decision !== 'not-modified') throw decision;
      response.writeHead(304, { etag: answer.headers.etag, 'last-modified': answer.headers['last-modified'] }).end();
      return 304;
    }
  }
  response.writeHead(status, headers);
  await relay(answer, response);
  return status;
}

/** The stored object's ETag, null when there is none (asked of the store, which checks nothing). */
async function storedEtag(options: Front, objectPath: string): Promise<string | null> {
  const answer = await send(options, { method: 'HEAD', path: objectPath, headers: {} }, Readable.from([]));
  answer.resume();
  if (answer.statusCode === 404) return null;
  if (answer.statusCode !== 200) throw new Error(`the store answered ${answer.statusCode} to a HEAD of ${objectPath}`);
  return String(answer.headers.etag);
}

function send(options: Front, forwarded: Forwarded, body: Readable): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ ...options.upstream, method: forwarded.method, path: forwarded.path, headers: forwarded.headers }, resolve);
    outgoing.once('error', reject);
    body.once('error', reject);
    body.pipe(outgoing);
  });
}

/** The client's headers minus its authentication, plus the event name for the store. */
function forwardedHeaders(headers: IncomingMessage['headers'], eventName: string | undefined): OutgoingHttpHeaders {
  const forwarded: OutgoingHttpHeaders = { ...headers };
  delete forwarded.authorization;
  // Decided here (preconditions.ts): s3rver ignores them on writes and half-honours them on reads.
  for (const name of CONDITION_HEADERS) delete forwarded[name];
  delete forwarded[EVENT_NAME_HEADER];
  // s3rver reads the copy source with decodeURI, which leaves %2F, %26, %2B... encoded: give it
  // the source in the form decodeURI undoes (S3 takes it URI-encoded, as the SDK sends it).
  const copySource = headers['x-amz-copy-source'];
  if (typeof copySource === 'string') forwarded['x-amz-copy-source'] = encodeURI(safeDecode(copySource));
  if (eventName) forwarded[EVENT_NAME_HEADER] = eventName;
  return forwarded;
}

/** The query without SigV4 parameters (s3rver would check them its own, weaker way). */
function strippedQuery(query: string): string {
  const kept = query.split('&').filter((pair) => {
    if (!pair) return false;
    const name = pair.split('=')[0] ?? '';
    return !QUERY_AUTH_PARAMS.includes(safeDecode(name));
  });
  return kept.length > 0 ? `?${kept.join('&')}` : '';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

type ObjectWrite = { kind: 'store' | 'delete'; key: string } | { kind: 'delete-many'; key: null };

/**
 * What a request writes: an object (PUT, copy, multipart completion), a removal, or a DeleteObjects
 * (its keys are in the body). Null for reads, part uploads, subresources (?tagging, ?acl) and
 * multipart creation or abort, which leave the object as it is.
 */
function objectWrite(bucket: string, method: string, path: string, query: Query): ObjectWrite | null {
  if (method === 'POST' && 'delete' in query && isBucketPath(path)) return { kind: 'delete-many', key: null };
  const key = objectKey(bucket, path, query, method === 'POST' ? ['uploadId'] : []);
  if (key === null) return null;
  if (method === 'PUT' || method === 'POST') return { kind: 'store', key };
  return method === 'DELETE' ? { kind: 'delete', key } : null;
}

/** The key of a request on an object itself (not a subresource such as ?tagging beyond `allowed`), else null. */
function objectKey(bucket: string, path: string, query: Query, allowed: readonly string[] = []): string | null {
  const subresources = Object.keys(query).filter((name) => !QUERY_AUTH_PARAMS.includes(name) && name !== 'x-id');
  if (subresources.length !== allowed.length || !allowed.every((name) => name in query)) return null;
  return pathKey(bucket, path);
}

/** S3's KeyTooLongError for a key over 1,024 bytes of UTF-8. */
function refuseLongKey(key: string): void {
  const size = utf8Length(key);
  if (size > MAX_KEY_BYTES) throw errors.keyTooLong(size, MAX_KEY_BYTES);
}

/** The object key a path names, null for the bucket itself. */
function pathKey(bucket: string, path: string): string | null {
  const prefix = `/${bucket}/`;
  return path.startsWith(prefix) && path.length > prefix.length ? safeDecode(path.slice(prefix.length)) : null;
}

/**
 * The path the store is asked for `key` under: the key as one URI component, so that s3rver's
 * router (which matches no empty segment: `a//b` was a 404) hands it the key as it is.
 */
function storePath(bucket: string, key: string): string {
  return `/${bucket}/${encodeURIComponent(key)}`;
}

/**
 * Far more than 1,000 keys of S3's longest (1,024 bytes), with version ids, take in XML: a larger
 * body cannot be a valid request, and is refused without being kept.
 */
const MAX_DELETE_BODY_BYTES = 4 * 1024 * 1024;
/** S3's largest single PUT (an object or a part): 5 GiB (S3 User Guide, "Uploading objects"). */
const MAX_PUT_BYTES = 5 * 1024 ** 3;

function isBucketPath(path: string): boolean {
  return /^\/[^/]+\/?$/.test(path);
}

/**
 * The request's body through `decoder`: piped, not pipelined, so that a body refused mid-way is
 * still read to its end and answered with the error, not reset; a client that breaks off fails it.
 */
function decoded(request: IncomingMessage, decoder: AwsChunkedDecoder): AwsChunkedDecoder {
  request.once('error', (error) => decoder.destroy(error));
  request.once('close', () => {
    if (!request.complete) decoder.destroy(errors.malformedChunks());
  });
  return request.pipe(decoder);
}

function hasBody(request: IncomingMessage): boolean {
  return request.headers['content-length'] !== undefined ? request.headers['content-length'] !== '0' : request.headers['transfer-encoding'] !== undefined;
}
