import { DeleteObjectsCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { imageIdProblem } from '../../resolvers/lib/inputLimits.ts';
import { type CallerIdentity, refuse, requireUser, UserError } from '../shared/appsync-lambda.ts';
import type { StorageConfig } from '../shared/config.ts';
import { uploadPrefix } from '../shared/storage-keys.ts';

export interface DeleteImageDeps {
  s3: S3Client;
  config: StorageConfig;
}

/**
 * Deletes the caller's original of image `id` and returns the id. Only the caller's own prefix is
 * ever listed, so another user's image is simply not found. Thumbnails, the sidecar and the index
 * entry are removed by the processing function when S3 reports the original's removal.
 */
export async function deleteImage({ s3, config }: DeleteImageDeps, identity: CallerIdentity, id: string): Promise<string> {
  const ownerSub = requireUser(identity);
  // Exactly an id of ours: anything else could widen the listed prefix.
  refuse(imageIdProblem('id', id));

  let deleted = 0;
  // A page holds at most 1000 keys, as many as one DeleteObjects takes. Deleting listed keys does
  // not disturb the listing: its continuation token points after the last key returned.
  const pages = paginateListObjectsV2({ client: s3 }, { Bucket: config.bucket, Prefix: uploadPrefix(ownerSub, id) });
  for await (const page of pages) {
    const keys = (page.Contents ?? []).flatMap(({ Key }) => (Key ? [Key] : []));
    if (keys.length === 0) continue;
    await deleteKeys(s3, config.bucket, keys);
    deleted += keys.length;
  }
  if (deleted === 0) throw new UserError('NotFound', `No image ${id}`);
  return id;
}

// DeleteObjects succeeds as a request even when keys fail; those come back in Errors.
async function deleteKeys(s3: S3Client, bucket: string, keys: string[]): Promise<void> {
  const { Errors = [] } = await s3.send(
    new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
  );
  if (Errors.length > 0) {
    const failures = Errors.map(({ Key, Code, Message }) => `${Key}: ${Code} ${Message}`).join('; ');
    throw new Error(`Could not delete ${Errors.length} of ${keys.length} objects: ${failures}`);
  }
}
