import { SingleBar, Presets } from 'cli-progress';

/** Progress on stderr, so stdout stays clean for --json; silent when stderr is not a terminal. */
export interface Progress {
  start(total: number, label: string): void;
  /** Moves by `by` items. */
  advance(by?: number): void;
  /** Grows the total when it is discovered while working (paginated listings). */
  grow(by: number): void;
  stop(): void;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  // No terminal modes are changed (hidden cursor, no line wrapping): a run ended by Ctrl-C would
  // leave the user's shell in them. The bar is cut to the terminal's width instead.
  const bar = new SingleBar({ format: '{label} [{bar}] {value}/{total} {eta_formatted}', stream, hideCursor: false, linewrap: true }, Presets.shades_classic);
  let total = 0;
  return {
    start(count, label) {
      total = count;
      bar.start(count, 0, { label });
    },
    advance(by = 1) {
      bar.increment(by);
    },
    grow(by) {
      total += by;
      bar.setTotal(total);
    },
    stop() {
      bar.stop();
    },
  };
}

export const silentProgress: Progress = {
  start: () => undefined,
  advance: () => undefined,
  grow: () => undefined,
  stop: () => undefined,
};
