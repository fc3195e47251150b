/**
 * The web app in a real browser against the whole local cloud: Debian's Chromium driven by
 * playwright-core. The test starts what it needs: `npm start` on free ports with the vision models
 * (labels are what "search by a label" needs; lite mode gives none) in a temporary data
 * directory, whose web server serves the production build (code-split, with the deployed headers and
 * Content-Security-Policy) and its config.json, as CloudFront does on AWS.
 * Skipped, saying why, only when /usr/bin/chromium is missing (client/web/e2e/install-chromium.sh
 * installs it), and then failed instead in CI (chromium.ts). Screenshots go to client/web/e2e/artifacts/ (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_KEYS } from '../../../infra/stack-outputs.ts';
import { latestCode } from '../../../local/cognito/outbox.ts';
import { type CloudProcess, startCloudProcess } from '../../../local/e2e/cloud-process.ts';
import { SEARCH_HINT } from '../src/search/search-examples.ts';
import { CHROMIUM, CHROMIUM_FLAGS, missingBrowser } from './chromium.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const PHOTO_NAMES = ['fruits.jpg', 'coffee.png', 'messi5.jpg'];
const PHOTOS = PHOTO_NAMES.map((name) => path.join(HERE, 'photos', name));
const ARTIFACTS = path.join(HERE, 'artifacts');
const PASSWORD = 'Secret-password-1!';

const missing = missingBrowser(existsSync(CHROMIUM));
const skipped = missing && 'skip' in missing ? missing.skip : null;
if (skipped) console.warn(`web e2e skipped: ${skipped}`);

describe.skipIf(skipped !== null)('the web app in Chromium against the local cloud', () => {
  let dataDir: string;
  let cloud: CloudProcess | undefined;
  /** The web app's URL, as `npm start` prints it. */
  let web: { url: string } | undefined;
  let browser: Browser | undefined;
  const run = Date.now();

  const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  /** A page of its own (its own storage, so its own session) that records every error it shows. */
  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${String(error)}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
    });
    return { page, errors };
  }

  async function confirmationCode(email: string): Promise<string> {
    const outbox = path.join(dataDir, 'cognito', 'outbox.jsonl');
    for (let tries = 0; tries < 50; tries++) {
      const code = latestCode(outbox, email);
      if (code) return code;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no confirmation code was sent to ${email}`);
  }

  async function signUp(page: Page, email: string): Promise<void> {
    await page.goto(web!.url);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.locator('form').getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Confirmation code').fill(await confirmationCode(email));
    await page.getByRole('button', { name: 'Confirm your account' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  const photoCount = (page: Page) => page.locator('.search .summary');

  beforeAll(async () => {
    if (missing && 'fail' in missing) throw new Error(missing.fail);
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = mkdtempSync(path.join(tmpdir(), 'imagegraph-web-e2e-'));
    cloud = await startCloudProcess(dataDir, ['--vision', 'models']);
    web = { url: cloud.outputs[OUTPUT_KEYS.webUrl]! };
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (cloud) expect(await cloud.stop()).toBe(0);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('signs up, uploads three photos live, searches by a label, opens the detail and deletes; another user sees none of it', async () => {
    // Bob is signed in and watching while Alice uploads: her live events must not reach him.
    const bob = await newPage();
    await signUp(bob.page, `bob-${run}@example.com`);
    await expect.poll(() => photoCount(bob.page).textContent()).toBe('0 photos');

    const { page, errors } = await newPage();
    await signUp(page, `alice-${run}@example.com`);
    await expect.poll(() => photoCount(page).textContent()).toBe('0 photos');
    await screenshot(page, '1-signed-in');

    // Uploads to 127.0.0.1 finish too fast to watch: Chromium's own throttling slows them down.
    const network = await page.context().newCDPSession(page);
    await network.send('Network.enable');
    await network.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    // Every value each progress bar shows, however briefly.
    await page.evaluate(() => {
      const seen: Record<string, number[]> = {};
      (window as unknown as { progressSeen: Record<string, number[]> }).progressSeen = seen;
      const record = () => {
        for (const bar of document.querySelectorAll('progress')) (seen[bar.getAttribute('aria-label') ?? ''] ??= []).push(bar.value / bar.max);
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByLabel('Choose photos to upload').setInputFiles(PHOTOS);
    await page.waitForFunction(() => [...document.querySelectorAll('progress')].some((bar) => bar.value > 0 && bar.value < bar.max));
    await screenshot(page, '2-uploading');
    await page.locator('.upload.processing').first().waitFor();
    await expect.poll(() => page.locator('.uploads .summary').textContent(), { timeout: 90_000, interval: 250 }).toBe('3 done');
    await network.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await network.detach();
    // Each bar moved: it showed a value strictly between empty and full.
    const progressSeen = await page.evaluate(() => (window as unknown as { progressSeen: Record<string, number[]> }).progressSeen);
    expect(Object.keys(progressSeen).sort()).toEqual(PHOTO_NAMES.map((name) => `Uploading ${name}`).sort());
    for (const values of Object.values(progressSeen)) expect(values.some((value) => value > 0 && value < 1)).toBe(true);
    // Thumbnails arrive live (onImageProcessed, then the reader-signed URL), and really load.
    await expect.poll(() => page.locator('.upload.processed .thumb img').count()).toBe(3);
    await expect
      .poll(() => page.locator('.upload .thumb img').evaluateAll((images) => images.filter((image) => (image as HTMLImageElement).naturalWidth > 0).length))
      .toBe(3);
    await expect.poll(() => photoCount(page).textContent()).toBe('3 photos');
    await screenshot(page, '3-uploaded');

    // Search by a label: the facet chip from the vision labels, and the same word typed.
    const labels = page.getByRole('group', { name: 'Filter by label' });
    await labels.getByRole('button', { name: /^Cup/ }).click();
    await expect.poll(() => photoCount(page).textContent()).toBe('1 photo');
    await expect.poll(() => page.getByTestId('result').allTextContents()).toEqual(['coffee.png']);
    await screenshot(page, '4-search-by-label');
    await labels.getByRole('button', { name: /^Cup/ }).click();
    await page.getByLabel('Search photos').fill('orange');
    await expect.poll(() => page.getByTestId('result').allTextContents()).toEqual(['fruits.jpg']);
    await page.getByLabel('Search photos').fill('cup');
    await expect.poll(() => page.getByTestId('result').allTextContents()).toEqual(['coffee.png']);
    // The box's hint suggests what search answers: its examples find these photos' content.
    await expect(page.getByLabel('Search photos').getAttribute('placeholder')).resolves.toBe(SEARCH_HINT);
    await page.getByLabel('Search photos').fill('people');
    await expect.poll(() => page.getByTestId('result').allTextContents()).toEqual(['messi5.jpg']);
    await page.getByLabel('Search photos').fill('cups');
    await expect.poll(() => page.getByTestId('result').allTextContents()).toEqual(['coffee.png']);

    // The detail: image, boxes, labels, EXIF; then delete.
    await page.getByTestId('result').getByRole('link').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'coffee.png' }).waitFor();
    await expect.poll(() => dialog.locator('.stage img').evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await expect(dialog.locator('.labels').textContent()).resolves.toContain('Cup');
    await expect(dialog.getByRole('img', { name: /detected objects and faces/ }).getAttribute('aria-label')).resolves.not.toMatch(/^0 /);
    await expect(dialog.locator('table.exif tr').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, '5-detail');
    page.once('dialog', (confirm) => void confirm.accept());
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(new URL(page.url()).hash).toBe('');
    await expect.poll(() => photoCount(page).textContent()).toBe('0 photos');
    await page.getByLabel('Search photos').fill('');
    await expect.poll(() => photoCount(page).textContent()).toBe('2 photos');
    await expect.poll(() => page.getByTestId('result').allTextContents().then((names) => names.sort())).toEqual(['fruits.jpg', 'messi5.jpg']);
    await screenshot(page, '6-after-delete');

    // A resized, re-encoded copy of fruits.jpg is a near-duplicate: the Duplicates filter shows
    // only it, or hides it.
    const copy = path.join(dataDir, 'fruits-small.jpg');
    await sharp(path.join(HERE, 'photos', 'fruits.jpg')).resize({ width: 240 }).jpeg({ quality: 70 }).toFile(copy);
    await page.getByLabel('Choose photos to upload').setInputFiles([copy]);
    await expect.poll(() => photoCount(page).textContent(), { timeout: 60_000 }).toBe('3 photos');
    await page.getByText('Filters and sort').click();
    const duplicates = page.getByLabel('Duplicates');
    await expect.poll(() => duplicates.locator('option[value="only"]').textContent()).toBe('Only copies (1)');
    await duplicates.selectOption('only');
    await expect.poll(() => page.getByTestId('result').allTextContents()).toEqual(['fruits-small.jpg']);
    await screenshot(page, '6b-only-copies');
    await duplicates.selectOption('hide');
    await expect.poll(() => page.getByTestId('result').allTextContents().then((names) => names.sort())).toEqual(['fruits.jpg', 'messi5.jpg']);
    await duplicates.selectOption('');
    await page.getByText('Filters and sort').click();
    // More like this: a copy of fruits.jpg under another name; each one's detail shows the other
    // first in its Similar photos strip, and a click there opens it.
    await page.getByLabel('Choose photos to upload').setInputFiles({ name: 'fruits-copy.jpg', mimeType: 'image/jpeg', buffer: readFileSync(PHOTOS[0]!) });
    await page.locator('.upload.processed', { hasText: 'fruits-copy.jpg' }).waitFor({ timeout: 90_000 });
    await expect.poll(() => photoCount(page).textContent()).toBe('4 photos');
    await page.getByTestId('result').filter({ hasText: /^fruits\.jpg$/ }).getByRole('link').click();
    await dialog.getByRole('heading', { name: 'fruits.jpg' }).waitFor();
    const similar = dialog.getByRole('region', { name: 'Similar photos' });
    const firstSimilar = similar.getByRole('link').first();
    await expect.poll(() => firstSimilar.getByRole('img').getAttribute('alt')).toBe('fruits-copy.jpg');
    await expect.poll(() => firstSimilar.getByRole('img').evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await screenshot(page, '6c-similar');
    await firstSimilar.click();
    await dialog.getByRole('heading', { name: 'fruits-copy.jpg' }).waitFor();
    await expect.poll(() => similar.getByRole('link').first().getByRole('img').getAttribute('alt')).toBe('fruits.jpg');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);

    // Bob: no live uploads, no photos, no facets, and Alice's image by its link is not there.
    expect(await bob.page.getByTestId('upload-item').count()).toBe(0);
    await bob.page.reload();
    await expect.poll(() => photoCount(bob.page).textContent()).toBe('0 photos');
    expect(await bob.page.getByRole('group', { name: 'Filter by label' }).count()).toBe(0);
    const aliceImage = await page.getByTestId('result').first().getByRole('link').getAttribute('href');
    await bob.page.goto(`${web!.url}${aliceImage!}`);
    await bob.page.getByRole('dialog').getByText('This image does not exist or was deleted.').waitFor();
    await screenshot(bob.page, '7-other-user');
    expect(bob.errors).toEqual([]);
  }, 240_000);

  it('works by keyboard alone with a visible focus, names every control, keeps AA contrast in both schemes and fits a phone', async () => {
    const { page, errors } = await newPage();
    const email = `carol-${run}@example.com`;
    await page.goto(web!.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);

    // Sign up, confirm and get in with the keyboard only; focus lands on the field to fill.
    await tabTo(page, 'Create an account');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('Email');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByLabel('Confirmation code').waitFor();
    expect(await focused(page)).toBe('Confirmation code');
    await page.keyboard.type(await confirmationCode(email));
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.locator('details.filters summary').click();
    expect(await unnamedControls(page)).toEqual([]);

    // The picker opens from its button; no invisible stop for the hidden file input on the way.
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // Asked for well before the key press: Chromium reports a chooser only once interception is on.
    const chooser = page.waitForEvent('filechooser');
    const stops = await tabTo(page, 'Choose photos');
    expect(stops).toEqual(['Change password', 'Sign out', 'Choose photos']);
    expect(await focusRingShown(page)).toBe(true);
    await page.keyboard.press('Enter');
    await (await chooser).setFiles(PHOTOS[1]!);
    await page.locator('.upload.processed .thumb img').waitFor({ timeout: 60_000 });

    // A result opens by keyboard; the dialog takes the focus, Escape gives it back to the tile.
    const toResult = await tabTo(page, /^coffee\.png: Cup/);
    expect(toResult).not.toContain('Choose photos to upload');
    expect(await focusRingShown(page)).toBe(true);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'coffee.png' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    expect(await unnamedControls(page)).toEqual([]);
    await screenshot(page, '8-keyboard-detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused(page)).toMatch(/^coffee\.png: Cup/);
    // The close button too.
    await page.keyboard.press('Enter');
    await dialog.getByRole('heading', { name: 'coffee.png' }).waitFor();
    await tabTo(page, 'Close', { within: 'dialog' });
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused(page)).toMatch(/^coffee\.png: Cup/);

    // Text contrast (WCAG AA) in both colour schemes, and one column without sideways scrolling on a phone.
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await lowContrastText(page)).toEqual([]);
      // The key goes where the focus is: on the tile the closed dialog gave it back to.
      await expect.poll(() => focused(page)).toMatch(/^coffee\.png: Cup/);
      await page.keyboard.press('Enter');
      await dialog.getByRole('heading', { name: 'coffee.png' }).waitFor();
      expect(await lowContrastText(page, 'dialog')).toEqual([]);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const [upload, search] = await Promise.all(['.uploads', '.search'].map((selector) => page.locator(selector).boundingBox()));
    expect(search!.y).toBeGreaterThanOrEqual(upload!.y + upload!.height);
    await screenshot(page, '9-phone');
    expect(errors).toEqual([]);
  }, 120_000);

  it('signs in with SRP (no password on the wire), changes the password, and resets a forgotten one with the emailed code', async () => {
    const { page, errors } = await newPage();
    const email = `dora-${run}@example.com`;
    // Every request body the page sends to the user pool, by action.
    const sent: { action: string; body: string }[] = [];
    page.on('request', (request) => {
      const action = request.headers()['x-amz-target']?.replace('AWSCognitoIdentityProviderService.', '');
      if (action) sent.push({ action, body: request.postData() ?? '' });
    });
    await signUp(page, email);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const signInActions = sent.filter(({ action }) => action === 'InitiateAuth' || action === 'RespondToAuthChallenge');
    const steps = signInActions.map(({ action, body }) => {
      const input = JSON.parse(body) as { AuthFlow?: string; ChallengeName?: string };
      return [action, input.AuthFlow ?? input.ChallengeName];
    });
    expect(steps).toContainEqual(['InitiateAuth', 'USER_SRP_AUTH']);
    expect(steps).toContainEqual(['RespondToAuthChallenge', 'PASSWORD_VERIFIER']);
    // The password went out with SignUp only (AWS's API takes it there), never to sign in.
    expect(sent.filter(({ body }) => body.includes(PASSWORD)).map(({ action }) => action)).toEqual(['SignUp']);

    // Change password: a wrong current one is refused, the right one changes it.
    const changed = 'Changed-password-2!';
    await page.getByRole('button', { name: 'Change password' }).click();
    const form = page.getByRole('region', { name: 'Change password' });
    expect(await unnamedControls(page)).toEqual([]);
    await form.getByLabel('Current password').fill('Wrong-password-9!');
    await form.getByLabel('New password').fill(changed);
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('The current password is not right.');
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').getByText('Your password has been changed.').waitFor();
    await screenshot(page, '10-password-changed');
    await form.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The old password no longer signs in; a reset code from the outbox sets a new one.
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Incorrect email or password.');
    const signUpCode = await confirmationCode(email);
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.getByLabel('Reset code').waitFor();
    await expect.poll(() => confirmationCode(email)).not.toBe(signUpCode);
    await page.getByLabel('Reset code').fill(await confirmationCode(email));
    await page.getByLabel('New password', { exact: true }).fill('Reset-password-3!');
    await screenshot(page, '11-reset-password');
    await page.getByRole('button', { name: 'Set a new password' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(errors.filter((error) => !error.includes('400 (Bad Request)'))).toEqual([]);
  }, 120_000);
});

/** What a screen reader would call the focused element: its name in the accessibility tree. */
async function focused(page: Page): Promise<string> {
  const element = page.locator(':focus');
  if ((await element.count()) === 0) return '(nothing)';
  // The snapshot's first line: `- role "name"`, YAML-quoted when it ends in a colon; a summary is `- text: name`.
  const line = (await element.ariaSnapshot()).split('\n')[0] ?? '';
  return /^- '?[\w-]+ "((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? /^- text: (.*)$/.exec(line)?.[1] ?? `(no name: ${line})`;
}

/** Presses Tab until `name` has the focus; returns the names of the stops on the way. */
async function tabTo(page: Page, name: string | RegExp, { within }: { within?: string } = {}): Promise<string[]> {
  const stops: string[] = [];
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press('Tab');
    const stop = await focused(page);
    if (within && !(await page.evaluate((selector) => document.activeElement?.closest(selector) !== null, within))) continue;
    stops.push(stop);
    if (typeof name === 'string' ? stop === name : name.test(stop)) return stops;
  }
  throw new Error(`Tab never reached "${String(name)}"; stops: ${stops.join(' | ')}`);
}

/** Whether the focused element draws a focus ring (the app's :focus-visible outline). */
function focusRingShown(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || !element.matches(':focus-visible')) return false;
    const style = getComputedStyle(element);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  });
}

/**
 * Text whose colour against its background falls below WCAG AA (4.5:1, or 3:1 for large text),
 * under `root`. Backgrounds are the nearest opaque ones; images behind text are not considered.
 */
function lowContrastText(page: Page, root = 'body'): Promise<string[]> {
  return page.evaluate((selector) => {
    const channels = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const linear = (value: number) => ((value /= 255) <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4);
      return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    };
    const background = (element: Element) => {
      for (let current: Element | null = element; current; current = current.parentElement) {
        const color = channels(getComputedStyle(current).backgroundColor);
        if (color.length === 3 || (color[3] ?? 0) >= 0.9) return color;
      }
      return matchMedia('(prefers-color-scheme: dark)').matches ? [0, 0, 0] : [255, 255, 255];
    };
    const problems: string[] = [];
    for (const element of document.querySelector(selector)?.querySelectorAll('*') ?? []) {
      const text = [...element.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE).map((node) => node.textContent ?? '').join('').trim();
      if (!text || element.getClientRects().length === 0 || element.closest('[aria-hidden="true"], :disabled, .visually-hidden')) continue;
      const style = getComputedStyle(element);
      const [fore, back] = [luminance(channels(style.color)), luminance(background(element))];
      const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) problems.push(`"${text.slice(0, 30)}" ${ratio.toFixed(2)}:1`);
    }
    return problems;
  }, root);
}

interface AXNode {
  role?: { value?: string };
  name?: { value?: string };
  ignored?: boolean;
  properties?: { name: string; value: { value?: unknown } }[];
}

const CONTROL_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'checkbox', 'radio', 'button', 'link', 'spinbutton', 'slider', 'listbox', 'switch', 'Date', 'DateTime', 'InputTime']);

/** Controls in Chromium's accessibility tree without an accessible name. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
  await cdp.detach();
  return nodes
    .filter((node) => !node.ignored && CONTROL_ROLES.has(node.role?.value ?? '') && !String(node.name?.value ?? '').trim())
    .map((node) => node.role?.value ?? '');
}
