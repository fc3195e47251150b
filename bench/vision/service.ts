/** The parent side: forks service-child.ts under tsx and reads its peak RSS from /proc. */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLOUD_NODE_FLAGS } from '../../local/config.ts';
import type { S3Options } from '../../local/rekognition/service.ts';

const require = createRequire(import.meta.url);

export interface ServiceProcess {
  url: string;
  /** From the start call to listening, and to warm models (ms). */
  listenMs: number;
  readyMs: number;
  /** Peak resident set size of the service process so far (VmHWM), MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** `s3`: where the service reads Image.S3Object from. */
export async function startServiceProcess(workers: number, s3: S3Options): Promise<ServiceProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./service-child.ts', import.meta.url)), [String(workers), JSON.stringify(s3)], {
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href, ...CLOUD_NODE_FLAGS],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [listening] = (await once(child, 'message')) as [{ url: string; listenMs: number }];
  const [ready] = (await once(child, 'message')) as [{ readyMs: number }];
  return {
    url: listening.url,
    listenMs: listening.listenMs,
    readyMs: ready.readyMs,
    peakRssMb: () => {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return Number(match?.[1] ?? 0) / 1024;
    },
    stop: async () => {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}
