import { Stack } from 'aws-cdk-lib';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_NPM_ENVIRONMENT, NodeFunction } from './constructs/node-function.ts';
import { repoPath } from './paths.ts';
import { inspectSharpBundle, SHARP_LAMBDA_PACKAGES, verifySharpBundle } from './sharp-bundle.ts';
import { createTestApp } from './testing.ts';

// Real bundling, as `cdk synth` does it: esbuild from node_modules, no Docker. npm is replaced by
// a stand-in that records how it was called and installs what the real one would choose for the
// platform it is told (or, told nothing, for this machine), so these tests need no registry.
// `npm run synth` installs sharp for real and fails if the bundle could not run on Lambda.

const scratch = mkdtempSync(path.join(tmpdir(), 'imagegraph-bundling-'));
const npmLog = path.join(scratch, 'npm-calls.jsonl');

const FAKE_NPM = `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const npmConfig = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('npm_config_')));
const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8'));
fs.appendFileSync(process.env.FAKE_NPM_LOG, JSON.stringify({
  args: process.argv.slice(2), cwd: process.cwd(), npmConfig, dependencies: manifest.dependencies,
  lockFile: fs.existsSync('package-lock.json'),
}) + '\\n');
const write = (name, version) => {
  fs.mkdirSync(path.join('node_modules', name), { recursive: true });
  fs.writeFileSync(path.join('node_modules', name, 'package.json'), JSON.stringify({ name, version }));
};
if (manifest.dependencies.sharp) {
  const platform = (npmConfig.npm_config_os || process.platform) + '-' + (npmConfig.npm_config_cpu || process.arch);
  write('sharp', '0.35.5');
  write('@img/sharp-' + platform, '0.35.5');
  write('@img/sharp-libvips-' + platform, '1.3.4');
}
`;

interface NpmCall {
  args: string[];
  cwd: string;
  npmConfig: Record<string, string>;
  dependencies: Record<string, string>;
  lockFile: boolean;
}
const npmCalls = (): NpmCall[] =>
  existsSync(npmLog)
    ? readFileSync(npmLog, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as NpmCall)
    : [];

const savedEnv = { PATH: process.env.PATH, FAKE_NPM_LOG: process.env.FAKE_NPM_LOG };
const outdirs: string[] = [];

beforeAll(() => {
  const bin = path.join(scratch, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'npm'), FAKE_NPM);
  chmodSync(path.join(bin, 'npm'), 0o755);
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`;
  process.env.FAKE_NPM_LOG = npmLog;
});

afterAll(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  for (const dir of [scratch, ...outdirs]) rmSync(dir, { recursive: true, force: true });
});

/** One function in a stack of its own, bundled for real. */
function bundled(entry: string, nodeModules?: string[]): NodeFunction {
  const app = createTestApp({ bundle: true });
  outdirs.push(app.outdir);
  const stack = new Stack(app, 'Bundling', { env: { region: 'eu-west-1' } });
  return new NodeFunction(stack, 'Function', { entry, description: 'bundling test', nodeModules });
}

describe('function bundling', () => {
  it('bundles a function to one ESM file with esbuild from node_modules, without Docker or npm', () => {
    const before = npmCalls().length;
    const dir = bundled('functions/sign-urls/index.ts').bundleDirectory!;
    expect(dir).toBeDefined();
    expect(existsSync(path.join(dir, 'index.mjs'))).toBe(true);
    expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
    expect(npmCalls()).toHaveLength(before);
  });

  it('installs sharp with npm ci for linux-arm64 glibc, at the locked version, next to the bundle', () => {
    const before = npmCalls().length;
    const dir = bundled('infra/fixtures/sharp-handler.ts', ['sharp']).bundleDirectory!;

    const calls = npmCalls().slice(before);
    expect(calls).toHaveLength(1);
    const [call] = calls as [NpmCall];
    expect(call.args).toEqual(['ci']);
    expect(call.npmConfig).toMatchObject({ npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_libc: 'glibc' });
    expect(call.npmConfig).toMatchObject(LAMBDA_NPM_ENVIRONMENT);
    // package-lock.json pins the version; the range is the one package.json declares.
    const rootManifest = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(call.dependencies).toEqual({ sharp: rootManifest.dependencies.sharp });
    expect(call.lockFile).toBe(true);

    // esbuild leaves sharp to node_modules instead of inlining it.
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code).toMatch(/from\s*"sharp"/);
    expect(verifySharpBundle(dir).sharpPackages).toEqual([...SHARP_LAMBDA_PACKAGES].sort());
    // The lock file npm ci needed is not shipped.
    expect(existsSync(path.join(dir, 'package-lock.json'))).toBe(false);
  });

  it('bundles the HEIC decoder with its WebAssembly inside the one file, so it decodes with nothing beside it', () => {
    const dir = bundled('infra/fixtures/heic-handler.ts').bundleDirectory!;
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    // Run from a copy where no node_modules can be found: the bundle alone must decode the fixture.
    const alone = mkdtempSync(path.join(tmpdir(), 'imagegraph-heic-bundle-'));
    outdirs.push(alone);
    copyFileSync(path.join(dir, 'index.mjs'), path.join(alone, 'index.mjs'));
    copyFileSync(repoPath('functions/process-image/analysis/fixtures/path-gps-rotated.heic'), path.join(alone, 'photo.heic'));
    const script = `
      import { readFileSync } from 'node:fs';
      const { handler } = await import('./index.mjs');
      console.log(JSON.stringify(handler({ heicBase64: readFileSync('photo.heic').toString('base64') })));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: alone, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ width: 1024, height: 640, channels: 3 });
  });

  it('skips bundling, and npm, where tests only read the template', () => {
    const before = npmCalls().length;
    const app = createTestApp();
    const fn = new NodeFunction(new Stack(app, 'Skipped'), 'Function', {
      entry: 'infra/fixtures/sharp-handler.ts',
      description: 'bundling test',
      nodeModules: ['sharp'],
    });
    expect(fn.bundleDirectory).toBeUndefined();
    expect(npmCalls()).toHaveLength(before);
  });
});

describe('verifySharpBundle', () => {
  const bundle = (packages: Record<string, string>) => {
    const dir = mkdtempSync(path.join(scratch, 'bundle-'));
    writeFileSync(path.join(dir, 'index.mjs'), 'export const handler = () => 1;\n');
    for (const [name, version] of Object.entries(packages)) {
      mkdirSync(path.join(dir, 'node_modules', name), { recursive: true });
      writeFileSync(path.join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
    }
    return dir;
  };

  it('accepts sharp with the linux-arm64 binaries and reports the bundle size', () => {
    const report = verifySharpBundle(
      bundle({ sharp: '0.35.5', '@img/sharp-linux-arm64': '0.35.5', '@img/sharp-libvips-linux-arm64': '1.3.4' }),
    );
    expect(report).toMatchObject({ sharpVersion: '0.35.5', problems: [] });
    expect(report.sizeBytes).toBeGreaterThan(0);
  });

  it('rejects a bundle installed for the build machine instead of Lambda', () => {
    const dir = bundle({ sharp: '0.35.5', '@img/sharp-linux-x64': '0.35.5', '@img/sharp-libvips-linux-x64': '1.3.4' });
    expect(inspectSharpBundle(dir).problems).toEqual([
      '@img/sharp-linux-arm64 is missing, so sharp cannot load on linux-arm64',
      '@img/sharp-libvips-linux-arm64 is missing, so sharp cannot load on linux-arm64',
      'binaries for other platforms would only grow the bundle: @img/sharp-libvips-linux-x64, @img/sharp-linux-x64',
    ]);
    expect(() => verifySharpBundle(dir)).toThrow(/cannot run sharp on Lambda/);
  });

  it('rejects a bundle without sharp, or with a binary of another sharp version', () => {
    expect(inspectSharpBundle(bundle({})).problems).toContain('sharp is not installed in node_modules');
    const mismatched = bundle({
      sharp: '0.35.5',
      '@img/sharp-linux-arm64': '0.34.0',
      '@img/sharp-libvips-linux-arm64': '1.3.4',
    });
    expect(inspectSharpBundle(mismatched).problems).toEqual([
      '@img/sharp-linux-arm64 is 0.34.0 but sharp is 0.35.5; sharp loads only its own version',
    ]);
  });
});
