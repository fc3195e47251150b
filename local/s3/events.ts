/**
 * S3 event notifications as S3 shapes them, from what s3rver reports. s3rver's own records differ
 * from S3's (raw keys, `ObjectCreated:Post` for multipart completion, no prefix filters, a
 * malformed bucket ARN, millisecond sequencers that tie); these builders produce S3's form.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { S3EventRecord } from 'aws-lambda';
import { PREFIX } from '../../functions/shared/storage-keys.ts';

/** One change to one object, as the local store reports it. */
export interface ObjectChange {
  /** S3's event name without the `s3:` prefix, e.g. `ObjectCreated:Post`. */
  eventName: string;
  bucket: string;
  /** The raw key. */
  key: string;
  /** Created objects only. */
  size?: number;
  /** Created objects only; without quotes. */
  eTag?: string;
  sourceIp: string;
}

/**
 * The bucket's notification configuration as deployed (infra/constructs/processing.ts: every
 * ObjectCreated and ObjectRemoved event under uploads/, to the processing queue).
 */
export const NOTIFICATIONS = [{ id: 'imagegraph-processing', events: ['ObjectCreated:*', 'ObjectRemoved:*'], prefix: PREFIX.uploads }] as const;

/** The id of the configuration that notifies this change, or undefined when none does. */
export function notificationFor(change: ObjectChange): string | undefined {
  return NOTIFICATIONS.find(
    (rule) => change.key.startsWith(rule.prefix) && rule.events.some((pattern) => matchesEvent(pattern, change.eventName)),
  )?.id;
}

function matchesEvent(pattern: string, eventName: string): boolean {
  return pattern.endsWith(':*') ? eventName.startsWith(pattern.slice(0, -1)) : pattern === eventName;
}

/** The notification record S3 sends for `change`. */
export function eventRecord(
  change: ObjectChange,
  context: { region: string; configurationId: string; sequencer: string; time?: Date },
): S3EventRecord {
  const created = change.eventName.startsWith('ObjectCreated:');
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: context.region,
    eventTime: (context.time ?? new Date()).toISOString(),
    eventName: change.eventName,
    userIdentity: { principalId: LOCAL_PRINCIPAL },
    requestParameters: { sourceIPAddress: change.sourceIp },
    responseElements: {
      'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
      'x-amz-id-2': randomBytes(48).toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: context.configurationId,
      bucket: { name: change.bucket, ownerIdentity: { principalId: LOCAL_OWNER }, arn: `arn:aws:s3:::${change.bucket}` },
      object: {
        key: encodeEventKey(change.key),
        ...(created ? { size: change.size ?? 0, eTag: change.eTag ?? '' } : {}),
        sequencer: context.sequencer,
      } as S3EventRecord['s3']['object'],
    },
  };
}

/** Stable stand-ins for the AWS account that made the change and owns the bucket. */
const LOCAL_PRINCIPAL = 'AWS:AIDA' + createHash('sha256').update('imagegraph-local').digest('hex').slice(0, 17).toUpperCase();
const LOCAL_OWNER = createHash('sha256').update('imagegraph-local-owner').digest('hex').slice(0, 14).toUpperCase();

/**
 * Keys in notifications are encoded like HTML form values ('+' for a space, everything but
 * letters, digits and `*-._` percent-encoded), except that '/' stays as it is.
 */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) => new URLSearchParams({ k: segment }).toString().slice(2))
    .join('/');
}

/**
 * S3 sequencers: hex strings that grow with each change (compared after left-padding). These are
 * microseconds since the epoch, bumped past the previous value so two changes in the same
 * microsecond, or a clock step back, never tie or go backwards within a run; across restarts
 * the wall clock keeps them growing.
 */
export function sequencerSource(now: () => number = () => Date.now()): () => string {
  let last = 0;
  return () => {
    last = Math.max(last + 1, now() * 1000);
    return last.toString(16).toUpperCase().padStart(16, '0');
  };
}
