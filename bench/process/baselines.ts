/**
 * The external baselines, run as separate processes exactly as a Lambda shelling out to them would:
 * (b) the workshop's ImageMagick pair, (c) libvips' own CLI thumbnailer. Binaries are called by
 * absolute path from Debian's packages, so nothing else on PATH named `convert` can stand in.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ThumbnailSpec } from '../../functions/shared/config.ts';
import { THUMBNAIL_ENCODING } from './thumbnail-step.ts';

export const IDENTIFY = '/usr/bin/identify';
export const CONVERT = '/usr/bin/convert';
export const VIPSTHUMBNAIL = '/usr/bin/vipsthumbnail';
const GNU_TIME = '/usr/bin/time';

export interface Command {
  file: string;
  args: string[];
}

export type Env = Record<string, string | undefined>;

export function gnuTimeAvailable(): boolean {
  return existsSync(GNU_TIME);
}

/**
 * (b) The workshop's way, per image: `identify -verbose` (what gm's identify() runs for the metadata
 * step), then `convert -thumbnail 80x80` (its thumbnail step), two processes, the thumbnail in the
 * input's own format as gm's toBuffer(format) made it.
 */
export function workshopCommands(image: string, outDir: string): Command[] {
  const ext = path.extname(image).toLowerCase() === '.png' ? 'png' : 'jpg';
  return [
    { file: IDENTIFY, args: ['-verbose', image] },
    { file: CONVERT, args: [image, '-thumbnail', '80x80', path.join(outDir, `workshop-thumb.${ext}`)] },
  ];
}

/**
 * (c) vipsthumbnail making the same set of outputs as our thumbnail step: a WebP per spec (square
 * specs: an attention smart crop, enlarged when smaller; fitted ones never enlarged) plus a JPEG of
 * the smallest on white, same quality and effort, metadata stripped. vipsthumbnail writes one output
 * per input per process, so that is one process per output, each over all `inputs`.
 */
export function vipsCommands(inputs: string[], outDir: string, specs: ThumbnailSpec[]): Command[] {
  const { webp, jpeg } = THUMBNAIL_ENCODING;
  const webpOptions = `[Q=${webp.quality},effort=${webp.effort},strip]`;
  const jpegOptions = `[Q=${jpeg.quality},strip,background=255${jpeg.progressive ? ',interlace' : ''}]`;
  const ordered = [...specs].sort((a, b) => a.size - b.size);
  return ordered.flatMap((spec, index) => {
    const size = spec.square
      ? ['--size', `${spec.size}x${spec.size}`, '--smartcrop', 'attention']
      : ['--size', `${spec.size}x${spec.size}>`];
    // %s: each input's base name, so that every input gets its own output file.
    const out = (ext: string, options: string) => ['-o', `${path.join(outDir, `vips-${spec.size}${spec.square ? 's' : ''}-%s.${ext}`)}${options}`];
    return [
      { file: VIPSTHUMBNAIL, args: [...inputs, ...size, ...out('webp', webpOptions)] },
      ...(index === 0 ? [{ file: VIPSTHUMBNAIL, args: [...inputs, ...size, ...out('jpg', jpegOptions)] }] : []),
    ];
  });
}

/**
 * `count` differently named links to one image, in a new folder under `dir`: one vipsthumbnail process
 * then thumbnails the same photo `count` times (no name repeats, so nothing can be served from a
 * cache), which spreads its start-up over `count` images.
 */
export function linkCopies(image: string, dir: string, count: number): string[] {
  const folder = mkdtempSync(path.join(dir, 'copies-'));
  return Array.from({ length: count }, (_, i) => {
    const link = path.join(folder, `copy${i + 1}${path.extname(image)}`);
    symlinkSync(image, link);
    return link;
  });
}

export interface Timing {
  /** Wall time of all the commands, process start-ups included. */
  ms: number;
  /** User + system CPU of all their processes (all threads), from bash's `times`. */
  cpuMs: number;
}

/**
 * Runs the commands one after the other inside one bash, which times them itself (EPOCHREALTIME, so
 * bash's own start is not counted) and reports its children's CPU (`times`, to the millisecond).
 * Commands are separated by ";;". Their stdout is discarded: gm read identify's report into a string.
 */
const TIMER = [
  'cmd=(); s=$EPOCHREALTIME',
  'for a in "$@"; do if [[ $a == ";;" ]]; then "${cmd[@]}" >/dev/null || exit 1; cmd=(); else cmd+=("$a"); fi; done',
  'e=$EPOCHREALTIME; echo "$s $e"; times',
].join('\n');

export function timeCommands(commands: Command[], env: Env): Timing {
  const args = commands.flatMap((command) => [command.file, ...command.args, ';;']);
  const result = spawnSync('/bin/bash', ['-c', TIMER, 'bench-timer', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    const detail = result.error?.message ?? result.stderr.trim().split('\n').slice(-3).join(' / ');
    throw new Error(`${commands.map((command) => path.basename(command.file)).join(' + ')} failed: ${detail}`);
  }
  // "<start> <end>", then `times`: the shell's own user/system, then its children's, e.g. "0m0.341s 0m0.020s".
  const [wall = '', , children = ''] = result.stdout.trim().split('\n');
  const [start = 0, end = 0] = wall.split(' ').map(Number);
  const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, match) => sum + Number(match[1]) * 60 + Number(match[2]), 0);
  return { ms: (end - start) * 1000, cpuMs: cpu * 1000 };
}

/** The largest peak RSS among the commands, from GNU time; undefined without it. */
export function peakRssKb(commands: Command[], env: Env): number | undefined {
  if (!gnuTimeAvailable()) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'imagegraph-bench-time-'));
  try {
    const report = path.join(dir, 'time.txt');
    let peak = 0;
    for (const command of commands) {
      run({ file: GNU_TIME, args: ['-f', '%M', '-o', report, command.file, ...command.args] }, env);
      peak = Math.max(peak, Number(readFileSync(report, 'utf8').trim().split('\n').at(-1)));
    }
    return peak;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(command: Command, env: Env): void {
  // stdout is read whole, as gm read identify's report; stderr holds libvips' EXIF warnings.
  const result = spawnSync(command.file, command.args, { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    const detail = result.error?.message ?? result.stderr.toString().trim().split('\n').slice(-3).join(' / ');
    throw new Error(`${path.basename(command.file)} ${command.args.join(' ')} failed: ${detail}`);
  }
}
