/**
 * The GraphQL explorer the local AppSync serves at its root (local/appsync/explorer), in Debian's
 * Chromium: a query sent before signing in is refused as AppSync refuses it; after "Login with
 * User Pools" (the local Cognito) the same query answers with the user's own data. `npm start`
 * runs in its own process on free ports with lite vision (nothing here needs labels). Skipped or
 * failed without Chromium as app.e2e.test.ts is (chromium.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_KEYS } from '../../../infra/stack-outputs.ts';
import { type CloudProcess, startCloudProcess } from '../../../local/e2e/cloud-process.ts';
import { generatedJpegs, subscribeToEvents, upload } from '../../../local/e2e/uploads.ts';
import { type TestUser, signUpUser } from '../../../local/e2e/users.ts';
import { CHROMIUM, CHROMIUM_FLAGS, missingBrowser } from './chromium.ts';

const ARTIFACTS = path.join(fileURLToPath(new URL('.', import.meta.url)), 'artifacts');
/** signUpUser's password. */
const PASSWORD = 'Correct-horse-9-battery';
const QUERY = 'query Stats { imageStats { total processed } }';

const missing = missingBrowser(existsSync(CHROMIUM));
const skipped = missing && 'skip' in missing ? missing.skip : null;
if (skipped) console.warn(`explorer e2e skipped: ${skipped}`);

describe.skipIf(skipped !== null)('the GraphQL explorer in Chromium against the local cloud', () => {
  let dataDir: string;
  let cloud: CloudProcess | undefined;
  let browser: Browser | undefined;
  let user: TestUser;

  beforeAll(async () => {
    if (missing && 'fail' in missing) throw new Error(missing.fail);
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = mkdtempSync(path.join(tmpdir(), 'imagegraph-explorer-e2e-'));
    cloud = await startCloudProcess(dataDir, ['--vision', 'lite']);
    // A user with one processed image, so that the answer is the user's own and not a default.
    user = await signUpUser(cloud.config, dataDir, 'explorer');
    const subscription = await subscribeToEvents(user);
    const [photo] = await generatedJpegs(1);
    const { ticket } = await upload(user, { name: 'explorer.jpg', type: 'image/jpeg', bytes: photo! });
    for (let waited = 0; !subscription.events.some((event) => event.imageId === ticket.imageId && event.status === 'PROCESSED'); waited += 100) {
      if (waited > 60_000) throw new Error('the image was not processed within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    subscription.unsubscribe();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  }, 180_000);

  afterAll(async () => {
    user?.client.stop();
    await browser?.close();
    await cloud?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Replaces the editor's query, runs it, and returns the response pane's JSON once it shows `expected` (a word of it). */
  async function runQuery(page: Page, query: string, expected: string): Promise<unknown> {
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // Inserted as one text: typed key by key, the editor would close every brace a second time.
    await page.keyboard.insertText(query);
    await page.getByRole('button', { name: /Execute query/ }).click();
    const response = page.locator('.graphiql-response .view-lines');
    for (let waited = 0; ; waited += 100) {
      // Monaco renders spaces as non-breaking ones.
      const text = ((await response.count()) > 0 ? ((await response.textContent()) ?? '') : '').replace(/\u00a0/g, ' ');
      if (text.includes(expected)) return JSON.parse(text);
      if (waited > 30_000) throw new Error(`the response pane did not show ${expected} within 30 s (it shows: ${text})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('refuses a query before signing in, and answers it with the signed-in user\'s data after "Login with User Pools"', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    const explorerUrl = (cloud!.outputs[OUTPUT_KEYS.graphqlUrl] ?? '').replace(/graphql$/, '');
    await page.goto(explorerUrl);
    await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor({ timeout: 60_000 });

    expect(await runQuery(page, QUERY, 'UnauthorizedException')).toMatchObject({ errors: [{ errorType: 'UnauthorizedException' }] });

    await page.getByPlaceholder('username').fill(user.email);
    await page.getByPlaceholder('password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The bar's status says why (the local Cognito names it InvalidPasswordException, AWS NotAuthorizedException).
    const status = page.locator('form > span').last();
    await expect.poll(() => status.textContent()).toMatch(/password/i);
    expect(await page.getByPlaceholder('or paste a token').inputValue()).toBe('');

    await page.getByPlaceholder('password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${user.email}`).waitFor({ timeout: 30_000 });
    // The token the page holds is the user pool's ID token for this user.
    const token = await page.getByPlaceholder('or paste a token').inputValue();
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))).toMatchObject({ sub: user.sub, token_use: 'id' });

    expect(await runQuery(page, QUERY, 'imageStats')).toEqual({ data: { imageStats: { total: 1, processed: 1 } } });
    await page.screenshot({ path: path.join(ARTIFACTS, 'explorer-query.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
