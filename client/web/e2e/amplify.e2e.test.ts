/**
 * Amplify JS v6 conformance in the browser: the flow of local/e2e/amplify/flow.ts bundled into a
 * page (amplify-page/) and run by Debian's Chromium against `npm start`. Chromium trusts the local
 * cloud's server key by its SPKI pin, as a browser that trusts the local CA would; without the pin
 * Amplify's first API call fails. Skipped or failed like the other browser tests when Chromium is
 * missing (chromium.ts).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStackOutputs } from '../../../infra/stack-outputs.ts';
import { latestCode } from '../../../local/cognito/outbox.ts';
import { type CloudProcess, startCloudProcess } from '../../../local/e2e/cloud-process.ts';
import type { AmplifyFlowReport } from '../../../local/e2e/amplify/flow.ts';
import { localTlsFiles, spkiSha256 } from '../../../local/tls/certificates.ts';
import { tlsDir } from '../../../local/config.ts';
import { startAmplifyPage } from './amplify-page/server.ts';
import { CHROMIUM, CHROMIUM_FLAGS, missingBrowser, trustLocalServerKey } from './chromium.ts';

const missing = missingBrowser(existsSync(CHROMIUM));
const skipped = missing && 'skip' in missing ? missing.skip : null;
if (skipped) console.warn(`Amplify browser test skipped: ${skipped}`);

describe.skipIf(skipped !== null)('Amplify JS v6 in Chromium against npm start', () => {
  let dataDir: string;
  let cloud: CloudProcess | undefined;
  let page: Awaited<ReturnType<typeof startAmplifyPage>> | undefined;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    if (missing && 'fail' in missing) throw new Error(missing.fail);
    dataDir = await mkdtemp(path.join(tmpdir(), 'imagegraph-amplify-web-'));
    cloud = await startCloudProcess(dataDir, ['--vision', 'lite']);
    page = await startAmplifyPage(parseStackOutputs(cloud.outputs));
  }, 120_000);

  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await page?.close();
    await cloud?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  /** The flow in a fresh Chromium with `flags`; its report, or the error it failed with. */
  async function runInChromium(flags: string[]): Promise<AmplifyFlowReport | string> {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, ...flags] });
    browsers.push(browser);
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(String(error)));
    await tab.exposeFunction('confirmationCode', (email: string) => latestCode(path.join(dataDir, 'cognito', 'outbox.jsonl'), email) ?? '');
    await tab.goto(page!.url);
    await tab.waitForFunction(() => typeof window.runFlow === 'function');
    const outcome = await tab.evaluate(() => window.runFlow().catch((error: Error) => error.message));
    expect(errors).toEqual([]);
    return outcome;
  }

  it('signs up, signs in with SRP, queries, mutates, subscribes over wss, uploads, receives PROCESSED, refreshes and signs out', async () => {
    const serverPem = await readFile(localTlsFiles(tlsDir({ dataDir })).certFile, 'utf8');
    const report = await runInChromium([trustLocalServerKey(spkiSha256(new X509Certificate(serverPem)))]);
    if (typeof report === 'string') throw new Error(report);
    expect(report).toMatchObject({ signUpStep: 'CONFIRM_SIGN_UP', signUpComplete: true, signedIn: true, statsBefore: 0, uploadStatus: 204 });
    expect(report.event).toEqual({ imageId: report.imageId, ownerSub: report.userId, status: 'PROCESSED', reason: null, image: report.imageId });
    expect(report.refreshed).toEqual({ accessTokenChanged: true, sameUser: true, statsAfterRefresh: 1 });
    expect(report.signedOut.currentUserError).toMatch(/^UserUnAuthenticatedException/);
    expect(report.signedOut.queryError).toMatch(/NoValidAuthTokens/);
  }, 150_000);

  it('fails at the first API call when Chromium does not trust the local server key', async () => {
    const failure = await runInChromium([]);
    expect(failure).toEqual(expect.stringContaining('step "query imageStats"'));
  }, 150_000);
});
