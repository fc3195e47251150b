import { describe, expect, it } from 'vitest';
import { extensions, util, type SubscriptionFilter } from '@aws-appsync/utils';
import { evaluate } from './evaluation.ts';

// The filterJsonObject example of the docs' "Extensions" page.
const documentedFilter = {
  filterGroup: [
    { filters: [{ fieldName: 'userId', operator: 'eq', value: 1 }] },
    { filters: [{ fieldName: 'group', operator: 'in', value: ['Admin', 'Developer'] }] },
  ],
} as SubscriptionFilter;

const group = (...filters: { fieldName: string; operator: string; value: unknown }[]) => ({ filters });
const setFilter = (filter: unknown) => () =>
  evaluate(() => extensions.setSubscriptionFilter(filter as SubscriptionFilter));

describe('extensions.setSubscriptionFilter', () => {
  it('records the documented filter JSON', () => {
    expect(evaluate(() => extensions.setSubscriptionFilter(documentedFilter)).subscriptionFilter).toEqual(
      documentedFilter,
    );
  });

  it('records what the documented ticket resolver builds with toSubscriptionFilter', () => {
    const evaluation = evaluate(() => {
      const filter = {
        or: [
          { severity: { ge: 7 }, priority: { in: ['high', 'medium'] } },
          { category: { eq: 'security' }, group: { in: ['admin', 'operators'] } },
        ],
      };
      extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(filter));
      return null;
    });
    expect(evaluation.result).toBeNull();
    expect(evaluation.subscriptionFilter).toEqual({
      filterGroup: [
        group(
          { fieldName: 'severity', operator: 'ge', value: 7 },
          { fieldName: 'priority', operator: 'in', value: ['high', 'medium'] },
        ),
        group(
          { fieldName: 'category', operator: 'eq', value: 'security' },
          { fieldName: 'group', operator: 'in', value: ['admin', 'operators'] },
        ),
      ],
    });
  });

  it('keeps the last filter set, as it was when set', () => {
    const second = { filterGroup: [group({ fieldName: 'b', operator: 'eq', value: 2 })] };
    const evaluation = evaluate(() => {
      extensions.setSubscriptionFilter({
        filterGroup: [group({ fieldName: 'a', operator: 'eq', value: 1 })],
      } as SubscriptionFilter);
      extensions.setSubscriptionFilter(second as SubscriptionFilter);
      second.filterGroup.push(group({ fieldName: 'c', operator: 'eq', value: 3 }));
    });
    expect(evaluation.subscriptionFilter).toEqual({
      filterGroup: [group({ fieldName: 'b', operator: 'eq', value: 2 })],
    });
  });

  it('accepts the documented limits exactly', () => {
    const fiveFields = group(
      ...['a', 'b', 'c', 'd', 'e'].map((fieldName) => ({ fieldName, operator: 'eq', value: 1 })),
    );
    const tenGroups = Array.from({ length: 10 }, (_, i) => group({ fieldName: 'n', operator: 'eq', value: i }));
    expect(setFilter({ filterGroup: [fiveFields] })).not.toThrow();
    expect(setFilter({ filterGroup: tenGroups })).not.toThrow();
    expect(
      setFilter({ filterGroup: [group({ fieldName: 'g', operator: 'in', value: [1, 2, 3, 4, 5] })] }),
    ).not.toThrow();
    expect(
      setFilter({
        filterGroup: [
          group({ fieldName: 'g', operator: 'containsAny', value: Array.from({ length: 20 }, (_, i) => i) }),
        ],
      }),
    ).not.toThrow();
    expect(
      setFilter({ filterGroup: [group({ fieldName: 'g', operator: 'eq', value: 'x'.repeat(256) })] }),
    ).not.toThrow();
    expect(setFilter({ filterGroup: [] })).not.toThrow();
  });

  it('rejects more than five fields in one filterGroup entry', () => {
    const sixFields = group(
      ...['a', 'b', 'c', 'd', 'e', 'f'].map((fieldName) => ({ fieldName, operator: 'eq', value: 1 })),
    );
    expect(setFilter({ filterGroup: [sixFields] })).toThrow(/combines 6 fields, more than the maximum 5/);
    // The limit is on distinct field names.
    const sameField = group(...Array.from({ length: 6 }, (_, i) => ({ fieldName: 'a', operator: 'ne', value: i })));
    expect(setFilter({ filterGroup: [sameField] })).not.toThrow();
  });

  it('rejects more than ten filterGroup entries', () => {
    const elevenGroups = Array.from({ length: 11 }, (_, i) => group({ fieldName: 'n', operator: 'eq', value: i }));
    expect(setFilter({ filterGroup: elevenGroups })).toThrow(/11 filterGroup entries .* more than the maximum 10/);
  });

  it('counts each combination of "in" values as an entry, as the docs explain', () => {
    const expands = (values: number[]) =>
      group({ fieldName: 'u', operator: 'eq', value: 1 }, { fieldName: 'g', operator: 'in', value: values });
    // 2 x 5 = 10 entries: at the limit.
    expect(setFilter({ filterGroup: [expands([1, 2, 3, 4, 5]), expands([6, 7, 8, 9, 10])] })).not.toThrow();
    // 5 + 5 + 1 = 11 entries.
    const over = [
      expands([1, 2, 3, 4, 5]),
      expands([6, 7, 8, 9, 10]),
      group({ fieldName: 'x', operator: 'eq', value: 1 }),
    ];
    expect(setFilter({ filterGroup: over })).toThrow(/11 filterGroup entries/);
    // notIn is an AND, so it does not expand.
    const notIns = Array.from({ length: 10 }, () =>
      group({ fieldName: 'g', operator: 'notIn', value: [1, 2, 3, 4, 5] }),
    );
    expect(setFilter({ filterGroup: notIns })).not.toThrow();
  });

  it.each([
    ['in', 6],
    ['notIn', 6],
    ['containsAny', 21],
  ])('rejects "%s" with %d values', (operator, count) => {
    const values = Array.from({ length: count }, (_, i) => i);
    expect(setFilter({ filterGroup: [group({ fieldName: 'g', operator, value: values })] })).toThrow(
      new RegExp(`more than the maximum ${count - 1} values for "${operator}"`),
    );
  });

  it('rejects strings longer than 256 characters', () => {
    expect(setFilter({ filterGroup: [group({ fieldName: 'g', operator: 'eq', value: 'x'.repeat(257) })] })).toThrow(
      /longer than the maximum 256/,
    );
    expect(
      setFilter({ filterGroup: [group({ fieldName: 'g', operator: 'in', value: ['ok', 'x'.repeat(257)] })] }),
    ).toThrow(/longer than/);
    expect(setFilter({ filterGroup: [group({ fieldName: 'f'.repeat(257), operator: 'eq', value: 1 })] })).toThrow(
      /1 to 256 characters/,
    );
  });

  it('rejects operators outside the documented, case-sensitive list', () => {
    expect(setFilter({ filterGroup: [group({ fieldName: 'g', operator: 'EQ', value: 1 })] })).toThrow(
      /unknown operator/,
    );
    // toSubscriptionFilter passes the docs' "lte"/"gte" through; the filter extension refuses them.
    const documented = util.transform.toSubscriptionFilter({ percentageUp: { lte: 50 } });
    expect(setFilter(documented)).toThrow(/unknown operator/);
  });

  it.each([
    ['eq', { a: 1 }],
    ['le', true],
    ['contains', null],
    ['beginsWith', 7],
    ['in', 'admin'],
    ['between', [1]],
    ['between', [1, 2, 3]],
    ['containsAny', [true]],
    ['gt', Number.POSITIVE_INFINITY],
  ])('rejects %s with the value %j', (operator, value) => {
    expect(setFilter({ filterGroup: [group({ fieldName: 'g', operator, value })] })).toThrow(
      /extensions\.setSubscriptionFilter: the filter/,
    );
  });

  it('rejects JSON that is not a filterGroup list', () => {
    expect(setFilter({ a: { eq: 1 } })).toThrow(/expects \{ filterGroup/);
    expect(setFilter({ filterGroup: [{ fieldName: 'a', operator: 'eq', value: 1 }] })).toThrow(
      /each filterGroup entry is \{ filters/,
    );
    expect(setFilter({ filterGroup: [{ filters: [{ field: 'a', operator: 'eq', value: 1 }] }] })).toThrow(
      /each filter is \{ fieldName/,
    );
  });
});

describe('extensions.setSubscriptionInvalidationFilter', () => {
  it('records the filter separately from the subscription filter', () => {
    const evaluation = evaluate(() => extensions.setSubscriptionInvalidationFilter(documentedFilter));
    expect(evaluation.subscriptionInvalidationFilter).toEqual(documentedFilter);
    expect(evaluation.subscriptionFilter).toBeUndefined();
  });

  it('applies the same limits', () => {
    expect(() =>
      evaluate(() =>
        extensions.setSubscriptionInvalidationFilter({
          filterGroup: [group({ fieldName: 'g', operator: 'in', value: [1, 2, 3, 4, 5, 6] })],
        } as SubscriptionFilter),
      ),
    ).toThrow(/extensions\.setSubscriptionInvalidationFilter: .*maximum 5 values/);
  });
});

describe('extensions.invalidateSubscriptions', () => {
  it('records the documented invalidation', () => {
    const evaluation = evaluate(() => {
      extensions.invalidateSubscriptions({
        subscriptionField: 'onUserDelete',
        payload: { group: 'Developer', type: 'Full-Time' },
      });
      return { id: 'u1' };
    });
    expect(evaluation.result).toEqual({ id: 'u1' });
    expect(evaluation.invalidations).toEqual([
      { subscriptionField: 'onUserDelete', payload: { group: 'Developer', type: 'Full-Time' } },
    ]);
  });

  it('allows five unique calls in any number of repeats, but not a sixth', () => {
    const invalidate = (n: number) =>
      extensions.invalidateSubscriptions({ subscriptionField: 'onChange', payload: { n } });
    const evaluation = evaluate(() => {
      for (const n of [1, 2, 3, 4, 5, 1, 2]) invalidate(n);
    });
    expect(evaluation.invalidations).toHaveLength(7);
    expect(() =>
      evaluate(() => {
        for (const n of [1, 2, 3, 4, 5, 6]) invalidate(n);
      }),
    ).toThrow(/at most 5 unique calls/);
  });

  it('rejects an argument without subscriptionField and payload', () => {
    expect(() => evaluate(() => extensions.invalidateSubscriptions({ payload: {} } as never))).toThrow(
      /expects \{ subscriptionField/,
    );
    expect(() =>
      evaluate(() => extensions.invalidateSubscriptions({ subscriptionField: 'on', payload: 'x' } as never)),
    ).toThrow(/expects \{ subscriptionField/);
  });
});

describe('extensions.evictFromApiCache', () => {
  it('records the documented eviction', () => {
    const evaluation = evaluate(() => {
      extensions.evictFromApiCache('Query', 'allClasses', { 'context.arguments.semester': 'fall' });
      return null;
    });
    expect(evaluation.cacheEvictions).toEqual([
      { typeName: 'Query', fieldName: 'allClasses', keyValuePair: { 'context.arguments.semester': 'fall' } },
    ]);
  });

  it('rejects malformed arguments', () => {
    expect(() => evaluate(() => extensions.evictFromApiCache('Query', 'allClasses', 'fall' as never))).toThrow(
      /expects \(typeName/,
    );
  });
});
