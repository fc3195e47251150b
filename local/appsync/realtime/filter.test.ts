import { describe, expect, it } from 'vitest';
import { toSubscriptionFilter } from '../runtime/subscription-filter.ts';
import { filterGroupsOf, holds, matches } from './filter.ts';
import { SubscriptionRegistry } from './registry.ts';

const payload = { ownerSub: 'u1', status: 'FAILED', size: 10, tags: ['a', 'b'], name: 'holiday.jpg', image: { format: 'JPEG' } };
const rule = (operator: string, value: unknown, fieldName = 'size') => ({ fieldName, operator, value });

describe('enhanced filter operators', () => {
  it.each([
    [rule('eq', 10), true],
    [rule('eq', 11), false],
    [rule('ne', 11), true],
    [rule('ne', 10), false],
    [rule('le', 10), true],
    [rule('lt', 10), false],
    [rule('ge', 10), true],
    [rule('gt', 9), true],
    [rule('gt', '9'), false],
    [rule('contains', 'a', 'tags'), true],
    [rule('contains', 'day', 'name'), true],
    [rule('notContains', 'c', 'tags'), true],
    [rule('notContains', 'a', 'tags'), false],
    [rule('beginsWith', 'holi', 'name'), true],
    [rule('beginsWith', 'day', 'name'), false],
    [rule('in', ['FAILED', 'DELETED'], 'status'), true],
    [rule('notIn', ['FAILED'], 'status'), false],
    [rule('between', [5, 10]), true],
    [rule('between', [11, 20]), false],
    [rule('containsAny', ['x', 'b'], 'tags'), true],
    [rule('containsAny', ['x', 'y'], 'tags'), false],
    [rule('eq', 'JPEG', 'image.format'), true],
    [rule('eq', 'x', 'missing'), false],
    [rule('ne', 'x', 'missing'), true],
  ])('%j -> %s', (filter, expected) => {
    expect(holds(filter, payload)).toBe(expected);
  });

  it('ORs groups and ANDs filters, as util.transform.toSubscriptionFilter builds them', () => {
    const groups = filterGroupsOf(toSubscriptionFilter({ ownerSub: { eq: 'u1' }, or: [{ status: { eq: 'PROCESSED' } }, { size: { gt: 5 } }] }));
    expect(matches(groups, payload)).toBe(true);
    expect(matches(groups, { ...payload, size: 1 })).toBe(false);
    expect(matches(groups, { ...payload, ownerSub: 'u2' })).toBe(false);
    expect(matches([], payload)).toBe(true);
  });
});

describe('subscription registry', () => {
  it('finds matching subscriptions through the index and checks the whole filter', () => {
    const registry = new SubscriptionRegistry<string>();
    const owner = (sub: string, extra: object = {}) => filterGroupsOf(toSubscriptionFilter({ ownerSub: { eq: sub }, ...extra }));
    registry.add('onX', owner('u1'), 'a');
    registry.add('onX', owner('u1', { status: { eq: 'PROCESSED' } }), 'b');
    const c = registry.add('onX', owner('u2'), 'c');
    registry.add('onX', filterGroupsOf(toSubscriptionFilter({ size: { gt: 1 } })), 'unindexed');
    registry.add('onX', filterGroupsOf(toSubscriptionFilter({ ownerSub: { in: ['u1', 'u3'] } })), 'in');
    registry.add('onY', owner('u1'), 'other field');
    expect(registry.match('onX', payload).sort()).toEqual(['a', 'in', 'unindexed']);
    expect(registry.match('onX', { ...payload, ownerSub: 'u2' }).sort()).toEqual(['c', 'unindexed']);
    registry.remove(c);
    expect(registry.match('onX', { ...payload, ownerSub: 'u2' })).toEqual(['unindexed']);
    expect(registry.size).toBe(5);
  });

  it('looks only at subscriptions filed under the payload’s values', () => {
    const registry = new SubscriptionRegistry<number>();
    // Each rule counts how often a match reads its value: a scan would read all 10,000 per lookup.
    let reads = 0;
    const counted = (value: string) => ({
      fieldName: 'ownerSub',
      operator: 'eq',
      get value() {
        reads += 1;
        return value;
      },
    });
    for (let i = 0; i < 10_000; i++) registry.add('onX', [[counted(`u${i % 1000}`)]], i);
    reads = 0;
    for (let i = 0; i < 1000; i++) expect(registry.match('onX', { ownerSub: `u${i}` })).toHaveLength(10);
    // 1,000 lookups, each checking the 10 subscriptions filed under its owner.
    expect(reads).toBe(1000 * 10);
  });
});
