import { Buffer } from 'buffer';

/**
 * aws-appsync-subscription-link base64-encodes its handshake header with Node's `Buffer`, which
 * browsers lack; the `buffer` package provides the same API. Its own module, imported by the
 * signed-in part only, so the polyfill stays out of the sign-in screen's chunks.
 */
export function installBufferGlobal(): void {
  (globalThis as { Buffer?: unknown }).Buffer ??= Buffer;
}
