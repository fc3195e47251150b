/**
 * `imagegraph smoke` as an operator runs it after a deploy, against `npm start` (lite vision) in a
 * process of its own: the whole walk passes and leaves nothing behind; with the search engine
 * killed, it fails at "processed" with a clear message, exits 1 and still deletes the image and
 * the user. The admin-API user provisioning used on AWS runs against the local Cognito.
 */
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../functions/shared/s3-client.ts';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../../../infra/stack-outputs.ts';
import { LOCAL_CREDENTIALS } from '../../../local/config.ts';
import { type CloudProcess, startCloudProcess } from '../../../local/e2e/cloud-process.ts';
import { readProcessIds, waitUntilGone } from '../../../local/e2e/probes.ts';
import { CognitoSession, memoryTokenStore } from '../../src/api/session.ts';
import { runSmoke, type SmokeReport } from './smoke.ts';
import { adminUsers, type ThrowawayUsers, throwawayCredentials } from './throwaway-users.ts';

const BIN = new URL('../bin.mjs', import.meta.url).pathname;
const dataDir = mkdtempSync(path.join(tmpdir(), 'imagegraph-smoke-'));
let cloud: CloudProcess;

function imagegraph(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const smoke = (...args: string[]) => imagegraph('--outputs', cloud.outputsFile, 'smoke', ...args);

/** The local Cognito's admin API, signed with the local key pair. */
const adminCognito = () =>
  new CognitoIdentityProviderClient({
    region: cloud.outputs[OUTPUT_KEYS.region],
    endpoint: cloud.outputs[LOCAL_OUTPUT_KEYS.cognitoEndpoint],
    credentials: LOCAL_CREDENTIALS,
  });

async function userExists(email: string): Promise<boolean> {
  try {
    await adminCognito().send(new AdminGetUserCommand({ UserPoolId: cloud.outputs[OUTPUT_KEYS.userPoolId], Username: email }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'UserNotFoundException') return false;
    throw error;
  }
}

/** Every object key in the local bucket that belongs to the image. */
async function keysOf(imageId: string): Promise<string[]> {
  const s3 = createS3Client(
    { bucket: cloud.outputs[OUTPUT_KEYS.bucketName]!, region: cloud.outputs[OUTPUT_KEYS.region]!, s3Endpoint: cloud.outputs[LOCAL_OUTPUT_KEYS.s3Endpoint] },
    LOCAL_CREDENTIALS,
  );
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: cloud.outputs[OUTPUT_KEYS.bucketName] }));
  return Contents.map((object) => object.Key ?? '').filter((key) => key.includes(imageId));
}

beforeAll(async () => {
  cloud = await startCloudProcess(dataDir, ['--vision', 'lite']);
}, 90_000);

afterAll(async () => {
  await cloud?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('imagegraph smoke against the local cloud', () => {
  it('walks every step, prints a timed table and exits 0', async () => {
    const { code, stdout, stderr } = await smoke();
    expect({ code, stderr }).toMatchObject({ code: 0 });
    const rows = stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^Step\s+Result\s+Time\s+Detail$/);
    for (const step of ['create user', 'sign in', 'subscribe', 'upload', 'processed', 'thumbnails', 'search', 'delete', 'remove user']) {
      expect(rows.find((row) => row.startsWith(`${step} `))).toMatch(new RegExp(`^${step}\\s+ok\\s+\\d+\\.\\d\\d s  \\S`));
    }
    expect(rows.find((row) => row.startsWith('delete (cleanup)'))).toMatch(/skipped\s+nothing to do$/);
    expect(rows.at(-1)).toMatch(/^Smoke test passed in \d+\.\d\d s\.$/);
  });

  it('leaves no user and no objects behind (--json)', async () => {
    const { code, stdout } = await smoke('--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as SmokeReport;
    expect(report.ok).toBe(true);
    const byName = Object.fromEntries(report.results.map((r) => [r.name, r]));
    // Lite vision finds no labels; the thumbnails must all be fetchable.
    expect(byName.processed!.detail).toMatch(/^PROCESSED: no labels, [1-9]\d* thumbnails$/);
    expect(byName.thumbnails!.detail).toMatch(/^[1-9]\d* fetched \(160x160 webp/);
    expect(byName.search!.detail).toBe('found by "fruits"');
    expect(report.imageId).toMatch(/^[0-9A-Z]{26}$/);
    expect(await keysOf(report.imageId!)).toEqual([]);
    expect(await userExists(report.email)).toBe(false);
  });

  it('refuses labels it was told to expect when the vision found none', async () => {
    const { code, stdout, stderr } = await smoke('--json', '--min-labels', '1');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as SmokeReport;
    expect(report.failure).toEqual({ step: 'processed', message: '0 labels, at least 1 expected (--min-labels)' });
    expect(stderr).toContain('Smoke test FAILED at "processed": 0 labels, at least 1 expected');
    // The image was deleted by cleanup, and the user removed.
    expect(report.results.find((r) => r.name === 'delete (cleanup)')).toMatchObject({ status: 'ok' });
    expect(await userExists(report.email)).toBe(false);
  });

  it('refuses bad options and a missing deployment with a clear message', async () => {
    expect(await smoke('--timeout', 'soon')).toMatchObject({ code: 1, stderr: expect.stringContaining('--timeout must be a positive number') });
    expect(await smoke('--min-labels', '-1')).toMatchObject({ code: 1, stderr: expect.stringContaining('--min-labels must be a whole number') });
    const missing = await imagegraph('--outputs', path.join(dataDir, 'no-such-outputs.json'), 'smoke');
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('no-such-outputs.json: ENOENT') });
  });

  it('provisions and removes a user with the admin API, as on AWS', async () => {
    const user = throwawayCredentials();
    expect(user.password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{12,}$/);
    const users = adminUsers(adminCognito(), cloud.outputs[OUTPUT_KEYS.userPoolId]!);
    await users.create(user);
    const session = new CognitoSession({ config: cloud.config, store: memoryTokenStore() });
    expect((await session.signIn(user.email, user.password)).email).toBe(user.email);
    await users.remove(user, null);
    expect(await userExists(user.email)).toBe(false);
    await expect(session.signIn(user.email, user.password)).rejects.toThrow('Incorrect email or password.');
  });

  it('removes a user whose creation failed part-way, and skips removal when none was made', async () => {
    const admin = adminUsers(adminCognito(), cloud.outputs[OUTPUT_KEYS.userPoolId]!);
    const run = (create: ThrowawayUsers['create']) =>
      runSmoke({
        config: cloud.config,
        session: new CognitoSession({ config: cloud.config, store: memoryTokenStore() }),
        users: { ...admin, create },
        timeoutMs: 5_000,
        minLabels: 0,
      });
    // AdminCreateUser succeeds, then AdminSetUserPassword refuses the password: the user exists.
    const partial = await run((user) => admin.create({ ...user, password: 'weak' }));
    expect(partial.failure?.step).toBe('create user');
    expect(partial.results.find((r) => r.name === 'remove user')).toMatchObject({ status: 'ok' });
    expect(await userExists(partial.email)).toBe(false);
    // Nothing was created: removal finds no user and says so without failing.
    const none = await run(() => Promise.reject(new Error('no network')));
    expect(none.failure).toEqual({ step: 'create user', message: 'no network' });
    expect(none.results.find((r) => r.name === 'remove user')).toMatchObject({ status: 'skipped' });
  });

  // Last: it takes the search engine down for good.
  it('fails at "processed" when the pipeline is down, exits 1, and still cleans up', async () => {
    const engine = readProcessIds(dataDir).search;
    process.kill(engine, 'SIGKILL');
    await waitUntilGone([engine]);
    await cloud.waitForLine(/The search engine exited/);

    const { code, stdout, stderr } = await smoke('--json', '--timeout', '5');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as SmokeReport;
    expect(report.failure).toEqual({ step: 'processed', message: 'no onImageProcessed within 5 s' });
    expect(stderr).toContain('imagegraph: Smoke test FAILED at "processed": no onImageProcessed within 5 s');
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['create user', 'ok'],
      ['sign in', 'ok'],
      ['subscribe', 'ok'],
      ['upload', 'ok'],
      ['processed', 'failed'],
      ['thumbnails', 'skipped'],
      ['search', 'skipped'],
      ['delete', 'skipped'],
      ['delete (cleanup)', 'ok'],
      ['remove user', 'ok'],
    ]);
    expect((await keysOf(report.imageId!)).filter((key) => key.startsWith('uploads/'))).toEqual([]);
    expect(await userExists(report.email)).toBe(false);
  });
});
