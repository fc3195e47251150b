/**
 * One local cloud per data directory (cloud-lock.ts): a second `npm start` (the real local/start.ts)
 * on a directory a live cloud holds exits at once with ALREADY_RUNNING_EXIT_CODE and a message
 * naming the holder, and leaves every file there as it was, `--reset` included; once the holder is
 * killed with `kill -9`, the directory can be held again. The live cloud is a real process that
 * holds the directory as the launcher does (a whole cloud: local/e2e/second-start.e2e.test.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startExits } from './e2e/cloud-process.ts';
import { ALREADY_RUNNING_EXIT_CODE, holdCloudDataDirectory, RESET_WAIT_MS, resetCloudDataDirectory } from './cloud-lock.ts';
import { serviceDataDir } from './config.ts';

const CLOUD_LOCK = fileURLToPath(new URL('./cloud-lock.ts', import.meta.url));
const SERVICE_LOCK = fileURLToPath(new URL('./service-lock.ts', import.meta.url));

const dataDirs: string[] = [];
const processes: ChildProcess[] = [];
afterEach(() => {
  for (const child of processes.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await Promise.all(dataDirs.map((dataDir) => rm(dataDir, { recursive: true, force: true })));
});

async function dataDirectory(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'imagegraph-cloud-hold-'));
  dataDirs.push(dataDir);
  return dataDir;
}

/** A process that awaits `hold` (with `imports`) and then stays, once it holds. */
async function holder(imports: string, hold: string): Promise<ChildProcess> {
  const script = `${imports}\nawait ${hold};\nconsole.log('held');\nsetInterval(() => undefined, 60_000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  processes.push(child);
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  expect(line).toBe('held');
  return child;
}

/** A process holding `dataDir` as a running cloud's launcher does. */
const liveCloud = (dataDir: string) => holder(`import { holdCloudDataDirectory } from ${JSON.stringify(CLOUD_LOCK)};`, `holdCloudDataDirectory(${JSON.stringify(dataDir)})`);

/** The previous run's search engine, still holding its directory as the engine's process does (its cloud gone, itself not yet). */
const previousSearchEngine = (dataDir: string) =>
  holder(
    `import { holdServiceDirectory, SERVICE_HOLDS } from ${JSON.stringify(SERVICE_LOCK)};`,
    `holdServiceDirectory(${JSON.stringify(serviceDataDir({ dataDir }, 'search'))}, SERVICE_HOLDS.search, { waitMs: 0, onWaiting: () => undefined })`,
  );

/** Every file under `dir` with its bytes and modification time, every directory by name. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    files[path] = entry.isDirectory() ? 'directory' : `${readFileSync(path, 'base64')} ${statSync(path).mtimeMs}`;
  }
  return files;
}

/** A data directory as a running cloud has it: an upload in flight in the S3 spool, a log, SQLite files. */
function inUse(dataDir: string): void {
  mkdirSync(join(dataDir, 's3', 'incoming'), { recursive: true });
  writeFileSync(join(dataDir, 's3', 'incoming', 'upload-in-flight'), 'the first bytes of an upload the live cloud is receiving');
  writeFileSync(join(dataDir, 'cloud.log'), 'the live cloud log\n');
  mkdirSync(join(dataDir, 'sqs'));
  writeFileSync(join(dataDir, 'sqs', 'queues.sqlite'), 'the live queues');
}

describe('a second npm start on a data directory a live cloud holds', () => {
  it.each([[[]], [['--reset']]])('exits at once with its own code and says who holds it, leaving the directory as it was (%j)', async (args: string[]) => {
    const dataDir = await dataDirectory();
    const live = await liveCloud(dataDir);
    inUse(dataDir);
    const before = snapshot(dataDir);
    const second = await startExits(['--data-dir', dataDir, '--port-base', '0', '--vision', 'lite', ...args]);
    expect(second).toEqual({
      code: ALREADY_RUNNING_EXIT_CODE,
      stdout: '',
      stderr: `ImageGraph's local cloud is already running on ${dataDir} (pid ${String(live.pid)}); stop it (Ctrl-C in its terminal, or kill ${String(live.pid)}) or start this one with another data directory (--data-dir <dir>).\n`,
    });
    expect(snapshot(dataDir)).toEqual(before);
    expect(readFileSync(join(dataDir, 's3', 'incoming', 'upload-in-flight'), 'utf8')).toBe('the first bytes of an upload the live cloud is receiving');
  }, 60_000);

  it("npm start --reset on a directory the previous run's search engine still holds waits for it, then exits saying so, removing nothing", async () => {
    const dataDir = await dataDirectory();
    inUse(dataDir);
    const engine = await previousSearchEngine(dataDir);
    const before = snapshot(dataDir);
    const pid = String(engine.pid);
    const searchDir = serviceDataDir({ dataDir }, 'search');
    expect(await startExits(['--data-dir', dataDir, '--port-base', '0', '--vision', 'lite', '--reset'])).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        `waiting for the previous local search engine (pid ${pid}) to finish with ${searchDir}`,
        `The local search engine data directory ${searchDir} is still held by the previous local search engine (pid ${pid}) after ${RESET_WAIT_MS} ms; stop that process (kill ${pid}) and start again.`,
        '',
      ].join('\n'),
    });
    // The launcher's own hold aside (SQLite leaves an empty journal beside a lock held at exit).
    expect(Object.fromEntries(Object.entries(snapshot(dataDir)).filter(([path]) => !/cloud-lock\.(pid|sqlite|sqlite-journal)$/.test(path)))).toEqual(before);
  }, 120_000);

  it('can hold it once the live cloud is killed with kill -9', async () => {
    const dataDir = await dataDirectory();
    const live = await liveCloud(dataDir);
    await expect(holdCloudDataDirectory(dataDir)).rejects.toThrow(`already running on ${dataDir} (pid ${String(live.pid)})`);
    live.kill('SIGKILL');
    await once(live, 'exit');
    await holdCloudDataDirectory(dataDir);
    expect(readFileSync(join(dataDir, 'cloud-lock.pid'), 'utf8')).toBe(String(process.pid));
  }, 60_000);
});

describe('resetCloudDataDirectory', () => {
  /** A directory this process holds as a cloud, in use, with the previous run's search engine still holding its folder; and what is in it. */
  async function heldBesidePreviousEngine() {
    const dataDir = await dataDirectory();
    await holdCloudDataDirectory(dataDir);
    inUse(dataDir);
    const engine = await previousSearchEngine(dataDir);
    return { dataDir, engine, before: snapshot(dataDir) };
  }

  it('empties the held directory but keeps the hold: another cloud is still refused', async () => {
    const dataDir = await dataDirectory();
    await holdCloudDataDirectory(dataDir);
    inUse(dataDir);
    await resetCloudDataDirectory(dataDir, { waitMs: 0, onWaiting: () => expect.fail('no service process held its directory') });
    expect(readdirSync(dataDir).sort()).toEqual(['cloud-lock.pid', 'cloud-lock.sqlite']);
    // SQLite keeps its own connections' locks apart within a process, as across processes.
    await expect(holdCloudDataDirectory(dataDir)).rejects.toThrow(`ImageGraph's local cloud is already running on ${dataDir} (pid ${String(process.pid)})`);
  });

  it("waits for the previous run's service processes to exit, removing nothing meanwhile", async () => {
    const { dataDir, engine, before } = await heldBesidePreviousEngine();
    const lines: string[] = [];
    const reset = resetCloudDataDirectory(dataDir, { waitMs: 60_000, onWaiting: (line) => lines.push(line) });
    await expect.poll(() => lines, { timeout: 30_000 }).toEqual([`waiting for the previous local search engine (pid ${String(engine.pid)}) to finish with ${serviceDataDir({ dataDir }, 'search')}`]);
    expect(snapshot(dataDir)).toEqual(before);
    engine.kill('SIGKILL');
    await reset;
    expect(readdirSync(dataDir).sort()).toEqual(['cloud-lock.pid', 'cloud-lock.sqlite']);
  }, 60_000);

  it("removes nothing, and names the process, when one of the previous run's does not let go", async () => {
    const { dataDir, engine, before } = await heldBesidePreviousEngine();
    const pid = String(engine.pid);
    await expect(resetCloudDataDirectory(dataDir, { waitMs: 300, onWaiting: () => undefined })).rejects.toThrow(
      `The local search engine data directory ${serviceDataDir({ dataDir }, 'search')} is still held by the previous local search engine (pid ${pid}) after 300 ms; stop that process (kill ${pid}) and start again.`,
    );
    expect(snapshot(dataDir)).toEqual(before);
  }, 60_000);

  it('names no pid when the holder wrote none', async () => {
    const dataDir = await dataDirectory();
    await holdCloudDataDirectory(dataDir);
    await rm(join(dataDir, 'cloud-lock.pid'));
    await expect(holdCloudDataDirectory(dataDir)).rejects.toThrow(
      `ImageGraph's local cloud is already running on ${dataDir}; stop it (Ctrl-C in its terminal) or start this one with another data directory (--data-dir <dir>).`,
    );
  });
});
