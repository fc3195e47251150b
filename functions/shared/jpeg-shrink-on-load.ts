/**
 * libjpeg's shrink-on-load (DCT scaling by 2, 4 or 8, which skips most of the decoding work) where
 * sharp does not apply it. sharp halves its factor when the shrink is less than one more than the
 * factor (`pipeline.cc`, "known libjpeg rounding errors"): a 12 MP photo shrunk to 1600 px (2.5),
 * a 2560 px one to 1280 px (2.0) or a 24 MP one to 1280 px (4.7) is decoded at twice the size
 * needed, or whole. libvips takes the factor as a load option (`photo.jpg[shrink=2]`), which sharp
 * passes on for a file but not for a buffer, so such a JPEG is decoded from a private temporary
 * file. No maintained library exposes libjpeg's scaling from memory; sharp is the decoder here.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DCT_FACTORS = [8, 4, 2] as const;

/**
 * The factor to load with for a `shrink` (the smaller of width and height over the target's), when
 * sharp would not use it: the largest of 8, 4 and 2 not above the shrink, where the shrink is less
 * than one more than it. 1 otherwise (sharp shrinks on load itself, or no factor fits). Only
 * shrinks under 9 qualify, and the image as loaded is then never enlarged again: its size over the
 * target's is under 1.5, which sharp does not shrink on load a second time (a second load would not
 * take the file's options).
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

async function temporaryCopy(bytes: Uint8Array): Promise<{ file: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'imagegraph-jpeg-'));
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
