import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { createServer } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RENEW_BEFORE_DAYS, SERVER_VALIDITY_DAYS, ensureLocalTls, serverCertificateProblem, spkiSha256 } from './certificates.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-tls-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const leafOf = (pem: string) => new X509Certificate(pem);

describe('ensureLocalTls', () => {
  it('makes a CA and a server certificate for the loopback names on first start, keys readable by the owner only', async () => {
    const tls = await ensureLocalTls(dir);
    expect(tls.created).toBe('ca');
    const ca = new X509Certificate(await readFile(tls.caFile, 'utf8'));
    const leaf = leafOf(tls.cert);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.checkHost('attacker.example')).toBeUndefined();
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const lifetime = new Date(leaf.validTo).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan((SERVER_VALIDITY_DAYS - 1) * DAY_MS);
    expect(lifetime).toBeLessThanOrEqual(SERVER_VALIDITY_DAYS * DAY_MS);
    for (const file of [tls.caKeyFile, tls.keyFile]) expect((await stat(file)).mode & 0o777, file).toBe(0o600);
    expect(tls.serverSpkiSha256).toBe(spkiSha256(leaf));
  });

  it('keeps both on the next start', async () => {
    const first = await ensureLocalTls(dir);
    const again = await ensureLocalTls(dir);
    expect(again.created).toBe('none');
    expect(again.cert).toBe(first.cert);
    expect(again.key).toBe(first.key);
  });

  it('renews the server certificate near its expiry and keeps the CA', async () => {
    const first = await ensureLocalTls(dir);
    const caPem = await readFile(first.caFile, 'utf8');
    const nearExpiry = new Date(new Date(leafOf(first.cert).validTo).getTime() - (RENEW_BEFORE_DAYS - 1) * DAY_MS);
    expect(serverCertificateProblem(first.cert, caPem, nearExpiry)).toMatch(/^expires /);
    const renewed = await ensureLocalTls(dir, nearExpiry);
    expect(renewed.created).toBe('server');
    expect(await readFile(renewed.caFile, 'utf8')).toBe(caPem);
    expect(renewed.serverSpkiSha256).not.toBe(first.serverSpkiSha256);
    expect(serverCertificateProblem(renewed.cert, caPem, nearExpiry)).toBeUndefined();
    expect(await readFile(renewed.certFile, 'utf8')).toBe(renewed.cert);
  });

  it('replaces a server certificate another CA signed', async () => {
    const other = await ensureLocalTls(join(dir, 'other'));
    const first = await ensureLocalTls(dir);
    await writeFile(first.certFile, other.cert);
    await writeFile(first.keyFile, other.key);
    expect(serverCertificateProblem(other.cert, await readFile(first.caFile, 'utf8'), new Date())).toBe('not signed by the local CA');
    const fixed = await ensureLocalTls(dir);
    expect(fixed.created).toBe('server');
    expect(leafOf(fixed.cert).verify(new X509Certificate(await readFile(first.caFile, 'utf8')).publicKey)).toBe(true);
  });

  it('serves a TLS client that trusts the CA, and only such a client', async () => {
    const tls = await ensureLocalTls(dir);
    const server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const handshake = (ca?: string) =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...(ca ? { ca } : {}) }, () => {
          resolve(socket.authorized);
          socket.end();
        });
        socket.on('error', () => resolve(false));
      });
    try {
      expect(await handshake(await readFile(tls.caFile, 'utf8'))).toBe(true);
      expect(await handshake()).toBe(false);
    } finally {
      server.close();
    }
  });
});
