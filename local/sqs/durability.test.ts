import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildService, startChildService } from '../child-service.ts';
import { localSqsClient } from './client.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'sqs-durability-'));
const QUEUES = JSON.stringify([{ name: 'durable', visibilityTimeoutSeconds: 30 }]);
const children: ChildService[] = [];

/** Starts the local SQS in its own process, as the local cloud does; its endpoint must be a 127.0.0.1 URL. */
async function startProcess(): Promise<ChildService> {
  const child = await startChildService({ name: 'local SQS', main: MAIN, args: ['--data-dir', dataDir, '--port', '0', '--queues', QUEUES] });
  children.push(child);
  expect(child.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return child;
}

afterAll(async () => {
  await Promise.all(children.map((child) => child.stop(0)));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('durability', () => {
  it('every acknowledged send survives kill -9 in the middle of a burst', async () => {
    const first = await startProcess();
    const sqs = localSqsClient(first.url);
    const queueUrl = `${first.url}/000000000000/durable`;
    const acknowledged = new Set<string>();
    let stop = false;
    // Four senders keep requests in flight; the server dies under them after 150 acknowledgements.
    const senders = Array.from({ length: 4 }, async (_, sender) => {
      for (let n = 0; !stop; n += 1) {
        const body = `${sender}-${n}`;
        try {
          await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
          acknowledged.add(body);
        } catch {
          return;
        }
        if (acknowledged.size === 150) {
          process.kill(first.pid, 'SIGKILL');
          stop = true;
        }
      }
    });
    await Promise.all(senders);
    await first.exited;
    sqs.destroy();

    const second = await startProcess();
    const again = localSqsClient(second.url);
    const url = `${second.url}/000000000000/durable`;
    const found = new Set<string>();
    for (;;) {
      const { Messages = [] } = await again.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      if (Messages.length === 0) break;
      for (const message of Messages) found.add(message.Body ?? '');
      await again.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    }
    again.destroy();
    await second.stop(0);
    expect(acknowledged.size).toBeGreaterThanOrEqual(150);
    expect([...acknowledged].filter((body) => !found.has(body))).toEqual([]);
  }, 30_000);
});
