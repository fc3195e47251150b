import { describe, expect, it } from 'vitest';
import { ResolverSandbox } from './resolver-sandbox.ts';

const load = (code: string, budgetMs = 200) => ResolverSandbox.create('Test.field', code, budgetMs);

describe('resolver sandbox', () => {
  it('has none of Node’s globals and no string code generation', async () => {
    const sandbox = await load(`export function request() {
      let generated;
      try { generated = (function () {}).constructor('return 1')(); } catch (e) { generated = e.message; }
      let required;
      try { required = require('fs'); } catch (e) { required = 'refused'; }
      return { process: typeof process, global: typeof global, fetch: typeof fetch, setTimeout: typeof setTimeout, generated, required };
    }
    export function response() { return null; }`);
    const outcome = sandbox.run('request', { arguments: {} }, {});
    expect(outcome).toMatchObject({
      kind: 'evaluated',
      evaluation: { result: { process: 'undefined', global: 'undefined', fetch: 'undefined', setTimeout: 'undefined', generated: expect.stringContaining('disallowed'), required: 'refused' } },
    });
  });

  it('stops a handler over its time budget, and keeps working after it', async () => {
    const sandbox = await load(`export function request(ctx) { if (ctx.arguments.spin) { for (;;) {} } return 'ok'; } export function response() { return null; }`, 100);
    expect(sandbox.run('request', { arguments: { spin: true } }, {})).toEqual({ kind: 'timedOut', budgetMs: 100 });
    expect(sandbox.run('request', { arguments: {} }, {})).toMatchObject({ kind: 'evaluated', evaluation: { result: 'ok' } });
  });

  it('runs the APPSYNC_JS runtime: util.error, appendError, autoId, setSubscriptionFilter, stash', async () => {
    const sandbox = await load(`import { util, extensions } from '@aws-appsync/utils';
      export function request(ctx) {
        ctx.stash.id = util.autoId();
        util.appendError('soft', 'Warning');
        extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ ownerSub: { eq: ctx.identity.sub } }));
        return { payload: null };
      }
      export function response(ctx) { util.error('hard', 'BadRequest', null, { why: ctx.stash.id.length }); }`);
    const request = sandbox.run('request', { arguments: {}, identity: { sub: 'u1' }, stash: {} }, {});
    expect(request).toMatchObject({
      kind: 'evaluated',
      evaluation: { appendedErrors: [{ message: 'soft', errorType: 'Warning' }], subscriptionFilter: { filterGroup: [{ filters: [{ fieldName: 'ownerSub', operator: 'eq', value: 'u1' }] }] } },
      stash: { id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    const response = sandbox.run('response', { arguments: {}, stash: (request as { stash: object }).stash }, {});
    expect(response).toMatchObject({ kind: 'evaluated', evaluation: { error: { message: 'hard', errorType: 'BadRequest', errorInfo: { why: 36 } } } });
  });

  it('cannot change the runtime for later evaluations', async () => {
    const sandbox = await load(`import { util } from '@aws-appsync/utils';
      const patched = () => 'patched';
      export function request() { try { util.error = patched; } catch (e) { /* strict mode throws, sloppy mode ignores */ } return util.error === patched ? 'patched' : 'intact'; }
      export function response() { return null; }`);
    expect(sandbox.run('request', { arguments: {} }, {})).toMatchObject({ evaluation: { result: 'intact' } });
  });
});
