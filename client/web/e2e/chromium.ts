/** The browser the web e2e tests drive, and what they do when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';
/** Headless, and quiet: no sandbox (containers), no GPU, nothing fetched in the background. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export type MissingBrowser = { skip: string } | { fail: string } | null;

/**
 * Without the browser, a person gets a skip saying how to install it; CI (`CI=true`, which .ci/run
 * exports) gets a failure, so a failed install cannot pass as green.
 */
export function missingBrowser(installed: boolean, env: NodeJS.ProcessEnv = process.env): MissingBrowser {
  if (installed) return null;
  const why = `${CHROMIUM} is not installed (run client/web/e2e/install-chromium.sh)`;
  return env.CI === 'true' ? { fail: `${why}; CI=true: the browser tests fail instead of skipping` } : { skip: why };
}
