/** The browser the web e2e tests drive, and what they do when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';
/** Headless, and quiet: nothing fetched from Google while a test runs. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Makes Chromium accept the local cloud's TLS certificate and no other untrusted one: the server
 * key's SPKI pin (local/tls/certificates.ts), rather than --ignore-certificate-errors.
 */
export function trustLocalServerKey(serverSpkiSha256: string): string {
  return `--ignore-certificate-errors-spki-list=${serverSpkiSha256}`;
}

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
