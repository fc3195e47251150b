// Injected into the resolver sandbox bundle (see runtime-bundle.ts). The vm context has only the
// JavaScript built-ins; the runtime library also uses a few web/Node globals (Buffer, TextEncoder,
// TextDecoder, crypto, structuredClone), provided here from npm's `buffer` and from randomness the
// host hands in once through bindHostRandom, kept in this closure and never reachable by resolvers.
import { Buffer } from 'buffer';

let randomHex: ((bytes: number) => string) | undefined;

/** Called once by the host, before any resolver code runs. */
export function bindHostRandom(source: (bytes: number) => string): void {
  randomHex ??= source;
}

function randomBytes(count: number): Buffer {
  if (!randomHex) throw new Error('the sandbox has no random source');
  return Buffer.from(String(randomHex(count)), 'hex');
}

class Utf8Encoder {
  readonly encoding = 'utf-8';
  encode(value = ''): Uint8Array {
    return new Uint8Array(Buffer.from(String(value), 'utf8'));
  }
}

class Utf8Decoder {
  readonly encoding = 'utf-8';
  // Malformed input becomes U+FFFD, as the buffer package's UTF-8 decoder does.
  decode(bytes: ArrayLike<number> = new Uint8Array()): string {
    return Buffer.from(bytes as Uint8Array).toString('utf8');
  }
}

const sandboxCrypto = {
  getRandomValues<T extends ArrayBufferView>(array: T): T {
    const bytes = randomBytes(array.byteLength);
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(bytes);
    return array;
  },
  randomUUID(): string {
    const b = randomBytes(16);
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const hex = b.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  },
  randomBytes,
};

/** The values the runtime stores are JSON data (it clones filters and arguments it records). */
function jsonClone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

const g = globalThis as Record<string, unknown>;
g.Buffer = Buffer;
g.TextEncoder = Utf8Encoder;
g.TextDecoder = Utf8Decoder;
g.crypto = sandboxCrypto;
g.structuredClone = jsonClone;

export { sandboxCrypto };
