import { describe, expect, it } from 'vitest';
import { util } from '@aws-appsync/utils';

// The argument 1 of the docs' toSubscriptionFilter examples ("Subscription filter arguments").
const bookFilter = (downvotes: Record<string, number>) => ({
  percentageUp: { lte: 50, gte: 20 },
  and: [{ title: { ne: 'Book1' } }, { downvotes }],
  or: [{ author: { eq: 'Admin' } }, { isPublished: { eq: false } }],
});

const f = (fieldName: string, operator: string, value: unknown) => ({ fieldName, operator, value });

describe('util.transform.toSubscriptionFilter', () => {
  it('gives the documented output for argument 1 alone', () => {
    expect(util.transform.toSubscriptionFilter(bookFilter({ gt: 2000 }))).toStrictEqual({
      filterGroup: [
        {
          filters: [
            f('percentageUp', 'lte', 50),
            f('title', 'ne', 'Book1'),
            f('downvotes', 'gt', 2000),
            f('author', 'eq', 'Admin'),
          ],
        },
        {
          filters: [
            f('percentageUp', 'lte', 50),
            f('title', 'ne', 'Book1'),
            f('downvotes', 'gt', 2000),
            f('isPublished', 'eq', false),
          ],
        },
        {
          filters: [
            f('percentageUp', 'gte', 20),
            f('title', 'ne', 'Book1'),
            f('downvotes', 'gt', 2000),
            f('author', 'eq', 'Admin'),
          ],
        },
        {
          filters: [
            f('percentageUp', 'gte', 20),
            f('title', 'ne', 'Book1'),
            f('downvotes', 'gt', 2000),
            f('isPublished', 'eq', false),
          ],
        },
      ],
    });
  });

  it('gives the documented output for arguments 1 and 2 (ignored fields)', () => {
    expect(util.transform.toSubscriptionFilter(bookFilter({ gt: 20 }), ['percentageUp', 'author'])).toStrictEqual({
      filterGroup: [{ filters: [f('title', 'ne', 'Book1'), f('downvotes', 'gt', 20), f('isPublished', 'eq', false)] }],
    });
  });

  it('gives the documented output for arguments 1, 2 and 3 (strict rules)', () => {
    // The docs' input for this example says `"downvotes": { "lt": 20 }` but its output shows
    // `"gt"`; with the input matching the output the result is exactly the documented one.
    const rules = { upvotes: { gte: 250 }, author: { eq: 'Person1' } };
    expect(
      util.transform.toSubscriptionFilter(bookFilter({ gt: 20 }), ['percentageUp', 'author'], rules),
    ).toStrictEqual({
      filterGroup: [
        {
          filters: [
            f('title', 'ne', 'Book1'),
            f('downvotes', 'gt', 20),
            f('isPublished', 'eq', false),
            f('upvotes', 'gte', 250),
          ],
        },
        {
          filters: [
            f('title', 'ne', 'Book1'),
            f('downvotes', 'gt', 20),
            f('isPublished', 'eq', false),
            f('author', 'eq', 'Person1'),
          ],
        },
      ],
    });
    const asDocumented = util.transform.toSubscriptionFilter(bookFilter({ lt: 20 }), ['percentageUp', 'author'], rules);
    expect(asDocumented.filterGroup[0]?.filters[1]).toEqual(f('downvotes', 'lt', 20));
  });

  it('turns the enhanced-filtering ticket example into one group per alternative', () => {
    const filter = {
      or: [
        { severity: { ge: 7 }, priority: { in: ['high', 'medium'] } },
        { category: { eq: 'security' }, group: { in: ['admin', 'operators'] } },
        { 'location.address.country': { eq: 'USA' } },
      ],
    };
    expect(util.transform.toSubscriptionFilter(filter)).toStrictEqual({
      filterGroup: [
        { filters: [f('severity', 'ge', 7), f('priority', 'in', ['high', 'medium'])] },
        { filters: [f('category', 'eq', 'security'), f('group', 'in', ['admin', 'operators'])] },
        { filters: [f('location.address.country', 'eq', 'USA')] },
      ],
    });
  });

  it('ANDs plain fields into one group', () => {
    expect(util.transform.toSubscriptionFilter({ group: { eq: 'aws' }, status: { eq: 'pending' } })).toStrictEqual({
      filterGroup: [{ filters: [f('group', 'eq', 'aws'), f('status', 'eq', 'pending')] }],
    });
  });

  it('multiplies nested and/or out', () => {
    const filter = {
      and: [{ a: { eq: 1 } }, { or: [{ b: { eq: 2 } }, { and: [{ c: { eq: 3 } }, { d: { eq: 4 } }] }] }],
    };
    expect(util.transform.toSubscriptionFilter(filter)).toStrictEqual({
      filterGroup: [
        { filters: [f('a', 'eq', 1), f('b', 'eq', 2)] },
        { filters: [f('a', 'eq', 1), f('c', 'eq', 3), f('d', 'eq', 4)] },
      ],
    });
  });

  it('ignores fields inside and/or too', () => {
    expect(util.transform.toSubscriptionFilter({ a: { eq: 1 }, and: [{ b: { eq: 2 } }] }, ['b'])).toStrictEqual({
      filterGroup: [{ filters: [f('a', 'eq', 1)] }],
    });
  });

  it('gives no groups for an empty filter, and the rules alone when there are rules', () => {
    expect(util.transform.toSubscriptionFilter({})).toStrictEqual({ filterGroup: [] });
    expect(util.transform.toSubscriptionFilter({}, [], { r: { eq: 1 }, s: { ne: 2 } })).toStrictEqual({
      filterGroup: [{ filters: [f('r', 'eq', 1)] }, { filters: [f('s', 'ne', 2)] }],
    });
  });

  it('rejects input that is not a filter map', () => {
    expect(() => util.transform.toSubscriptionFilter('{"a":{"eq":1}}' as never)).toThrow(
      /the filter must be an object/,
    );
    expect(() => util.transform.toSubscriptionFilter(null as never)).toThrow(/the filter must be an object/);
    expect(() => util.transform.toSubscriptionFilter({ a: 1 })).toThrow(/the conditions of "a" must be an object/);
    expect(() => util.transform.toSubscriptionFilter({ or: { a: { eq: 1 } } } as never)).toThrow(
      /"or" must be an array/,
    );
    expect(() => util.transform.toSubscriptionFilter({}, 'a' as never)).toThrow(/ignoredFields must be an array/);
  });

  it('rejects a rule with more than one condition, as the docs forbid', () => {
    expect(() => util.transform.toSubscriptionFilter({}, [], { a: { gt: 1, lt: 5 } })).toThrow(
      /a rule is one field with one condition/,
    );
    expect(() => util.transform.toSubscriptionFilter({}, [], { or: [] })).toThrow(
      /a rule is one field with one condition/,
    );
  });
});

describe('util.transform.toElasticsearchQueryDSL', () => {
  it('gives the documented output', () => {
    const dsl = util.transform.toElasticsearchQueryDSL({
      upvotes: { ne: 15, range: [10, 20] },
      title: { eq: 'hihihi', wildcard: 'h*i' },
    });
    expect(JSON.parse(dsl)).toStrictEqual({
      bool: {
        must: [
          {
            bool: {
              must: [{ bool: { must_not: { term: { upvotes: 15 } } } }, { range: { upvotes: { gte: 10, lte: 20 } } }],
            },
          },
          { bool: { must: [{ term: { title: 'hihihi' } }, { wildcard: { title: 'h*i' } }] } },
        ],
      },
    });
  });

  it('leaves a single clause on its own', () => {
    expect(util.transform.toElasticsearchQueryDSL({ title: { eq: 'x' } })).toBe('{"term":{"title":"x"}}');
  });

  it('maps every operator to its OpenSearch query', () => {
    const clauses = (operators: Record<string, unknown>) =>
      (JSON.parse(util.transform.toElasticsearchQueryDSL({ f: operators })) as { bool: { must: unknown[] } }).bool.must;
    expect(
      clauses({
        gt: 1,
        gte: 2,
        lt: 3,
        lte: 4,
        match: 'm',
        matchPhrase: 'mp',
        matchPhrasePrefix: 'mpp',
        multiMatch: 'mm',
        regexp: 'r.*',
      }),
    ).toStrictEqual([
      { range: { f: { gt: 1 } } },
      { range: { f: { gte: 2 } } },
      { range: { f: { lt: 3 } } },
      { range: { f: { lte: 4 } } },
      { match: { f: 'm' } },
      { match_phrase: { f: 'mp' } },
      { match_phrase_prefix: { f: 'mpp' } },
      { multi_match: { f: 'mm' } },
      { regexp: { f: 'r.*' } },
    ]);
    expect(clauses({ exists: true, eq: 1 })[0]).toStrictEqual({ exists: { field: 'f' } });
    expect(clauses({ exists: false, eq: 1 })[0]).toStrictEqual({ bool: { must_not: { exists: { field: 'f' } } } });
  });

  it('combines and, or and not', () => {
    const dsl = util.transform.toElasticsearchQueryDSL({
      or: [{ a: { eq: 1 } }, { b: { eq: 2 } }],
      and: [{ c: { eq: 3 } }],
      not: { d: { eq: 4 } },
    });
    expect(JSON.parse(dsl)).toStrictEqual({
      bool: {
        must: [
          { bool: { should: [{ term: { a: 1 } }, { term: { b: 2 } }], minimum_should_match: 1 } },
          { bool: { must: [{ term: { c: 3 } }] } },
          { bool: { must_not: { term: { d: 4 } } } },
        ],
      },
    });
  });

  it('rejects unknown operators and malformed operands', () => {
    expect(() => util.transform.toElasticsearchQueryDSL({ f: { like: 'x' } })).toThrow(
      /unknown operator "like" on "f"/,
    );
    expect(() => util.transform.toElasticsearchQueryDSL({ f: { range: [1] } })).toThrow(
      /"range" on "f" needs \[from, to\]/,
    );
    expect(() => util.transform.toElasticsearchQueryDSL({ f: { exists: 'yes' } })).toThrow(
      /"exists" on "f" needs true or false/,
    );
    expect(() => util.transform.toElasticsearchQueryDSL({ or: { a: { eq: 1 } } } as never)).toThrow(
      /"or" needs an array/,
    );
  });
});
