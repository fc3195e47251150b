import { describe, expect, it } from 'vitest';
import { decodeKey } from '../../functions/process-image/s3-events.ts';
import { encodeEventKey, notificationFor, sequencerSource } from './events.ts';

describe('encodeEventKey', () => {
  it.each([
    ['uploads/u/i/photo.jpg', 'uploads/u/i/photo.jpg'],
    ['uploads/u/i/my photo.jpg', 'uploads/u/i/my+photo.jpg'],
    ['uploads/u/i/a+b=c&d.jpg', 'uploads/u/i/a%2Bb%3Dc%26d.jpg'],
    ['uploads/u/i/(1)~!*_-.jpg', 'uploads/u/i/%281%29%7E%21*_-.jpg'],
    ['uploads/u/i/été.jpg', 'uploads/u/i/%C3%A9t%C3%A9.jpg'],
  ])('%j -> %j, which the processing function decodes back', (key, encoded) => {
    expect(encodeEventKey(key)).toBe(encoded);
    expect(decodeKey(encoded)).toBe(key);
  });
});

describe('sequencerSource', () => {
  it('grows even when the clock stands still or steps back', () => {
    const times = [1_700_000_000_000, 1_700_000_000_000, 1_699_999_999_000, 1_700_000_000_001];
    const next = sequencerSource(() => times.shift() ?? 0);
    const sequencers = [next(), next(), next(), next()];
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(new Set(sequencers).size).toBe(4);
    expect(sequencers[0]).toMatch(/^[0-9A-F]{16}$/);
  });
});

describe('notificationFor', () => {
  const change = { bucket: 'b', sourceIp: '127.0.0.1' };
  it('matches the deployed events under uploads/ only', () => {
    expect(notificationFor({ ...change, eventName: 'ObjectCreated:Post', key: 'uploads/u/i/f.jpg' })).toBeDefined();
    expect(notificationFor({ ...change, eventName: 'ObjectRemoved:Delete', key: 'uploads/u/i/f.jpg' })).toBeDefined();
    expect(notificationFor({ ...change, eventName: 'ObjectCreated:Put', key: 'thumbnails/u/i/f.webp' })).toBeUndefined();
    expect(notificationFor({ ...change, eventName: 'ObjectCreated:Put', key: 'meta/u/i.json' })).toBeUndefined();
  });
});
