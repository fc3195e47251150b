/**
 * The digests a request promises for its body, and S3's answer when they are malformed or do not
 * match it: `Content-MD5` (malformed `InvalidDigest`, wrong `BadDigest`, S3's error-code table) and
 * one flexible checksum (`x-amz-checksum-crc32`, `-crc32c`, `-crc64nvme`, `-sha1`, `-sha256`), as a
 * header or as the trailer of an aws-chunked body that `x-amz-trailer` names (what the SDK sends for
 * a stream body). The digests are computed by Node (MD5, SHA, CRC32) and by the SDK's own checksum
 * package (`@aws-sdk/checksums/crc`: CRC32C, CRC64NVME), never by hand.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { errors, type S3Error } from './s3-error.ts';

/** A running digest over a body, fed chunk by chunk as the body is spooled. */
interface Digest {
  update(chunk: Uint8Array): void;
  digest(): Promise<Uint8Array> | Uint8Array;
}

/** The flexible checksums, by header, with the name S3's messages give them and their size. */
const CHECKSUMS = {
  'x-amz-checksum-crc32': { algorithm: 'CRC32', bytes: 4, create: (): Digest => new Crc32() },
  'x-amz-checksum-crc32c': { algorithm: 'CRC32C', bytes: 4, create: (): Digest => new Crc32c() },
  'x-amz-checksum-crc64nvme': { algorithm: 'CRC64NVME', bytes: 8, create: (): Digest => new Crc64Nvme() },
  'x-amz-checksum-sha1': { algorithm: 'SHA1', bytes: 20, create: (): Digest => createHash('sha1') },
  'x-amz-checksum-sha256': { algorithm: 'SHA256', bytes: 32, create: (): Digest => createHash('sha256') },
} as const;
type ChecksumHeader = keyof typeof CHECKSUMS;
const CHECKSUM_HEADERS = Object.keys(CHECKSUMS) as ChecksumHeader[];

/** What the headers promise: the base64 digests to match, the checksum's value null when it comes as a trailer. */
export interface ExpectedDigests {
  md5?: string;
  checksum?: { header: ChecksumHeader; value: string | null };
}

/**
 * The digests `headers` promise for the body, or S3's refusal of the headers themselves (thrown):
 * a malformed Content-MD5 `InvalidDigest`; more than one checksum (headers, or a header and a
 * trailer) `InvalidRequest` "Expecting a single x-amz-checksum- header. Multiple checksum Types are
 * not allowed." (AWS's answer, versitygw issue 1186); a malformed value "Value for <header> header
 * is invalid."; an `x-amz-sdk-checksum-algorithm` that names another algorithm (or none S3 knows)
 * "Value for x-amz-sdk-checksum-algorithm header is invalid." (versitygw issue 1598), and one with
 * neither a checksum header nor a trailer "x-amz-sdk-checksum-algorithm specified, but no
 * corresponding x-amz-checksum-* or x-amz-trailer headers were found." (AWS's answer quoted in
 * versitygw issue 1593 and apache/hadoop pull request 6467); a trailer
 * that names no checksum "The value specified in the x-amz-trailer header is not supported"
 * (versitygw issue 1632).
 */
export function expectedDigests(headers: IncomingHttpHeaders): ExpectedDigests {
  const header = (name: string) => {
    const value = headers[name];
    return value === undefined ? undefined : [value].flat().join(',');
  };
  const md5 = header('content-md5');
  if (md5 !== undefined && !isBase64Of(md5, 16)) throw errors.invalidMd5();
  const trailer = header('x-amz-trailer')?.trim().toLowerCase();
  if (trailer !== undefined && !isChecksumHeader(trailer)) throw errors.invalidRequest('The value specified in the x-amz-trailer header is not supported');
  const sent = CHECKSUM_HEADERS.filter((name) => header(name) !== undefined);
  if (sent.length + (trailer === undefined ? 0 : 1) > 1) throw errors.invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const checksumHeader = sent[0] ?? trailer;
  const sdkAlgorithm = header('x-amz-sdk-checksum-algorithm');
  if (sdkAlgorithm !== undefined) {
    const named = CHECKSUM_HEADERS.find((name) => CHECKSUMS[name].algorithm === sdkAlgorithm.toUpperCase());
    if (!named || (checksumHeader !== undefined && named !== checksumHeader)) throw errors.invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.');
    if (checksumHeader === undefined) throw errors.invalidRequest('x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.');
  }
  const expected: ExpectedDigests = md5 === undefined ? {} : { md5 };
  if (checksumHeader === undefined) return expected;
  const value = header(checksumHeader) ?? null;
  if (value !== null && !isBase64Of(value, CHECKSUMS[checksumHeader].bytes)) throw errors.invalidChecksum(checksumHeader);
  return { ...expected, checksum: { header: checksumHeader, value } };
}

export function promisesDigest(expected: ExpectedDigests): boolean {
  return expected.md5 !== undefined || expected.checksum !== undefined;
}

/** Digests the body as it passes (`update`), then judges it against what was promised (`refusal`). */
export function bodyDigests(expected: ExpectedDigests): { update(chunk: Buffer): void; refusal(trailers?: ReadonlyMap<string, string>): Promise<S3Error | null> } {
  const md5 = expected.md5 === undefined ? null : createHash('md5');
  const checksum = expected.checksum ? CHECKSUMS[expected.checksum.header].create() : null;
  return {
    update(chunk) {
      md5?.update(chunk);
      checksum?.update(chunk);
    },
    /** S3's refusal of the body, null when it matches; `trailers` are an aws-chunked body's. */
    async refusal(trailers = new Map()) {
      if (md5 && expected.md5 !== md5.digest('base64')) return errors.md5Mismatch();
      if (!checksum || !expected.checksum) return null;
      const { header } = expected.checksum;
      const value = expected.checksum.value ?? trailers.get(header);
      // Declared by x-amz-trailer and missing from the body (AWS's answer, versitygw issue 1600).
      if (value === undefined) return errors.malformedTrailer();
      if (expected.checksum.value === null && !isBase64Of(value, CHECKSUMS[header].bytes)) return errors.invalidRequest(`Value for ${header} trailing header is invalid.`);
      const computed = Buffer.from(await checksum.digest()).toString('base64');
      return value === computed ? null : errors.checksumMismatch(CHECKSUMS[header].algorithm);
    },
  };
}

function isChecksumHeader(name: string): name is ChecksumHeader {
  return (CHECKSUM_HEADERS as string[]).includes(name);
}

/** Canonical base64 of exactly `bytes` bytes (Buffer.from would skip what is not base64). */
function isBase64Of(value: string, bytes: number): boolean {
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === bytes && decoded.toString('base64') === value;
}
