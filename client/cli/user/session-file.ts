import { existsSync, readFileSync } from 'node:fs';
import type { SessionTokens, TokenStore } from '../../src/api/session.ts';
import { writePrivateFile } from './private-file.ts';

export const DEFAULT_SESSION_FILE = '.imagegraph/session.json';

/**
 * The CLI's tokens, in a file only the user can read (0600; its directory 0700 when the CLI makes
 * it), one entry per app client so a local and an AWS deployment never see each other's tokens.
 */
export function fileTokenStore(clientId: string, file = DEFAULT_SESSION_FILE): TokenStore {
  const readAll = (): Record<string, SessionTokens> => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, SessionTokens>) : {});
  return {
    load: () => readAll()[clientId] ?? null,
    save(tokens) {
      const all = readAll();
      if (tokens) all[clientId] = tokens;
      else delete all[clientId];
      writePrivateFile(file, `${JSON.stringify(all, null, 2)}\n`);
    },
  };
}
