import type { Progress } from '../progress.ts';
import type { MessageQueue } from './message-queue.ts';

/**
 * `imagegraph redrive`: moves every message of the dead-letter queue back to the processing queue.
 * Each batch is sent before it is deleted, so a crash between the two duplicates messages rather
 * than losing them; the pipeline is idempotent, so duplicates cost nothing but time.
 */
export async function redrive(deadLetters: MessageQueue, queue: MessageQueue, progress: Progress): Promise<{ moved: number }> {
  progress.start(await deadLetters.approximateCount(), 'redrive');
  let moved = 0;
  for (;;) {
    const messages = await deadLetters.receive(10);
    if (messages.length === 0) break;
    await queue.send(messages.map((message) => message.body));
    await deadLetters.delete(messages.map((message) => message.receiptHandle));
    moved += messages.length;
    progress.advance(messages.length);
  }
  progress.stop();
  return { moved };
}
