import type { ResponsePath } from 'graphql';
import { describe, expect, it } from 'vitest';
import { FieldError } from './field-error.ts';
import { HANDLER_RUNS_PER_TURN, MAX_CONCURRENT_DATA_SOURCE_CALLS, MAX_DOCUMENT_NESTING, RequestBudget, fieldDepth, nestsTooDeeply } from './request-budget.ts';

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
    await expect(turns.at(-1)).rejects.toThrow('The request was answered before this resolver ran');
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

describe('nestsTooDeeply', () => {
  it('reads the nesting of braces, brackets and parentheses without parsing', () => {
    expect(nestsTooDeeply(`{${' a {'.repeat(MAX_DOCUMENT_NESTING - 1)} b${' }'.repeat(MAX_DOCUMENT_NESTING)}`)).toBe(false);
    expect(nestsTooDeeply(`{${' a {'.repeat(MAX_DOCUMENT_NESTING)} b${' }'.repeat(MAX_DOCUMENT_NESTING + 1)}`)).toBe(true);
    expect(nestsTooDeeply(`{ f(a: ${'['.repeat(MAX_DOCUMENT_NESTING + 1)}`)).toBe(true);
    expect(() => nestsTooDeeply('{ ~ }')).toThrow('Syntax Error');
  });
});
