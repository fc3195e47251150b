import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from './server.ts';

const CONFIG = { graphqlUrl: 'http://127.0.0.1:1/graphql', userPoolClientId: 'client' };
let dir: string;
let server: WebServer;

/** Raw requests: fetch would normalize the path and refuse to send some headers. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const { port } = new URL(server.url);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const call = request({ host: '127.0.0.1', port, path, method, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    call.on('error', reject).end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'web-server-'));
  const root = join(dir, 'app');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(root, '.vite'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, '.vite', 'manifest.json'), '{}');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'escape.txt'));
  server = await startWebServer({ root, config: CONFIG, connectOrigins: ['http://127.0.0.1:1'], imageOrigins: ['http://127.0.0.1:2'], port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the local web server', () => {
  it('serves index.html with the deployed security headers, revalidated', async () => {
    const reply = await get('/');
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<title>app</title>');
    expect(reply.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    });
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:1");
    expect(csp).toContain("img-src 'self' http://127.0.0.1:2");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('serves config.json, the deployment as the stack writes it, never cached', async () => {
    const reply = await get('/config.json');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual(CONFIG);
    expect(reply.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
  });

  it('caches hashed assets for a year with their content type; HEAD has no body', async () => {
    const reply = await get('/assets/index-abc123.js');
    expect(reply).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(reply.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' });
    const head = await get('/assets/index-abc123.js', {}, 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe('14');
  });

  it('answers client-side routes with the app, and missing files with 404', async () => {
    expect(await get('/image/01ABC')).toMatchObject({ status: 200, body: expect.stringContaining('<title>app</title>') });
    expect(await get('/assets/missing-123.js')).toMatchObject({ status: 404 });
    expect(await get('/missing.css')).toMatchObject({ status: 404 });
  });

  it('never serves anything outside its root, nor dot files', async () => {
    expect(await get('/escape.txt')).toMatchObject({ status: 404 });
    expect((await get('/../secret.txt')).body).not.toContain('outside');
    expect(await get('/..%2fsecret.txt')).toMatchObject({ status: 400 });
    expect(await get('/.vite/manifest.json')).toMatchObject({ status: 404 });
  });

  it('takes GET and HEAD only', async () => {
    const reply = await get('/', {}, 'POST');
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
  });

  it('refuses a foreign Host (DNS rebinding) and foreign origins, accepts its own origin', async () => {
    expect(await get('/', { host: 'evil.example' })).toMatchObject({ status: 403, body: expect.stringContaining('DNS rebinding') });
    expect(await get('/', { origin: 'http://evil.example' })).toMatchObject({ status: 403 });
    expect(await get('/', { origin: 'http://127.0.0.1:1' })).toMatchObject({ status: 403 });
    const { port } = new URL(server.url);
    expect(await get('/assets/index-abc123.js', { origin: `http://127.0.0.1:${port}` })).toMatchObject({ status: 200 });
    expect(await get('/assets/index-abc123.js', { origin: `http://localhost:${port}` })).toMatchObject({ status: 200 });
  });
});
