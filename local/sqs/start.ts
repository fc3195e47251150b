import { LongPolls } from './core/long-poll.ts';
import { DEFAULT_SETTINGS, type QueueSettings } from './core/queue-attributes.ts';
import { Queues } from './core/queues.ts';
import { Storage } from './core/storage.ts';
import { createSqsServer, queueUrl } from './server.ts';
import { closeServer, listen } from '../http-server.ts';
import type { KeyPair } from '../sigv4.ts';

export interface LocalQueueDeclaration {
  name: string;
  visibilityTimeoutSeconds?: number;
  messageRetentionSeconds?: number;
  /** After maxReceiveCount receives, the next receive moves a message to this queue instead. */
  redrive?: { deadLetterQueueName: string; maxReceiveCount: number };
}

export interface LocalSqsOptions {
  /** Where SQLite keeps queues and messages (created if missing); ':memory:' for a throwaway queue. */
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  region?: string;
  /** Every request must be signed (SigV4, service `sqs`, `region`) with this key pair. */
  credentials: KeyPair;
  /** Created, or reconfigured to these settings, at start; clients may create more with CreateQueue. */
  queues?: LocalQueueDeclaration[];
}

export interface LocalSqs {
  /** http://host:port, for the SDK's `endpoint`. */
  endpoint: string;
  region: string;
  queueUrl(name: string): string;
  close(): Promise<void>;
}

/** Opens the data directory, declares the queues, and serves SQS's JSON protocol. */
export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const polls = new LongPolls();
  const storage = new Storage(options.dataDir);
  const queues = new Queues(storage, { region, onChange: (queue) => polls.notify(queue) });
  try {
    queues.declareQueues(
      (options.queues ?? []).map((queue): { name: string; settings: QueueSettings } => ({
        name: queue.name,
        settings: {
          ...DEFAULT_SETTINGS,
          visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds ?? DEFAULT_SETTINGS.visibilityTimeoutSeconds,
          messageRetentionSeconds: queue.messageRetentionSeconds ?? DEFAULT_SETTINGS.messageRetentionSeconds,
          redrive: queue.redrive,
        },
      })),
    );
  } catch (error) {
    storage.close();
    throw error;
  }
  let endpoint = '';
  let closing = false;
  const server = createSqsServer({ queues, polls, origin: () => endpoint, closing: () => closing, auth: { credentials: options.credentials, region } });
  endpoint = await listen(server, options.port ?? 0, host);
  return {
    endpoint,
    region,
    queueUrl: (name) => queueUrl(endpoint, name),
    close: async () => {
      closing = true;
      // Long polls answer (empty) before the connections go, so no receive takes messages late.
      polls.notifyAll();
      await new Promise((resolve) => setImmediate(resolve));
      try {
        await closeServer(server);
      } finally {
        storage.close();
      }
    },
  };
}
