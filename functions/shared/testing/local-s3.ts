/**
 * A real S3 API for tests: s3rver on 127.0.0.1, a random port and a fresh directory, with one
 * bucket. It accepts only its own access key (S3RVER) and enforces the expiry of presigned URLs,
 * but checks neither SigV4 signatures nor POST policies: tests assert those themselves.
 *
 * It runs in a child process because its continuation tokens use DES, which Node's OpenSSL 3
 * offers only with the legacy provider; without it every truncated listing fails.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import { ENV, type StorageConfig } from '../config.ts';
import { createS3Client } from '../s3-client.ts';

const require = createRequire(import.meta.url);

export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LocalS3 {
  config: StorageConfig & { s3Endpoint: string };
  /** A client for arranging and inspecting the bucket. */
  s3: S3Client;
  /** The environment a handler needs to run against this server, by the names in ENV. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startLocalS3(bucket = 'imagegraph-test'): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'imagegraph-s3-'));
  const server = fork(fileURLToPath(new URL('./s3rver-process.ts', import.meta.url)), [directory, bucket], {
    // tsx by path: a bare --import resolves from the working directory, which may be anywhere.
    execArgv: ['--openssl-legacy-provider', '--import', pathToFileURL(require.resolve('tsx')).href],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await portOf(server);
  const config = { bucket, region: 'us-east-1', s3Endpoint: `http://127.0.0.1:${port}` };
  const s3 = createS3Client(config, LOCAL_S3_CREDENTIALS);
  return {
    config,
    s3,
    env: {
      [ENV.bucket]: config.bucket,
      [ENV.region]: config.region,
      [ENV.s3Endpoint]: config.s3Endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    },
    async close() {
      s3.destroy();
      const exited = once(server, 'exit');
      server.kill();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function portOf(server: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('message', (message: unknown) => {
      if (typeof message === 'number') resolve(message);
      else reject(new Error(`s3rver sent ${JSON.stringify(message)} instead of its port`));
    });
    server.once('exit', (code) => reject(new Error(`s3rver exited with code ${String(code)} before listening`)));
  });
}
