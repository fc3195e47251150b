import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { AuthError, type SessionTokens, type TokenStore } from '../../src/api/session.ts';
import { writePrivateFile } from './private-file.ts';

export const DEFAULT_SESSION_FILE = '.imagegraph/session.json';

/**
 * The largest session file read. An entry holds three Cognito tokens (a few kB together), one per
 * deployment: anything near this is not a session file, and is refused rather than read.
 */
export const MAX_SESSION_FILE_BYTES = 64 * 1024;

/** The AuthError code of a session file that cannot be used; the CLI tells the user to sign in again. */
export const UNUSABLE_SESSION_FILE = 'UnusableSessionFile';

/**
 * The CLI's tokens, in a file only the user can read (0600; its directory 0700 when the CLI makes
 * it), one entry per app client so a local and an AWS deployment never see each other's tokens.
 * A file that cannot be used (not JSON, cut short, edited, too large) fails `load` with an
 * AuthError that says what is wrong and never quotes the file; `save` (signing in) replaces it.
 */
export function fileTokenStore(clientId: string, file = DEFAULT_SESSION_FILE): TokenStore {
  return {
    load() {
      const entry = readSessionFile(file)[clientId];
      if (entry === undefined) return null;
      const wrong = entryProblem(entry);
      if (wrong) throw unusable(file, `its entry for this deployment ${wrong}`);
      return entry as SessionTokens;
    },
    save(tokens) {
      let all: Record<string, unknown>;
      try {
        all = readSessionFile(file);
      } catch (error) {
        // Signing in is the way out of an unusable file: the other deployments' entries in it are lost.
        if (!(error instanceof AuthError)) throw error;
        all = {};
      }
      if (tokens) all[clientId] = tokens;
      else delete all[clientId];
      writePrivateFile(file, `${JSON.stringify(all, null, 2)}\n`);
    },
  };
}

/** The entries of the session file, by app client id; none when there is no file. */
function readSessionFile(file: string): Record<string, unknown> {
  let descriptor: number;
  try {
    // Non-blocking, so a FIFO put in its place cannot hang the CLI before it is refused below.
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw unusable(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    if (!fstatSync(descriptor).isFile()) throw unusable(file, 'is not a regular file');
    // Never more than the limit is read, however large the file is or grows meanwhile.
    const buffer = Buffer.alloc(MAX_SESSION_FILE_BYTES + 1);
    let length = 0;
    let read: number;
    do {
      read = readSync(descriptor, buffer, length, buffer.length - length, null);
      length += read;
    } while (read > 0 && length < buffer.length);
    if (length > MAX_SESSION_FILE_BYTES) throw unusable(file, `is larger than a session file can be (over ${MAX_SESSION_FILE_BYTES / 1024} KB)`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(buffer.toString('utf8', 0, length));
    } catch {
      // JSON.parse's message quotes the text, which holds tokens: never shown.
      throw unusable(file, 'is not valid JSON (cut short or edited?)');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw unusable(file, 'does not hold a JSON object');
    return parsed as Record<string, unknown>;
  } finally {
    closeSync(descriptor);
  }
}

const TEXT_FIELDS = ['idToken', 'accessToken', 'refreshToken', 'sub', 'email'] as const satisfies readonly (keyof SessionTokens)[];

/** What is wrong with a stored entry, by field name only (values are secrets), or null. */
function entryProblem(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'is not a JSON object';
  const fields = entry as Record<string, unknown>;
  const missing: string[] = TEXT_FIELDS.filter((name) => typeof fields[name] !== 'string');
  if (typeof fields.expiresAt !== 'number' || !Number.isFinite(fields.expiresAt)) missing.push('expiresAt');
  return missing.length > 0 ? `lacks a valid ${missing.join(', ')}` : null;
}

function unusable(file: string, problem: string): AuthError {
  return new AuthError(UNUSABLE_SESSION_FILE, `The session file ${file} ${problem}.`);
}
