/**
 * The signature chain of signed streaming uploads against AWS's published examples (S3 API
 * reference: "Transferring Payload in Multiple Chunks", Example: PUT Object, and "Including
 * Trailing Headers", its example): the example credentials, 20130524T000000Z, us-east-1, a
 * 66,560-byte body of 'a' in chunks of 64 KiB, 1 KiB and 0, and the signatures AWS lists.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { getSigningKey } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { NodeSha256 } from '../sigv4.ts';
import { AwsChunkedDecoder } from './aws-chunked.ts';
import { ChunkSignatures, type StreamSigning } from './chunk-signatures.ts';

const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const CHUNKS = [Buffer.alloc(65_536, 'a'), Buffer.alloc(1024, 'a'), Buffer.alloc(0)];
/** sigv4-streaming's example: no trailer. */
const PAYLOAD = {
  seed: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  chunks: ['ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497', 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'],
};
/** sigv4-streaming-trailers' example: the same body, a CRC32C trailer. */
const TRAILER = {
  seed: '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e',
  chunks: ['b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2', '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7', '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992'],
  trailer: ['x-amz-checksum-crc32c', 'sOO8/Q=='] as [string, string],
  signature: 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435',
};

/** The example's signing context, its key derived as sigv4.ts derives a request's. */
async function signing(seed: string, signedTrailer: boolean): Promise<StreamSigning> {
  return {
    accessKeyId: CREDENTIALS.accessKeyId,
    signingKey: await getSigningKey(NodeSha256, CREDENTIALS, '20130524', 'us-east-1', 's3'),
    amzDate: '20130524T000000Z',
    scope: '20130524/us-east-1/s3/aws4_request',
    seed,
    signedTrailer,
  };
}

const signatureMismatch = { status: 403, code: 'SignatureDoesNotMatch', details: { AWSAccessKeyId: CREDENTIALS.accessKeyId } };

describe('ChunkSignatures', () => {
  it("reproduces AWS's chunk signatures, each chunk hashed in pieces", async () => {
    const chain = new ChunkSignatures(await signing(PAYLOAD.seed, false));
    CHUNKS.forEach((chunk, i) => {
      for (let at = 0; at < chunk.length; at += 10_000) chain.update(chunk.subarray(at, at + 10_000));
      chain.endChunk(PAYLOAD.chunks[i] ?? '');
    });
  });

  it("reproduces AWS's chunk and trailer signatures of the trailer example", async () => {
    const chain = new ChunkSignatures(await signing(TRAILER.seed, true));
    CHUNKS.forEach((chunk, i) => {
      chain.update(chunk);
      chain.endChunk(TRAILER.chunks[i] ?? '');
    });
    chain.endTrailer([TRAILER.trailer], TRAILER.signature);
  });

  it('refuses a chunk altered by one byte, a signature of another chunk, another seed, and a trailer altered or signed out of place', async () => {
    const altered = new ChunkSignatures(await signing(PAYLOAD.seed, false));
    altered.update(Buffer.concat([CHUNKS[0]!.subarray(1), Buffer.from('b')]));
    expect(() => altered.endChunk(PAYLOAD.chunks[0]!)).toThrow(expect.objectContaining(signatureMismatch));

    const swapped = new ChunkSignatures(await signing(PAYLOAD.seed, false));
    swapped.update(CHUNKS[1]!);
    expect(() => swapped.endChunk(PAYLOAD.chunks[1]!)).toThrow(expect.objectContaining(signatureMismatch));

    const otherSeed = new ChunkSignatures(await signing(TRAILER.seed, false));
    otherSeed.update(CHUNKS[0]!);
    expect(() => otherSeed.endChunk(PAYLOAD.chunks[0]!)).toThrow(expect.objectContaining(signatureMismatch));

    const trailed = async () => {
      const chain = new ChunkSignatures(await signing(TRAILER.seed, true));
      CHUNKS.forEach((chunk, i) => {
        chain.update(chunk);
        chain.endChunk(TRAILER.chunks[i]!);
      });
      return chain;
    };
    const otherValue = await trailed();
    expect(() => otherValue.endTrailer([['x-amz-checksum-crc32c', 'AAAAAA==']], TRAILER.signature)).toThrow(expect.objectContaining(signatureMismatch));
    const added = await trailed();
    expect(() => added.endTrailer([TRAILER.trailer, ['x-amz-meta-a', 'b']], TRAILER.signature)).toThrow(expect.objectContaining(signatureMismatch));
    // The trailer signature chains from the last chunk's: not from the seed.
    const early = new ChunkSignatures(await signing(TRAILER.seed, true));
    expect(() => early.endTrailer([TRAILER.trailer], TRAILER.signature)).toThrow(expect.objectContaining(signatureMismatch));
  });
});

/** AWS's example body: each chunk's size line with its signature, then `trailer` lines and the empty line. */
function exampleBody(signatures: string[], trailer: string[] = []): string {
  const chunks = CHUNKS.map((chunk, i) => `${chunk.length.toString(16)};chunk-signature=${signatures[i]}\r\n${chunk.length > 0 ? `${chunk.toString('latin1')}\r\n` : ''}`);
  return `${chunks.join('')}${trailer.map((line) => `${line}\r\n`).join('')}\r\n`;
}
const trailerLines = [`${TRAILER.trailer.join(':')}`, `x-amz-trailer-signature:${TRAILER.signature}`];

/** Decodes `framed` in pieces cut at `cuts`, signed from `seed`. */
async function decodeSigned(framed: string, seed: string, signedTrailer: boolean, cuts: number[] = []): Promise<{ bytes: Buffer; trailers: Map<string, string> }> {
  const input = Buffer.from(framed, 'latin1');
  const bounds = [0, ...cuts, input.length];
  const decoder = new AwsChunkedDecoder(66_560, new ChunkSignatures(await signing(seed, signedTrailer)));
  const bytes = await buffer(Readable.from(bounds.slice(1).map((end, i) => input.subarray(bounds[i], end))).pipe(decoder));
  return { bytes, trailers: decoder.trailers };
}

describe('AwsChunkedDecoder on a signed stream', () => {
  const body = Buffer.concat(CHUNKS);

  it("decodes AWS's example bodies wherever they are cut, the trailer signature not among the trailers", async () => {
    const framed = exampleBody(PAYLOAD.chunks);
    const trailed = exampleBody(TRAILER.chunks, trailerLines);
    // Around each size line, the chunks' ends and the trailer lines.
    const around = (text: string, marker: string) => Array.from({ length: 120 }, (_, i) => text.indexOf(marker) - 10 + i);
    // Compared as digests: a deep equality of 66 KB buffers takes vitest ~0.1 s each.
    const decoded = async (...args: Parameters<typeof decodeSigned>) => {
      const { bytes, trailers } = await decodeSigned(...args);
      return { bytes: createHash('sha256').update(bytes).digest('hex'), trailers };
    };
    const bodyHash = createHash('sha256').update(body).digest('hex');
    for (const cut of [...around(framed, '\r\n400;'), ...around(framed, '\r\n0;'), 5, 50, 90]) {
      expect(await decoded(framed, PAYLOAD.seed, false, [cut])).toEqual({ bytes: bodyHash, trailers: new Map() });
    }
    for (const cut of [...around(trailed, '\r\n0;'), ...around(trailed, 'x-amz-checksum'), ...around(trailed, 'x-amz-trailer-signature')]) {
      expect(await decoded(trailed, TRAILER.seed, true, [cut])).toEqual({ bytes: bodyHash, trailers: new Map([TRAILER.trailer]) });
    }
  });

  it.each([
    ['a byte of the first chunk altered', () => exampleBody(PAYLOAD.chunks).replace('a\r\n400;', 'b\r\n400;'), signatureMismatch],
    ['a wrong chunk signature', () => exampleBody([PAYLOAD.chunks[0]!, '0'.repeat(64), PAYLOAD.chunks[2]!]), signatureMismatch],
    ['the final chunk signed as another', () => exampleBody([PAYLOAD.chunks[0]!, PAYLOAD.chunks[1]!, PAYLOAD.chunks[1]!]), signatureMismatch],
    ['the final chunk missing', () => exampleBody(PAYLOAD.chunks).replace(/0;chunk-signature=[0-9a-f]{64}\r\n\r\n$/, ''), { code: 'IncompleteBody' }],
    ['a chunk without its signature', () => exampleBody(PAYLOAD.chunks).replace(`400;chunk-signature=${PAYLOAD.chunks[1]}`, '400'), { status: 400, code: 'IncompleteBody', message: 'The request body terminated unexpectedly' }],
    ['a trailer the stream does not sign', () => exampleBody(PAYLOAD.chunks, [TRAILER.trailer.join(':')]), { code: 'IncompleteBody' }],
  ])('refuses the payload example with %s', async (_, framed, error) => {
    await expect(decodeSigned(framed(), PAYLOAD.seed, false)).rejects.toMatchObject(error);
  });

  it.each([
    ['a wrong trailer signature', [TRAILER.trailer.join(':'), `x-amz-trailer-signature:${TRAILER.chunks[2]}`], signatureMismatch],
    ['the trailer value altered', ['x-amz-checksum-crc32c:AAAAAA==', trailerLines[1]!], signatureMismatch],
    ['no trailer signature', [TRAILER.trailer.join(':')], { code: 'IncompleteBody' }],
    ['a line after the trailer signature', [...trailerLines, 'x-amz-meta-a:b'], { code: 'IncompleteBody' }],
    ['a trailer signature that is not 64 hex', [TRAILER.trailer.join(':'), 'x-amz-trailer-signature:d81f'], { code: 'IncompleteBody' }],
  ])('refuses the trailer example with %s', async (_, trailer, error) => {
    await expect(decodeSigned(exampleBody(TRAILER.chunks, trailer), TRAILER.seed, true)).rejects.toMatchObject(error);
  });
});
