/**
 * aws-chunked bodies (`Content-Encoding: aws-chunked`, `x-amz-content-sha256: STREAMING-…`), as the
 * SDK sends a stream body with a checksum trailer: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`
 * repeated, a chunk of size 0, then trailer lines `<name>:<value>\r\n` and an empty line. S3 stores
 * the bytes, not the framing; s3rver stored the framing. Decoded here before the body is checked
 * and stored; chunk signatures are not checked (README, "Not supported").
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { errors } from './s3-error.ts';

/**
 * Whether the body is aws-chunked framing: a streaming payload type says so, `Content-Encoding:
 * aws-chunked` alone does not (a plain upload may carry that token over an unframed body; rustfs
 * issue 4962, versitygw pull request 2427).
 */
export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const sha256 = headers['x-amz-content-sha256'];
  return typeof sha256 === 'string' && sha256.startsWith('STREAMING-');
}

/**
 * The decoded size a streaming upload must declare (sigv4-streaming: "For all requests, you must
 * include the x-amz-decoded-content-length header"); missing or not a number, S3's
 * `MissingContentLength` (versitygw issue 1656).
 */
export function declaredDecodedLength(headers: IncomingHttpHeaders): number {
  const declared = headers['x-amz-decoded-content-length'];
  if (typeof declared !== 'string' || !/^\d{1,15}$/.test(declared)) throw errors.missingContentLength();
  return Number(declared);
}

/** The headers the decoded body is stored with: no aws-chunked encoding, nothing of its framing. */
export function decodedHeaders<Headers extends Record<string, unknown>>(headers: Headers, incoming: IncomingHttpHeaders): Headers {
  const decoded: Record<string, unknown> = { ...headers };
  for (const name of ['x-amz-decoded-content-length', 'x-amz-trailer', 'transfer-encoding', 'content-encoding']) delete decoded[name];
  const kept = contentEncodings(incoming).filter((encoding) => encoding !== 'aws-chunked');
  if (kept.length > 0) decoded['content-encoding'] = kept.join(',');
  return decoded as Headers;
}

function contentEncodings(headers: IncomingHttpHeaders): string[] {
  return (headers['content-encoding'] ?? '')
    .split(',')
    .map((encoding) => encoding.trim())
    .filter(Boolean);
}

/** A trailer line longer than this is no aws-chunked framing (a checksum or signature trailer is under 100 bytes). */
const MAX_LINE_BYTES = 4096;
/**
 * A chunk-size line: hex, and for a signed stream its signature, nothing else (sigv4-streaming's
 * chunk body; a malformed one is `IncompleteBody`, versitygw issue 1685). A free-form extension
 * would let each 1-byte chunk carry up to MAX_LINE_BYTES of framing to parse.
 */
const SIZE_LINE = /^([0-9a-fA-F]{1,16})(;chunk-signature=[0-9a-f]{64})?$/;
/** Trailer lines at most: S3 takes one checksum (and, signed, its signature). */
const MAX_TRAILERS = 8;
/**
 * Only the last chunk may be smaller (S3's `InvalidChunkSizeError`, for signed and unsigned streams
 * alike: versitygw issues 1665 and 1683; aws-sdk-js-v3 pull request 7598 advises buffering a
 * stream of small pieces for it).
 */
const MIN_CHUNK_BYTES = 8192;

/**
 * Decodes an aws-chunked body into its bytes; `trailers` holds the trailer headers (lower-case
 * names) once the stream has ended. A body that breaks off or is not such framing fails the stream
 * with S3's `IncompleteBody` "The request body terminated unexpectedly" (versitygw issues 1666, 1685).
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers = new Map<string, string>();
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of the current chunk still to come, then its CRLF; null while a size line is awaited. */
  private remaining: number | null = null;
  private state: 'size' | 'data' | 'data-end' | 'trailers' | 'done' = 'size';
  /** Bytes the chunks announced so far. */
  private decoded = 0;
  /** Chunks announced so far, and the size of the last. */
  private chunks = 0;
  private previous = 0;

  /** `declared`: the x-amz-decoded-content-length; a chunk announcing more is refused before its bytes are read. */
  constructor(private readonly declared: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const bytes: Buffer[] = [];
    try {
      this.consume(bytes);
    } catch (error) {
      callback(error as Error);
      return;
    }
    // One copied buffer per piece read: a slice per chunk would hold the whole piece (framing
    // included) and cost a Buffer object per chunk, and 1-byte chunks are 6 bytes of framing each.
    callback(null, bytes.length > 0 ? Buffer.concat(bytes) : undefined);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.state === 'done' && this.pending.length === 0 ? null : errors.malformedChunks());
  }

  /** Parses what is pending, adding the chunks' bytes to `bytes`. */
  private consume(bytes: Buffer[]): void {
    for (;;) {
      if (this.state === 'data') {
        const size = Math.min(this.remaining ?? 0, this.pending.length);
        if (size > 0) bytes.push(this.pending.subarray(0, size));
        this.pending = this.pending.subarray(size);
        this.remaining = (this.remaining ?? 0) - size;
        if (this.remaining > 0) return;
        this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') {
        if (this.pending.length > 0) throw errors.malformedChunks();
        return;
      }
      const line = this.line();
      if (line === null) return;
      if (this.state === 'data-end') {
        if (line !== '') throw errors.malformedChunks();
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = SIZE_LINE.exec(line)?.[1];
        if (size === undefined) throw errors.malformedChunks();
        this.remaining = parseInt(size, 16);
        // Known once the next chunk carries bytes: the one before it was not the last.
        if (this.remaining > 0 && this.chunks > 0 && this.previous < MIN_CHUNK_BYTES) throw errors.invalidChunkSize(this.chunks + 1, this.previous);
        this.chunks += 1;
        this.previous = this.remaining;
        this.decoded += this.remaining;
        if (this.decoded > this.declared) throw errors.incompleteBody(this.declared, this.decoded);
        this.state = this.remaining === 0 ? 'trailers' : 'data';
      } else if (line === '') {
        this.state = 'done';
      } else {
        const colon = line.indexOf(':');
        if (colon <= 0 || this.trailers.size >= MAX_TRAILERS) throw errors.malformedTrailer();
        this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
  }

  /** The next CRLF-terminated line, null until it has arrived whole. */
  private line(): string | null {
    const end = this.pending.indexOf('\r\n');
    if (end === -1) {
      if (this.pending.length > MAX_LINE_BYTES) throw errors.malformedChunks();
      return null;
    }
    if (end > MAX_LINE_BYTES) throw errors.malformedChunks();
    const line = this.pending.subarray(0, end).toString('latin1');
    this.pending = this.pending.subarray(end + 2);
    return line;
  }
}
