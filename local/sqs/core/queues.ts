import { randomUUID } from 'node:crypto';
import {
  SqsError,
  invalidParameterValue,
  missingParameter,
  notAvailableForVisibilityChange,
  purgeQueueInProgress,
  queueDoesNotExist,
  queueNameExists,
  receiptHandleIsInvalid,
  invalidAttributeName,
} from './errors.ts';
import { attributesSize, checkMessageAttributes, md5Hex, md5OfMessageAttributes, type MessageAttributes } from './message-attributes.ts';
import {
  ALL_ATTRIBUTE_NAMES,
  DEFAULT_SETTINGS,
  applyAttributes,
  checkQueueName,
  differingAttribute,
  queueArn,
  settingAttributes,
  type QueueSettings,
} from './queue-attributes.ts';
import type { Storage, StoredMessage, StoredQueue } from './storage.ts';

/** The longest a message may stay invisible after one receive (SQS's 12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;
/** SQS accepts one PurgeQueue per queue every 60 seconds. */
const PURGE_INTERVAL_MS = 60_000;
/** Characters SQS accepts in a body (XML 1.0's). */
const INVALID_BODY_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export interface SendInput {
  body: unknown;
  delaySeconds?: unknown;
  messageAttributes?: unknown;
}

export interface SentMessage {
  messageId: string;
  md5OfMessageBody: string;
  md5OfMessageAttributes?: string;
}

export interface ReceiveOptions {
  /** 1 to 10; 1 when absent. */
  maxNumberOfMessages?: unknown;
  /** Overrides the queue's visibility timeout for these messages. */
  visibilityTimeout?: unknown;
}

/** One received message with everything a reply may include; the edge selects what was asked for. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  messageAttributes: MessageAttributes;
  /** The message system attributes, all of them, as strings. */
  attributes: {
    SenderId: string;
    SentTimestamp: string;
    ApproximateReceiveCount: string;
    ApproximateFirstReceiveTimestamp: string;
  };
}

export interface QueuesOptions {
  region: string;
  /** The clock; tests move it. */
  now?: () => number;
  /** Called when messages of a queue may have become receivable (long polls wait on it). */
  onChange?: (queue: string) => void;
}

/** A receipt handle names the queue, the message and one receive of it; it is opaque to clients. */
function encodeHandle(queue: string, id: string, token: string): string {
  return Buffer.from(JSON.stringify([queue, id, token])).toString('base64url');
}

function decodeHandle(handle: unknown): { queue: string; id: string; token: string } {
  if (typeof handle !== 'string' || handle === '') throw missingParameter('ReceiptHandle');
  try {
    const [queue, id, token] = JSON.parse(Buffer.from(handle, 'base64url').toString('utf8')) as unknown[];
    if (typeof queue === 'string' && typeof id === 'string' && typeof token === 'string') return { queue, id, token };
  } catch {
    // Falls through to the error SQS gives for a handle it cannot read.
  }
  throw receiptHandleIsInvalid(handle);
}

function integerParameter(name: string, value: unknown, min: number, max: number, fallback: number, reason: string): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameterValue(`Value ${JSON.stringify(value)} for parameter ${name} is invalid. Reason: ${reason}`);
  }
  return value;
}

/**
 * SQS standard-queue semantics over durable storage: sends, receives with visibility timeouts and
 * receive counts, receipt handles, redrive to a dead-letter queue, delays and retention. Every
 * operation is one SQLite transaction, so concurrent requests in this process never interleave.
 */
export class Queues {
  private readonly queues = new Map<string, StoredQueue>();
  private readonly lastPurge = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly storage: Storage,
    private readonly options: QueuesOptions,
  ) {
    this.now = options.now ?? Date.now;
    for (const queue of storage.queues()) this.queues.set(queue.name, queue);
  }

  get region(): string {
    return this.options.region;
  }

  names(): string[] {
    return [...this.queues.keys()];
  }

  queue(name: string): StoredQueue {
    const queue = this.queues.get(name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  /** CreateQueue: returns quietly for an existing queue with the same attributes, as SQS does. */
  createQueue(name: string, attributes: Record<string, string> = {}): void {
    checkQueueName(name);
    const settings = applyAttributes(DEFAULT_SETTINGS, attributes);
    this.checkRedrive(name, settings);
    const existing = this.queues.get(name);
    if (existing) {
      const differing = differingAttribute(existing.settings, settings, this.region);
      if (differing) throw queueNameExists(differing);
      return;
    }
    this.save({ name, settings, createdAt: this.now(), modifiedAt: this.now() });
  }

  /**
   * Creates or reconfigures the queues the local cloud declares, dead-letter queues included, so a
   * restart with changed settings applies them instead of failing on the stored ones.
   */
  declareQueues(declared: { name: string; settings: QueueSettings }[]): void {
    for (const { name } of declared) checkQueueName(name);
    const known = new Set([...this.queues.keys(), ...declared.map((queue) => queue.name)]);
    for (const { name, settings } of declared) {
      if (settings.redrive && !known.has(settings.redrive.deadLetterQueueName)) {
        throw invalidParameterValue(`Queue ${name}: dead-letter queue ${settings.redrive.deadLetterQueueName} is not declared.`);
      }
    }
    for (const { name, settings } of declared) {
      const existing = this.queues.get(name);
      if (existing && !differingAttribute(existing.settings, settings, this.region)) continue;
      this.save({ name, settings, createdAt: existing?.createdAt ?? this.now(), modifiedAt: this.now() });
    }
  }

  setAttributes(name: string, attributes: Record<string, string>): void {
    const queue = this.queue(name);
    const settings = applyAttributes(queue.settings, attributes);
    this.checkRedrive(name, settings);
    this.save({ ...queue, settings, modifiedAt: this.now() });
  }

  /** GetQueueAttributes: `All` or the names asked for; an unknown name is refused. */
  attributes(name: string, requested: string[]): Record<string, string> {
    const queue = this.queue(name);
    for (const attribute of requested) {
      if (attribute !== 'All' && !ALL_ATTRIBUTE_NAMES.includes(attribute)) throw invalidAttributeName(attribute);
    }
    const now = this.now();
    this.expire(queue, now);
    const counts = this.storage.counts(name, now);
    const all: Record<string, string> = {
      ...settingAttributes(queue.settings, this.region),
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.modifiedAt / 1000)),
      QueueArn: queueArn(this.region, name),
    };
    if (requested.includes('All')) return all;
    return Object.fromEntries(requested.filter((attribute) => attribute in all).map((attribute) => [attribute, all[attribute] as string]));
  }

  /**
   * Sends messages in one transaction (one fsync). Each entry gets its message or the error that
   * refused it, as SendMessageBatch reports them; a refused entry does not stop the others.
   */
  send(name: string, entries: SendInput[], senderId: string): (SentMessage | SqsError)[] {
    const queue = this.queue(name);
    const now = this.now();
    const results = this.each(entries, (entry) => {
          const message = this.checkMessage(queue, entry);
          const messageId = randomUUID();
          this.storage.insert({
            queue: name,
            id: messageId,
            body: message.body,
            attributes: JSON.stringify(message.attributes),
            senderId,
            sentAt: now,
            visibleAt: now + message.delaySeconds * 1000,
          });
          return { messageId, md5OfMessageBody: md5Hex(message.body), md5OfMessageAttributes: md5OfMessageAttributes(message.attributes) };
    });
    this.options.onChange?.(name);
    return results;
  }

  /**
   * Up to MaxNumberOfMessages visible messages, oldest first, each hidden for the visibility
   * timeout under a new receipt handle. A message already received maxReceiveCount times moves to
   * the dead-letter queue instead of being returned, as SQS moves it on the receive that exceeds it.
   */
  receive(name: string, options: ReceiveOptions = {}): ReceivedMessage[] {
    const queue = this.queue(name);
    const max = integerParameter('MaxNumberOfMessages', options.maxNumberOfMessages, 1, 10, 1, 'Must be between 1 and 10, if provided.');
    const timeout = integerParameter(
      'VisibilityTimeout',
      options.visibilityTimeout,
      0,
      MAX_VISIBILITY_SECONDS,
      queue.settings.visibilityTimeoutSeconds,
      `Must be between 0 and ${MAX_VISIBILITY_SECONDS}, if provided.`,
    );
    const now = this.now();
    const redrive = queue.settings.redrive;
    let movedToDeadLetters = false;
    const received = this.storage.transaction(() => {
      this.expire(queue, now);
      const taken: ReceivedMessage[] = [];
      // Moved messages leave room for more; taken ones are skipped (with a timeout of 0 they
      // still look visible).
      const takenIds = new Set<string>();
      let moved = true;
      while (moved && taken.length < max) {
        moved = false;
        for (const message of this.storage.visible(name, now, max)) {
          if (taken.length >= max) break;
          if (takenIds.has(message.id)) continue;
          if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
            this.storage.moveTo(message.id, redrive.deadLetterQueueName, now);
            movedToDeadLetters = moved = true;
            continue;
          }
          const token = randomUUID();
          this.storage.markReceived(message.id, now, now + timeout * 1000, token);
          takenIds.add(message.id);
          taken.push(this.received({ ...message, receiveCount: message.receiveCount + 1, firstReceivedAt: message.firstReceivedAt ?? now }, token));
        }
      }
      return taken;
    });
    if (movedToDeadLetters && redrive) this.options.onChange?.(redrive.deadLetterQueueName);
    return received;
  }

  /**
   * DeleteMessage(Batch). A handle from an older receive of a message received again since succeeds but
   * deletes nothing, which is what SQS documents it "might" do: the newer receiver still owns it.
   */
  delete(name: string, handles: unknown[]): (undefined | SqsError)[] {
    this.queue(name);
    return this.each(handles, (handle) => {
      const { queue, id, token } = decodeHandle(handle);
      if (queue !== name) throw receiptHandleIsInvalid(String(handle));
      const message = this.storage.message(id);
      if (message?.queue === name && message.receipt === token) this.storage.delete(id);
      return undefined;
    });
  }

  /**
   * ChangeMessageVisibility(Batch) of a message in flight: from now, within 12 hours of the receive;
   * only the newest handle counts.
   */
  changeVisibility(name: string, changes: { handle: unknown; visibilityTimeout: unknown }[]): (undefined | SqsError)[] {
    this.queue(name);
    const now = this.now();
    const results = this.each(changes, ({ handle, visibilityTimeout }) => {
      const { queue, id, token } = decodeHandle(handle);
      if (queue !== name) throw receiptHandleIsInvalid(String(handle));
      if (visibilityTimeout === undefined) throw missingParameter('VisibilityTimeout');
      const timeout = integerParameter('VisibilityTimeout', visibilityTimeout, 0, MAX_VISIBILITY_SECONDS, 0, `Must be between 0 and ${MAX_VISIBILITY_SECONDS}, if provided.`);
      const message = this.storage.message(id);
      if (message?.queue !== name || message.receipt !== token || message.receivedAt === null) {
        throw notAvailableForVisibilityChange(String(handle));
      }
      // No longer in flight (its visibility timeout ran out, and nobody received it since): SQS
      // answers OK and leaves it visible (LocalStack's AWS-validated fix, localstack#9632).
      if (message.visibleAt <= now) return undefined;
      if (now + timeout * 1000 > message.receivedAt + MAX_VISIBILITY_SECONDS * 1000) {
        throw invalidParameterValue(
          `Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_SECONDS} seconds]`,
        );
      }
      this.storage.setVisibleAt(id, now + timeout * 1000);
      return undefined;
    });
    this.options.onChange?.(name);
    return results;
  }

  purge(name: string): void {
    this.queue(name);
    const now = this.now();
    const last = this.lastPurge.get(name);
    if (last !== undefined && now - last < PURGE_INTERVAL_MS) throw purgeQueueInProgress(name);
    this.lastPurge.set(name, now);
    this.storage.purge(name);
  }

  /** Runs `work` in one transaction (a savepoint inside another): see GroupCommit. */
  transaction<T>(work: () => T): T {
    return this.storage.transaction(work);
  }

  /** When the next hidden message of a queue becomes visible (a long poll wakes then). */
  nextVisibleAt(name: string): number | undefined {
    return this.storage.nextVisibleAt(name, this.now());
  }

  /**
   * Runs a batch in one transaction (one fsync): each item gets its result or the SqsError that
   * refused it, which undoes only that item's writes.
   */
  private each<I, R>(items: I[], run: (item: I) => R): (R | SqsError)[] {
    const attempt = (item: I) => this.storage.transaction(() => run(item));
    return this.storage.transaction(() =>
      items.map((item) => {
        try {
          return attempt(item);
        } catch (error) {
          if (error instanceof SqsError) return error;
          throw error;
        }
      }),
    );
  }

  private checkMessage(queue: StoredQueue, entry: SendInput): { body: string; attributes: MessageAttributes; delaySeconds: number } {
    const body = entry.body;
    if (typeof body !== 'string' || body === '') throw missingParameter('MessageBody');
    const invalid = INVALID_BODY_CHARACTER.exec(body);
    if (invalid) {
      const code = (invalid[0].codePointAt(0) ?? 0).toString(16).toUpperCase();
      throw new SqsError(
        'InvalidMessageContents',
        'InvalidMessageContents',
        400,
        `Invalid binary character '#x${code}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
      );
    }
    const attributes = checkMessageAttributes(entry.messageAttributes);
    const { maximumMessageSize } = queue.settings;
    if (Buffer.byteLength(body) + attributesSize(attributes) > maximumMessageSize) {
      throw invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${maximumMessageSize} bytes.`);
    }
    const delaySeconds = integerParameter(
      'DelaySeconds',
      entry.delaySeconds,
      0,
      900,
      queue.settings.delaySeconds,
      'DelaySeconds must be >= 0 and <= 900.',
    );
    return { body, attributes, delaySeconds };
  }

  private received(message: StoredMessage, token: string): ReceivedMessage {
    const messageAttributes = JSON.parse(message.attributes) as MessageAttributes;
    return {
      messageId: message.id,
      receiptHandle: encodeHandle(message.queue, message.id, token),
      body: message.body,
      md5OfBody: md5Hex(message.body),
      md5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
      messageAttributes,
      attributes: {
        SenderId: message.senderId,
        SentTimestamp: String(message.sentAt),
        ApproximateReceiveCount: String(message.receiveCount),
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? ''),
      },
    };
  }

  /** Retention: messages older than the queue keeps them are gone, as SQS deletes them. */
  private expire(queue: StoredQueue, now: number): void {
    this.storage.expire(queue.name, now - queue.settings.messageRetentionSeconds * 1000);
  }

  private checkRedrive(name: string, settings: QueueSettings): void {
    const target = settings.redrive?.deadLetterQueueName;
    if (target === undefined) return;
    if (target === name || !this.queues.has(target)) {
      throw invalidParameterValue(
        `Value ${settingAttributes(settings, this.region).RedrivePolicy} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
      );
    }
  }

  private save(queue: StoredQueue): void {
    this.storage.putQueue(queue);
    this.queues.set(queue.name, queue);
  }
}
