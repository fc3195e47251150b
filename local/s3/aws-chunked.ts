/**
 * aws-chunked bodies (`Content-Encoding: aws-chunked`, `x-amz-content-sha256: STREAMING-…`), as the
 * SDK sends a stream body with a checksum trailer: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`
 * repeated, a chunk of size 0, then trailer lines `<name>:<value>\r\n` and an empty line. S3 stores
 * the bytes, not the framing; s3rver stored the framing. Decoded here before the body is checked
 * and stored; a signed stream's chunk and trailer signatures are verified as they pass
 * (chunk-signatures.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import type { ChunkSignatures } from './chunk-signatures.ts';
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
const SIZE_LINE = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([0-9a-f]{64}))?$/;
/** The trailer line that signs the ones before it, in a `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER` body. */
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';
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
 *
 * With `signatures` (a signed stream) every chunk must carry its signature, which must sign its
 * bytes in their place (`SignatureDoesNotMatch` as soon as a chunk has passed), and, for a signed
 * trailer, the trailer lines must end with their `x-amz-trailer-signature`. A chunk or trailer
 * signature missing from a signed stream is framing S3 does not take (`IncompleteBody`: versitygw
 * issue 1685 lists a missing chunk-signature; its reader, modelled on S3's answers, refuses a
 * missing trailer signature so), and so is a trailer after the chunks of a stream that signs none.
 * An unsigned stream's size lines carry no signature: one that does is refused the same way (no AWS
 * answer found recorded; versitygw's unsigned reader, whose framing refusals follow S3's, issue
 * 1666, takes only hex there), rather than a signature taken unchecked.
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
  /** The current chunk's signature (a signed stream), checked once its bytes have passed. */
  private signature = '';
  private trailerSignature: string | null = null;
  /** Trailer lines read so far. */
  private trailerLines = 0;

  /**
   * `declared`: the x-amz-decoded-content-length; a chunk announcing more is refused before its
   * bytes are read. `signatures`: a signed stream's chain, null for an unsigned one.
   */
  constructor(
    private readonly declared: number,
    private readonly signatures: ChunkSignatures | null = null,
  ) {
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
        if (size > 0) {
          const chunkBytes = this.pending.subarray(0, size);
          bytes.push(chunkBytes);
          this.signatures?.update(chunkBytes);
        }
        this.pending = this.pending.subarray(size);
        this.remaining = (this.remaining ?? 0) - size;
        if (this.remaining > 0) return;
        this.signatures?.endChunk(this.signature);
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
        const [, size, signature] = SIZE_LINE.exec(line) ?? [];
        if (size === undefined || (signature === undefined) === (this.signatures !== null)) throw errors.malformedChunks();
        this.signature = signature ?? '';
        this.remaining = parseInt(size, 16);
        // Known once the next chunk carries bytes: the one before it was not the last.
        if (this.remaining > 0 && this.chunks > 0 && this.previous < MIN_CHUNK_BYTES) throw errors.invalidChunkSize(this.chunks + 1, this.previous);
        this.chunks += 1;
        this.previous = this.remaining;
        this.decoded += this.remaining;
        if (this.decoded > this.declared) throw errors.incompleteBody(this.declared, this.decoded);
        if (this.remaining === 0) this.signatures?.endChunk(this.signature);
        this.state = this.remaining === 0 ? 'trailers' : 'data';
      } else if (line === '') {
        this.endTrailers();
        this.state = 'done';
      } else {
        this.trailer(line);
      }
    }
  }

  /** A trailer line: `name:value`; signed, nothing after the signature's line. */
  private trailer(line: string): void {
    const colon = line.indexOf(':');
    // Lines, not names, are counted: a name repeated without end would otherwise stream forever.
    this.trailerLines += 1;
    if (colon <= 0 || this.trailerLines > MAX_TRAILERS) throw errors.malformedTrailer();
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const signing = this.signatures?.signing;
    if (signing && (!signing.signedTrailer || this.trailerSignature !== null)) throw errors.malformedChunks();
    if (signing && name === TRAILER_SIGNATURE) {
      if (!/^[0-9a-f]{64}$/.test(value)) throw errors.malformedChunks();
      this.trailerSignature = value;
    } else this.trailers.set(name, value);
  }

  /** At the body's last line: a signed trailer's signature checked against the lines before it. */
  private endTrailers(): void {
    if (!this.signatures?.signing.signedTrailer) return;
    if (this.trailerSignature === null) throw errors.malformedChunks();
    this.signatures.endTrailer(this.trailers, this.trailerSignature);
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
