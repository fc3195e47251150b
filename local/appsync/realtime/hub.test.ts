import { describe, expect, it } from 'vitest';
import type { Caller } from '../auth/identity.ts';
import type { Executor, PreparedOperation } from '../execution.ts';
import { loadProjectSchema } from '../schema.ts';
import { RealtimeHub } from './hub.ts';

/** The hub asks the executor only whether a field has a resolver. */
const executorWith = (resolvers: string[]) => ({ hasResolver: (coordinate: string) => resolvers.includes(coordinate) }) as unknown as Executor;
const subscriber = { id: 's', caller: {} as Caller, prepared: {} as PreparedOperation, deliver: () => undefined };
const ownerFilter = { filterGroup: [{ filters: [{ fieldName: 'ownerSub', operator: 'eq', value: 'u1' }] }] };

describe('RealtimeHub.subscribe', () => {
  it('refuses a subscription whose field has a resolver that did not run (it would have no filter and match every event)', () => {
    const hub = new RealtimeHub(loadProjectSchema(), executorWith(['Subscription.onImageProcessed']));
    expect(() => hub.subscribe({ field: 'onImageProcessed', args: {}, filter: undefined, resolverRan: false }, subscriber)).toThrow(
      'Subscription.onImageProcessed has a resolver that did not run: not registered',
    );
    expect(hub.registry.size).toBe(0);
    hub.subscribe({ field: 'onImageProcessed', args: {}, filter: ownerFilter, resolverRan: true }, subscriber);
    expect(hub.registry.size).toBe(1);
    expect(hub.registry.match('onImageProcessed', { ownerSub: 'u2' })).toEqual([]);
  });

  it('registers a field without a resolver on its arguments alone, as AppSync does', () => {
    const hub = new RealtimeHub(loadProjectSchema(), executorWith([]));
    hub.subscribe({ field: 'onImageProcessed', args: { imageId: 'i1' }, filter: undefined, resolverRan: false }, subscriber);
    expect(hub.registry.match('onImageProcessed', { imageId: 'i1' })).toHaveLength(1);
    expect(hub.registry.match('onImageProcessed', { imageId: 'i2' })).toEqual([]);
  });
});
