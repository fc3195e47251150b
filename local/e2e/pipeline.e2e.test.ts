/**
 * The product as a user uses it: `npm start` in its own process, two users signed up through
 * Cognito, the web app's and CLI's own client (Apollo with AWS's AppSync links over a real
 * WebSocket), uploads straight to the presigned POST, and the real vision models.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteImageDocument, ImageDocument, SearchImagesDocument } from '../../client/src/generated/graphql.ts';
import { DEFAULTS } from '../../functions/shared/config.ts';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { LOCAL_CREDENTIALS } from '../config.ts';
import { FOREIGN_ORIGIN, rawRequest } from '../testing/sigv4-refusals.ts';
import type { CloudProcess } from './cloud-process.ts';
import { indexedDocuments, queueDepths, waitFor } from './probes.ts';
import { eventFor, startTwoUsers, type TwoUsers } from './two-users.ts';
import { upload } from './uploads.ts';
import type { TestUser } from './users.ts';

/** A cup of coffee, as a camera would write it: JPEG with the camera in its EXIF. */
const PHOTO = await sharp(readFileSync(new URL('./fixtures/coffee.png', import.meta.url)))
  .jpeg({ quality: 90 })
  .withExif({ IFD0: { Make: 'SONY', Model: 'NEX-3N' } })
  .toBuffer();
/** Just over the largest upload the presigned POST allows. */
const TOO_LARGE = Buffer.alloc(DEFAULTS.maxUploadBytes + 1, 0xff);

const dataDir = mkdtempSync(join(tmpdir(), 'imagegraph-e2e-'));
let users: TwoUsers;
let cloud: CloudProcess;
let alice: TestUser;
let bob: TestUser;
let events: TwoUsers['events'];

async function search(user: TestUser, variables: Record<string, unknown>) {
  const { data } = await user.client.query({ query: SearchImagesDocument, variables, fetchPolicy: 'no-cache' });
  return data!.searchImages;
}

async function queueDrained(): Promise<void> {
  await waitFor('the processing queue to drain', async () => {
    const depths = await queueDepths(cloud.outputs);
    return depths.waiting + depths.inFlight === 0;
  }, 30_000);
}

beforeAll(async () => {
  users = await startTwoUsers(dataDir, ['--vision', 'models']);
  ({ cloud, alice, bob, events } = users);
}, 120_000);

afterAll(async () => {
  if (users) expect(await users.stop()).toBe(0);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the pipeline, end to end', () => {
  let imageId: string;
  let thumbnailUrl: string;

  it('an upload is processed, announced live with labels and thumbnails, and found by label and camera', async () => {
    const sent = await upload(alice, { name: 'cups.jpg', type: 'image/jpeg', bytes: PHOTO });
    expect(sent.status).toBe(204);
    imageId = sent.ticket.imageId;

    const event = await eventFor(events.alice, imageId, 'PROCESSED');
    expect(event.ownerSub).toBe(alice.sub);
    expect(event.image?.labels.map((label) => label.name)).toContain('Cup');
    expect(event.image?.thumbnails.length).toBeGreaterThanOrEqual(3);

    const byLabel = await search(alice, { query: 'cup' });
    expect(byLabel.items.map((item) => item.id)).toContain(imageId);
    const camera = byLabel.facets.cameras[0]?.value;
    expect(camera).toMatch(/NEX-3N/);
    const byCamera = await search(alice, { filter: { camera } });
    expect(byCamera.items.map((item) => item.id)).toEqual([imageId]);

    thumbnailUrl = byLabel.items.find((item) => item.id === imageId)?.thumbnails[0]?.url ?? '';
    expect(thumbnailUrl).toMatch(/^http/);
    const thumbnail = await fetch(thumbnailUrl);
    expect(thumbnail.status).toBe(200);
    expect((await thumbnail.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  it("another user sees nothing of it: not in search, not by id, not live, and cannot delete it", async () => {
    expect((await search(bob, {})).totalCount).toBe(0);
    const { data } = await bob.client.query({ query: ImageDocument, variables: { id: imageId }, fetchPolicy: 'no-cache' });
    expect(data?.image).toBeNull();
    expect(events.bob).toEqual([]);
    await expect(bob.client.mutate({ mutation: DeleteImageDocument, variables: { id: imageId } })).rejects.toThrow(/no image|not found/i);
    expect((await search(alice, { query: 'cup' })).items.map((item) => item.id)).toContain(imageId);
  });

  it('the same S3 event delivered twice leaves one document', async () => {
    const before = await indexedDocuments(cloud.outputs, imageId);
    const source = before.source as { originalKey: string; etag: string; sequencer: string; bytes: number };
    const record = {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventName: 'ObjectCreated:Post',
      s3: { bucket: { name: cloud.outputs[OUTPUT_KEYS.bucketName] }, object: { key: source.originalKey, size: PHOTO.length, eTag: source.etag, sequencer: source.sequencer } },
    };
    const sqs = new SQSClient({ endpoint: cloud.outputs.SqsEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    await sqs.send(new SendMessageCommand({ QueueUrl: cloud.outputs[OUTPUT_KEYS.queueUrl], MessageBody: JSON.stringify({ Records: [record] }) }));
    await queueDrained();
    const after = await indexedDocuments(cloud.outputs, imageId);
    expect(after.count).toBe(1);
    expect(after.source).toEqual(before.source);
    expect(events.alice.filter((event) => event.imageId === imageId && event.status === 'PROCESSED')).toHaveLength(1);
  });

  it('refuses what an attacker sent: unsigned calls to the queue, vision, search and Cognito admin, a web page, anonymous storage', async () => {
    const { originalKey } = (await indexedDocuments(cloud.outputs, imageId)).source as { originalKey: string };
    const post = (url: string | undefined, headers: Record<string, string>, body: unknown) =>
      rawRequest(new URL(url ?? ''), { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const removal = { Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: cloud.outputs[OUTPUT_KEYS.bucketName] }, object: { key: originalKey, sequencer: 'FFFFFFFFFFFFFFFF' } } }] };
    const forgedRemoval = await post(
      cloud.outputs[LOCAL_OUTPUT_KEYS.sqsEndpoint],
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      { QueueUrl: cloud.outputs[OUTPUT_KEYS.queueUrl], MessageBody: JSON.stringify(removal) },
    );
    expect(forgedRemoval.status, forgedRemoval.body).toBe(403);
    const vision = await post(
      cloud.outputs[LOCAL_OUTPUT_KEYS.visionEndpoint],
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.DetectLabels' },
      { Image: { S3Object: { Bucket: cloud.outputs[OUTPUT_KEYS.bucketName], Name: originalKey } } },
    );
    expect(vision.status, vision.body).toBe(400);
    expect(JSON.parse(vision.body)).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    const searchEndpoint = cloud.outputs[OUTPUT_KEYS.searchEndpoint];
    expect((await post(`${searchEndpoint}/images/_search`, { 'content-type': 'application/json' }, { query: { match_all: {} } })).status).toBe(403);
    const fromPage = await post(`${searchEndpoint}/images/_delete_by_query`, { 'content-type': 'text/plain', origin: FOREIGN_ORIGIN }, { query: { match_all: {} } });
    expect(fromPage.status, fromPage.body).toBe(403);
    const listUsers = await post(
      cloud.outputs[LOCAL_OUTPUT_KEYS.cognitoEndpoint],
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers' },
      { UserPoolId: cloud.outputs[OUTPUT_KEYS.userPoolId] },
    );
    expect(JSON.parse(listUsers.body)).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    const listing = await rawRequest(new URL(`${cloud.outputs[LOCAL_OUTPUT_KEYS.s3Endpoint]}/${cloud.outputs[OUTPUT_KEYS.bucketName]}`), { method: 'GET', headers: {}, body: '' });
    expect(listing.status).toBe(403);
    await queueDrained();
    expect((await indexedDocuments(cloud.outputs, imageId)).source).toMatchObject({ status: 'PROCESSED' });
    expect((await search(alice, { query: 'cup' })).items.map((item) => item.id)).toContain(imageId);
  });

  it('a file that is not an image ends FAILED with a reason', async () => {
    const sent = await upload(alice, { name: 'notes.jpg', type: 'image/jpeg', bytes: Buffer.from('these are not the pixels you are looking for') });
    expect(sent.status).toBe(204);
    const failed = await eventFor(events.alice, sent.ticket.imageId, 'FAILED');
    expect(failed.reason).toMatch(/not a supported image|unsupported|not an image/i);
  });

  it('storage refuses an upload over the size limit, and one with another content type', async () => {
    const oversize = await upload(alice, { name: 'big.jpg', type: 'image/jpeg', bytes: TOO_LARGE, declaredBytes: PHOTO.length });
    expect(oversize.status).toBe(400);
    expect(oversize.body).toContain('EntityTooLarge');
    const retyped = await upload(alice, { name: 'cups.jpg', type: 'image/jpeg', bytes: PHOTO }, (fields) => fields.set('Content-Type', 'text/html'));
    expect(retyped.status).toBe(403);
    expect(retyped.body).toContain('AccessDenied');
  });

  it('an iPhone-style HEIC (stored sideways with irot, EXIF with GPS) ends PROCESSED with upright thumbnails, camera and GPS', async () => {
    const heic = readFileSync(new URL('../../functions/process-image/analysis/fixtures/path-gps-rotated.heic', import.meta.url));
    const sent = await upload(alice, { name: 'IMG_0001.HEIC', type: 'image/heic', bytes: heic });
    expect(sent.status).toBe(204);
    await eventFor(events.alice, sent.ticket.imageId, 'PROCESSED');
    const { data } = await alice.client.query({ query: ImageDocument, variables: { id: sent.ticket.imageId }, fetchPolicy: 'no-cache' });
    expect(data?.image).toMatchObject({
      status: 'PROCESSED',
      format: 'HEIC',
      contentType: 'image/heic',
      width: 1024,
      height: 640,
      camera: { make: 'OLYMPUS IMAGING CORP.', model: 'E-M1' },
      location: { lat: 48.8582, lon: 2.2945, altitude: 35 },
    });
    const fitted = data?.image?.thumbnails.find((thumbnail) => !thumbnail.square && thumbnail.size === 480);
    expect(fitted).toMatchObject({ width: 480, height: 300 });
    const pixels = await sharp(Buffer.from(await (await fetch(fitted?.url ?? '')).arrayBuffer())).metadata();
    expect(pixels).toMatchObject({ width: 480, height: 300 });
  });

  it('deleting removes it from search and deletes its thumbnails', async () => {
    const { data } = await alice.client.mutate({ mutation: DeleteImageDocument, variables: { id: imageId } });
    expect(data?.deleteImage).toBe(imageId);
    await eventFor(events.alice, imageId, 'DELETED');
    expect((await search(alice, { query: 'cup' })).items.map((item) => item.id)).not.toContain(imageId);
    expect((await fetch(thumbnailUrl)).status).toBe(404);
  });
});
