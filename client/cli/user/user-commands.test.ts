/**
 * The user commands as a user runs them (client/cli/bin.mjs through tsx) against the whole local
 * cloud, started here with fast "lite" vision: sign up, confirm with the code from the outbox,
 * log in (SRP), upload a folder (a duplicate and a text file inside), watch the outcomes live (and
 * watch refusing a bad session or a down API), search, upload again (all skipped), list the photos
 * similar to one, change and reset the password, log out.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageIndex, createSearchClient } from '../../../functions/process-image/image-index.ts';
import { OUTPUT_KEYS } from '../../../infra/stack-outputs.ts';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud.ts';
import { latestCode } from '../../../local/cognito/outbox.ts';
import { DEFAULT_LOCAL_SETTINGS, LOCAL_CREDENTIALS } from '../../../local/config.ts';
import type { DuplicateGroup } from './duplicate-groups.ts';
import { WATCH_BANNER } from './watch.ts';

const BIN = new URL('../bin.mjs', import.meta.url).pathname;
const FRUITS = new URL('../../web/e2e/photos/fruits.jpg', import.meta.url).pathname;
const workdir = mkdtempSync(path.join(tmpdir(), 'imagegraph-user-'));
const dataDir = path.join(workdir, 'cloud');
const email = 'ada@example.com';
const password = 'Secret-password-1!';
let cloud: LocalCloud;

// Asynchronous: the local cloud runs in this process, so a blocking spawn would starve it.
function imagegraph(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return imagegraphWith({ IMAGEGRAPH_PASSWORD: password }, ...args);
}

function imagegraphWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, '--outputs', cloud.outputsFile, ...args], {
    cwd: workdir,
    env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  cloud = await startLocalCloud({ ...DEFAULT_LOCAL_SETTINGS, dataDir, portBase: 0, vision: 'lite' }, () => undefined);
  // A fresh deployment has no search index until the first image is processed, and searchImages
  // then fails with index_not_found (reported to the lead); create it as processing would.
  await new ImageIndex(createSearchClient({ searchEndpoint: cloud.outputs[OUTPUT_KEYS.searchEndpoint]!, region: 'us-east-1' }, LOCAL_CREDENTIALS)).ensureIndex();
  const photos = path.join(workdir, 'photos');
  mkdirSync(path.join(photos, 'more'), { recursive: true });
  await sharp({ create: { width: 320, height: 200, channels: 3, background: '#3366cc' } }).jpeg().toFile(path.join(photos, 'blue.jpg'));
  await sharp({ create: { width: 200, height: 200, channels: 3, background: '#cc3333' } }).png().toFile(path.join(photos, 'more', 'red.png'));
  copyFileSync(path.join(photos, 'blue.jpg'), path.join(photos, 'more', 'blue-copy.jpg'));
  writeFileSync(path.join(photos, 'notes.txt'), 'not a photo');
}, 120_000);

afterAll(() => cloud?.close());

/** A port nothing listens on: a service that is down. */
async function closedPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as { port: number };
  await new Promise((resolve) => closed.close(resolve));
  return port;
}

/** Polls until `check` holds, for at most a minute (processing runs in the background). */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for processing');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('imagegraph user commands against the local cloud', () => {
  it('signs up, confirms and logs in', async () => {
    expect((await imagegraph('signup', '--email', email)).stdout).toContain(`imagegraph confirm --email ${email}`);
    expect(await imagegraph('login', '--email', email)).toMatchObject({ code: 1, stderr: expect.stringContaining('not confirmed yet') });
    const code = latestCode(path.join(dataDir, 'cognito', 'outbox.jsonl'), email);
    expect(code).toMatch(/^\d{6}$/);
    expect((await imagegraph('confirm', '--email', email, '--code', code!)).stdout).toContain('Account confirmed');
    expect((await imagegraph('login', '--email', email)).stdout).toContain(`Signed in as ${email}.`);
  });

  it('uploads a folder, skipping the duplicate, and watch streams each outcome', async () => {
    const watch = spawn(process.execPath, [BIN, '--outputs', cloud.outputsFile, 'watch', '--json'], { cwd: workdir, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let streamed = '';
    watch.stdout.on('data', (chunk: Buffer) => (streamed += chunk.toString('utf8')));
    let messages = '';
    // The banner means AppSync has acknowledged the subscription: an upload from now on is seen.
    await new Promise<void>((resolve, reject) => {
      watch.stderr.on('data', (chunk: Buffer) => {
        messages += chunk.toString('utf8');
        if (messages.includes(WATCH_BANNER)) resolve();
      });
      watch.once('close', (code) => reject(new Error(`watch exited (${code}) before it was live: ${messages}`)));
    });

    const upload = await imagegraph('upload', 'photos', '--concurrency', '2', '--json');
    expect(upload.code).toBe(0);
    const outcomes = JSON.parse(upload.stdout) as { path: string; status: string }[];
    expect(outcomes.map(({ path: file, status }) => [file, status]).sort()).toEqual([
      ['photos/blue.jpg', 'uploaded'],
      ['photos/more/blue-copy.jpg', 'skipped'],
      ['photos/more/red.png', 'uploaded'],
    ]);

    const deadline = Date.now() + 60_000;
    while (streamed.split('\n').filter(Boolean).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    watch.kill('SIGINT');
    const events = streamed.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { status: string; image: { fileName: string } });
    expect(events.map((event) => [event.status, event.image.fileName]).sort()).toEqual([
      ['PROCESSED', 'blue.jpg'],
      ['PROCESSED', 'red.png'],
    ]);
  });

  it('watch exits non-zero without its banner when AppSync refuses the session', async () => {
    const sessionFile = path.join(workdir, '.imagegraph', 'session.json');
    const saved = readFileSync(sessionFile, 'utf8');
    const sessions = JSON.parse(saved) as Record<string, { idToken: string }>;
    // Unexpired (the client does not refresh it) but its signature is not the pool's.
    for (const tokens of Object.values(sessions)) tokens.idToken = tokens.idToken.replace(/\.[^.]+$/, `.${Buffer.from('forged').toString('base64url')}`);
    writeFileSync(sessionFile, JSON.stringify(sessions));
    try {
      const watch = await imagegraph('watch');
      expect(watch).toMatchObject({ code: 1, stdout: '' });
      expect(watch.stderr).toBe(
        'imagegraph: Could not start watching: Connection failed: UnauthorizedException (the API refused the session; sign in again (imagegraph login))\n',
      );
    } finally {
      writeFileSync(sessionFile, saved);
    }
  });

  it('watch exits non-zero without its banner when the API cannot be reached', async () => {
    const port = await closedPort();
    const downFile = path.join(workdir, 'outputs-api-down.json');
    const down = { ...cloud.outputs };
    for (const key of [OUTPUT_KEYS.graphqlUrl, OUTPUT_KEYS.realtimeUrl]) {
      const url = new URL(down[key]!);
      url.port = String(port);
      down[key] = url.toString();
    }
    writeFileSync(downFile, JSON.stringify(down));
    // The later --outputs wins. The subscription link retries the handshake for some 6 s first.
    expect(await imagegraph('--outputs', downFile, 'watch')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'imagegraph: Could not start watching: Connection failed: Connection handshake error (the real-time API could not be reached)\n',
    });
  }, 60_000);

  it('searches, counts, and skips everything on a second upload', async () => {
    const search = JSON.parse((await imagegraph('search', 'red', '--json')).stdout) as { totalCount: number; items: { fileName: string }[] };
    expect(search.items.map((item) => item.fileName)).toContain('red.png');
    expect((await imagegraph('stats')).stdout).toContain('2 images: 2 processed, 0 processing, 0 failed');
    expect((await imagegraph('upload', 'photos')).stdout).toContain('0 uploaded, 3 skipped (already uploaded), 0 failed');
    expect(await imagegraph('search', '--since', 'yesterday-ish')).toMatchObject({ code: 1, stderr: 'imagegraph: --since: not a date: yesterday-ish\n' });
  });

  it('duplicates groups a resized, re-encoded copy under its original, with the bytes it would free', async () => {
    const dups = path.join(workdir, 'dups');
    mkdirSync(dups, { recursive: true });
    const cups = readFileSync(new URL('../../../functions/process-image/analysis/fixtures/colorful-cups-1024x640.jpg', import.meta.url));
    writeFileSync(path.join(dups, 'cups.jpg'), cups);
    expect((await imagegraph('upload', path.join('dups', 'cups.jpg'))).code).toBe(0);
    // Uploaded after the original was processed, so the original is the earlier image.
    await until(async () => (await imagegraph('stats')).stdout.startsWith('3 images: 3 processed'));
    const small = await sharp(cups).resize(512, 320).jpeg({ quality: 70 }).toBuffer();
    writeFileSync(path.join(dups, 'cups-small.jpg'), small);
    expect((await imagegraph('upload', path.join('dups', 'cups-small.jpg'))).code).toBe(0);
    await until(async () => (await imagegraph('stats')).stdout.startsWith('4 images: 4 processed'));

    const groups = JSON.parse((await imagegraph('duplicates', '--json')).stdout) as DuplicateGroup[];
    expect(groups.map((group) => [group.original.fileName, group.copies.map(({ image, kind }) => [image.fileName, kind]), group.freeableBytes])).toEqual([
      ['cups.jpg', [['cups-small.jpg', 'near']], small.length],
    ]);
    const text = await imagegraph('duplicates');
    expect(text.stdout).toContain('  ~ looks same  cups-small.jpg');
    expect(text.stdout).toContain('1 group, 1 copy: deleting the copies would free');
    expect((await imagegraph('stats')).stdout).toContain('1 copies of others');
  });

  it('similar lists a resized copy first, as a near-duplicate, and refuses ids that are not the user’s', async () => {
    // Lite vision finds no labels: the perceptual hash alone ties the copy to its original.
    const folder = path.join(workdir, 'similar');
    mkdirSync(folder);
    copyFileSync(FRUITS, path.join(folder, 'fruits.jpg'));
    await sharp(FRUITS).resize(256).jpeg({ quality: 60 }).toFile(path.join(folder, 'fruits-small.jpg'));
    expect((await imagegraph('upload', 'similar')).code).toBe(0);
    type Listed = { items: { id: string; fileName: string; status: string }[] };
    let listed: Listed = { items: [] };
    await until(async () => {
      listed = JSON.parse((await imagegraph('search', '--json')).stdout) as Listed;
      return listed.items.filter((item) => item.fileName.startsWith('fruits') && item.status === 'PROCESSED').length >= 2;
    });
    const fruits = listed.items.find((item) => item.fileName === 'fruits.jpg')!;

    const similar = await imagegraph('similar', fruits.id);
    expect(similar.code).toBe(0);
    const lines = similar.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^[0-9A-Z]{26} {2}fruits-small\.jpg {2}near-duplicate \(0 bits apart\); colours: #/);
    expect(lines.at(-1)).toBe(`${lines.length - 1} similar to fruits.jpg`);
    const json = JSON.parse((await imagegraph('similar', fruits.id, '--json', '--first', '1')).stdout) as { fileName: string; reasons: { copy: string } }[];
    expect(json).toEqual([expect.objectContaining({ fileName: 'fruits-small.jpg', reasons: expect.objectContaining({ copy: 'near-duplicate' }) })]);

    const unknown = '01JD00000000000000000000Z9';
    expect(await imagegraph('similar', unknown)).toMatchObject({ code: 1, stderr: expect.stringContaining(`No image ${unknown}`) });
    expect(await imagegraph('similar', 'not-an-id')).toMatchObject({ code: 1, stderr: expect.stringContaining('id is not an image id') });
    expect(await imagegraph('similar', fruits.id, '--first', '51')).toMatchObject({ code: 1, stderr: expect.stringContaining('first must be between 1 and 50, got 51') });
  }, 120_000);

  it('changes the password, and resets a forgotten one with the emailed code', async () => {
    const changed = 'Changed-password-2!';
    expect(await imagegraphWith({ IMAGEGRAPH_PASSWORD: 'Wrong-password-9!', IMAGEGRAPH_NEW_PASSWORD: changed }, 'change-password')).toMatchObject({
      code: 1,
      stderr: 'imagegraph: The current password is not right.\n',
    });
    expect((await imagegraphWith({ IMAGEGRAPH_PASSWORD: password, IMAGEGRAPH_NEW_PASSWORD: changed }, 'change-password')).stdout).toContain('Password changed.');
    expect(await imagegraph('login', '--email', email)).toMatchObject({ code: 1, stderr: 'imagegraph: Incorrect email or password.\n' });
    expect((await imagegraphWith({ IMAGEGRAPH_PASSWORD: changed }, 'login', '--email', email)).stdout).toContain(`Signed in as ${email}.`);

    const outbox = path.join(dataDir, 'cognito', 'outbox.jsonl');
    const before = latestCode(outbox, email);
    expect((await imagegraph('reset-password', '--email', email)).stdout).toContain('A reset code is on its way to a***@e***');
    const code = latestCode(outbox, email);
    expect(code).not.toBe(before);
    expect(await imagegraphWith({ IMAGEGRAPH_NEW_PASSWORD: password }, 'reset-password', '--email', email, '--code', code === '000000' ? '111111' : '000000')).toMatchObject({
      code: 1,
      stderr: 'imagegraph: That code is not right. Check the email and try again.\n',
    });
    expect((await imagegraphWith({ IMAGEGRAPH_NEW_PASSWORD: password }, 'reset-password', '--email', email, '--code', code!)).stdout).toContain('Password changed');
    expect((await imagegraph('login', '--email', email)).stdout).toContain(`Signed in as ${email}.`);
    // Seven CLI runs, each a fresh tsx process: seconds apiece on a busy machine.
  }, 240_000);

  it('upload stops starting uploads at Ctrl-C, prints the summary and exits 130; the next run uploads the rest', async () => {
    const folder = path.join(workdir, 'many');
    mkdirSync(folder);
    // JPEG magic numbers and no image (the CLI's format check passes them, processing fails them
    // quickly); distinct bytes, so none is skipped.
    for (let i = 0; i < 100; i++) {
      writeFileSync(path.join(folder, `${String(i).padStart(3, '0')}.jpg`), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`not a photo ${i}`)]));
    }
    const child = spawn(process.execPath, [BIN, '--outputs', cloud.outputsFile, 'upload', 'many', '--concurrency', '1'], { cwd: workdir, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Interrupted once the first upload is recorded, long before the hundredth.
    const record = path.join(workdir, '.imagegraph', 'uploads.jsonl');
    const recorded = () => {
      try {
        return readFileSync(record, 'utf8').split('\n').filter((line) => line.includes(`"user"`)).length;
      } catch {
        return 0;
      }
    };
    const before = recorded();
    await until(() => Promise.resolve(recorded() > before));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('imagegraph: interrupted; finishing the uploads under way (Ctrl-C again to quit at once)');
    const summary = /(\d+) uploaded, 0 skipped \(already uploaded\), 0 failed, (\d+) not uploaded \(interrupted: run the same command again for them\)/.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    const [uploadedCount, interruptedCount] = [Number(summary![1]), Number(summary![2])];
    expect(uploadedCount).toBeGreaterThan(0);
    expect(uploadedCount + interruptedCount).toBe(100);

    const again = await imagegraph('upload', 'many', '--json');
    expect(again.code).toBe(0);
    // What the first run uploaded is skipped, unless processing has failed it meanwhile (these are
    // not photos), and a failed image uploads again.
    const outcomes = JSON.parse(again.stdout) as { status: string }[];
    expect(outcomes.every((outcome) => outcome.status === 'uploaded' || outcome.status === 'skipped')).toBe(true);
    expect(outcomes.filter((outcome) => outcome.status === 'uploaded').length).toBeGreaterThanOrEqual(interruptedCount);
  }, 120_000);

  it('logout says so when the refresh token could not be revoked', async () => {
    const downFile = path.join(workdir, 'outputs-cognito-down.json');
    writeFileSync(downFile, JSON.stringify({ ...cloud.outputs, CognitoEndpoint: `http://127.0.0.1:${await closedPort()}` }));
    const logout = await imagegraph('--outputs', downFile, 'logout');
    expect(logout).toMatchObject({ code: 1, stdout: '' });
    expect(logout.stderr).toMatch(/^imagegraph: Signed out on this machine, but the refresh token was not revoked \(Could not reach the sign-in service: .+\): it stays valid until it expires\.\n$/);
    expect(await imagegraph('stats')).toMatchObject({ code: 1, stderr: 'imagegraph: Not signed in. Sign in first. Run `imagegraph login`.\n' });
    expect((await imagegraph('login', '--email', email)).stdout).toContain(`Signed in as ${email}.`);
  });

  it('logs out, after which commands say to sign in', async () => {
    expect((await imagegraph('logout')).stdout).toContain('Signed out.');
    expect(await imagegraph('stats')).toMatchObject({ code: 1, stderr: 'imagegraph: Not signed in. Sign in first. Run `imagegraph login`.\n' });
  });
});
