import { describe, expect, it } from 'vitest';
import type { FilterGroups } from './filter.ts';
import { SubscriptionRegistry } from './registry.ts';

const eq = (fieldName: string, value: unknown) => ({ fieldName, operator: 'eq', value });
const owner = (sub: string): FilterGroups => [[eq('ownerSub', sub)]];

describe('SubscriptionRegistry', () => {
  it('matches a publication only to the subscriptions on its field whose filter holds', () => {
    const registry = new SubscriptionRegistry<string>();
    registry.add('onImageProcessed', owner('u1'), 'u1-a');
    registry.add('onImageProcessed', owner('u1'), 'u1-b');
    registry.add('onImageProcessed', owner('u2'), 'u2');
    registry.add('onOtherField', owner('u1'), 'other field');

    expect(registry.match('onImageProcessed', { ownerSub: 'u1' }).sort()).toEqual(['u1-a', 'u1-b']);
    expect(registry.match('onImageProcessed', { ownerSub: 'u3' })).toEqual([]);
    expect(registry.match('noSubscriptions', { ownerSub: 'u1' })).toEqual([]);
    expect(registry.size).toBe(4);
  });

  it('checks every condition of a group, not only the one it is filed under', () => {
    const registry = new SubscriptionRegistry<string>();
    registry.add('onImageProcessed', [[eq('ownerSub', 'u1'), eq('imageId', 'i1')]], 'one image');

    expect(registry.match('onImageProcessed', { ownerSub: 'u1', imageId: 'i1' })).toEqual(['one image']);
    expect(registry.match('onImageProcessed', { ownerSub: 'u1', imageId: 'i2' })).toEqual([]);
    expect(registry.match('onImageProcessed', { ownerSub: 'u2', imageId: 'i1' })).toEqual([]);
  });

  it('files an `in` condition under each of its values', () => {
    const registry = new SubscriptionRegistry<string>();
    registry.add('onImageProcessed', [[{ fieldName: 'status', operator: 'in', value: ['FAILED', 'DELETED'] }]], 'bad news');

    expect(registry.match('onImageProcessed', { status: 'FAILED' })).toEqual(['bad news']);
    expect(registry.match('onImageProcessed', { status: 'DELETED' })).toEqual(['bad news']);
    expect(registry.match('onImageProcessed', { status: 'PROCESSED' })).toEqual([]);
  });

  it('checks a subscription without an equality (or without a filter) on every publication to its field', () => {
    const registry = new SubscriptionRegistry<string>();
    registry.add('onImageProcessed', [[{ fieldName: 'width', operator: 'gt', value: 1000 }]], 'wide');
    registry.add('onImageProcessed', [], 'everything');

    expect(registry.match('onImageProcessed', { width: 2000 }).sort()).toEqual(['everything', 'wide']);
    expect(registry.match('onImageProcessed', { width: 500 })).toEqual(['everything']);
  });

  it('matches any group (OR), once even when several groups hold', () => {
    const registry = new SubscriptionRegistry<string>();
    registry.add('onImageProcessed', [[eq('ownerSub', 'u1')], [eq('imageId', 'i1')], [{ fieldName: 'width', operator: 'gt', value: 1 }]], 'either');

    expect(registry.match('onImageProcessed', { ownerSub: 'u1', imageId: 'i1', width: 2 })).toEqual(['either']);
    expect(registry.match('onImageProcessed', { ownerSub: 'u9', imageId: 'i1' })).toEqual(['either']);
    expect(registry.match('onImageProcessed', { ownerSub: 'u9', imageId: 'i9', width: 0 })).toEqual([]);
  });

  it('compares values by JSON, so 1 and "1" are different keys', () => {
    const registry = new SubscriptionRegistry<string>();
    registry.add('onImageProcessed', [[eq('size', 1)]], 'number');

    expect(registry.match('onImageProcessed', { size: 1 })).toEqual(['number']);
    expect(registry.match('onImageProcessed', { size: '1' })).toEqual([]);
  });

  it('matches on nested fields by dotted path', () => {
    const registry = new SubscriptionRegistry<string>();
    registry.add('onImageProcessed', [[eq('image.format', 'JPEG')]], 'jpeg');

    expect(registry.match('onImageProcessed', { image: { format: 'JPEG' } })).toEqual(['jpeg']);
    expect(registry.match('onImageProcessed', { image: null })).toEqual([]);
  });

  it('forgets a removed subscription wherever it was filed, and counts it once', () => {
    const registry = new SubscriptionRegistry<string>();
    const multi = registry.add('onImageProcessed', [[eq('ownerSub', 'u1')], [{ fieldName: 'status', operator: 'in', value: ['FAILED', 'DELETED'] }]], 'multi');
    const unindexed = registry.add('onImageProcessed', [], 'all');
    const kept = registry.add('onImageProcessed', owner('u1'), 'kept');

    registry.remove(multi);
    registry.remove(unindexed);
    expect(registry.size).toBe(1);
    expect(registry.match('onImageProcessed', { ownerSub: 'u1', status: 'FAILED' })).toEqual(['kept']);
    expect(registry.match('onImageProcessed', { ownerSub: 'u2', status: 'DELETED' })).toEqual([]);

    // Removing again, or a registration of a field never used, changes nothing.
    registry.remove(multi);
    registry.remove({ field: 'unknown', groups: [], value: 'x' });
    expect(registry.size).toBe(1);
    registry.remove(kept);
    expect(registry.size).toBe(0);
    expect(registry.match('onImageProcessed', { ownerSub: 'u1' })).toEqual([]);
  });

  it('keeps two subscriptions with the same filter and value apart', () => {
    const registry = new SubscriptionRegistry<string>();
    const first = registry.add('onImageProcessed', owner('u1'), 'same');
    registry.add('onImageProcessed', owner('u1'), 'same');

    registry.remove(first);
    expect(registry.match('onImageProcessed', { ownerSub: 'u1' })).toEqual(['same']);
    expect(registry.size).toBe(1);
  });
});
