import { DeleteObjectsCommand, type DeleteObjectsCommandOutput, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../shared/appsync-lambda.ts';
import { newImageId } from '../shared/image-id.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from '../shared/testing/local-s3.ts';
import { deleteImage } from './image-deletion.ts';

const ALICE = { sub: 'a1a1a1a1-0000-4000-8000-000000000001' };
const BOB = { sub: 'b2b2b2b2-0000-4000-8000-000000000002' };

describe('deleteImage against a local S3', () => {
  let local: LocalS3;
  let deps: Parameters<typeof deleteImage>[0];

  beforeAll(async () => {
    local = await startLocalS3();
    deps = { s3: local.s3, config: local.config };
  });
  afterAll(async () => {
    await local.close();
  });

  async function put(...keys: string[]): Promise<void> {
    await Promise.all(
      keys.map((Key) => local.s3.send(new PutObjectCommand({ Bucket: local.config.bucket, Key, Body: Key }))),
    );
  }

  async function keysUnder(prefix: string): Promise<string[]> {
    const { Contents = [] } = await local.s3.send(new ListObjectsV2Command({ Bucket: local.config.bucket, Prefix: prefix }));
    return Contents.map(({ Key }) => Key ?? '').sort();
  }

  it("deletes every object of the caller's image and nothing else", async () => {
    const [image, otherImage, bobsImage] = [newImageId(), newImageId(), newImageId()];
    await put(
      `uploads/${ALICE.sub}/${image}/photo.jpg`,
      `uploads/${ALICE.sub}/${image}/photo (copy).jpg`,
      `uploads/${ALICE.sub}/${otherImage}/other.jpg`,
      `thumbnails/${ALICE.sub}/${image}/256.webp`,
      `uploads/${BOB.sub}/${bobsImage}/bob.jpg`,
    );

    await expect(deleteImage(deps, ALICE, image)).resolves.toBe(image);

    expect(await keysUnder(`uploads/${ALICE.sub}/${image}/`)).toEqual([]);
    expect(await keysUnder(`uploads/${ALICE.sub}/`)).toEqual([`uploads/${ALICE.sub}/${otherImage}/other.jpg`]);
    expect(await keysUnder(`uploads/${BOB.sub}/`)).toEqual([`uploads/${BOB.sub}/${bobsImage}/bob.jpg`]);
    // Derived objects are the processing function's to remove, on the ObjectRemoved event.
    expect(await keysUnder(`thumbnails/${ALICE.sub}/${image}/`)).toEqual([`thumbnails/${ALICE.sub}/${image}/256.webp`]);
  });

  it('reports an image deleted before as not found', async () => {
    const image = newImageId();
    await put(`uploads/${ALICE.sub}/${image}/photo.jpg`);
    await deleteImage(deps, ALICE, image);

    await expect(deleteImage(deps, ALICE, image)).rejects.toMatchObject({ type: 'NotFound', message: `No image ${image}` });
  });

  it("treats another user's image as not found and leaves it alone", async () => {
    const bobsImage = newImageId();
    await put(`uploads/${BOB.sub}/${bobsImage}/bob.jpg`);

    const failure = deleteImage(deps, ALICE, bobsImage);
    await expect(failure).rejects.toBeInstanceOf(UserError);
    await expect(failure).rejects.toMatchObject({ type: 'NotFound', message: `No image ${bobsImage}` });
    expect(await keysUnder(`uploads/${BOB.sub}/${bobsImage}/`)).toEqual([`uploads/${BOB.sub}/${bobsImage}/bob.jpg`]);
  });

  it.each([
    ['empty', ''],
    ['too short', '01HZX3V6Q8'],
    ['too long', '01HZX3V6Q8K2M4N5P6R7S8T9VWX'],
    ['lower case', '01hzx3v6q8k2m4n5p6r7s8t9vw'],
    ['not Crockford base32 (U)', '01HZX3V6Q8K2M4N5P6R7S8T9VU'],
    ['past the largest time', '81HZX3V6Q8K2M4N5P6R7S8T9VW'],
    ['a path', `../${BOB.sub}/01HZX3V6Q8K2M4N5P6R7S8T9VW`],
    ['an id with a slash', '01HZX3V6Q8K2M4N5P6R7S8T9V/'],
    ['a wildcard-ish prefix', '01HZX3V6Q8K2M4N5P6R7S8T9V*'],
    ['200 KB long', '01HZX3V6Q8K2M4N5P6R7S8T9VW'.repeat(8000)],
  ])('refuses an id that is %s, without quoting it', async (_case, id) => {
    await expect(deleteImage(deps, ALICE, id)).rejects.toMatchObject({
      type: 'BadRequest',
      message: 'id is not an image id: 26 characters, as requestUpload returns it',
    });
  });

  it('refuses a prefix of an existing id instead of deleting what it matches', async () => {
    const image = newImageId();
    await put(`uploads/${ALICE.sub}/${image}/photo.jpg`);

    await expect(deleteImage(deps, ALICE, image.slice(0, 20))).rejects.toMatchObject({ type: 'BadRequest' });
    expect(await keysUnder(`uploads/${ALICE.sub}/${image}/`)).toHaveLength(1);
  });

  it('refuses IAM callers, who have no images', async () => {
    const image = newImageId();
    await put(`uploads/${ALICE.sub}/${image}/photo.jpg`);

    await expect(deleteImage(deps, { sub: null }, image)).rejects.toMatchObject({
      type: 'Unauthorized',
      message: 'Only signed-in users can do this',
    });
    expect(await keysUnder(`uploads/${ALICE.sub}/${image}/`)).toHaveLength(1);
  });

  it('deletes past the first page of a listing', async () => {
    const image = newImageId();
    const prefix = `uploads/${ALICE.sub}/${image}/`;
    const keys = Array.from({ length: 1001 }, (_, i) => `${prefix}${String(i).padStart(4, '0')}.jpg`);
    for (let i = 0; i < keys.length; i += 100) await put(...keys.slice(i, i + 100));

    await expect(deleteImage(deps, ALICE, image)).resolves.toBe(image);
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it('fails, not as a user error, when S3 reports keys it could not delete', async () => {
    const image = newImageId();
    const key = `uploads/${ALICE.sub}/${image}/photo.jpg`;
    await put(key);
    // The real client, with S3's per-key failure report written into the DeleteObjects response.
    const s3 = createS3Client(local.config, LOCAL_S3_CREDENTIALS);
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === DeleteObjectsCommand.name) {
          (result.output as DeleteObjectsCommandOutput).Errors = [{ Key: key, Code: 'AccessDenied', Message: 'Access Denied' }];
        }
        return result;
      },
      { step: 'initialize' },
    );

    const failure = deleteImage({ s3, config: local.config }, ALICE, image);
    await expect(failure).rejects.not.toBeInstanceOf(UserError);
    await expect(failure).rejects.toThrow(`Could not delete 1 of 1 objects: ${key}: AccessDenied Access Denied`);
    s3.destroy();
  });
});
