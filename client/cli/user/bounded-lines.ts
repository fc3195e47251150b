import { createReadStream } from 'node:fs';

/** A line of a file: its text, or null when it was longer than the limit (and never held whole). */
export interface FileLine {
  /** 1-based. */
  number: number;
  text: string | null;
}

/**
 * The lines of `file`, streamed: at most `maxBytes` of a line are held, however large the file or
 * a line in it (readline holds a whole line). A missing file has none. The last line is answered
 * even without its newline (a write cut short).
 */
export async function* boundedLines(file: string, maxBytes: number): AsyncGenerator<FileLine> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  let tooLong = false;
  let number = 0;
  const take = (part: Buffer) => {
    if (tooLong) return;
    heldBytes += part.length;
    if (heldBytes > maxBytes) [tooLong, held] = [true, []];
    else held.push(part);
  };
  const line = (): FileLine => {
    const text = tooLong ? null : Buffer.concat(held).toString('utf8');
    [held, heldBytes, tooLong] = [[], 0, false];
    return { number: (number += 1), text };
  };
  try {
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
        take(chunk.subarray(start, end));
        yield line();
        start = end + 1;
      }
      take(chunk.subarray(start));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (heldBytes > 0 || tooLong) yield line();
}
