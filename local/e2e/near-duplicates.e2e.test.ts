/**
 * Near-duplicates through the API, on `npm start` in its own process (lite vision: labels do not
 * matter here): re-encoded and resized copies of a photo point at it with `nearDuplicateOf`,
 * distinct photos do not, another owner's identical photo never matches, and search hides, lists
 * and counts the copies.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteImageDocument, ImageDocument, ImageStatsDocument, SearchImagesDocument, type ImageFilter } from '../../client/src/generated/graphql.ts';
import { eventFor, startTwoUsers, type TwoUsers } from './two-users.ts';
import { upload } from './uploads.ts';
import type { TestUser } from './users.ts';

const fixture = (path: string) => readFileSync(new URL(path, import.meta.url));
const CUPS = fixture('../../functions/process-image/analysis/fixtures/colorful-cups-1024x640.jpg');
const PATH = fixture('../../functions/process-image/analysis/fixtures/path-1024x640.jpg');
const BABOON = fixture('../../bench/eval/judged/photos/baboon.jpg');
const BUILDING = fixture('../../bench/eval/judged/photos/building.jpg');
const LEUVEN = fixture('../../bench/eval/judged/photos/leuvenA.jpg');
const BUTTERFLY = fixture('../../bench/eval/judged/photos/butterfly.jpg');

const dataDir = mkdtempSync(join(tmpdir(), 'imagegraph-e2e-dups-'));
let users: TwoUsers;

/** Uploads one file and waits for its PROCESSED event, so that uploads keep their order. */
async function uploadProcessed(user: TestUser, name: string, bytes: Buffer, type = 'image/jpeg'): Promise<string> {
  const sent = await upload(user, { name, type, bytes });
  expect(sent.status).toBe(204);
  await eventFor(user === users.alice ? users.events.alice : users.events.bob, sent.ticket.imageId, 'PROCESSED');
  return sent.ticket.imageId;
}

async function image(user: TestUser, id: string) {
  const { data } = await user.client.query({ query: ImageDocument, variables: { id }, fetchPolicy: 'no-cache' });
  if (!data?.image) throw new Error(`no image ${id}`);
  return data.image;
}

async function stats(user: TestUser) {
  const { data } = await user.client.query({ query: ImageStatsDocument, fetchPolicy: 'no-cache' });
  return data!.imageStats;
}

async function search(user: TestUser, filter: ImageFilter) {
  const { data } = await user.client.query({ query: SearchImagesDocument, variables: { filter, first: 50 }, fetchPolicy: 'no-cache' });
  return data!.searchImages;
}

beforeAll(async () => {
  users = await startTwoUsers(dataDir, ['--vision', 'lite']);
}, 120_000);

afterAll(async () => {
  if (users) expect(await users.stop()).toBe(0);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('near-duplicates, end to end', () => {
  const ids: Record<string, string> = {};

  it('re-encoded and resized copies point at their original; distinct photos at nothing', async () => {
    ids.cups = await uploadProcessed(users.alice, 'cups.jpg', CUPS);
    ids.path = await uploadProcessed(users.alice, 'path.jpg', PATH);
    ids.baboon = await uploadProcessed(users.alice, 'baboon.jpg', BABOON);
    // The closest distinct pair of the calibration set (17 bits apart).
    ids.building = await uploadProcessed(users.alice, 'building.jpg', BUILDING);
    ids.leuven = await uploadProcessed(users.alice, 'leuven.jpg', LEUVEN);

    const copies = {
      cupsQ60: await uploadProcessed(users.alice, 'cups-q60.jpg', await sharp(CUPS).jpeg({ quality: 60 }).toBuffer()),
      cupsWebp: await uploadProcessed(users.alice, 'cups.webp', await sharp(CUPS).webp({ quality: 75 }).toBuffer(), 'image/webp'),
      pathHalf: await uploadProcessed(users.alice, 'path-half.jpg', await sharp(PATH).resize(512, 320).jpeg({ quality: 85 }).toBuffer()),
      pathQuarter: await uploadProcessed(users.alice, 'path-quarter.jpg', await sharp(PATH).resize(256, 160).jpeg({ quality: 70 }).toBuffer()),
    };
    expect(await image(users.alice, copies.cupsQ60)).toMatchObject({ duplicateOf: null, nearDuplicateOf: ids.cups });
    expect(await image(users.alice, copies.cupsWebp)).toMatchObject({ duplicateOf: null, nearDuplicateOf: ids.cups });
    expect(await image(users.alice, copies.pathHalf)).toMatchObject({ duplicateOf: null, nearDuplicateOf: ids.path });
    expect(await image(users.alice, copies.pathQuarter)).toMatchObject({ duplicateOf: null, nearDuplicateOf: ids.path });
    for (const name of ['cups', 'path', 'baboon', 'building', 'leuven']) {
      expect(await image(users.alice, ids[name]!), name).toMatchObject({ duplicateOf: null, nearDuplicateOf: null });
    }

    // The same file again is a duplicate (duplicateOf), not also a near-duplicate.
    const again = await uploadProcessed(users.alice, 'cups-again.jpg', CUPS);
    expect(await image(users.alice, again)).toMatchObject({ duplicateOf: ids.cups, nearDuplicateOf: null });
    Object.assign(ids, copies, { again });
  });

  it('search hides the copies, lists only them, and counts them', async () => {
    const copies = [ids.cupsQ60, ids.cupsWebp, ids.pathHalf, ids.pathQuarter, ids.again].sort();
    const originals = [ids.cups, ids.path, ids.baboon, ids.building, ids.leuven].sort();
    const all = await search(users.alice, {});
    expect(all.totalCount).toBe(10);
    expect(all.facets.duplicates).toBe(5);
    expect((await search(users.alice, { hideDuplicates: true })).items.map((item) => item.id).sort()).toEqual(originals);
    const only = await search(users.alice, { onlyDuplicates: true });
    expect(only.items.map((item) => item.id).sort()).toEqual(copies);
    expect(await stats(users.alice)).toMatchObject({ total: 10, processed: 10, duplicates: 5 });
  });

  it('another owner’s identical photo and resized copy never match Alice’s', async () => {
    const same = await uploadProcessed(users.bob, 'cups.jpg', CUPS);
    const resized = await uploadProcessed(users.bob, 'baboon-small.jpg', await sharp(BABOON).resize(256, 256).jpeg({ quality: 70 }).toBuffer());
    expect(await image(users.bob, same)).toMatchObject({ duplicateOf: null, nearDuplicateOf: null });
    expect(await image(users.bob, resized)).toMatchObject({ duplicateOf: null, nearDuplicateOf: null });
    expect((await search(users.bob, {})).facets.duplicates).toBe(0);
    // And Alice's copies still point at her own images only.
    expect((await image(users.alice, ids.cupsQ60!)).nearDuplicateOf).toBe(ids.cups);
  });
});

describe('deleting an original, end to end', () => {
  // Five uploads processed one after another, then a deletion: its own budget for a loaded machine.
  it('makes its earliest copy the original, re-points the others, and touches no other owner’s images', async () => {
    // A, then byte copies B and C, a resized look-alike D; Bob's identical copy of A.
    const a = await uploadProcessed(users.alice, 'butterfly.jpg', BUTTERFLY);
    const b = await uploadProcessed(users.alice, 'butterfly-b.jpg', BUTTERFLY);
    const c = await uploadProcessed(users.alice, 'butterfly-c.jpg', BUTTERFLY);
    const d = await uploadProcessed(users.alice, 'butterfly-half.jpg', await sharp(BUTTERFLY).resize(384).jpeg({ quality: 80 }).toBuffer());
    const bobs = await uploadProcessed(users.bob, 'butterfly.jpg', BUTTERFLY);
    expect(await image(users.alice, d)).toMatchObject({ duplicateOf: null, nearDuplicateOf: a });
    const before = await stats(users.alice);
    expect(await search(users.alice, { hideDuplicates: true })).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ id: a })]) });

    const { data } = await users.alice.client.mutate({ mutation: DeleteImageDocument, variables: { id: a } });
    expect(data?.deleteImage).toBe(a);
    // The copies are re-pointed before the DELETED event goes out: nothing to wait for after it.
    await eventFor(users.events.alice, a, 'DELETED');

    await expect(image(users.alice, a)).rejects.toThrow();
    expect(await image(users.alice, b)).toMatchObject({ duplicateOf: null, nearDuplicateOf: null });
    expect(await image(users.alice, c)).toMatchObject({ duplicateOf: b, nearDuplicateOf: null });
    expect(await image(users.alice, d)).toMatchObject({ duplicateOf: null, nearDuplicateOf: b });

    // The photo stays in the library with duplicates hidden: B stands for it now.
    const shown = (await search(users.alice, { hideDuplicates: true })).items.map((item) => item.id);
    expect(shown).toContain(b);
    expect(shown).not.toContain(c);
    expect(shown).not.toContain(d);
    expect((await search(users.alice, { onlyDuplicates: true })).items.map((item) => item.id)).toEqual(expect.arrayContaining([c, d]));
    // One image fewer, one copy fewer (B is an original now; C and D still copies).
    expect(await stats(users.alice)).toMatchObject({ total: before.total - 1, duplicates: before.duplicates - 1 });
    expect((await search(users.alice, {})).facets.duplicates).toBe(before.duplicates - 1);

    // Bob's identical photo was never Alice's copy, and stays as it was.
    expect(await image(users.bob, bobs)).toMatchObject({ duplicateOf: null, nearDuplicateOf: null });
    expect((await search(users.bob, {})).facets.duplicates).toBe(0);
  }, 180_000);
});

