import { describe, expect, it } from 'vitest';
import { missingBrowser } from './chromium.ts';

describe('missingBrowser', () => {
  it('runs the browser tests when Chromium is installed, in CI or not', () => {
    expect(missingBrowser(true, { CI: 'true' })).toBeNull();
    expect(missingBrowser(true, {})).toBeNull();
  });

  it('skips them with how to install it for a person', () => {
    expect(missingBrowser(false, {})).toEqual({ skip: '/usr/bin/chromium is not installed (run client/web/e2e/install-chromium.sh)' });
    expect(missingBrowser(false, { CI: 'false' })).toHaveProperty('skip');
  });

  it('fails them in CI', () => {
    expect(missingBrowser(false, { CI: 'true' })).toEqual({
      fail: '/usr/bin/chromium is not installed (run client/web/e2e/install-chromium.sh); CI=true: the browser tests fail instead of skipping',
    });
  });
});
