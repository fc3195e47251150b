/**
 * What the end-to-end tests and bench:e2e check from outside a running local cloud: the search
 * index (through its REST endpoint, signed as the local engine requires), the queues (through the
 * real SQS client), its process ids.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { createSearchClient } from '../../functions/process-image/image-index.ts';
import { IMAGES_INDEX } from '../../resolvers/lib/imageDocument.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, processesFile } from '../config.ts';

type Outputs = Record<string, string>;
interface SearchResult {
  hits: { total: { value: number }; hits: { _id: string; _source: Record<string, unknown> }[] };
}

async function searchIndex(outputs: Outputs, body: Record<string, unknown>): Promise<SearchResult> {
  const client = createSearchClient({ searchEndpoint: outputs[OUTPUT_KEYS.searchEndpoint] ?? '', region: LOCAL_REGION }, LOCAL_CREDENTIALS);
  try {
    return (await client.search({ index: IMAGES_INDEX, body })).body as unknown as SearchResult;
  } finally {
    await client.close();
  }
}

export async function indexedDocuments(outputs: Outputs, imageId: string): Promise<{ count: number; source: Record<string, unknown> | undefined }> {
  const result = await searchIndex(outputs, { query: { ids: { values: [imageId] } } });
  return { count: result.hits.total.value, source: result.hits.hits[0]?._source };
}

/** Per image id: how many documents the index holds for it, and the status of each. */
export async function indexedStatuses(outputs: Outputs, imageIds: readonly string[]): Promise<Map<string, string[]>> {
  const result = await searchIndex(outputs, { query: { ids: { values: imageIds } }, size: imageIds.length * 2 + 10, _source: { includes: ['status'] } });
  const statuses = new Map<string, string[]>(imageIds.map((id) => [id, []]));
  for (const hit of result.hits.hits) statuses.get(hit._id)?.push(String(hit._source.status));
  return statuses;
}

/** Documents of one owner, whatever their status. */
export async function ownerDocumentCount(outputs: Outputs, ownerSub: string): Promise<number> {
  return (await searchIndex(outputs, { query: { term: { ownerSub } }, size: 0 })).hits.total.value;
}

/** Ids whose documents are not exactly one PROCESSED document. */
export async function notProcessedOnce(outputs: Outputs, imageIds: readonly string[]): Promise<string[]> {
  const statuses = await indexedStatuses(outputs, imageIds);
  return imageIds.filter((id) => (statuses.get(id) ?? []).join() !== 'PROCESSED');
}

export interface QueueDepths {
  /** Waiting in the processing queue. */
  waiting: number;
  /** Received and not yet deleted (being processed, or waiting out a visibility timeout). */
  inFlight: number;
  deadLetters: number;
}

function queueClient(outputs: Outputs): SQSClient {
  return new SQSClient({ endpoint: outputs[LOCAL_OUTPUT_KEYS.sqsEndpoint], region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

export async function queueDepths(outputs: Outputs): Promise<QueueDepths> {
  const sqs = queueClient(outputs);
  try {
    const depth = async (queueUrl: string | undefined) =>
      (
        await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        )
      ).Attributes ?? {};
    const [queue, deadLetters] = await Promise.all([depth(outputs[OUTPUT_KEYS.queueUrl]), depth(outputs[OUTPUT_KEYS.deadLetterQueueUrl])]);
    return {
      waiting: Number(queue.ApproximateNumberOfMessages),
      inFlight: Number(queue.ApproximateNumberOfMessagesNotVisible),
      deadLetters: Number(deadLetters.ApproximateNumberOfMessages) + Number(deadLetters.ApproximateNumberOfMessagesNotVisible),
    };
  } finally {
    sqs.destroy();
  }
}

/** Sets the processing queue's visibility timeout, as an operator would with SetQueueAttributes. */
export async function setVisibilityTimeout(outputs: Outputs, seconds: number): Promise<void> {
  const sqs = queueClient(outputs);
  try {
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: outputs[OUTPUT_KEYS.queueUrl], Attributes: { VisibilityTimeout: String(seconds) } }));
  } finally {
    sqs.destroy();
  }
}

/** Polls `check` until it returns true; the error names what was awaited and the last state seen. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, state: () => unknown = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last state: ${JSON.stringify(state())}`);
    await sleep(200);
  }
}

/** The process ids the local cloud wrote to processes.json. */
export interface CloudProcessIds {
  cloud: number;
  search: number;
  sqs: number;
}

export function readProcessIds(dataDir: string): CloudProcessIds {
  const file = processesFile({ dataDir });
  if (!existsSync(file)) throw new Error(`${file} does not exist: is the local cloud running?`);
  return JSON.parse(readFileSync(file, 'utf8')) as CloudProcessIds;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until none of the processes exists any more. */
export async function waitUntilGone(pids: readonly number[], timeoutMs = 15_000): Promise<void> {
  await waitFor(`processes ${pids.join(', ')} to exit`, () => !pids.some(isRunning), timeoutMs, () => pids.filter(isRunning));
}
