import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthError, type SessionTokens } from '../../src/api/session.ts';
import { fileTokenStore, MAX_SESSION_FILE_BYTES, UNUSABLE_SESSION_FILE } from './session-file.ts';

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

describe('fileTokenStore with a session file it cannot use', () => {
  const stored = JSON.stringify({ client: tokens });
  const cases: [string, (file: string) => void, string][] = [
    ['cut short', (file) => writeFileSync(file, stored.slice(0, 40)), 'is not valid JSON (cut short or edited?)'],
    // JSON.parse would quote it: "Unexpected token 'e', "eyJraWQiOi"... is not valid JSON".
    ['a bare token pasted in', (file) => writeFileSync(file, 'eyJraWQiOiJzZWNyZXQtdG9rZW4ifQ'), 'is not valid JSON (cut short or edited?)'],
    ['not an object', (file) => writeFileSync(file, '["refresh"]'), 'does not hold a JSON object'],
    ['an entry edited by hand', (file) => writeFileSync(file, JSON.stringify({ client: { ...tokens, refreshToken: 7, expiresAt: 'soon' } })), 'its entry for this deployment lacks a valid refreshToken, expiresAt'],
    ['a directory', (file) => mkdirSync(file), 'is not a regular file'],
    // Valid JSON, but no session file is this large: refused unread.
    ['over 64 KB', (file) => writeFileSync(file, JSON.stringify({ client: tokens, padding: 'x'.repeat(MAX_SESSION_FILE_BYTES) })), 'is larger than a session file can be (over 64 KB)'],
  ];
  it.each(cases)('%s: says what is wrong, quoting none of it, and signing in replaces it', (name, arrange, problem) => {
    const file = path.join(workdir, name.replaceAll(' ', '-'), 'session.json');
    mkdirSync(path.dirname(file));
    arrange(file);
    const store = fileTokenStore('client', file);
    let failure: unknown;
    try {
      store.load();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(AuthError);
    expect(failure).toMatchObject({ code: UNUSABLE_SESSION_FILE, message: `The session file ${file} ${problem}.` });
    if (name !== 'a directory') {
      store.save(tokens);
      expect(fileTokenStore('client', file).load()).toEqual(tokens);
    }
  });
});
