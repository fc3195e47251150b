import { paginateListObjectsV2, type _Object, type S3Client } from '@aws-sdk/client-s3';

/** Every object under a prefix, page by page (S3 returns at most 1000 per request). */
export async function* listObjects(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<_Object[]> {
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    yield page.Contents ?? [];
  }
}
