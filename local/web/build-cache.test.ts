import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BuildResult, ensureWebBuild } from './build-cache.ts';

let project: string;
let builds: number;

/** A stand-in for Vite: bundles the sources it reads (main.ts and what it names) into index.html. */
function fakeBuild(outDir: string): Promise<BuildResult> {
  builds += 1;
  const main = join(project, 'main.ts');
  const imported = readFileSync(main, 'utf8').match(/import '(.+)'/)?.[1];
  const inputs = [main, ...(imported ? [join(project, imported)] : [])];
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.html'), inputs.map((file) => readFileSync(file, 'utf8')).join('\n'));
  return Promise.resolve({ outDir, inputs });
}

const options = () => ({
  cacheDir: join(project, 'cache'),
  projectRoot: project,
  fixedInputs: () => Promise.resolve([join(project, 'package-lock.json')]),
  build: fakeBuild,
});

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'web-cache-'));
  builds = 0;
  writeFileSync(join(project, 'main.ts'), "import './a.ts'");
  writeFileSync(join(project, 'a.ts'), 'a1');
  writeFileSync(join(project, 'b.ts'), 'b1');
  writeFileSync(join(project, 'package-lock.json'), '{"v":1}');
});

afterEach(() => rmSync(project, { recursive: true, force: true }));

describe('ensureWebBuild', () => {
  it('builds once, then reuses the build while no input changed', async () => {
    const first = await ensureWebBuild(options());
    expect(first.built).toBe(true);
    expect(readFileSync(join(first.dir, 'index.html'), 'utf8')).toContain('a1');
    const second = await ensureWebBuild(options());
    expect(second).toEqual({ dir: first.dir, key: first.key, built: false });
    expect(builds).toBe(1);
  });

  it('builds again when a bundled module, a fixed input or the import graph changes', async () => {
    const first = await ensureWebBuild(options());
    writeFileSync(join(project, 'a.ts'), 'a2');
    const afterModule = await ensureWebBuild(options());
    expect(afterModule.built).toBe(true);
    expect(afterModule.key).not.toBe(first.key);
    expect(readFileSync(join(afterModule.dir, 'index.html'), 'utf8')).toContain('a2');

    writeFileSync(join(project, 'package-lock.json'), '{"v":2}');
    expect((await ensureWebBuild(options())).built).toBe(true);

    // b.ts is not an input until main.ts imports it; then main.ts itself has changed.
    writeFileSync(join(project, 'b.ts'), 'b2');
    expect((await ensureWebBuild(options())).built).toBe(false);
    writeFileSync(join(project, 'main.ts'), "import './b.ts'");
    const rewired = await ensureWebBuild(options());
    expect(rewired.built).toBe(true);
    expect(readFileSync(join(rewired.dir, 'index.html'), 'utf8')).toContain('b2');
    expect(builds).toBe(4);
  });

  it('builds again when an input is gone or the cached build was deleted', async () => {
    const first = await ensureWebBuild(options());
    rmSync(first.dir, { recursive: true });
    expect((await ensureWebBuild(options())).built).toBe(true);
    writeFileSync(join(project, 'main.ts'), 'no imports');
    rmSync(join(project, 'a.ts'));
    expect((await ensureWebBuild(options())).built).toBe(true);
  });

  it('returns to an earlier build of the same content without building, and keeps only recent builds', async () => {
    const first = await ensureWebBuild(options());
    for (const version of ['a2', 'a3', 'a4']) {
      writeFileSync(join(project, 'a.ts'), version);
      await ensureWebBuild(options());
    }
    // keep: 2 besides the current one, so the first build (the oldest) is gone.
    expect(existsSync(first.dir)).toBe(false);
    writeFileSync(join(project, 'a.ts'), 'a1');
    const back = await ensureWebBuild(options());
    expect(back.key).toBe(first.key);
  });

  it('fails with the build’s error and leaves nothing half-built behind', async () => {
    const build = (outDir: string): Promise<BuildResult> => {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, 'partial.js'), '');
      return Promise.reject(new Error('the web app’s build failed (1)'));
    };
    await expect(ensureWebBuild({ ...options(), build })).rejects.toThrow('build failed');
    expect(readdirSync(join(project, 'cache'))).toEqual([]);
  });
});
