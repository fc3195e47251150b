/**
 * Amplify JS v6 conformance: the real `aws-amplify` package, in a Node process of its own that
 * trusts the local CA through NODE_EXTRA_CA_CERTS, configured by `amplifyConfigure` from the
 * outputs of `npm start`, signs up, confirms with the outbox code, signs in with SRP (Amplify's
 * default), queries, subscribes over wss through Amplify's own real-time client, requests an
 * upload, posts it, receives PROCESSED, refreshes the session and signs out (local/e2e/amplify/flow.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import type { AmplifyFlowReport } from './amplify/flow.ts';
import { type CloudProcess, startCloudProcess } from './cloud-process.ts';

const NODE_FLOW = fileURLToPath(new URL('./amplify/node.ts', import.meta.url));

let cloud: CloudProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-amplify-'));
  cloud = await startCloudProcess(dataDir, ['--vision', 'lite']);
}, 90_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function runFlow(env: NodeJS.ProcessEnv) {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', NODE_FLOW, cloud.outputsFile, dataDir], { env, timeout: 120_000 });
}

describe('Amplify JS v6 in Node against npm start', () => {
  it('signs up, signs in with SRP, queries, mutates, subscribes over wss, uploads, receives PROCESSED, refreshes and signs out', async () => {
    const { stdout } = await runFlow({ ...process.env, NODE_EXTRA_CA_CERTS: cloud.outputs[LOCAL_OUTPUT_KEYS.caCertificateFile] });
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as AmplifyFlowReport;
    expect(report).toMatchObject({ signUpStep: 'CONFIRM_SIGN_UP', signUpComplete: true, signedIn: true, statsBefore: 0, uploadStatus: 204 });
    expect(report.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(report.event).toEqual({ imageId: report.imageId, ownerSub: report.userId, status: 'PROCESSED', reason: null, image: report.imageId });
    expect(report.refreshed).toEqual({ accessTokenChanged: true, sameUser: true, statsAfterRefresh: 1 });
    expect(report.signedOut.currentUserError).toMatch(/^UserUnAuthenticatedException/);
    expect(report.signedOut.queryError).toMatch(/NoValidAuthTokens/);
  }, 150_000);

  it('fails at the first call to the API when Node does not trust the local CA (Amplify really speaks TLS to it)', async () => {
    const { NODE_EXTRA_CA_CERTS: _, ...untrusting } = process.env;
    const failed = await runFlow(untrusting).then(
      () => undefined,
      (error: { stderr: string }) => error.stderr,
    );
    expect(failed).toContain('step "query imageStats"');
    expect(failed).toContain('network error');
  }, 150_000);
});
