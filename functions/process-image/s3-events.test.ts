import { describe, expect, it } from 'vitest';
import { compareSequencers, decodeKey, objectEventsOf } from './s3-events.ts';

function record(eventName: string, key: string, extra: Record<string, unknown> = {}) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    eventName,
    eventTime: '2026-11-21T10:00:00.000Z',
    s3: { bucket: { name: 'images' }, object: { key, size: 1234, eTag: 'abc123', sequencer: '0055AED6DCD90281E5', ...extra } },
  };
}

describe('objectEventsOf', () => {
  it('unwraps every record of a notification, decoding keys', () => {
    const body = JSON.stringify({
      Records: [
        record('ObjectCreated:Post', 'uploads/u/01J/my+holiday+%281%29.jpg'),
        record('ObjectRemoved:Delete', 'uploads/u/01J/caf%C3%A9+%2B+bar.png', { eTag: undefined, size: undefined }),
      ],
    });
    expect(objectEventsOf(body)).toEqual([
      {
        kind: 'created',
        bucket: 'images',
        key: 'uploads/u/01J/my holiday (1).jpg',
        etag: 'abc123',
        size: 1234,
        sequencer: '0055AED6DCD90281E5',
        eventTime: '2026-11-21T10:00:00.000Z',
      },
      expect.objectContaining({ kind: 'removed', key: 'uploads/u/01J/café + bar.png', etag: '', size: 0 }),
    ]);
  });

  it('ignores S3’s test event and event kinds it does not handle', () => {
    expect(objectEventsOf(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'images' }))).toEqual([]);
    expect(objectEventsOf(JSON.stringify({ Records: [record('ObjectRestore:Completed', 'uploads/u/1/a.jpg')] }))).toEqual([]);
  });

  it('refuses bodies that are not S3 notifications, naming what it got', () => {
    expect(() => objectEventsOf('not json')).toThrow('Message body is not JSON: not json');
    expect(() => objectEventsOf('{"hello":"world"}')).toThrow('not an S3 event notification');
  });
});

describe('decodeKey', () => {
  it('decodes + as space and %2B as +', () => {
    expect(decodeKey('a+b%2Bc%20d')).toBe('a b+c d');
  });
});

describe('compareSequencers', () => {
  it('compares after left-padding, as AWS documents', () => {
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6')).toBeLessThan(0);
    expect(compareSequencers('FF', '0100')).toBeLessThan(0);
    expect(compareSequencers('0100', 'FF')).toBeGreaterThan(0);
    expect(compareSequencers('00ab', 'AB')).toBe(0);
  });
});
