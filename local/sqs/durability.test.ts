import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { localSqsClient } from './client.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'sqs-durability-'));
const QUEUES = JSON.stringify([{ name: 'durable', visibilityTimeoutSeconds: 30 }]);
const children: ChildProcess[] = [];

/**
 * Starts the local SQS in its own process and resolves with the endpoint it prints: its first whole
 * line (a chunk of output can hold part of one), which must be a 127.0.0.1 URL.
 */
function startProcess(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--data-dir', dataDir, '--port', '0', '--queues', QUEUES], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error('local SQS has no stdout'));
    createInterface({ input: child.stdout }).once('line', (line) => {
      const endpoint = line.trim();
      if (/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) resolve({ child, endpoint });
      else reject(new Error(`local SQS printed ${JSON.stringify(line)} where its endpoint was expected`));
    });
    child.once('exit', (code) => reject(new Error(`local SQS exited early with ${String(code)}`)));
  });
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('durability', () => {
  it('every acknowledged send survives kill -9 in the middle of a burst', async () => {
    const first = await startProcess();
    const sqs = localSqsClient(first.endpoint);
    const queueUrl = `${first.endpoint}/000000000000/durable`;
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
          first.child.kill('SIGKILL');
          stop = true;
        }
      }
    });
    await Promise.all(senders);
    // Killed by a signal, a child has no exit code but a signal code.
    await new Promise((resolve) => (first.child.signalCode === null ? first.child.once('exit', resolve) : resolve(undefined)));
    sqs.destroy();

    const second = await startProcess();
    const again = localSqsClient(second.endpoint);
    const url = `${second.endpoint}/000000000000/durable`;
    const found = new Set<string>();
    for (;;) {
      const { Messages = [] } = await again.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      if (Messages.length === 0) break;
      for (const message of Messages) found.add(message.Body ?? '');
      await again.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    }
    again.destroy();
    second.child.kill('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(150);
    expect([...acknowledged].filter((body) => !found.has(body))).toEqual([]);
  }, 30_000);
});
