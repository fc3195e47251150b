/**
 * `npm start` exactly as a newcomer types it (npm itself, from the repository root): the first
 * screen holds only ImageGraph's own lines, the web app's URL first, with the libraries' notices in
 * the cloud log; and a SIGINT or SIGTERM sent to the npm process stops every process the
 * command started and closes every port it opened.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.ts';
import { OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { CLOUD_NODE_FLAGS, cloudLogFile, outputsFile } from '../config.ts';
import { waitFor } from './probes.ts';
import { commandOf, descendants, isAlive, processesOf } from './process-table.ts';

interface NpmStart {
  npm: ChildProcess;
  dataDir: string;
  stdout: string[];
  stderr: string[];
}

const started: NpmStart[] = [];

afterEach(async () => {
  for (const { npm, dataDir } of started.splice(0)) {
    // SIGKILL: npm cannot forward it, and the launcher notices its parent is gone.
    if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    await waitFor('every process of npm start to exit', () => processesOf(dataDir).length === 0, 30_000, () => processesOf(dataDir));
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);

async function npmStart(args: readonly string[], readyLine: RegExp | ((run: NpmStart) => boolean)): Promise<NpmStart> {
  const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  const npm = spawn('npm', ['start', '--', '--data-dir', dataDir, '--port-base', '0', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, IMAGEGRAPH_VISION: undefined },
  });
  const run: NpmStart = { npm, dataDir, stdout: [], stderr: [] };
  started.push(run);
  createInterface({ input: npm.stdout }).on('line', (line) => run.stdout.push(line));
  createInterface({ input: npm.stderr }).on('line', (line) => run.stderr.push(line));
  await waitFor(`npm start to reach ${String(readyLine)}`, () => {
    if (npm.exitCode !== null) throw new Error(`npm start exited (${npm.exitCode}):\n${[...run.stdout, ...run.stderr].join('\n')}`);
    return typeof readyLine === 'function' ? readyLine(run) : run.stdout.some((line) => readyLine.test(line));
  }, 240_000);
  return run;
}

function acceptsConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** ImageGraph's own lines; npm's run-script banner ("> imagegraph@… start", "> exec node …") and blank lines aside. */
const OWN_LINES = [
  /^ImageGraph is running locally \(ready in [\d.]+ s\)\.$/,
  /^ {2}(Web app|GraphQL|Real-time|TLS|Outputs|Data|Log|Vision) {2,}\S/,
  /^Ctrl-C stops it\.$/,
  /^Vision models ready \([\d.]+ s\)\.$/,
];
const isNpmBanner = (line: string) => line === '' || /^> /.test(line);

describe('npm start', () => {
  it("shows only ImageGraph's lines, the web app first; the libraries' notices go to the cloud log", async () => {
    const run = await npmStart([], /^Vision models ready/);
    const own = run.stdout.filter((line) => !isNpmBanner(line));
    expect(own.filter((line) => !OWN_LINES.some((pattern) => pattern.test(line)))).toEqual([]);
    expect(run.stderr).toEqual([]);
    const firstUrl = own.find((line) => /https?:\/\//.test(line));
    const outputs = JSON.parse(readFileSync(outputsFile({ dataDir: run.dataDir }), 'utf8')) as Record<string, string>;
    expect(firstUrl).toBe(`  Web app       ${outputs[OUTPUT_KEYS.webUrl]}`);
    const page = await fetch(outputs[OUTPUT_KEYS.webUrl]!);
    expect(await page.text()).toContain('<div id="root">');
    const log = readFileSync(cloudLogFile({ dataDir: run.dataDir }), 'utf8');
    // What used to reach the terminal (the AWS SDK v2 notice from cognito-local, nsfwjs's model note).
    expect(log).toContain('AWS SDK for JavaScript (v2)');
    expect(log).toContain('hosting your own model');
    // The cloud process runs with its Node flags (config.ts).
    const cloud = descendants(run.npm.pid!).filter((pid) => commandOf(pid).includes('cloud-main.ts'));
    expect(cloud).toHaveLength(1);
    expect(CLOUD_NODE_FLAGS.length).toBeGreaterThan(0);
    expect(commandOf(cloud[0]!).split('\0')).toEqual(expect.arrayContaining([...CLOUD_NODE_FLAGS]));
  }, 300_000);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} to the npm process stops every process it started and closes every port`, async () => {
      const run = await npmStart(['--vision', 'lite'], /^Ctrl-C stops it/);
      const pids = descendants(run.npm.pid!);
      const outputs = JSON.parse(readFileSync(outputsFile({ dataDir: run.dataDir }), 'utf8')) as Record<string, string>;
      const urls = Object.values(outputs).filter((value) => /^(https?|wss?):\/\//.test(value));
      // The launcher, the cloud, the search engine, the queue, the storage backend, esbuild services.
      expect(pids.length).toBeGreaterThanOrEqual(5);
      for (const url of urls) expect(await acceptsConnections(url), url).toBe(true);

      const exited = new Promise<number | null>((resolve) => run.npm.once('exit', (code) => resolve(code)));
      run.npm.kill(signal);
      expect(await exited).toBe(0);
      await waitFor('every process npm start started to exit', () => !pids.some(isAlive) && processesOf(run.dataDir).length === 0, 30_000, () => [...pids.filter(isAlive), ...processesOf(run.dataDir)]);
      for (const url of urls) expect(await acceptsConnections(url), url).toBe(false);
      expect(run.stdout).toContain('ImageGraph stopped.');
    }, 300_000);
  }

  it('SIGTERM to the npm process while the cloud is still starting stops everything too', async () => {
    // As soon as the cloud process runs, long before it is ready (the search engine starts first).
    const run = await npmStart(['--vision', 'lite'], ({ npm }) => descendants(npm.pid!).some((pid) => commandOf(pid).includes('cloud-main.ts')));
    const pids = descendants(run.npm.pid!);
    const exited = new Promise<number | null>((resolve) => run.npm.once('exit', (code) => resolve(code)));
    run.npm.kill('SIGTERM');
    await exited;
    await waitFor('every process npm start started to exit', () => !pids.some(isAlive) && processesOf(run.dataDir).length === 0, 30_000, () => [...pids.filter(isAlive), ...processesOf(run.dataDir)]);
    expect(run.stdout.some((line) => line.startsWith('ImageGraph is running'))).toBe(false);
  }, 300_000);
});
