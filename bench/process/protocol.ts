/** Messages between bench:process and its measuring child processes (Node IPC). */

/** What a child measures: the whole core (analyzeImage) or the thumbnail step alone. */
export type WorkerMode = 'analyze' | 'thumbnails';

/** largestOnly (thumbnails mode): only the largest fitted WebP, straight from the file, as one vipsthumbnail run makes it. */
export type ParentMessage = { type: 'run'; largestOnly?: boolean } | { type: 'finish' };

export interface ReadyMessage {
  type: 'ready';
  /** libvips worker threads sharp uses per image (sharp.concurrency()). */
  sharpConcurrency: number;
  /** Peak RSS once Node, sharp and the bundle are loaded, before any image: the floor of every figure. */
  idleMaxRssKb: number;
}

export interface RunMessage {
  type: 'ran';
  ms: number;
  /** User + system CPU of the whole process (libvips threads included) during the call. */
  cpuMs: number;
  /** Bytes of every encoded output: a check that the work was done. */
  outputBytes: number;
  outputs: number;
}

export interface FinishMessage {
  type: 'finished';
  /** The child's peak resident set over its whole life (VmHWM). */
  maxRssKb: number;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type ChildMessage = ReadyMessage | RunMessage | FinishMessage | ErrorMessage;
