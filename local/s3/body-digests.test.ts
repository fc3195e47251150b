import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyDigests, expectedDigests } from './body-digests.ts';

const body = Buffer.from('hello world');
const md5 = createHash('md5').update(body).digest('base64');
/** Known digests of "hello world" (CRC32 0x0d4a1185, CRC32C 0xc99465aa). */
const CRC32 = 'DUoRhQ==';
const CRC32C = 'yZRlqg==';

const refusalOf = async (headers: Record<string, string>, trailers?: Map<string, string>) => {
  const digests = bodyDigests(expectedDigests(headers));
  digests.update(body.subarray(0, 4));
  digests.update(body.subarray(4));
  return digests.refusal(trailers);
};

describe('body digests', () => {
  it('take a body its Content-MD5 and checksum match, fed in pieces', async () => {
    expect(await refusalOf({ 'content-md5': md5 })).toBeNull();
    expect(await refusalOf({ 'x-amz-checksum-crc32': CRC32 })).toBeNull();
    expect(await refusalOf({ 'x-amz-checksum-crc32c': CRC32C, 'x-amz-sdk-checksum-algorithm': 'crc32c' })).toBeNull();
    expect(await refusalOf({ 'x-amz-checksum-sha1': createHash('sha1').update(body).digest('base64'), 'content-md5': md5 })).toBeNull();
    expect(await refusalOf({ 'x-amz-trailer': 'x-amz-checksum-crc32' }, new Map([['x-amz-checksum-crc32', CRC32]]))).toBeNull();
  });

  it('refuse one that does not match, naming the algorithm as S3 does', async () => {
    expect(await refusalOf({ 'content-md5': createHash('md5').update('other').digest('base64') })).toMatchObject({ code: 'BadDigest', message: 'The Content-MD5 you specified did not match what we received.' });
    expect(await refusalOf({ 'x-amz-checksum-crc32c': 'AAAAAA==' })).toMatchObject({ code: 'BadDigest', message: 'The CRC32C you specified did not match the calculated checksum.' });
    expect(await refusalOf({ 'x-amz-checksum-crc64nvme': 'AAAAAAAAAAA=' })).toMatchObject({ code: 'BadDigest', message: 'The CRC64NVME you specified did not match the calculated checksum.' });
    expect(await refusalOf({ 'x-amz-trailer': 'x-amz-checksum-crc32' }, new Map([['x-amz-checksum-crc32', CRC32C]]))).toMatchObject({ code: 'BadDigest', message: 'The CRC32 you specified did not match the calculated checksum.' });
    expect(await refusalOf({ 'x-amz-trailer': 'x-amz-checksum-crc32' })).toMatchObject({ code: 'MalformedTrailerError' });
  });

  it.each([
    [{ 'content-md5': 'abc' }, 'InvalidDigest', 'The Content-MD5 you specified was invalid.'],
    // Padded base64 of 16 bytes, but with a character Buffer.from would skip.
    [{ 'content-md5': `${md5.slice(0, 4)}*${md5.slice(4)}` }, 'InvalidDigest', 'The Content-MD5 you specified was invalid.'],
    [{ 'x-amz-checksum-sha256': 'AAAA' }, 'InvalidRequest', 'Value for x-amz-checksum-sha256 header is invalid.'],
    [{ 'x-amz-checksum-crc32': CRC32, 'x-amz-checksum-crc32c': CRC32C }, 'InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.'],
    [{ 'x-amz-checksum-crc32': CRC32, 'x-amz-sdk-checksum-algorithm': 'SHA1' }, 'InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.'],
    [{ 'x-amz-sdk-checksum-algorithm': 'MD5' }, 'InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.'],
    [{ 'x-amz-sdk-checksum-algorithm': 'CRC32', 'content-md5': md5 }, 'InvalidRequest', 'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.'],
    [{ 'x-amz-trailer': 'content-md5' }, 'InvalidRequest', 'The value specified in the x-amz-trailer header is not supported'],
  ])('refuse the headers %j', (headers, code, message) => {
    expect(() => expectedDigests(headers)).toThrow(expect.objectContaining({ status: 400, code, message }));
  });

  it('promise nothing for headers that are not a body digest', () => {
    expect(expectedDigests({ 'x-amz-checksum-mode': 'ENABLED', 'x-amz-checksum-type': 'FULL_OBJECT', 'x-amz-checksum-algorithm': 'CRC32' })).toEqual({});
  });
});
