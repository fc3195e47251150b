import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, declaredDecodedLength, decodedHeaders, isAwsChunked } from './aws-chunked.ts';

/** Decodes `framed` fed in pieces cut at `cuts`, its x-amz-decoded-content-length `declared`. */
async function decode(framed: string, cuts: number[] = [], declared = 1000): Promise<{ bytes: string; trailers: Map<string, string> }> {
  const input = Buffer.from(framed, 'latin1');
  const bounds = [0, ...cuts, input.length];
  const pieces = bounds.slice(1).map((end, i) => input.subarray(bounds[i], end));
  const decoder = new AwsChunkedDecoder(declared);
  const bytes = await buffer(Readable.from(pieces).pipe(decoder));
  return { bytes: bytes.toString('latin1'), trailers: decoder.trailers };
}

describe('AwsChunkedDecoder', () => {
  /** Every chunk but the last at least 8 KiB, as S3 requires. */
  const first = 'h'.repeat(8192);
  const framing = `2000\r\n${first}\r\n7\r\n\r\n0\r\nxy\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n`;

  it('yields the bytes and the trailers, wherever the framing is cut into pieces', async () => {
    // Every cut in and around the framing; inside the first chunk's bytes, every 97th.
    const framingStart = framing.indexOf(first) + first.length - 8;
    const cutsAt = [...Array.from({ length: 10 }, (_, at) => at), ...Array.from({ length: 85 }, (_, i) => 10 + i * 97), ...Array.from({ length: framing.length - framingStart + 1 }, (_, i) => framingStart + i)];
    for (const cut of cutsAt) {
      for (const second of [cut + 1, cut + 7]) {
        const cuts = [cut, second].filter((at) => at <= framing.length);
        expect(await decode(framing, cuts, 10_000)).toEqual({ bytes: `${first}\r\n0\r\nxy`, trailers: new Map([['x-amz-checksum-crc32', 'DUoRhQ==']]) });
      }
    }
  });

  it('refuses a chunk with bytes after one under 8 KiB (InvalidChunkSizeError naming both), and takes a small last chunk', async () => {
    await expect(decode('5\r\nhello\r\n1\r\nx\r\n0\r\n\r\n')).rejects.toMatchObject({
      status: 400,
      code: 'InvalidChunkSizeError',
      message: 'Only the last chunk is allowed to have a size less than 8192 bytes',
      details: { Chunk: 2, BadChunkSize: 5 },
    });
    const framed = `2000\r\n${first}\r\n1fff\r\n${'i'.repeat(8191)}\r\n1\r\nj\r\n0\r\n\r\n`;
    await expect(decode(framed, [], 20_000)).rejects.toMatchObject({ code: 'InvalidChunkSizeError', details: { Chunk: 3, BadChunkSize: 8191 } });
    await expect(decode(`2000\r\n${first}\r\n2000\r\n${first}\r\n1\r\nj\r\n0\r\n\r\n`, [], 20_000)).resolves.toMatchObject({ bytes: `${first}${first}j` });
  });

  it('takes a body without trailers, and an empty one', async () => {
    expect(await decode('3\r\nabc\r\n0\r\n\r\n')).toEqual({ bytes: 'abc', trailers: new Map() });
    expect(await decode('0\r\n\r\n')).toEqual({ bytes: '', trailers: new Map() });
  });

  it('yields one buffer per piece read, however many chunks it holds (not a Buffer object per chunk)', async () => {
    const decoder = new AwsChunkedDecoder(100 * 8192);
    const outputs: Buffer[] = [];
    decoder.on('data', (output: Buffer) => outputs.push(output));
    decoder.end(Buffer.from(`${`2000\r\n${first}\r\n`.repeat(100)}0\r\n\r\n`));
    await new Promise((resolve) => decoder.once('end', resolve));
    expect(outputs.map((output) => output.length)).toEqual([100 * 8192]);
  });

  it('refuses a chunk announcing more than x-amz-decoded-content-length before its bytes arrive', async () => {
    const decoder = new AwsChunkedDecoder(8196);
    const failed = new Promise((resolve) => decoder.once('error', resolve));
    decoder.write(Buffer.from(`2000\r\n${first}\r\nffffffffffffffff\r\n`));
    await expect(failed).resolves.toMatchObject({ code: 'IncompleteBody', message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' });
    await expect(decode('3\r\nabc\r\n0\r\n\r\n', [], 3)).resolves.toMatchObject({ bytes: 'abc' });
  });

  it.each([
    ['cut mid-chunk', '5\r\nhel', 'IncompleteBody'],
    ['cut before the final empty line', '0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n', 'IncompleteBody'],
    ['a chunk longer than its size', '2\r\nabc\r\n0\r\n\r\n', 'IncompleteBody'],
    ['a size that is not hex', 'g\r\nabc\r\n0\r\n\r\n', 'IncompleteBody'],
    ['a chunk extension other than a signature', `3;x=${'y'.repeat(1000)}\r\nabc\r\n0\r\n\r\n`, 'IncompleteBody'],
    ['a malformed signature', '3;chunk-signature=ab12\r\nabc\r\n0\r\n\r\n', 'IncompleteBody'],
    ['a signature on an unsigned stream', `3;chunk-signature=${'a'.repeat(64)}\r\nabc\r\n0\r\n\r\n`, 'IncompleteBody'],
    ['bytes after the end', '0\r\n\r\nmore', 'IncompleteBody'],
    ['a size line without end', 'f'.repeat(5000), 'IncompleteBody'],
    ['a trailer without a colon', '0\r\nx-amz-checksum-crc32\r\n\r\n', 'MalformedTrailerError'],
    ['too many trailers', `0\r\n${Array.from({ length: 9 }, (_, i) => `x-${i}:b\r\n`).join('')}\r\n`, 'MalformedTrailerError'],
    ['one trailer repeated past the limit', `0\r\n${'x-amz-checksum-crc32:AAAAAA==\r\n'.repeat(9)}\r\n`, 'MalformedTrailerError'],
  ])('fails a body %s', async (_, framed, code) => {
    await expect(decode(framed)).rejects.toMatchObject({ status: 400, code });
  });
});

describe('the headers of an aws-chunked request', () => {
  it('are recognized by their streaming payload hash, not by the encoding token alone', () => {
    expect(isAwsChunked({ 'content-encoding': 'aws-chunked', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' })).toBe(true);
    expect(isAwsChunked({ 'content-encoding': 'gzip, aws-chunked', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })).toBe(false);
    expect(isAwsChunked({ 'content-encoding': 'aws-chunked' })).toBe(false);
  });

  it('must declare the decoded size in decimal (MissingContentLength)', () => {
    expect(declaredDecodedLength({ 'x-amz-decoded-content-length': '0' })).toBe(0);
    expect(declaredDecodedLength({ 'x-amz-decoded-content-length': '70000' })).toBe(70_000);
    for (const declared of [undefined, '', 'abc', '-1', '0x10', '1e3', '9'.repeat(16)]) {
      expect(() => declaredDecodedLength({ 'x-amz-decoded-content-length': declared })).toThrow(expect.objectContaining({ status: 411, code: 'MissingContentLength' }));
    }
  });

  it('are stored without the framing, other encodings kept', () => {
    const incoming = { 'content-encoding': 'gzip,aws-chunked', 'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-decoded-content-length': '3', 'transfer-encoding': 'chunked' };
    expect(decodedHeaders({ ...incoming, 'content-type': 'text/plain' }, incoming)).toEqual({ 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    expect(decodedHeaders({ 'content-encoding': 'aws-chunked' }, { 'content-encoding': 'aws-chunked' })).toEqual({});
  });
});
