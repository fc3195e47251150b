import { once } from 'node:events';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyLocks } from './key-locks.ts';
import { relay } from './relay.ts';

describe('relay', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  /** A server relaying `answer()` under a shared lock on `key`, as the front relays a write's answer. */
  const serve = async (locks: KeyLocks, answer: () => Readable) => {
    const relayed: Array<{ source: Readable; done: Promise<void> }> = [];
    server = createServer((_request, response) => {
      const source = answer();
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      relayed.push({ source, done: locks.shared(['key'], () => relay(source, response)) });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const response = new Promise<IncomingMessage>((resolve) => get(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/`, resolve));
    return { response: await response, relayed: relayed[0]! };
  };

  it("settles when the client hangs up mid-answer, so the write's key locks are released", async () => {
    const locks = new KeyLocks();
    // An answer that never ends by itself: only the client's hang-up can end this relay.
    const endless = () => new Readable({ read() { this.push(Buffer.alloc(64 * 1024, 1)); } });
    const { response, relayed } = await serve(locks, endless);
    response.destroy();
    await relayed.done;
    expect(relayed.source.destroyed).toBe(true);
    // A conditional write to the key (exclusive) is not left waiting, and nothing is held.
    await locks.exclusive('key', () => Promise.resolve());
    expect(locks.size).toBe(0);
  });

  it('relays a whole answer', async () => {
    const locks = new KeyLocks();
    const { response, relayed } = await serve(locks, () => Readable.from([Buffer.from('<Result>'), Buffer.from('</Result>')]));
    expect(await text(response)).toBe('<Result></Result>');
    await relayed.done;
    expect(locks.size).toBe(0);
  });
});
