import { Kind, getIntrospectionQuery, parse, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type ResponsePath } from 'graphql';
import { describe, expect, it } from 'vitest';
import { FieldError } from './field-error.ts';
import {
  FIELDS_PER_TURN,
  HANDLER_RUNS_PER_TURN,
  MAX_CONCURRENT_DATA_SOURCE_CALLS,
  MAX_DOCUMENT_NESTING,
  REQUEST_TIME_LIMIT_MS,
  RequestBudget,
  fieldCount,
  fieldDepth,
  nestsTooDeeply,
} from './request-budget.ts';

const LIMITS = { apiQueryDepthLimit: 3, apiResolverCountLimit: 2 };

describe('RequestBudget', () => {
  it('lets a request run HANDLER_RUNS_PER_TURN handlers in a row, then waits for the next turn of the event loop', async () => {
    const budget = new RequestBudget(LIMITS);
    const order: string[] = [];
    setImmediate(() => order.push('another request'));
    await Promise.all(Array.from({ length: HANDLER_RUNS_PER_TURN + 4 }, (_, i) => budget.handlerTurn().then(() => order.push(`run ${i}`))));
    expect(order.indexOf('another request')).toBe(HANDLER_RUNS_PER_TURN);
    expect(order).toHaveLength(HANDLER_RUNS_PER_TURN + 5);
  });

  it('runs no more handlers once cancelled: those waiting for a turn throw', async () => {
    const budget = new RequestBudget(LIMITS);
    const turns = Array.from({ length: HANDLER_RUNS_PER_TURN + 1 }, () => budget.handlerTurn());
    budget.cancel();
    await Promise.all(turns.slice(0, HANDLER_RUNS_PER_TURN));
    await expect(turns.at(-1)).rejects.toThrow('The request was answered before this field was resolved');
  });

  it('has at most MAX_CONCURRENT_DATA_SOURCE_CALLS calls in flight, and starts no waiting call once cancelled', async () => {
    const budget = new RequestBudget(LIMITS);
    let release!: () => void;
    const inFlight = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    const calls = Array.from({ length: MAX_CONCURRENT_DATA_SOURCE_CALLS + 2 }, (_, i) =>
      budget.dataSourceCall(() => {
        started.push(i);
        return inFlight;
      }),
    );
    while (started.length < MAX_CONCURRENT_DATA_SOURCE_CALLS) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(started).toHaveLength(MAX_CONCURRENT_DATA_SOURCE_CALLS);
    budget.cancel();
    release();
    await Promise.all(calls.slice(0, MAX_CONCURRENT_DATA_SOURCE_CALLS));
    await new Promise((r) => setImmediate(r));
    expect(started).toHaveLength(MAX_CONCURRENT_DATA_SOURCE_CALLS);
  });

  it('returns a list that fits in this turn as it is, and otherwise releases its items a turn’s work at a time, in order', async () => {
    const budget = new RequestBudget(LIMITS);
    const small = Array.from({ length: 100 }, (_, i) => i);
    expect(budget.paceList(small, () => 10)).toBe(small);
    // One tick per turn of the event loop.
    let turn = 0;
    const tick = () => {
      turn += 1;
      if (turn < 10) setImmediate(tick);
    };
    setImmediate(tick);
    const whenReleased = (items: (string | Promise<string>)[]) => items.map(async (item) => `${await item}@${turn}`);
    const big = whenReleased(budget.paceList(['big 1', 'big 2', 'big 3'], () => FIELDS_PER_TURN));
    const after = whenReleased(budget.paceList(['small 1', 'small 2'], () => 10));
    const released = await Promise.all([...big, ...after]);
    const turns = released.map((entry) => Number(entry.split('@')[1]));
    expect(turns[0]).toBeGreaterThanOrEqual(1);
    expect(turns[1]).toBeGreaterThan(turns[0]!);
    expect(turns[2]).toBeGreaterThan(turns[1]!);
    expect(turns[3]).toBeGreaterThan(turns[2]!);
    expect(turns[4]).toBe(turns[3]);
  });

  it('stops a request past AppSync’s 30 s execution time with ExecutionTimeout', async () => {
    let clock = 0;
    const budget = new RequestBudget(LIMITS, () => clock);
    await budget.handlerTurn();
    clock = REQUEST_TIME_LIMIT_MS + 1;
    await expect(budget.handlerTurn()).rejects.toMatchObject({ detail: { errorType: 'ExecutionTimeout', message: 'Execution timed out.' } });
  });

  it('counts resolver runs: the run past the limit throws ResolverExecutionLimitReached', () => {
    const budget = new RequestBudget(LIMITS);
    budget.countResolver();
    budget.countResolver();
    expect(() => budget.countResolver()).toThrow(FieldError);
    try {
      budget.countResolver();
    } catch (error) {
      expect((error as FieldError).detail).toEqual({ errorType: 'ResolverExecutionLimitReached', message: 'Resolver count limit of 2 reached' });
    }
  });

  it('measures depth by fields, not list indices, and refuses fields past the limit with QueryDepthLimitReached', () => {
    const path = (...keys: (string | number)[]) => keys.reduce<ResponsePath | undefined>((prev, key) => ({ prev, key, typename: undefined }), undefined)!;
    expect(fieldDepth(path('image', 'labels', 0, 'name'))).toBe(3);
    const budget = new RequestBudget(LIMITS);
    expect(() => budget.checkDepth(path('searchImages', 'items', 99, 'labels'))).not.toThrow();
    expect(() => budget.checkDepth(path('searchImages', 'items', 99, 'labels', 0, 'name'))).toThrow('Query depth limit of 3 reached');
  });
});

describe('fieldCount', () => {
  const fragmentsOf = (document: DocumentNode) =>
    Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const operationOf = (document: DocumentNode) => document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;

  it('counts the standard introspection query well within graphql-java’s good-faith limit', () => {
    const document = parse(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true }));
    expect(fieldCount([operationOf(document).selectionSet], fragmentsOf(document), 500)).toBe(229);
  });

  it('expands a fragment wherever it is spread, and stops counting past the cap', () => {
    const document = parse('{ __schema { ...T ...T ... on __Schema { ...T } } } fragment T on __Schema { types { name kind } }');
    expect(fieldCount([operationOf(document).selectionSet], fragmentsOf(document), 100)).toBe(10);
    expect(fieldCount([operationOf(document).selectionSet], fragmentsOf(document), 5)).toBe(6);
  });
});

describe('nestsTooDeeply', () => {
  it('reads the nesting of braces, brackets and parentheses without parsing', () => {
    expect(nestsTooDeeply(`{${' a {'.repeat(MAX_DOCUMENT_NESTING - 1)} b${' }'.repeat(MAX_DOCUMENT_NESTING)}`)).toBe(false);
    expect(nestsTooDeeply(`{${' a {'.repeat(MAX_DOCUMENT_NESTING)} b${' }'.repeat(MAX_DOCUMENT_NESTING + 1)}`)).toBe(true);
    expect(nestsTooDeeply(`{ f(a: ${'['.repeat(MAX_DOCUMENT_NESTING + 1)}`)).toBe(true);
    expect(() => nestsTooDeeply('{ ~ }')).toThrow('Syntax Error');
  });
});
