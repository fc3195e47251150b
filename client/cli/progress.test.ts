import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalProgress } from './progress.ts';

/** A terminal, in this unit test only: what the bar writes to it. */
function fakeTerminal() {
  let written = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString('utf8');
        done();
      },
    }),
    { isTTY: true, columns: 60, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
  );
  return { stream: stream as unknown as NodeJS.WriteStream, written: () => written };
}

describe('terminalProgress', () => {
  it('changes no terminal mode that a run killed by Ctrl-C would leave behind', () => {
    const terminal = fakeTerminal();
    const progress = terminalProgress(terminal.stream);
    progress.start(3, 'Uploading');
    progress.advance();
    // Killed here: no stop(). A hidden cursor (ESC[?25l) or line wrapping turned off (ESC[?7l)
    // would stay so in the user's shell.
    expect(terminal.written()).toContain('Uploading [');
    expect(terminal.written()).not.toMatch(/\x1b\[\?(25|7)l/);
    progress.stop();
  });

  it('is silent when stderr is not a terminal', () => {
    const terminal = fakeTerminal();
    Object.assign(terminal.stream, { isTTY: false });
    const progress = terminalProgress(terminal.stream);
    progress.start(3, 'Uploading');
    progress.advance();
    progress.stop();
    expect(terminal.written()).toBe('');
  });
});
