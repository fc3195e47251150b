import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

/** Asks on stderr; `secret` input is not echoed. Refuses to wait for input that cannot come. */
export async function ask(question: string, { secret = false } = {}): Promise<string> {
  if (!process.stdin.isTTY) throw new Error(`${question.replace(/:\s*$/, '')} is needed: pass it as an option or environment variable`);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const readline = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = readline.question(question);
    muted = secret;
    return (await answer).trim();
  } finally {
    readline.close();
    if (secret) process.stderr.write('\n');
  }
}
