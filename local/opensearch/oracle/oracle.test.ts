/**
 * The oracle's launcher and run.sh's skip rule, without a JVM: stand-in scripts play the node's
 * ready line, run.sh's skip, a crash and a hang; run.sh itself runs with a PATH that has no Java.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ORACLE_SCRIPT, startOpenSearchOracle } from './oracle.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'oracle-launcher-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `set -euo pipefail\n${body}\n`);
  return file;
}

describe('startOpenSearchOracle', () => {
  it('returns the URL of the ready line; stop() closes stdin, the node exits and its home is removed', async () => {
    const marker = path.join(dir, 'stopped');
    const ready = script('ready.sh', `echo "starting"; echo "OPENSEARCH_ORACLE_READY http://127.0.0.1:$1"; cat >/dev/null; touch ${marker}`);
    const start = await startOpenSearchOracle({ script: ready });
    if (!('oracle' in start)) throw new Error(`expected an oracle, got ${JSON.stringify(start)}`);
    expect(start.oracle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(marker)).toBe(false);
    await start.oracle.stop();
    expect(existsSync(marker)).toBe(true);
  });

  it("run.sh's skip (exit 0 before the ready line) is reported with its reason", async () => {
    const skip = script('skip.sh', 'echo "opensearch oracle: SKIPPED: java is not installed" >&2; exit 0');
    expect(await startOpenSearchOracle({ script: skip })).toEqual({ skipped: 'opensearch oracle: SKIPPED: java is not installed' });
  });

  it('a node that exits with an error fails with its exit code and stderr', async () => {
    const crash = script('crash.sh', 'echo "Exception in thread main: port in use" >&2; exit 3');
    await expect(startOpenSearchOracle({ script: crash })).rejects.toThrow(/exited with 3:\nException in thread main: port in use/);
  });

  it('a node that never answers is stopped and fails after the timeout', async () => {
    const hang = script('hang.sh', 'cat >/dev/null');
    await expect(startOpenSearchOracle({ script: hang, timeoutMs: 300 })).rejects.toThrow('did not answer within 0.3 s');
  });
});

describe('run.sh without Java', () => {
  // A PATH with what run.sh needs before its Java check, and no java or mvn.
  const bin = path.join(dir, 'bin');
  const noJavaPath = () => {
    if (!existsSync(bin)) {
      mkdirSync(bin, { recursive: true });
      for (const tool of ['bash', 'dirname']) {
        const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
        symlinkSync(found, path.join(bin, tool));
      }
    }
    return bin;
  };
  const run = (ci: string) => spawnSync('bash', [ORACLE_SCRIPT, '--install'], { encoding: 'utf8', env: { PATH: noJavaPath(), CI: ci } });

  it('is a skip with a message for developers', () => {
    const result = run('');
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('opensearch oracle: SKIPPED: java is not installed');
  });

  it('is a failure in CI (CI=true)', () => {
    const result = run('true');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('java is not installed (Java 17 is needed) (CI=true: failing)');
  });
});
