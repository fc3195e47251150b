/**
 * libjpeg's shrink-on-load (DCT scaling by 2, 4 or 8, which skips most of the decoding work) where
 * sharp does not apply it. sharp halves its factor when the shrink is less than one more than the
 * factor (`pipeline.cc`, "known libjpeg rounding errors"): a 12 MP photo shrunk to 1600 px (2.5),
 * a 2560 px one to 1280 px (2.0) or a 24 MP one to 1280 px (4.7) is decoded at twice the size
 * needed, or whole. libvips takes the factor as a load option (`photo.jpg[shrink=2]`), which sharp
 * passes on for a file but not for a buffer, so such a JPEG is decoded from a private temporary
 * file. No maintained library exposes libjpeg's scaling from memory; sharp is the decoder here.
 *
 * The rounding sharp avoids is libjpeg's: it rounds the shrunk size up (an odd 1025 px halves to
 * 513), so the final resize stretches the picture by up to half an output pixel across its width.
 * On photos that moves nothing visible (a mean of under 4 grey levels against decoding whole, on
 * the test photo); on a 37 px checkerboard, the worst case, 6-11 levels against sharp's 0.5 (its
 * own shrinks at other ratios give 3-8).
 *
 * Temporary files: each decode's directory is removed after it, and one left behind by a process
 * killed mid-decode (a Lambda's out-of-memory or hard timeout, after which /tmp may survive) is
 * removed by the next process's first decode once it is STALE_MS old; until then, if the disk is
 * full, the decode falls back to the buffer and costs what it did before.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DCT_FACTORS = [8, 4, 2] as const;
const PREFIX = 'imagegraph-jpeg-';
/** Far longer than any decode (the processing function's deadline is under two minutes). */
const STALE_MS = 10 * 60_000;

/**
 * The factor to load with for a `shrink` (the smaller of width and height over the target's), when
 * sharp would not use it: the largest of 8, 4 and 2 not above the shrink, where the shrink is less
 * than one more than it. 1 otherwise (sharp shrinks on load itself, or no factor fits). Only
 * shrinks under 9 qualify, and the image as loaded is then at most 1.5 times the target, which
 * sharp does not shrink on load a second time (needing 2; a second load would not take the file's
 * options).
 */
export function shrinkSharpSkips(shrink: number): number {
  const factor = DCT_FACTORS.find((candidate) => candidate <= shrink);
  return factor !== undefined && Math.floor(shrink) === factor ? factor : 1;
}

/**
 * `decode` given what sharp should open: with a `factor` over 1, the JPEG's bytes in a temporary
 * file, with the load option; else, or when no file can be written (the decode then costs what it
 * did before), the bytes. The file and its directory (owner only) are removed after the decode,
 * whether it succeeds or not.
 */
export async function withLoadShrink<T>(bytes: Uint8Array, factor: number, decode: (input: Uint8Array | string) => Promise<T>): Promise<T> {
  const copy = factor > 1 ? await temporaryCopy(bytes).catch(() => undefined) : undefined;
  try {
    return await decode(copy ? `${copy.file}[shrink=${factor}]` : bytes);
  } finally {
    await copy?.remove();
  }
}

let staleRemoved: Promise<void> | undefined;

/** Directories of earlier processes' decodes that never ended, once per process. */
async function removeStale(root: string): Promise<void> {
  const names = (await readdir(root)).filter((name) => name.startsWith(PREFIX));
  await Promise.all(
    names.map(async (name) => {
      const dir = join(root, name);
      const old = await stat(dir).then((info) => Date.now() - info.mtimeMs > STALE_MS, () => false);
      if (old) await rm(dir, { recursive: true, force: true });
    }),
  );
}

async function temporaryCopy(bytes: Uint8Array): Promise<{ file: string; remove(): Promise<void> }> {
  const root = tmpdir();
  await (staleRemoved ??= removeStale(root).catch(() => undefined));
  const dir = await mkdtemp(join(root, PREFIX));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const file = join(dir, `${randomUUID()}.jpg`);
    await writeFile(file, bytes, { mode: 0o600 });
    return { file, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
