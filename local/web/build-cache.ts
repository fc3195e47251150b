/**
 * The web app's build, cached by content: a build is kept under `<cacheDir>/<key>/`, where the key
 * is a SHA-256 of every file the build read (each module Vite bundled, as it reported them, plus
 * the files it reads besides modules: its config, index.html, public/ and package-lock.json for the
 * dependencies). A start re-hashes the files the last build read; when none changed the build is
 * reused, and a change to any of them (including a new import, which changes its importer) builds
 * again. Concurrent starts may both build; each renames its finished build into place atomically.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** What a build reports: its output directory and every file it read. */
export interface BuildResult {
  outDir: string;
  /** Absolute paths of the files it read. */
  inputs: string[];
}

export interface WebBuildCacheOptions {
  cacheDir: string;
  /** Relative paths in the record are relative to this (the repository root). */
  projectRoot: string;
  /** Files every build depends on besides its modules. */
  fixedInputs: () => Promise<string[]>;
  /** Builds into outDir and reports what it read. */
  build: (outDir: string) => Promise<BuildResult>;
  /** Builds kept besides the current one (older ones are deleted). */
  keep?: number;
}

export interface WebBuild {
  dir: string;
  key: string;
  /** False when an earlier build was reused. */
  built: boolean;
}

const LATEST_FILE = 'latest.json';

interface LatestRecord {
  key: string;
  inputs: string[];
}

/** The cached build for the current sources, building it first when there is none. */
export async function ensureWebBuild(options: WebBuildCacheOptions): Promise<WebBuild> {
  await mkdir(options.cacheDir, { recursive: true });
  const latest = await readLatest(options.cacheDir);
  if (latest) {
    const key = await contentKey(options.projectRoot, latest.inputs).catch(() => undefined);
    const dir = join(options.cacheDir, latest.key);
    if (key === latest.key && existsSync(join(dir, 'index.html'))) return { dir, key, built: false };
  }
  const staging = join(options.cacheDir, `.staging-${process.pid}-${Date.now()}`);
  try {
    const result = await options.build(staging);
    const inputs = [...new Set([...result.inputs, ...(await options.fixedInputs())])].map((file) => relative(options.projectRoot, file)).sort();
    const key = await contentKey(options.projectRoot, inputs);
    const dir = join(options.cacheDir, key);
    if (existsSync(join(dir, 'index.html'))) await rm(staging, { recursive: true, force: true });
    else {
      // Another start may have put the same build there first: equal content, so either will do.
      await rename(result.outDir, dir).catch((error: unknown) => {
        if (!existsSync(join(dir, 'index.html'))) throw error;
      });
    }
    const record: LatestRecord = { key, inputs };
    const temporary = join(options.cacheDir, `.${LATEST_FILE}.${process.pid}`);
    await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
    await rename(temporary, join(options.cacheDir, LATEST_FILE));
    await prune(options.cacheDir, key, options.keep ?? 2);
    return { dir, key, built: true };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** SHA-256 over each input's relative path and content; throws when an input is gone. */
export async function contentKey(projectRoot: string, inputs: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const input of [...inputs].sort()) {
    hash.update(`${input}\0`);
    hash.update(await readFile(join(projectRoot, input)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

async function readLatest(cacheDir: string): Promise<LatestRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(join(cacheDir, LATEST_FILE), 'utf8')) as Partial<LatestRecord>;
    return typeof record.key === 'string' && Array.isArray(record.inputs) ? (record as LatestRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Deletes all but the newest `keep` builds besides the current one; staging dirs are left alone. */
async function prune(cacheDir: string, current: string, keep: number): Promise<void> {
  const entries = await readdir(cacheDir, { withFileTypes: true });
  const builds = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== current)
      .map(async (entry) => ({ name: entry.name, modified: (await stat(join(cacheDir, entry.name))).mtimeMs })),
  );
  builds.sort((a, b) => b.modified - a.modified);
  for (const old of builds.slice(keep)) await rm(join(cacheDir, old.name), { recursive: true, force: true });
}
