import type { ApolloClient } from '@apollo/client';
import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { detectImageType } from '../../../functions/process-image/analysis/image-type.ts';
import { ImageRejected } from '../../../functions/process-image/image-rejected.ts';
import { AuthError } from '../../src/api/session.ts';
import { contentTypeForName, fetchPost, uploadFile, uploadProblem, type PostForm } from '../../src/api/upload.ts';
import type { Progress } from '../progress.ts';
import type { UploadedImages } from './uploaded-images.ts';

export interface ImageFileListing {
  files: string[];
  /** Symbolic links met inside directories: not followed (a loop, or a way out of the folder). */
  links: string[];
}

/**
 * The files to upload: named files as given (a named symbolic link is followed: the user chose
 * it), directories walked recursively for image file names (other files in them are ignored), in
 * a stable order, each once. Links inside directories are listed apart, not followed.
 */
export async function listImageFiles(paths: string[]): Promise<ImageFileListing> {
  const found = new Set<string>();
  const links: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    const entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = path.join(directory, entry.name);
      if (entry.isSymbolicLink()) links.push(child);
      else if (entry.isDirectory()) await walk(child);
      else if (entry.isFile() && contentTypeForName(entry.name)) found.add(child);
    }
  };
  for (const entry of paths) {
    const info = await stat(entry);
    if (info.isDirectory()) await walk(entry);
    else if (info.isFile()) found.add(entry);
  }
  return { files: [...found], links };
}

/** Enough of a file for its format to show (file-type reads the first 4,100 bytes). */
const SNIFF_BYTES = 64 * 1024;

/**
 * Why processing would refuse this file as not an image, by the pipeline's own check of its first
 * bytes (a text file named .jpg); null when its format is accepted. Refused here, it never becomes
 * a failed image in the library.
 */
async function notAnImage(blob: Blob): Promise<string | null> {
  try {
    await detectImageType(Buffer.from(await blob.slice(0, SNIFF_BYTES).arrayBuffer()));
    return null;
  } catch (error) {
    if (error instanceof ImageRejected) return error.reason;
    throw error;
  }
}

async function sha256Blob(blob: Blob): Promise<string> {
  const hash = createHash('sha256');
  const reader = blob.stream().getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) hash.update(chunk.value);
  return hash.digest('hex');
}

export interface UploadOutcome {
  path: string;
  /** `interrupted`: not uploaded because the run was stopped first (Ctrl-C, or the session ended). */
  status: 'uploaded' | 'skipped' | 'failed' | 'interrupted';
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
  /** Once aborted, no new upload starts; those under way finish. An ended session stops it too. */
  signal?: AbortSignal;
}

/**
 * Uploads files `concurrency` at a time, each read, hashed and uploaded in one go (so uploads
 * start with the first files, and a large folder is never read whole before anything is sent),
 * skipping contents the user already has (by sha256). The bytes hashed are the bytes sent: a file
 * that changes after it was opened fails rather than being recorded under another hash. Of the
 * same bytes twice in one run, the first in `files` order is uploaded and the others wait for it,
 * so which file wins does not depend on timing.
 */
export async function uploadFiles({ client, files, uploaded, concurrency, progress, post = fetchPost, signal }: UploadFilesOptions): Promise<UploadOutcome[]> {
  const limit = pLimit(Math.max(1, concurrency));
  const inRun = new Map<string, Promise<string | undefined>>();
  // Each file claims its hash after the previous file has claimed (or given up) its own, so
  // claims happen in `files` order while the reading and hashing before them run concurrently.
  let previousClaim: Promise<void> = Promise.resolve();
  // Once the session has ended (refresh token expired or revoked), no later file can get a ticket.
  let sessionEnded: string | undefined;
  progress.start(files.length, 'Uploading');
  try {
    return await Promise.all(
      files.map((file) => {
        const turn = previousClaim;
        let claimed!: () => void;
        previousClaim = new Promise((resolve) => (claimed = resolve));
        return limit(async (): Promise<UploadOutcome> => {
          let release: ((imageId: string | undefined) => void) | undefined;
          const stopped = (): UploadOutcome | undefined =>
            signal?.aborted || sessionEnded
              ? { path: file, status: 'interrupted', reason: `not uploaded: ${sessionEnded ?? 'interrupted'}` }
              : undefined;
          try {
            const early = stopped();
            if (early) return early;
            await stat(file); // openAsBlob's own error does not say why ("Unable to open file as blob")
            const blob = await openAsBlob(file);
            const name = path.basename(file);
            const type = contentTypeForName(name) ?? '';
            const problem = uploadProblem({ name, type, size: blob.size });
            const refused = problem ?? (await notAnImage(blob).then((reason) => reason && `${name}: ${reason}`));
            if (refused) return { path: file, status: 'failed', reason: refused };
            const sha256 = await sha256Blob(blob);
            await turn;
            const earlier = uploaded.find(sha256) ?? inRun.get(sha256);
            if (earlier === undefined) inRun.set(sha256, new Promise((resolve) => (release = resolve)));
            claimed();
            const earlierId = await earlier;
            if (earlierId) return { path: file, status: 'skipped', imageId: earlierId, reason: 'already uploaded' };
            const late = stopped();
            if (late) return late;
            const { imageId } = await uploadFile({ client, post, file: { name, type, size: blob.size, blob } });
            release?.(imageId);
            uploaded.add(sha256, imageId);
            return { path: file, status: 'uploaded', imageId };
          } catch (error) {
            if (error instanceof AuthError) sessionEnded ??= error.message;
            return { path: file, status: 'failed', reason: (error as Error).message };
          } finally {
            // A file that never claimed still passes its turn on, but not before its own turn came.
            void turn.then(claimed);
            release?.(undefined);
            progress.advance();
          }
        });
      }),
    );
  } finally {
    progress.stop();
  }
}
