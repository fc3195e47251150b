/**
 * Whether the real OpenSearch can run here, decided before vitest plans its projects: run.sh
 * --install builds the launcher (downloading it on first use) or says why it cannot (no Java 17 or
 * Maven), as a skip for developers and a failure in CI (CI=true).
 */
import { spawnSync } from 'node:child_process';
import { ORACLE_SCRIPT } from './oracle.ts';

type Availability = { available: true } | { available: false; reason: string };

/** Vitest loads its config more than once per run: the answer is kept in the environment. */
const CACHE = 'IMAGEGRAPH_OPENSEARCH_ORACLE';
const SKIPPED_CHECKS = 'local/opensearch/conformance against a real OpenSearch (run against the local engine only)';

export function installOpenSearchOracle(): Availability {
  const cached = process.env[CACHE];
  if (cached) return JSON.parse(cached) as Availability;
  const availability = install();
  process.env[CACHE] = JSON.stringify(availability);
  if (!availability.available) {
    console.warn(`${availability.reason}\n  -> skipped: ${SKIPPED_CHECKS}`);
  }
  return availability;
}

function install(): Availability {
  const result = spawnSync('bash', [ORACLE_SCRIPT, '--install'], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  const lastLine = result.stderr.trim().split('\n').pop() ?? '';
  if (result.status !== 0) throw new Error(`${ORACLE_SCRIPT} --install failed (${result.status}):\n${result.stderr}`);
  if (lastLine.includes('SKIPPED')) return { available: false, reason: lastLine };
  return { available: true };
}
