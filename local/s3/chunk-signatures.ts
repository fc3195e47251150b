/**
 * The signatures of a signed streaming upload (`x-amz-content-sha256:
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`), verified as S3 verifies them (S3 API reference,
 * "Transferring Payload in Multiple Chunks" and "Including Trailing Headers"): each chunk's
 * signature is the HMAC, with the request's signing key, of
 *
 *   AWS4-HMAC-SHA256-PAYLOAD \n <x-amz-date> \n <scope> \n <previous signature> \n hex(sha256("")) \n hex(sha256(chunk))
 *
 * the first chunk's previous signature being the Authorization header's (the seed), so that each
 * chunk is bound to its place in the stream; the final empty chunk is signed the same way, and the
 * trailer lines after it by AWS4-HMAC-SHA256-TRAILER over the chunk chain's last signature and
 * hex(sha256) of the lines as `name:value\n`. A chunk is hashed as its bytes pass (constant memory,
 * however large). The signing key is derived once per request by @smithy/signature-v4 (sigv4.ts).
 */
import { createHash, createHmac, type Hash } from 'node:crypto';
import { sameHex } from '../sigv4.ts';
import { errors } from './s3-error.ts';

/** What the request's verified Authorization header gives its stream's signatures. */
export interface StreamSigning {
  accessKeyId: string;
  /** The key of the request's day, region and service, derived as for its header signature. */
  signingKey: Uint8Array;
  /** The request's x-amz-date, as sent. */
  amzDate: string;
  /** `yyyymmdd/region/s3/aws4_request`. */
  scope: string;
  /** The Authorization header's signature: the previous signature of the first chunk. */
  seed: string;
  /** Whether trailer lines follow the chunks, signed (`…-PAYLOAD-TRAILER`). */
  signedTrailer: boolean;
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** The signature chain of one signed stream, fed chunk by chunk by the aws-chunked decoder. */
export class ChunkSignatures {
  private previous: string;
  private hash: Hash = createHash('sha256');

  constructor(readonly signing: StreamSigning) {
    this.previous = signing.seed;
  }

  /** Bytes of the current chunk, in order. */
  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }

  /**
   * Ends the current chunk, whose size line carried `claimed`: `SignatureDoesNotMatch` unless it
   * signs exactly the bytes given since the last chunk ended, after the chunks before them (S3's
   * answer to a wrong seed signature, versitygw issue 1056; the gateways that check chunks,
   * versitygw, MinIO, s3proxy pull request 1027, answer a wrong chunk signature so).
   */
  endChunk(claimed: string): void {
    const chunkHash = this.hash.digest('hex');
    this.hash = createHash('sha256');
    this.previous = this.verify(['AWS4-HMAC-SHA256-PAYLOAD', this.signing.amzDate, this.signing.scope, this.previous, EMPTY_SHA256, chunkHash], claimed);
  }

  /** Checks the trailer lines (lower-case names, trimmed values, in order) against their `x-amz-trailer-signature`. */
  endTrailer(trailers: Iterable<[string, string]>, claimed: string): void {
    const lines = createHash('sha256');
    for (const [name, value] of trailers) lines.update(`${name}:${value}\n`);
    this.previous = this.verify(['AWS4-HMAC-SHA256-TRAILER', this.signing.amzDate, this.signing.scope, this.previous, lines.digest('hex')], claimed);
  }

  private verify(stringToSign: string[], claimed: string): string {
    const expected = createHmac('sha256', this.signing.signingKey).update(stringToSign.join('\n')).digest('hex');
    if (!sameHex(expected, claimed)) throw errors.signatureDoesNotMatch(this.signing.accessKeyId);
    return expected;
  }
}
