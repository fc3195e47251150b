import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionTokens } from '../../src/api/session.ts';
import { fileTokenStore } from './session-file.ts';

const workdir = mkdtempSync(path.join(tmpdir(), 'imagegraph-session-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

const tokens: SessionTokens = { idToken: 'id', accessToken: 'access', refreshToken: 'refresh', expiresAt: 1, sub: 'sub', email: 'ada@example.com' };
const mode = (file: string) => statSync(file).mode & 0o777;

describe('fileTokenStore', () => {
  it('keeps the tokens readable only by the user: the file 0600 in a 0700 directory', () => {
    const file = path.join(workdir, 'fresh', '.imagegraph', 'session.json');
    fileTokenStore('client', file).save(tokens);
    expect([mode(file), mode(path.dirname(file)), mode(path.dirname(path.dirname(file)))]).toEqual([0o600, 0o700, 0o700]);
    expect(fileTokenStore('client', file).load()).toEqual(tokens);
    expect(fileTokenStore('other-client', file).load()).toBeNull();
  });

  it('never writes tokens into a file others can read, nor through a link put in its place', () => {
    const directory = path.join(workdir, 'existing');
    mkdirSync(directory);
    const file = path.join(directory, 'session.json');
    writeFileSync(file, '{}', { mode: 0o644 });
    fileTokenStore('client', file).save(tokens);
    expect(mode(file)).toBe(0o600);

    const elsewhere = path.join(workdir, 'elsewhere.json');
    writeFileSync(elsewhere, '{}', { mode: 0o644 });
    rmSync(file);
    symlinkSync(elsewhere, file);
    fileTokenStore('client', file).save(tokens);
    expect([readFileSync(elsewhere, 'utf8'), mode(elsewhere), mode(file)]).toEqual(['{}', 0o644, 0o600]);
  });
});
