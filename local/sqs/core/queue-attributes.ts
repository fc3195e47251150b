import { invalidAttributeName, invalidAttributeValue, invalidParameterValue } from './errors.ts';

/** The account every local queue lives in (queue URLs and ARNs carry it). */
export const ACCOUNT_ID = '000000000000';

/** A queue's settings, as SQS's queue attributes describe them. */
export interface QueueSettings {
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds: number;
  delaySeconds: number;
  receiveWaitTimeSeconds: number;
  maximumMessageSize: number;
  redrive?: { deadLetterQueueName: string; maxReceiveCount: number };
}

/** SQS's defaults for a new standard queue, except MaximumMessageSize (see README.md). */
export const DEFAULT_SETTINGS: QueueSettings = {
  visibilityTimeoutSeconds: 30,
  messageRetentionSeconds: 345_600,
  delaySeconds: 0,
  receiveWaitTimeSeconds: 0,
  maximumMessageSize: 262_144,
};

/** The settable attributes: name, setting, allowed range. */
const NUMERIC = [
  ['VisibilityTimeout', 'visibilityTimeoutSeconds', 0, 43_200],
  ['MessageRetentionPeriod', 'messageRetentionSeconds', 60, 1_209_600],
  ['DelaySeconds', 'delaySeconds', 0, 900],
  ['ReceiveMessageWaitTimeSeconds', 'receiveWaitTimeSeconds', 0, 20],
  ['MaximumMessageSize', 'maximumMessageSize', 1024, 1_048_576],
] as const;

/** Read-only attributes GetQueueAttributes also answers. */
const COMPUTED = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

export const ALL_ATTRIBUTE_NAMES: readonly string[] = [...NUMERIC.map(([name]) => name), 'RedrivePolicy', ...COMPUTED];

export const queueArn = (region: string, name: string) => `arn:aws:sqs:${region}:${ACCOUNT_ID}:${name}`;

/** Queue names: 1-80 characters, alphanumerics, hyphens and underscores. FIFO queues are not offered. */
export function checkQueueName(name: string): void {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
    throw invalidParameterValue(
      name.endsWith('.fifo')
        ? 'FIFO queues are not supported by the local SQS.'
        : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
}

function integerIn(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw invalidAttributeValue(name, `Must be an integer from ${min} to ${max}.`);
  }
  return number;
}

function parseRedrivePolicy(value: string): QueueSettings['redrive'] {
  const reason = (why: string) => invalidParameterValue(`Value ${value} for parameter RedrivePolicy is invalid. Reason: ${why}`);
  let policy: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    policy = JSON.parse(value) as typeof policy;
  } catch {
    throw reason('Redrive policy is not a valid JSON map.');
  }
  const arn = typeof policy.deadLetterTargetArn === 'string' ? policy.deadLetterTargetArn.split(':') : [];
  if (arn.length !== 6 || arn[0] !== 'arn' || arn[2] !== 'sqs') throw reason('Invalid value for deadLetterTargetArn.');
  const maxReceiveCount = Number(policy.maxReceiveCount);
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw reason('Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
  }
  return { deadLetterQueueName: arn[5] ?? '', maxReceiveCount };
}

/** Applies CreateQueue/SetQueueAttributes attributes to `base`; unknown or out-of-range ones are refused. */
export function applyAttributes(base: QueueSettings, attributes: Record<string, string>): QueueSettings {
  const settings: QueueSettings = { ...base };
  for (const [name, value] of Object.entries(attributes)) {
    const numeric = NUMERIC.find(([attribute]) => attribute === name);
    if (numeric) settings[numeric[1]] = integerIn(name, value, numeric[2], numeric[3]);
    else if (name === 'RedrivePolicy') settings.redrive = value === '' ? undefined : parseRedrivePolicy(value);
    else if (name === 'FifoQueue' && value === 'false') continue;
    else if (name === 'FifoQueue') throw invalidParameterValue('FIFO queues are not supported by the local SQS.');
    else throw invalidAttributeName(name);
  }
  return settings;
}

/** The settable attributes of `settings`, as GetQueueAttributes spells them. */
export function settingAttributes(settings: QueueSettings, region: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, key] of NUMERIC) attributes[name] = String(settings[key]);
  if (settings.redrive) {
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: queueArn(region, settings.redrive.deadLetterQueueName),
      maxReceiveCount: settings.redrive.maxReceiveCount,
    });
  }
  return attributes;
}

/** The attribute that differs between two settings, for QueueNameExists; undefined when equal. */
export function differingAttribute(a: QueueSettings, b: QueueSettings, region: string): string | undefined {
  const left = settingAttributes(a, region);
  const right = settingAttributes(b, region);
  return [...new Set([...Object.keys(left), ...Object.keys(right)])].find((name) => left[name] !== right[name]);
}
