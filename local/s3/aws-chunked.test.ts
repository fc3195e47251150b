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
  const signature = (digit: string) => `;chunk-signature=${digit.repeat(64)}`;
  const signedFraming = `5${signature('a')}\r\nhello\r\n7${signature('b')}\r\n\r\n0\r\nxy\r\n0${signature('c')}\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n`;

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

  it('yields one buffer per piece read, however many chunks it holds (not a Buffer object per 1-byte chunk)', async () => {
    const decoder = new AwsChunkedDecoder(10_000);
    const outputs: Buffer[] = [];
    decoder.on('data', (output: Buffer) => outputs.push(output));
    decoder.end(Buffer.from(`${'1\r\nx\r\n'.repeat(10_000)}0\r\n\r\n`));
    await new Promise((resolve) => decoder.once('end', resolve));
    expect(outputs.map((output) => output.length)).toEqual([10_000]);
  });

  it('refuses a chunk announcing more than x-amz-decoded-content-length before its bytes arrive', async () => {
    const decoder = new AwsChunkedDecoder(4);
    const failed = new Promise((resolve) => decoder.once('error', resolve));
    decoder.write(Buffer.from('3\r\nabc\r\nffffffffffffffff\r\n'));
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
    ['bytes after the end', '0\r\n\r\nmore', 'IncompleteBody'],
    ['a size line without end', 'f'.repeat(5000), 'IncompleteBody'],
    ['a trailer without a colon', '0\r\nx-amz-checksum-crc32\r\n\r\n', 'MalformedTrailerError'],
    ['too many trailers', `0\r\n${Array.from({ length: 9 }, (_, i) => `x-${i}:b\r\n`).join('')}\r\n`, 'MalformedTrailerError'],
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
