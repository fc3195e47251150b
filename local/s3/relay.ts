/**
 * Relays the store's answer to the client. It settles however the answer ends, a client that hangs
 * up mid-answer included (both streams are destroyed then): the front relays a write's answer
 * while holding the write's key locks and its spooled body, which must not wait on a client that
 * is gone (a plain `pipe` would never see the answer's end, and the key's conditional writes would
 * wait forever).
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export async function relay(answer: Readable, response: ServerResponse): Promise<void> {
  await pipeline(answer, response).catch(() => undefined);
}
