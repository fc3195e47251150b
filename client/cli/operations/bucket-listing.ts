import { ListObjectsV2Command, type _Object, type S3Client } from '@aws-sdk/client-s3';

/** Every object under a prefix, page by page (S3 returns at most 1000 per request). */
export async function* listObjects(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<_Object[]> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    yield page.Contents ?? [];
    token = page.NextContinuationToken;
  } while (token);
}
