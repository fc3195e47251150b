/**
 * The web app in a real browser against the whole local cloud: Debian's Chromium driven by
 * playwright-core. Needs `npm start` (outputs in .imagegraph/) and `npm run web` running, with the
 * app's URL in IMAGEGRAPH_WEB_URL (its origin must be one the local S3 allows for CORS); skipped,
 * saying why, otherwise. Screenshots go to test-results/web-e2e/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCode } from '../../../local/cognito/outbox.ts';

const CHROMIUM = '/usr/bin/chromium';
const WEB_URL = process.env.IMAGEGRAPH_WEB_URL;
const DATA_DIR = process.env.IMAGEGRAPH_DATA_DIR ?? '.imagegraph';
const OUTBOX = path.join(DATA_DIR, 'cognito', 'outbox.jsonl');
const PHOTOS = ['fruits.jpg', 'coffee.png', 'messi5.jpg'].map((name) => path.resolve('client/web/e2e/photos', name));
const ARTIFACTS = path.resolve('test-results/web-e2e');

function whySkipped(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  if (!WEB_URL) return 'IMAGEGRAPH_WEB_URL is not set: run `npm start` and `npm run web`, then set it to the web app URL';
  if (!existsSync(path.join(DATA_DIR, 'outputs.json'))) return `${DATA_DIR}/outputs.json is missing: run \`npm start\``;
  const missing = PHOTOS.filter((photo) => !existsSync(photo));
  if (missing.length > 0) return `test photos missing: ${missing.join(', ')}`;
  return null;
}

const skipped = whySkipped();
if (skipped) console.warn(`web e2e skipped: ${skipped}`);

const password = 'Secret-password-1!';

async function signUp(page: Page, email: string): Promise<void> {
  await page.goto(WEB_URL!);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create an account' }).first().click();
  await page.getByLabel('Confirmation code').waitFor();
  let code: string | undefined;
  for (let tries = 0; !code && tries < 50; tries++) {
    code = existsSync(OUTBOX) ? latestCode(OUTBOX, email) : undefined;
    if (!code) await page.waitForTimeout(100);
  }
  await page.getByLabel('Confirmation code').fill(code!);
  await page.getByRole('button', { name: 'Confirm your account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

describe.skipIf(skipped !== null)('web app against the local cloud', () => {
  let browser: Browser;
  const run = Date.now();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(() => browser?.close());

  it('signs up, uploads three photos live, searches, opens the detail and deletes; another user sees none of it', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await signUp(page, `alice-${run}@example.com`);

    // Record every progress bar that ever appears, however fast the upload.
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { progressSeen: Set<string> }).progressSeen = seen;
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('progress')) seen.add(bar.getAttribute('aria-label') ?? '');
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByLabel('Choose photos to upload').setInputFiles(PHOTOS);
    await page.locator('.upload.processed .thumb img').nth(2).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, '1-uploaded.png'), fullPage: true });
    const progressSeen = await page.evaluate(() => [...(window as unknown as { progressSeen: Set<string> }).progressSeen]);
    expect(progressSeen.length).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'done' }).textContent()).toBe('3 done');

    await page.getByRole('searchbox').fill('coffee');
    await page.getByText('1 photo', { exact: true }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '2-search.png'), fullPage: true });

    await page.getByTestId('result').first().getByRole('link').click();
    await page.getByRole('heading', { name: 'coffee.png' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '3-detail.png'), fullPage: true });
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'coffee.png' }).waitFor({ state: 'detached' });
    await page.getByRole('searchbox').fill('');
    await page.getByText('2 photos', { exact: true }).waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);

    const other = await browser.newPage();
    await signUp(other, `bob-${run}@example.com`);
    await other.getByText('0 photos', { exact: true }).waitFor();
    await other.screenshot({ path: path.join(ARTIFACTS, '4-other-user.png'), fullPage: true });
  }, 180_000);
});
