/**
 * Worker threads that hold the models, and a bounded queue in front of them. Requests that arrive
 * while the models load wait in the queue; when it is full the answer is ThrottlingException, as
 * Rekognition answers under load. A worker that dies fails only its own request and is replaced.
 * An input given as a function (the photo's pixels, decoded in this process) is made only once a
 * worker takes the task: a throttled request never pays for it, and at most one input per worker
 * is being made or held for a running task.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DetectionInput, DetectionKind, Detections } from './analysis.ts';
import { RekognitionError } from './core/errors.ts';
import type { FromWorker, ToWorker } from './pool-protocol.ts';

export interface Analyzer {
  /** Resolves once every worker's models are loaded and warm; rejects if a worker cannot load them. */
  ready: Promise<void>;
  /** One model's detections on one image; an input function is called only if the request is not refused. */
  run<K extends DetectionKind>(kind: K, input: TaskInput): Promise<Detections[K]>;
  /** Whether objects and faces come from the detectors, which read pixels (lite mode has none: they are empty). */
  readonly detectors: boolean;
  close(): Promise<void>;
}

/** A detection's input, or how to make it once a worker is free for it. */
export type TaskInput = DetectionInput | (() => Promise<DetectionInput>);

export const inputOf = (input: TaskInput): Promise<DetectionInput> => (typeof input === 'function' ? input() : Promise.resolve(input));

export interface PoolOptions {
  /** Default: one per core (the wasm backend uses one core per worker). */
  workers?: number;
  /** Requests waiting for a worker beyond this many are throttled. Default: 32 per worker. */
  maxQueue?: number;
  /** The worker script and its workerData; only tests replace the model worker. */
  worker?: { url: URL; data?: unknown };
}

interface Task {
  id: number;
  kind: DetectionKind;
  input: TaskInput;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | undefined;
}

const QUEUE_PER_WORKER = 32;

export class WorkerPool implements Analyzer {
  readonly ready: Promise<void>;
  readonly detectors = true;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly maxQueue: number;
  private nextId = 0;
  private closed = false;
  private failure: Error | undefined;
  private readonly worker: { url: URL; data?: unknown };

  constructor(options: PoolOptions = {}) {
    const size = options.workers ?? availableParallelism();
    this.maxQueue = options.maxQueue ?? QUEUE_PER_WORKER * size;
    this.worker = options.worker ?? { url: new URL('./worker-entry.mjs', import.meta.url) };
    this.ready = Promise.all(Array.from({ length: size }, () => this.spawn())).then(() => undefined);
    // A failed warm-up is reported through run() and ready's own awaiters.
    this.ready.catch(() => undefined);
  }

  run<K extends DetectionKind>(kind: K, input: TaskInput): Promise<Detections[K]> {
    if (this.failure) return Promise.reject(internal(`the vision models could not be loaded: ${this.failure.message}`));
    if (this.closed) return Promise.reject(internal('the vision service is shutting down'));
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new RekognitionError('ThrottlingException', 'Rate exceeded: the local vision queue is full'));
    }
    return new Promise<Detections[K]>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, kind, input, resolve: resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(internal('the vision service is shutting down'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Promise<void> {
    const worker = new Worker(this.worker.url, { workerData: this.worker.data });
    const slot: Slot = { worker, ready: false, task: undefined };
    this.slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if ('type' in message) {
          if (message.type === 'ready') {
            slot.ready = true;
            resolve();
            this.dispatch();
          } else this.fail(new Error(message.message), reject);
          return;
        }
        const task = slot.task;
        slot.task = undefined;
        if (task?.id === message.id) {
          if ('error' in message) task.reject(new RekognitionError(message.error.type, message.error.message));
          else task.resolve(message.result);
        }
        this.dispatch();
      });
      worker.on('error', (error) => {
        if (!slot.ready) this.fail(error, reject);
      });
      worker.on('exit', (code) => {
        const lost = slot.task;
        this.slots.splice(this.slots.indexOf(slot), 1);
        lost?.reject(internal(`the vision worker exited (code ${code}) while analysing this image`));
        if (!slot.ready) this.fail(new Error(`vision worker exited with code ${code} while loading models`), reject);
        else if (!this.closed) this.spawn().catch(() => undefined);
      });
    });
  }

  private fail(error: Error, reject: (error: Error) => void): void {
    this.failure ??= error;
    for (const task of this.queue.splice(0)) task.reject(internal(`the vision models could not be loaded: ${error.message}`));
    reject(error);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.task) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.task = task;
      // Unless the worker died (failing its task) while the input was made.
      const current = () => slot.task === task && this.slots.includes(slot);
      inputOf(task.input).then(
        (input) => {
          if (!current()) return;
          const message: ToWorker = { id: task.id, kind: task.kind, input };
          slot.worker.postMessage(message);
        },
        (error: Error) => {
          if (!current()) return;
          slot.task = undefined;
          task.reject(error);
          this.dispatch();
        },
      );
    }
  }
}

function internal(message: string): RekognitionError {
  return new RekognitionError('InternalServerError', message);
}
