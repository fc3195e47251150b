import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, decodedHeaders, isAwsChunked } from './aws-chunked.ts';

/** Decodes `framed` fed in pieces cut at `cuts`. */
async function decode(framed: string, cuts: number[] = []): Promise<{ bytes: string; trailers: Map<string, string> }> {
  const input = Buffer.from(framed, 'latin1');
  const bounds = [0, ...cuts, input.length];
  const pieces = bounds.slice(1).map((end, i) => input.subarray(bounds[i], end));
  const decoder = new AwsChunkedDecoder();
  const bytes = await buffer(Readable.from(pieces).pipe(decoder));
  return { bytes: bytes.toString('latin1'), trailers: decoder.trailers };
}

describe('AwsChunkedDecoder', () => {
  const signedFraming = '5;chunk-signature=ab12\r\nhello\r\n7;chunk-signature=cd34\r\n\r\n0\r\nxy\r\n0;chunk-signature=ef56\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';

  it('yields the bytes and the trailers, wherever the framing is cut into pieces', async () => {
    for (let cut = 0; cut <= signedFraming.length; cut += 1) {
      for (const second of [cut + 1, cut + 7]) {
        const cuts = [cut, second].filter((at) => at <= signedFraming.length);
        expect(await decode(signedFraming, cuts)).toEqual({ bytes: 'hello\r\n0\r\nxy', trailers: new Map([['x-amz-checksum-crc32', 'DUoRhQ==']]) });
      }
    }
  });

  it('takes a body without trailers, and an empty one', async () => {
    expect(await decode('3\r\nabc\r\n0\r\n\r\n')).toEqual({ bytes: 'abc', trailers: new Map() });
    expect(await decode('0\r\n\r\n')).toEqual({ bytes: '', trailers: new Map() });
  });

  it.each([
    ['cut mid-chunk', '5\r\nhel', 'IncompleteBody'],
    ['cut before the final empty line', '0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n', 'IncompleteBody'],
    ['a chunk longer than its size', '2\r\nabc\r\n0\r\n\r\n', 'IncompleteBody'],
    ['a size that is not hex', 'g\r\nabc\r\n0\r\n\r\n', 'IncompleteBody'],
    ['bytes after the end', '0\r\n\r\nmore', 'IncompleteBody'],
    ['a size line without end', 'f'.repeat(5000), 'IncompleteBody'],
    ['a trailer without a colon', '0\r\nx-amz-checksum-crc32\r\n\r\n', 'MalformedTrailerError'],
    ['too many trailers', `0\r\n${Array.from({ length: 9 }, (_, i) => `x-${i}:b\r\n`).join('')}\r\n`, 'MalformedTrailerError'],
  ])('fails a body %s', async (_, framed, code) => {
    await expect(decode(framed)).rejects.toMatchObject({ status: 400, code });
  });
});

describe('the headers of an aws-chunked request', () => {
  it('are recognized by their encoding or their streaming payload hash', () => {
    expect(isAwsChunked({ 'content-encoding': 'gzip, aws-chunked' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' })).toBe(true);
    expect(isAwsChunked({ 'content-encoding': 'gzip', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })).toBe(false);
  });

  it('are stored without the framing, other encodings kept', () => {
    const incoming = { 'content-encoding': 'gzip,aws-chunked', 'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-decoded-content-length': '3', 'transfer-encoding': 'chunked' };
    expect(decodedHeaders({ ...incoming, 'content-type': 'text/plain' }, incoming)).toEqual({ 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    expect(decodedHeaders({ 'content-encoding': 'aws-chunked' }, { 'content-encoding': 'aws-chunked' })).toEqual({});
  });
});
