import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { boundedLines, type FileLine } from './bounded-lines.ts';

const workdir = mkdtempSync(path.join(tmpdir(), 'imagegraph-lines-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

async function linesOf(text: string, maxBytes: number): Promise<FileLine[]> {
  const file = path.join(workdir, 'lines.txt');
  writeFileSync(file, text);
  const lines: FileLine[] = [];
  for await (const line of boundedLines(file, maxBytes)) lines.push(line);
  return lines;
}

it('answers every line whole across the chunks it is read in, multi-byte characters too', async () => {
  // 3,000 lines of 100 bytes: read in 64 kB chunks, many lines span two.
  const written = Array.from({ length: 3000 }, (_, n) => `${String(n).padStart(4, '0')} ${'é'.repeat(47)}`);
  const lines = await linesOf(written.map((line) => `${line}\n`).join(''), 100);
  expect(lines.map(({ text }) => text)).toEqual(written);
  expect(lines.at(-1)?.number).toBe(3000);
});

it('answers a line over the limit as null, the limit itself whole, and a last line without its newline', async () => {
  expect(await linesOf(`${'a'.repeat(10)}\n${'b'.repeat(11)}\n\nlast`, 10)).toEqual([
    { number: 1, text: 'a'.repeat(10) },
    { number: 2, text: null },
    { number: 3, text: '' },
    { number: 4, text: 'last' },
  ]);
});

it('has no lines for a missing file', async () => {
  const lines: FileLine[] = [];
  for await (const line of boundedLines(path.join(workdir, 'missing'), 10)) lines.push(line);
  expect(lines).toEqual([]);
});
