import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import S3rver from 's3rver';
import { afterEach, describe, expect, it } from 'vitest';
import { dropRequestLog } from './request-log.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A silent s3rver with bucket `b`, served on 127.0.0.1, and how many request lines its logger was given. */
async function served(drop: boolean): Promise<{ url: string; logged: () => number; silent: boolean; middleware: number }> {
  const directory = await mkdtemp(join(tmpdir(), 'imagegraph-request-log-'));
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: 'b', configs: [] }] });
  const logger = (s3rver as unknown as { logger: { info: (...args: unknown[]) => unknown; silent: boolean } }).logger;
  let calls = 0;
  const info = logger.info.bind(logger);
  // koa-logger's answer line, as s3rver cuts it (" 10ms 227b", coloured when colour is forced); s3rver's controllers log their own too.
  logger.info = (...args: unknown[]) => (/\b\d+ms\b/.test(stripVTControlCharacters(String(args[0]))) && calls++, info(...args));
  if (drop) dropRequestLog(s3rver);
  await s3rver.configureBuckets();
  const server = createServer(s3rver.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)), () => rm(directory, { recursive: true, force: true }));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/b`, logged: () => calls, silent: logger.silent, middleware: (s3rver as unknown as { middleware: unknown[] }).middleware.length };
}

describe('dropRequestLog', () => {
  it('stops s3rver logging each request, and it still answers', async () => {
    const [logging, quiet] = await Promise.all([served(false), served(true)]);
    for (const { url } of [quiet, logging]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<ListBucketResult');
    }
    // koa-logger logs once the answer is sent; the quiet one's came first.
    await expect.poll(() => logging.logged()).toBe(1);
    expect(quiet.logged()).toBe(0);
    // s3rver's own lines stop before winston formats them.
    expect([Boolean(logging.silent), quiet.silent]).toEqual([false, true]);
    expect(quiet.middleware).toBe(logging.middleware - 1);
  });

  it('refuses an s3rver whose first middleware is not its request logger', () => {
    const changed = { middleware: [function other() {}], logger: { silent: false } } as unknown as S3rver;
    expect(() => dropRequestLog(changed)).toThrow("s3rver's first middleware is no longer its request logger");
  });
});
