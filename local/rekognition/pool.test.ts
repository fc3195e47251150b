/** The pool's queueing and failure handling, with a model-free stand-in for worker.ts. */
import { describe, expect, it } from 'vitest';
import { RekognitionError } from './core/errors.ts';
import { type PoolOptions, WorkerPool } from './pool.ts';
import { errorType } from './testing/error-type.ts';

const fake = (data: object) => ({ url: new URL('./testing/fake-worker.mjs', import.meta.url), data });
const file = { bytes: new Uint8Array(3) };

/** `run` against a pool, closed afterwards whatever happens. */
async function withPool(options: PoolOptions, run: (pool: WorkerPool) => Promise<void>): Promise<void> {
  const pool = new WorkerPool(options);
  try {
    await run(pool);
  } finally {
    await pool.close();
  }
}

describe('WorkerPool', () => {
  it('queues requests during warm-up and throttles beyond the bound', async () => {
    await withPool({ workers: 1, maxQueue: 2, worker: fake({ readyMs: 200 }) }, async (pool) => {
      const queued = [pool.run('moderation', file), pool.run('moderation', file)];
      expect(await errorType(pool.run('moderation', file))).toBe('ThrottlingException');
      await pool.ready;
      expect(await Promise.all(queued)).toEqual([
        { kind: 'moderation', size: 3 },
        { kind: 'moderation', size: 3 },
      ]);
    });
  });

  it('makes an input given as a function only once a worker takes the task, never for a throttled one', async () => {
    await withPool({ workers: 2, maxQueue: 4, worker: fake({ delayMs: 20 }) }, async (pool) => {
      let made = 0;
      let held = 0;
      let peak = 0;
      const run = () => {
        const input = () => {
          made++;
          peak = Math.max(peak, ++held);
          return Promise.resolve({ bytes: new Uint8Array(5) });
        };
        return pool.run('moderation', input).finally(() => held--);
      };
      await pool.ready;
      const accepted = Array.from({ length: 6 }, run);
      expect(await errorType(run())).toBe('ThrottlingException');
      expect(await Promise.all(accepted)).toEqual(Array.from({ length: 6 }, () => ({ kind: 'moderation', size: 5 })));
      // One input per worker made or held at a time; none for the throttled request.
      expect(peak).toBe(2);
      expect(made).toBe(6);
    });
  });

  it('fails only the task whose input cannot be made', async () => {
    await withPool({ workers: 1, worker: fake({}) }, async (pool) => {
      await pool.ready;
      const broken = pool.run('objects', () => Promise.reject(new RekognitionError('InvalidImageFormatException', 'undecodable')));
      const next = pool.run('moderation', () => Promise.resolve(file));
      expect(await errorType(broken)).toBe('InvalidImageFormatException');
      expect(await next).toEqual({ kind: 'moderation', size: 3 });
    });
  });

  it('fails only the request of a worker that dies, and replaces the worker', async () => {
    await withPool({ workers: 1, worker: fake({}) }, async (pool) => {
      await pool.ready;
      expect(await errorType(pool.run('text', file))).toBe('InternalServerError');
      expect(await pool.run('moderation', file)).toEqual({ kind: 'moderation', size: 3 });
    });
  });

  it('reports models that cannot load, on ready and on every request', async () => {
    await withPool({ workers: 1, worker: fake({ fail: true }) }, async (pool) => {
      const waiting = pool.run('moderation', file);
      await expect(pool.ready).rejects.toThrow('no models here');
      expect(await errorType(waiting)).toBe('InternalServerError');
      expect(await errorType(pool.run('moderation', file))).toBe('InternalServerError');
    });
  });
});
