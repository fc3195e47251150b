/**
 * Checks on the processing function's bundle: sharp is a native module, so the bundle must carry
 * the prebuilt binaries for the Lambda platform (Linux, arm64, glibc) and no others, whatever
 * machine ran the synth. Synth runs these on the bundled directory; tests on fixtures.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What sharp loads on an arm64 (Graviton) Lambda running Amazon Linux 2023 (glibc). */
export const SHARP_LAMBDA_PACKAGES = ['@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64'] as const;

/** Lambda's limit on a function's unzipped code, layers included. */
export const LAMBDA_UNZIPPED_CODE_LIMIT_BYTES = 250 * 1024 * 1024;

export interface SharpBundleReport {
  /** The sharp version installed in the bundle. */
  sharpVersion: string | undefined;
  /** Every `@img/sharp-*` package in the bundle, platform binaries and wasm fallbacks alike. */
  sharpPackages: string[];
  /** Size of everything in the bundle, unzipped. */
  sizeBytes: number;
  /** Why the bundle would not run on the Lambda platform; empty when it would. */
  problems: string[];
}

/** Reads what the bundle in `dir` holds of sharp, and what is wrong with it. */
export function inspectSharpBundle(dir: string): SharpBundleReport {
  const modules = path.join(dir, 'node_modules');
  const sharpVersion = versionOf(path.join(modules, 'sharp'));
  const img = path.join(modules, '@img');
  const sharpPackages = existsSync(img)
    ? readdirSync(img)
        .filter((name) => name.startsWith('sharp-'))
        .map((name) => `@img/${name}`)
        .sort()
    : [];
  const sizeBytes = sizeOf(dir);

  const problems: string[] = [];
  if (!sharpVersion) problems.push('sharp is not installed in node_modules');
  for (const name of SHARP_LAMBDA_PACKAGES) {
    if (!sharpPackages.includes(name)) problems.push(`${name} is missing, so sharp cannot load on linux-arm64`);
  }
  const binary = versionOf(path.join(modules, SHARP_LAMBDA_PACKAGES[0]));
  if (sharpVersion && binary && binary !== sharpVersion) {
    problems.push(
      `${SHARP_LAMBDA_PACKAGES[0]} is ${binary} but sharp is ${sharpVersion}; sharp loads only its own version`,
    );
  }
  const foreign = sharpPackages.filter((name) => !(SHARP_LAMBDA_PACKAGES as readonly string[]).includes(name));
  if (foreign.length > 0) {
    problems.push(`binaries for other platforms would only grow the bundle: ${foreign.join(', ')}`);
  }
  if (sizeBytes > LAMBDA_UNZIPPED_CODE_LIMIT_BYTES) {
    problems.push(`${formatMiB(sizeBytes)} unzipped exceeds Lambda's ${formatMiB(LAMBDA_UNZIPPED_CODE_LIMIT_BYTES)}`);
  }
  return { sharpVersion, sharpPackages, sizeBytes, problems };
}

/** Throws, naming every problem, unless the bundle in `dir` holds sharp for the Lambda platform. */
export function verifySharpBundle(dir: string): SharpBundleReport {
  const report = inspectSharpBundle(dir);
  if (report.problems.length > 0) {
    throw new Error(`The bundle in ${dir} cannot run sharp on Lambda:\n  - ${report.problems.join('\n  - ')}`);
  }
  return report;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function versionOf(packageDir: string): string | undefined {
  const manifest = path.join(packageDir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : undefined;
}

/** Total size of the files under `target`; symbolic links count as themselves, not followed. */
function sizeOf(target: string): number {
  const stats = lstatSync(target);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(target).reduce((total, name) => total + sizeOf(path.join(target, name)), 0);
}
