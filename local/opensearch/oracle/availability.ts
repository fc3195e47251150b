/**
 * Whether the real OpenSearch can run here, decided before vitest plans its projects: run.sh
 * --install builds the launcher (downloading it on first use) or says why it cannot (no Java 17 or
 * Maven), as a skip for developers and a failure in CI (CI=true).
 */
import { spawnSync } from 'node:child_process';
import { ORACLE_SCRIPT } from './oracle.ts';

export function installOpenSearchOracle(): { available: true } | { available: false; reason: string } {
  const result = spawnSync('bash', [ORACLE_SCRIPT, '--install'], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  const lastLine = result.stderr.trim().split('\n').pop() ?? '';
  if (result.status !== 0) throw new Error(`${ORACLE_SCRIPT} --install failed (${result.status}):\n${result.stderr}`);
  if (lastLine.includes('SKIPPED')) return { available: false, reason: lastLine };
  return { available: true };
}
