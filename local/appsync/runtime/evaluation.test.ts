import { describe, expect, it } from 'vitest';
import { extensions, runtime, util } from '@aws-appsync/utils';
import { evaluate, type AuthType } from './evaluation.ts';

describe('evaluate', () => {
  it('reports the return value of a handler that runs to the end', () => {
    const evaluation = evaluate(() => ({ id: '1' }));
    expect(evaluation).toEqual({
      result: { id: '1' },
      error: undefined,
      appendedErrors: [],
      earlyReturn: false,
      subscriptionFilter: undefined,
      subscriptionInvalidationFilter: undefined,
      invalidations: [],
      cacheEvictions: [],
    });
  });

  it('collects util.appendError calls in order and keeps the result', () => {
    const evaluation = evaluate(() => {
      util.appendError('first');
      util.appendError('second', 'Partial', { id: 1 }, { hint: 'retry' });
      return 'data';
    });
    expect(evaluation.result).toBe('data');
    expect(evaluation.error).toBeUndefined();
    expect(evaluation.appendedErrors).toEqual([
      { message: 'first' },
      { message: 'second', errorType: 'Partial', data: { id: 1 }, errorInfo: { hint: 'retry' } },
    ]);
  });

  it('stops the handler at util.error and reports the error', () => {
    let after = false;
    const evaluation = evaluate(() => {
      util.appendError('before');
      util.error('Image not found', 'NotFound', { id: 'x' }, { at: 'lookup' });
      after = true;
      return 'unreachable';
    });
    expect(after).toBe(false);
    expect(evaluation.result).toBeUndefined();
    expect(evaluation.earlyReturn).toBe(false);
    expect(evaluation.error).toEqual({
      message: 'Image not found',
      errorType: 'NotFound',
      data: { id: 'x' },
      errorInfo: { at: 'lookup' },
    });
    expect(evaluation.appendedErrors).toEqual([{ message: 'before' }]);
  });

  it('reports util.error with only a message without the optional parts', () => {
    expect(evaluate(() => util.error('boom')).error).toStrictEqual({ message: 'boom' });
  });

  it('stops at util.unauthorized with AppSync message for the field being resolved', () => {
    const field = { parentTypeName: 'Query', fieldName: 'getImage' };
    const evaluation = evaluate(() => util.unauthorized(), { field });
    expect(evaluation.error).toEqual({
      message: 'Not Authorized to access getImage on type Query',
      errorType: 'Unauthorized',
    });
    expect(evaluate(() => util.unauthorized()).error).toEqual({ message: 'Not Authorized', errorType: 'Unauthorized' });
  });

  it('stops at runtime.earlyReturn and reports its data as the result', () => {
    let after = false;
    const evaluation = evaluate(() => {
      runtime.earlyReturn({ hello: 'world' });
      after = true;
      return { hello: 'nobody' };
    });
    expect(after).toBe(false);
    expect(evaluation.earlyReturn).toBe(true);
    expect(evaluation.result).toEqual({ hello: 'world' });
    expect(evaluation.error).toBeUndefined();
  });

  it('accepts earlyReturn without data and with the documented skipTo options', () => {
    expect(evaluate(() => runtime.earlyReturn())).toMatchObject({ earlyReturn: true, result: undefined });
    expect(evaluate(() => runtime.earlyReturn(1, { skipTo: 'NEXT' }))).toMatchObject({ earlyReturn: true, result: 1 });
    expect(evaluate(() => runtime.earlyReturn(2, { skipTo: 'END' }))).toMatchObject({ earlyReturn: true, result: 2 });
  });

  it('rejects an unknown skipTo', () => {
    const badOptions = { skipTo: 'LATER' } as unknown as { skipTo: 'END' };
    expect(() => evaluate(() => runtime.earlyReturn(1, badOptions))).toThrow(/skipTo must be "END" or "NEXT"/);
  });

  it('lets other exceptions propagate unchanged', () => {
    const failure = new Error('util.error');
    failure.name = 'HaltSignal';
    expect(() =>
      evaluate(() => {
        throw failure;
      }),
    ).toThrow(failure);
    // Resolver code may throw anything; a non-Error value must come out as it went in.
    const notAnError: unknown = 'a string';
    const thrown = (() => {
      try {
        evaluate(() => {
          throw notAnError;
        });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(thrown).toBe('a string');
  });

  it('still reports a stop when the handler swallowed the signal', () => {
    const evaluation = evaluate(() => {
      try {
        util.error('denied', 'Forbidden');
      } catch {
        // AppSync has no try/catch; a handler that catches anyway must not undo the stop.
      }
      return 'leaked';
    });
    expect(evaluation.result).toBeUndefined();
    expect(evaluation.error).toEqual({ message: 'denied', errorType: 'Forbidden' });
  });

  it('keeps the first stop when a swallowed signal is followed by another', () => {
    const evaluation = evaluate(() => {
      try {
        runtime.earlyReturn('early');
      } catch {
        // see above
      }
      util.error('later');
    });
    expect(evaluation).toMatchObject({ earlyReturn: true, result: 'early', error: undefined });
  });

  it('rejects a handler that returns a Promise', () => {
    expect(() => evaluate(() => Promise.resolve(1))).toThrow(/synchronous/);
  });

  it('restores the outer evaluation after a nested one', () => {
    let inner: ReturnType<typeof evaluate> | undefined;
    const outer = evaluate(() => {
      util.appendError('outer 1');
      inner = evaluate(() => {
        util.appendError('inner');
        util.error('inner stop');
      });
      util.appendError('outer 2');
      return 'outer result';
    });
    expect(inner?.appendedErrors).toEqual([{ message: 'inner' }]);
    expect(inner?.error).toEqual({ message: 'inner stop' });
    expect(outer.appendedErrors).toEqual([{ message: 'outer 1' }, { message: 'outer 2' }]);
    expect(outer.error).toBeUndefined();
    expect(outer.result).toBe('outer result');
  });

  it('restores the outer evaluation when a nested one throws', () => {
    const outer = evaluate(() => {
      expect(() =>
        evaluate(() => {
          throw new RangeError('inner failure');
        }),
      ).toThrow(RangeError);
      util.appendError('outer still recording');
    });
    expect(outer.appendedErrors).toEqual([{ message: 'outer still recording' }]);
  });

  it('does not let an inner stop signal stop the outer evaluation', () => {
    // The inner signal escapes only if something rethrows it past the inner evaluate.
    const outer = () =>
      evaluate(() => {
        let signal: unknown;
        evaluate(() => {
          try {
            util.error('inner');
          } catch (caught) {
            signal = caught;
          }
        });
        throw signal;
      });
    expect(outer).toThrow(/the resolver evaluation was stopped/);
  });

  it('refuses the stateful utilities outside an evaluation', () => {
    const outside: [string, () => unknown][] = [
      ['util.error', () => util.error('x')],
      ['util.appendError', () => util.appendError('x')],
      ['util.unauthorized', () => util.unauthorized()],
      ['util.authType', () => util.authType()],
      ['runtime.earlyReturn', () => runtime.earlyReturn()],
      ['extensions.setSubscriptionFilter', () => extensions.setSubscriptionFilter({ filterGroup: [] })],
      [
        'extensions.setSubscriptionInvalidationFilter',
        () => extensions.setSubscriptionInvalidationFilter({ filterGroup: [] }),
      ],
      [
        'extensions.invalidateSubscriptions',
        () => extensions.invalidateSubscriptions({ subscriptionField: 'on', payload: {} }),
      ],
      ['extensions.evictFromApiCache', () => extensions.evictFromApiCache('Query', 'getImage', { id: 1 })],
    ];
    for (const [name, call] of outside) {
      expect(call, name).toThrow(`${name}() needs a resolver evaluation to act on`);
    }
  });

  it('leaves the stateless utilities usable outside an evaluation', () => {
    expect(util.base64Encode('a')).toBe('YQ==');
    expect(util.math.maxVal(1, 2)).toBe(2);
  });
});

describe('util.authType', () => {
  const documented: [AuthType, string][] = [
    ['AWS_IAM', 'IAM Authorization'],
    ['AMAZON_COGNITO_USER_POOLS', 'User Pool Authorization'],
    ['OPENID_CONNECT', 'Open ID Connect Authorization'],
    ['API_KEY', 'API Key Authorization'],
    ['AWS_LAMBDA', 'Lambda Authorization'],
  ];

  it.each(documented)('reports %s as "%s"', (authType, name) => {
    expect(evaluate(() => util.authType(), { authType }).result).toBe(name);
  });

  it('fails when the evaluation was given no authorization mode', () => {
    expect(() => evaluate(() => util.authType())).toThrow(/pass options.authType/);
  });
});
