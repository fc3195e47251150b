import type { ApolloClient } from '@apollo/client';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { openAsBlob } from 'node:fs';
import pLimit from 'p-limit';
import { contentTypeForName, fetchPost, uploadFile, uploadProblem, type PostForm } from '../../src/api/upload.ts';
import type { Progress } from '../progress.ts';
import type { UploadedImages } from './uploaded-images.ts';

/**
 * The files to upload: named files as given, directories walked recursively for image file names
 * (other files in them are ignored), in a stable order, each once.
 */
export async function listImageFiles(paths: string[]): Promise<string[]> {
  const found = new Set<string>();
  const walk = async (entry: string, named: boolean): Promise<void> => {
    const info = await stat(entry);
    if (info.isDirectory()) {
      const children = (await readdir(entry)).sort();
      for (const child of children) await walk(path.join(entry, child), false);
    } else if (info.isFile() && (named || contentTypeForName(entry))) {
      found.add(entry);
    }
  };
  for (const entry of paths) await walk(entry, true);
  return [...found];
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface UploadOutcome {
  path: string;
  status: 'uploaded' | 'skipped' | 'failed';
  imageId?: string;
  reason?: string;
}

export interface UploadFilesOptions {
  client: ApolloClient;
  files: string[];
  uploaded: UploadedImages;
  concurrency: number;
  progress: Progress;
  post?: PostForm;
}

/**
 * Uploads files `concurrency` at a time, skipping contents the user already has (by sha256). Of
 * the same bytes twice in one run, the first in `files` order is uploaded and the others wait for
 * it, so which file wins does not depend on timing.
 */
export async function uploadFiles({ client, files, uploaded, concurrency, progress, post = fetchPost }: UploadFilesOptions): Promise<UploadOutcome[]> {
  const limit = pLimit(Math.max(1, concurrency));
  const inRun = new Map<string, Promise<string | undefined>>();
  // Each file's claim waits for the previous file's, so claims happen in `files` order while the
  // reading and hashing before them still run concurrently.
  let previousClaim: Promise<unknown> = Promise.resolve();
  progress.start(files.length, 'Uploading');
  try {
    return await Promise.all(
      files.map((file) => {
        const checked = limit(async () => {
          const { size } = await stat(file);
          const name = path.basename(file);
          const problem = uploadProblem({ name, type: contentTypeForName(name) ?? '', size });
          return { name, size, problem, sha256: problem ? undefined : await sha256File(file) };
        });
        const claim = previousClaim.then(async () => {
          const { sha256 } = await checked;
          if (sha256 === undefined) return { sha256, earlier: undefined, upload: undefined };
          const earlier = uploaded.find(sha256) ?? inRun.get(sha256);
          if (earlier !== undefined) return { sha256, earlier, upload: undefined };
          let release!: (imageId: string | undefined) => void;
          inRun.set(sha256, new Promise((resolve) => (release = resolve)));
          return { sha256, earlier: undefined, upload: release };
        });
        previousClaim = claim.catch(() => undefined);
        return (async (): Promise<UploadOutcome> => {
          try {
            const { name, size, problem } = await checked;
            if (problem) return { path: file, status: 'failed', reason: problem };
            const { sha256, earlier, upload } = await claim;
            if (earlier !== undefined) {
              const imageId = await earlier;
              if (imageId) return { path: file, status: 'skipped', imageId, reason: 'already uploaded' };
            }
            try {
              const imageId = await limit(async () => {
                const blob = await openAsBlob(file);
                return (await uploadFile({ client, post, file: { name, type: contentTypeForName(name) ?? '', size, blob } })).imageId;
              });
              upload?.(imageId);
              if (sha256) uploaded.add(sha256, imageId);
              return { path: file, status: 'uploaded', imageId };
            } catch (error) {
              upload?.(undefined);
              throw error;
            }
          } catch (error) {
            return { path: file, status: 'failed', reason: (error as Error).message };
          } finally {
            progress.advance();
          }
        })();
      }),
    );
  } finally {
    progress.stop();
  }
}
