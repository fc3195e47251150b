import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found from this file rather than the working directory, so synth works the
 * same from the CLI, from vitest and from any other folder.
 */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** An absolute path from one relative to the repository root. */
export function repoPath(relative: string): string {
  return path.join(REPO_ROOT, relative);
}
