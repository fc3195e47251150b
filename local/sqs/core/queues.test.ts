import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqsError } from './errors.ts';
import { DEFAULT_SETTINGS } from './queue-attributes.ts';
import { Queues, type SentMessage } from './queues.ts';
import { Storage } from './storage.ts';

/** Queues on an in-memory store with a clock the test moves. */
function setup() {
  const clock = { now: 1_700_000_000_000 };
  const changed: string[] = [];
  const queues = new Queues(new Storage(':memory:'), { region: 'eu-west-1', now: () => clock.now, onChange: (queue) => changed.push(queue) });
  return { clock, queues, changed };
}
const sent = (result: SentMessage | SqsError | undefined): SentMessage => {
  if (!result || result instanceof SqsError) throw result ?? new Error('nothing sent');
  return result;
};

describe('Queues', () => {
  it('drops messages older than the retention period', () => {
    const { clock, queues } = setup();
    queues.createQueue('short', { MessageRetentionPeriod: '60' });
    queues.send('short', [{ body: 'old' }], 'me');
    clock.now += 30_000;
    queues.send('short', [{ body: 'young' }], 'me');
    clock.now += 30_000;
    expect(queues.attributes('short', ['ApproximateNumberOfMessages'])).toEqual({ ApproximateNumberOfMessages: '1' });
    expect(queues.receive('short', { maxNumberOfMessages: 10 }).map((m) => m.body)).toEqual(['young']);
  });

  it('keeps a message hidden at most 12 hours after its receive', () => {
    const { clock, queues } = setup();
    queues.createQueue('q');
    queues.send('q', [{ body: 'x' }], 'me');
    // In flight all along: a message whose timeout ran out is no longer changed (next test).
    const [message] = queues.receive('q', { visibilityTimeout: 43_200 });
    clock.now += 6 * 3600_000;
    const change = (visibilityTimeout: number) => queues.changeVisibility('q', [{ handle: message?.receiptHandle, visibilityTimeout }])[0]?.message;
    expect(change(6 * 3600)).toBeUndefined();
    expect(change(6 * 3600 + 1)).toContain('Total VisibilityTimeout for the message is beyond the limit');
    expect(change(43_201)).toContain('Must be between 0 and 43200');
  });

  it('changes the visibility of a message in flight from now; a handle no longer current changes nothing', () => {
    const { clock, queues } = setup();
    queues.createQueue('q', { VisibilityTimeout: '720' });
    queues.send('q', [{ body: 'x' }], 'me');
    const change = (handle: string | undefined, visibilityTimeout: number) => queues.changeVisibility('q', [{ handle, visibilityTimeout }])[0];
    const [first] = queues.receive('q');
    clock.now += 5_000;
    expect(change(first?.receiptHandle, 10)).toBeUndefined();
    clock.now += 9_999;
    expect(queues.receive('q')).toEqual([]);
    clock.now += 1;
    const [second] = queues.receive('q');
    expect(second?.attributes.ApproximateReceiveCount).toBe('2');

    // Received again since: the older handle is refused with SQS's error, and the newer receive keeps it hidden.
    expect(change(first?.receiptHandle, 0)).toMatchObject({
      type: 'InvalidParameterValue',
      status: 400,
      message: `Value ${first?.receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
    });
    expect(queues.receive('q')).toEqual([]);

    // Its timeout ran out and nobody received it since: OK, and it stays visible (as on AWS).
    clock.now += 720_000;
    expect(change(second?.receiptHandle, 600)).toBeUndefined();
    const [third] = queues.receive('q');
    expect(third?.attributes.ApproximateReceiveCount).toBe('3');

    // Deleted: refused.
    queues.delete('q', [third?.receiptHandle]);
    expect(change(third?.receiptHandle, 10)).toMatchObject({ type: 'InvalidParameterValue' });
  });

  it('a handle of another queue is not valid there', () => {
    const { queues } = setup();
    queues.createQueue('a');
    queues.createQueue('b');
    queues.send('a', [{ body: 'x' }], 'me');
    const [message] = queues.receive('a');
    expect(queues.delete('b', [message?.receiptHandle])).toEqual([expect.objectContaining({ type: 'ReceiptHandleIsInvalid' })]);
  });

  it('a dead letter keeps its id and sent time, starts its receive count afresh, and wakes DLQ long polls', () => {
    const { clock, queues, changed } = setup();
    queues.createQueue('dlq');
    queues.createQueue('q', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:000000000000:dlq', maxReceiveCount: 1 }), VisibilityTimeout: '0' });
    const { messageId } = sent(queues.send('q', [{ body: 'x' }], 'me')[0]);
    const sentAt = clock.now;
    queues.receive('q');
    clock.now += 1000;
    expect(queues.receive('q')).toEqual([]);
    expect(changed.at(-1)).toBe('dlq');
    const [dead] = queues.receive('dlq');
    expect(dead).toMatchObject({ messageId, attributes: { SentTimestamp: String(sentAt), ApproximateReceiveCount: '1' } });
  });

  it('refuses a redrive policy whose dead-letter queue does not exist', () => {
    const { queues } = setup();
    expect(() =>
      queues.createQueue('q', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:000000000000:missing', maxReceiveCount: 3 }) }),
    ).toThrow('Dead letter target does not exist');
    expect(() => queues.createQueue('q', { RedrivePolicy: '{"maxReceiveCount": 3}' })).toThrow('Invalid value for deadLetterTargetArn');
  });

  it('declared queues are reconfigured on a restart, and their messages kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-core-'));
    try {
      const first = new Storage(dir);
      new Queues(first, { region: 'us-east-1' }).declareQueues([{ name: 'q', settings: { ...DEFAULT_SETTINGS, visibilityTimeoutSeconds: 5 } }]);
      new Queues(first, { region: 'us-east-1' }).send('q', [{ body: 'kept' }], 'me');
      first.close();
      const second = new Storage(dir);
      const queues = new Queues(second, { region: 'us-east-1' });
      queues.declareQueues([{ name: 'q', settings: { ...DEFAULT_SETTINGS, visibilityTimeoutSeconds: 9 } }]);
      expect(queues.attributes('q', ['VisibilityTimeout'])).toEqual({ VisibilityTimeout: '9' });
      expect(queues.receive('q').map((m) => m.body)).toEqual(['kept']);
      expect(() => queues.declareQueues([{ name: 'r', settings: { ...DEFAULT_SETTINGS, redrive: { deadLetterQueueName: 'nope', maxReceiveCount: 2 } } }])).toThrow(
        'dead-letter queue nope is not declared',
      );
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses attributes SQS refuses', () => {
    const { queues } = setup();
    queues.createQueue('q');
    const refusal = (attributes: unknown) => {
      const [result] = queues.send('q', [{ body: 'x', messageAttributes: attributes }], 'me');
      return result instanceof SqsError ? result.message : 'accepted';
    };
    expect(refusal(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }])))).toContain('exceeds the allowed maximum [10]');
    expect(refusal({ 'AWS.reserved': { DataType: 'String', StringValue: 'v' } })).toContain('is invalid');
    expect(refusal({ n: { DataType: 'Number', StringValue: 'ten' } })).toContain('to a number');
    expect(refusal({ s: { DataType: 'String' } })).toContain('must contain non-empty message attribute value');
    expect(refusal({ s: { DataType: 'Date', StringValue: 'x' } })).toContain('supported type prefixes');
    expect(refusal({ b: { DataType: 'Binary.gz', BinaryValue: Buffer.from('hi').toString('base64') } })).toBe('accepted');
  });
});
