/**
 * servePlainAndTls refuses to be held open: a connection that sends one byte and stalls is dropped
 * by node:http's headers timeout (plain) or the TLS handshake timeout, as a plain server drops it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listen, servePlainAndTls } from './http-server.ts';
import { ensureLocalTls } from './tls/certificates.ts';

const HEADERS_TIMEOUT_MS = 300;
let dir: string;
let port: number;
let dual: ReturnType<typeof servePlainAndTls> | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'http-server-'));
  const tls = await ensureLocalTls(dir);
  const server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 2 * HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 100 }, (_request, response) => response.end('ok'));
  dual = servePlainAndTls(server, tls);
  port = Number(new URL(await listen(dual.front, 0, '127.0.0.1')).port);
});
afterAll(async () => {
  await dual?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What the server sent before it closed a connection that sent only `first`. */
function stalled(first: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(first));
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
  });
}

// Without the server's timeouts these connections stay open and the tests time out.
it('drops a plain connection that sends one byte of its headers, with 408', async () => {
  expect(await stalled(Buffer.from('G'))).toMatch(/^HTTP\/1\.1 408 /);
});

it('drops a connection that sends one byte of a TLS handshake', async () => {
  expect(await stalled(Buffer.from([0x16]))).toBe('');
});
