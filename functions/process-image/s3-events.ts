import type { S3Event, S3EventRecord } from 'aws-lambda';

/** One S3 object event, as the pipeline needs it. */
export interface ObjectEvent {
  kind: 'created' | 'removed';
  bucket: string;
  /** Decoded: S3 URL-encodes keys in notifications, with '+' for spaces. */
  key: string;
  /** Empty for removals. */
  etag: string;
  size: number;
  /** Orders events for one key; see compareSequencers. */
  sequencer: string;
  eventTime: string;
}

/**
 * The object events in one SQS message body. A body holds an S3 notification with one or more
 * records, or S3's `s3:TestEvent` (sent when notifications are configured), which has none.
 * Throws on a body that is neither, so the message goes to the dead-letter queue for a human.
 */
export function objectEventsOf(body: string): ObjectEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`Message body is not JSON: ${body.slice(0, 80)}`);
  }
  if (isTestEvent(parsed)) return [];
  const records = (parsed as Partial<S3Event> | null)?.Records;
  if (!Array.isArray(records)) throw new Error(`Message body is not an S3 event notification: ${body.slice(0, 80)}`);
  return records.map(toObjectEvent).filter((event): event is ObjectEvent => event !== null);
}

function isTestEvent(parsed: unknown): boolean {
  return typeof parsed === 'object' && parsed !== null && (parsed as { Event?: unknown }).Event === 's3:TestEvent';
}

function toObjectEvent(record: S3EventRecord): ObjectEvent | null {
  const kind = record.eventName.startsWith('ObjectCreated:')
    ? 'created'
    : record.eventName.startsWith('ObjectRemoved:')
      ? 'removed'
      : null;
  if (!kind) return null;
  const object = record.s3.object;
  return {
    kind,
    bucket: record.s3.bucket.name,
    key: decodeKey(object.key),
    etag: object.eTag ?? '',
    size: object.size ?? 0,
    sequencer: object.sequencer ?? '',
    eventTime: record.eventTime,
  };
}

/** S3 notifications encode keys like HTML forms: '+' is a space, everything else percent-encoded. */
export function decodeKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * S3 sequencers order events for the same key: hex strings of varying length, compared after
 * left-padding with zeros (AWS's documented rule). Negative when `a` is older than `b`.
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padStart(width, '0');
  const right = b.toUpperCase().padStart(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}
