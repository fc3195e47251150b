import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type CallerIdentity, type LambdaResult, toLambdaResult, UserError } from '../shared/appsync-lambda.ts';
import type { DownloadConfig } from '../shared/config.ts';
import { parseKey } from '../shared/storage-keys.ts';

/** One element of the BatchInvoke behind Image.originalUrl and Thumbnail.url. */
export interface SignUrlRequest {
  identity: CallerIdentity;
  /** The stored key of the original or thumbnail; null when the image has none. */
  key: string | null;
}

export interface DownloadUrlDeps {
  s3: S3Client;
  config: DownloadConfig;
}

/**
 * Signs every request of a batch, in order. A refusal is that element's error, so one foreign key
 * costs only its own field, not the whole page of results.
 */
export function signDownloadUrls(deps: DownloadUrlDeps, requests: SignUrlRequest[]): Promise<LambdaResult<string | null>[]> {
  return Promise.all(requests.map((request) => toLambdaResult(() => signDownloadUrl(deps, request))));
}

/** A short-lived GET URL for an original or thumbnail the caller may read; null for no key. */
export async function signDownloadUrl({ s3, config }: DownloadUrlDeps, { identity, key }: SignUrlRequest): Promise<string | null> {
  if (key === null) return null;
  if (!maySign(identity, key)) throw new UserError('Unauthorized', `Not allowed to read ${key}`);
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: config.bucket, Key: key }), {
    expiresIn: config.downloadUrlTtlSeconds,
  });
}

/**
 * Only originals and thumbnails are ever handed out: a user's own, or anyone's to the backend (IAM,
 * no sub). Metadata sidecars and keys outside the layout never are.
 */
function maySign({ sub }: CallerIdentity, key: string): boolean {
  // URL parsers resolve dot segments, so such a key would not name the object that was checked.
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) return false;
  const parsed = parseKey(key);
  if (!parsed || parsed.area === 'meta') return false;
  return sub === null || parsed.ownerSub === sub;
}
