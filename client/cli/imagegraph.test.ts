import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

// The real executable, as a user runs it (client/cli/bin.mjs, through tsx).
const BIN = new URL('./bin.mjs', import.meta.url).pathname;
const workdir = mkdtempSync(path.join(tmpdir(), 'imagegraph-cli-'));

function imagegraph(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: workdir, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  await sharp({ create: { width: 320, height: 200, channels: 3, background: '#3366cc' } }).jpeg().toFile(path.join(workdir, 'blue.jpg'));
  writeFileSync(path.join(workdir, 'fake.png'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
});

describe('imagegraph', () => {
  it('describes every command in --help', () => {
    const { code, stdout } = imagegraph('--help');
    expect(code).toBe(0);
    for (const command of ['process', 'reindex', 'reconcile', 'redrive']) expect(stdout).toContain(command);
    expect(imagegraph('reconcile', '--help').stdout).toContain('--dry-run');
  });

  it('process prints the documents, refusing what is not an image, and exits 1 when any failed', () => {
    const { code, stdout } = imagegraph('process', 'blue.jpg', 'fake.png', '--json');
    expect(code).toBe(1);
    const results = JSON.parse(stdout) as { path: string; document: { status: string; format?: string; width?: number; failureReason?: string } }[];
    expect(results.map((result) => [result.path, result.document.status])).toEqual([
      ['blue.jpg', 'PROCESSED'],
      ['fake.png', 'FAILED'],
    ]);
    expect(results[0]?.document).toEqual(expect.objectContaining({ format: 'JPEG', width: 320 }));
    expect(results[1]?.document.failureReason).toMatch(/Not a supported image/);
  });

  it('process summarizes in words without --json', () => {
    const { code, stdout } = imagegraph('process', 'blue.jpg');
    expect(code).toBe(0);
    expect(stdout).toMatch(/PROCESSED {2}blue\.jpg: JPEG 320x200, 4 thumbnails/);
    expect(stdout).toContain('1 processed, 0 failed');
  });

  it('says how to get a deployment when there is none', () => {
    const { code, stderr } = imagegraph('reindex');
    expect(code).toBe(1);
    expect(stderr).toContain('No deployment outputs found');
    expect(stderr).toContain('npx cdk deploy --outputs-file cdk-outputs.json');
  });

  it('rejects unknown commands with help', () => {
    const { code, stderr } = imagegraph('frobnicate');
    expect(code).not.toBe(0);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });
});
