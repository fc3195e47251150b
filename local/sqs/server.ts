import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  SqsError,
  accessDenied,
  authenticationFailed,
  batchEntryIdsNotDistinct,
  batchRequestTooLong,
  emptyBatchRequest,
  invalidBatchEntryId,
  invalidParameterValue,
  missingParameter,
  queueDoesNotExist,
  tooManyEntriesInBatchRequest,
  unsupportedOperation,
} from './core/errors.ts';
import { GroupCommit } from './core/group-commit.ts';
import type { LongPolls } from './core/long-poll.ts';
import { md5OfMessageAttributes, selectMessageAttributes } from './core/message-attributes.ts';
import { ACCOUNT_ID } from './core/queue-attributes.ts';
import type { Queues, ReceivedMessage } from './core/queues.ts';
import { guardRefusal } from '../request-guard.ts';
import { checkSigV4Headers, FIFTEEN_MINUTES_MS, type KeyPair, SigV4Refused, verifyIncomingRequest } from '../sigv4.ts';

/**
 * The HTTP edge: SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Action>`, awsQueryCompatible
 * errors) onto the queues. Every request must be signed (SigV4, service `sqs`) with the configured
 * key pair. Parameters the local queue does not implement are refused, not ignored.
 */
type Json = Record<string, unknown>;

/** SendMessageBatch payload limit (the sum of bodies and attributes). */
const MAX_BATCH_BYTES = 1_048_576;
/** Request bodies above this are refused before parsing (a full batch in JSON stays far below). */
const MAX_REQUEST_BYTES = 4 * 1_048_576;
const MAX_WAIT_SECONDS = 20;
const SYSTEM_ATTRIBUTES = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'] as const;

export interface SqsServerOptions {
  queues: Queues;
  polls: LongPolls;
  /** The origin queue URLs start with (http://127.0.0.1:PORT); known once the server listens. */
  origin: () => string;
  /** True once closing: long polls answer at once, with nothing. */
  closing: () => boolean;
  /** The key pair and region requests must be signed with. */
  auth: { credentials: KeyPair; region: string };
}

export const queueUrl = (origin: string, name: string) => `${origin}/${ACCOUNT_ID}/${name}`;

/** The queue a QueueUrl names: any host, path /000000000000/{name}, as SQS reads it. */
function queueName(input: Json): string {
  const url = input.QueueUrl;
  if (typeof url !== 'string' || url === '') throw missingParameter('QueueUrl');
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    throw invalidParameterValue(`Value ${url} for parameter QueueUrl is invalid. Reason: Invalid URL.`);
  }
  const [, account, name, ...rest] = path.split('/');
  if (account !== ACCOUNT_ID || !name || rest.length > 0) throw queueDoesNotExist();
  return name;
}

function stringList(input: Json, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw invalidParameterValue(`${name} must be a list of strings.`);
  return value as string[];
}

function stringMap(input: Json, name: string): Record<string, string> {
  const value = input[name] ?? {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((item) => typeof item !== 'string')) {
    throw invalidParameterValue(`${name} must be a map of strings.`);
  }
  return value as Record<string, string>;
}

/** Refuses parameters of FIFO queues and of features the local queue does not offer. */
function refuseUnsupported(input: Json, names: string[]): void {
  const present = names.find((name) => input[name] !== undefined);
  if (present) throw invalidParameterValue(`The request includes parameter ${present}, which is not valid for this queue type or not supported by the local SQS.`);
}

/** The entries of a batch request, checked as SQS checks them before looking at any entry. */
function batchEntries(input: Json, action: string): Json[] {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0) throw emptyBatchRequest(action);
  if (entries.length > 10) throw tooManyEntriesInBatchRequest(entries.length);
  const ids = new Set<string>();
  for (const entry of entries as Json[]) {
    const id = entry.Id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) throw invalidBatchEntryId();
    if (ids.has(id)) throw batchEntryIdsNotDistinct(id);
    ids.add(id);
  }
  return entries as Json[];
}

/** A batch reply: each entry's result, or the error that refused it as a Failed item. */
function batchReply<R>(entries: Json[], results: (R | SqsError)[], reply: (result: R) => Json): { Successful: Json[]; Failed: Json[] } {
  const Successful: Json[] = [];
  const Failed: Json[] = [];
  for (const [index, entry] of entries.entries()) {
    const result = results[index] as R | SqsError;
    if (result instanceof SqsError) Failed.push({ Id: entry.Id, SenderFault: result.senderFault, Code: result.code, Message: result.message });
    else Successful.push({ Id: entry.Id, ...reply(result) });
  }
  return { Successful, Failed };
}

/** The result of a single-item call, or its error thrown. */
function only<R>(results: (R | SqsError)[]): R {
  const [result] = results;
  if (result instanceof SqsError) throw result;
  return result as R;
}

function sentReply(sent: { messageId: string; md5OfMessageBody: string; md5OfMessageAttributes?: string }): Json {
  return { MessageId: sent.messageId, MD5OfMessageBody: sent.md5OfMessageBody, MD5OfMessageAttributes: sent.md5OfMessageAttributes };
}

function messageReply(message: ReceivedMessage, systemNames: string[], attributeNames: string[] | undefined): Json {
  const all = systemNames.includes('All');
  const attributes = Object.fromEntries(SYSTEM_ATTRIBUTES.filter((name) => all || systemNames.includes(name)).map((name) => [name, message.attributes[name]]));
  const messageAttributes = selectMessageAttributes(message.messageAttributes, attributeNames);
  const selected = Object.keys(messageAttributes).length > 0;
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    Attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
    MD5OfMessageAttributes: selected ? md5OfMessageAttributes(messageAttributes) : undefined,
    MessageAttributes: selected ? messageAttributes : undefined,
  };
}

export function createSqsServer(options: SqsServerOptions): Server {
  const { queues, polls } = options;
  const commits = new GroupCommit((work) => queues.transaction(work));
  /** Every write goes through here, so concurrent requests share commits. */
  const write = <T>(work: () => T) => commits.run(work);

  async function receive(input: Json, signal: AbortSignal): Promise<Json> {
    const name = queueName(input);
    refuseUnsupported(input, ['ReceiveRequestAttemptId']);
    const queue = queues.queue(name);
    const waitSeconds = input.WaitTimeSeconds ?? queue.settings.receiveWaitTimeSeconds;
    if (typeof waitSeconds !== 'number' || !Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
      throw invalidParameterValue(`Value ${JSON.stringify(waitSeconds)} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= ${MAX_WAIT_SECONDS}, if provided.`);
    }
    const systemNames = [...(stringList(input, 'AttributeNames') ?? []), ...(stringList(input, 'MessageSystemAttributeNames') ?? [])];
    const attributeNames = stringList(input, 'MessageAttributeNames');
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      if (options.closing() || signal.aborted) return {};
      // A caller gone before the commit takes nothing, rather than hiding messages nobody gets.
      const receiveOptions = { maxNumberOfMessages: input.MaxNumberOfMessages, visibilityTimeout: input.VisibilityTimeout };
      const messages = await write(() => (signal.aborted ? [] : queues.receive(name, receiveOptions)));
      if (messages.length > 0) return { Messages: messages.map((message) => messageReply(message, systemNames, attributeNames)) };
      if (Date.now() >= deadline) return {};
      await polls.wait(name, Math.min(deadline, queues.nextVisibleAt(name) ?? deadline), signal);
    }
  }

  const scope = { service: 'sqs', region: options.auth.region, credentials: options.auth.credentials, maxSkewMs: FIFTEEN_MINUTES_MS };

  /** The caller's access key id, once its signature is verified: the SenderId of what it sends. */
  async function authenticate(request: IncomingMessage, body: Buffer): Promise<string> {
    try {
      return (await verifyIncomingRequest(request, body, scope)).accessKeyId;
    } catch (error) {
      throw error instanceof SigV4Refused ? authenticationFailed(error.problem, error.message) : error;
    }
  }

  const actions: Record<string, (input: Json, sender: string, signal: AbortSignal) => Json | Promise<Json>> = {
    CreateQueue: (input) => {
      if (typeof input.QueueName !== 'string') throw missingParameter('QueueName');
      refuseUnsupported(input, ['tags']);
      queues.createQueue(input.QueueName, stringMap(input, 'Attributes'));
      return { QueueUrl: queueUrl(options.origin(), input.QueueName) };
    },
    GetQueueUrl: (input) => {
      if (typeof input.QueueName !== 'string') throw missingParameter('QueueName');
      if (input.QueueOwnerAWSAccountId !== undefined && input.QueueOwnerAWSAccountId !== ACCOUNT_ID) throw queueDoesNotExist();
      queues.queue(input.QueueName);
      return { QueueUrl: queueUrl(options.origin(), input.QueueName) };
    },
    ListQueues: (input) => {
      refuseUnsupported(input, ['NextToken', 'MaxResults']);
      const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
      return { QueueUrls: queues.names().filter((name) => name.startsWith(prefix)).map((name) => queueUrl(options.origin(), name)) };
    },
    GetQueueAttributes: (input) => ({ Attributes: queues.attributes(queueName(input), stringList(input, 'AttributeNames') ?? []) }),
    SetQueueAttributes: (input) => {
      queues.setAttributes(queueName(input), stringMap(input, 'Attributes'));
      return {};
    },
    SendMessage: (input, sender) => {
      const name = queueName(input);
      refuseUnsupported(input, ['MessageSystemAttributes', 'MessageGroupId', 'MessageDeduplicationId']);
      const entry = { body: input.MessageBody, delaySeconds: input.DelaySeconds, messageAttributes: input.MessageAttributes };
      return write(() => sentReply(only(queues.send(name, [entry], sender))));
    },
    SendMessageBatch: (input, sender) => {
      const name = queueName(input);
      const entries = batchEntries(input, 'SendMessageBatch');
      for (const entry of entries) refuseUnsupported(entry, ['MessageSystemAttributes', 'MessageGroupId', 'MessageDeduplicationId']);
      const payload = entries.reduce(
        (sum, entry) => sum + Buffer.byteLength(typeof entry.MessageBody === 'string' ? entry.MessageBody : '') + Buffer.byteLength(JSON.stringify(entry.MessageAttributes ?? {})),
        0,
      );
      if (payload > MAX_BATCH_BYTES) throw batchRequestTooLong(MAX_BATCH_BYTES);
      const messages = entries.map((entry) => ({ body: entry.MessageBody, delaySeconds: entry.DelaySeconds, messageAttributes: entry.MessageAttributes }));
      return write(() => batchReply(entries, queues.send(name, messages, sender), sentReply));
    },
    ReceiveMessage: (input, _request, signal) => receive(input, signal),
    DeleteMessage: (input) => {
      const name = queueName(input);
      return write(() => {
        only(queues.delete(name, [input.ReceiptHandle]));
        return {};
      });
    },
    DeleteMessageBatch: (input) => {
      const name = queueName(input);
      const entries = batchEntries(input, 'DeleteMessageBatch');
      return write(() => batchReply(entries, queues.delete(name, entries.map((entry) => entry.ReceiptHandle)), () => ({})));
    },
    ChangeMessageVisibility: (input) => {
      const name = queueName(input);
      return write(() => {
        only(queues.changeVisibility(name, [{ handle: input.ReceiptHandle, visibilityTimeout: input.VisibilityTimeout }]));
        return {};
      });
    },
    ChangeMessageVisibilityBatch: (input) => {
      const name = queueName(input);
      const entries = batchEntries(input, 'ChangeMessageVisibilityBatch');
      const changes = entries.map((entry) => ({ handle: entry.ReceiptHandle, visibilityTimeout: entry.VisibilityTimeout }));
      return write(() => batchReply(entries, queues.changeVisibility(name, changes), () => ({})));
    },
    PurgeQueue: (input) => {
      queues.purge(queueName(input));
      return {};
    },
  };

  async function handle(request: IncomingMessage, body: Buffer, signal: AbortSignal): Promise<Json> {
    const sender = await authenticate(request, body);
    const text = body.toString('utf8');
    const target = request.headers['x-amz-target'];
    if (request.method !== 'POST' || typeof target !== 'string' || !target.startsWith('AmazonSQS.')) {
      throw unsupportedOperation('The local SQS speaks only the JSON protocol: POST with X-Amz-Target: AmazonSQS.<Action> and Content-Type: application/x-amz-json-1.0.');
    }
    const action = actions[target.slice('AmazonSQS.'.length)];
    if (!action) throw unsupportedOperation(`${target.slice('AmazonSQS.'.length)} is not supported by the local SQS.`);
    let input: unknown;
    try {
      input = JSON.parse(text === '' ? '{}' : text);
    } catch {
      throw invalidParameterValue('The request body is not valid JSON.');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidParameterValue('The request body must be a JSON object.');
    return action(input as Json, sender, signal);
  }

  function reply(response: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
    if (response.destroyed) return;
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...headers,
    });
    response.end(text);
  }

  function replyError(response: ServerResponse, error: unknown): void {
    const known = error instanceof SqsError ? error : undefined;
    if (!known) console.error('local SQS: internal error', error);
    reply(
      response,
      known?.status ?? 500,
      { __type: `com.amazonaws.sqs#${known?.type ?? 'InternalError'}`, message: known?.message ?? 'We encountered an internal error. Please try again.' },
      { 'x-amzn-query-error': `${known?.code ?? 'InternalError'};${known && known.senderFault ? 'Sender' : 'Receiver'}` },
    );
  }

  return createServer((request, response) => {
    const refused = guardRefusal(request, { kind: 'none', service: 'queue' });
    if (refused) {
      request.resume();
      replyError(response, accessDenied(refused.message));
      return;
    }
    try {
      // A caller without the key is refused before its body is buffered.
      checkSigV4Headers(request.headers, scope);
    } catch (error) {
      request.resume();
      replyError(response, error instanceof SigV4Refused ? authenticationFailed(error.problem, error.message) : error);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const gone = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) gone.abort();
    });
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const work =
        size > MAX_REQUEST_BYTES
          ? Promise.reject(invalidParameterValue(`The request is larger than ${MAX_REQUEST_BYTES} bytes.`))
          : handle(request, Buffer.concat(chunks), gone.signal);
      work.then(
        (body) => reply(response, 200, body),
        (error: unknown) => replyError(response, error),
      );
    });
  });
}
