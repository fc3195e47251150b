/**
 * The real-time side of the API: sessions (one per WebSocket) start and stop subscriptions here, and
 * mutations publish here. A publication reaches the subscriptions on every field whose
 * @aws_subscribe lists the mutation and whose filter matches; each gets its own selection of the
 * mutation's selected result, authorized for its own caller.
 */
import { Kind, type GraphQLSchema } from 'graphql';
import type { Caller } from '../auth/identity.ts';
import type { Executor, PreparedOperation, Publication, StartedSubscription } from '../execution.ts';
import { filterGroupsOf, type FilterGroups, type FilterRule } from './filter.ts';
import { SubscriptionRegistry, type Registration } from './registry.ts';

export interface Subscriber {
  id: string;
  caller: Caller;
  prepared: PreparedOperation;
  deliver: (payload: unknown) => void;
}

export class RealtimeHub {
  readonly registry = new SubscriptionRegistry<Subscriber>();
  /** Mutation field -> subscription fields that listen to it. */
  private readonly listeners = new Map<string, string[]>();

  constructor(
    schema: GraphQLSchema,
    private readonly executor: Executor,
  ) {
    for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
      const directive = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
      const mutations = directive?.arguments?.find((a) => a.name.value === 'mutations')?.value;
      if (mutations?.kind !== Kind.LIST) continue;
      for (const value of mutations.values) {
        if (value.kind !== Kind.STRING) continue;
        this.listeners.set(value.value, [...(this.listeners.get(value.value) ?? []), field.name]);
      }
    }
  }

  /**
   * Registers a started subscription. Its filter is the one its resolver set, ANDed with its
   * non-null arguments as equality on the payload's fields of the same names (basic filtering).
   * A field with a resolver is only registered once that resolver has run: without it there would
   * be no server-set filter, and no filter matches every event.
   */
  subscribe({ field, filter, args, resolverRan }: StartedSubscription, subscriber: Subscriber): Registration<Subscriber> {
    if (this.executor.hasResolver(`Subscription.${field}`) && !resolverRan) {
      throw new Error(`Subscription.${field} has a resolver that did not run: not registered`);
    }
    const argumentRules: FilterRule[] = Object.entries(args)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([fieldName, value]) => ({ fieldName, operator: 'eq', value }));
    let groups: FilterGroups = filterGroupsOf(filter);
    if (argumentRules.length > 0) groups = groups.length === 0 ? [argumentRules] : groups.map((g) => [...g, ...argumentRules]);
    return this.registry.add(field, groups, subscriber);
  }

  unsubscribe(registration: Registration<Subscriber>): void {
    this.registry.remove(registration);
  }

  /** Fans a mutation's result out; resolves when every matching subscriber has been sent its data. */
  async publish(publication: Publication): Promise<number> {
    let delivered = 0;
    for (const field of this.listeners.get(publication.mutationField) ?? []) {
      const subscribers = this.registry.match(field, publication.data);
      // Subscribers with the same document and the same authorization get the same data.
      const shared = new Map<string, Promise<unknown>>();
      await Promise.all(
        subscribers.map(async (subscriber) => {
          const key = `${subscriber.caller.mode}|${JSON.stringify(subscriber.caller.mode === 'AMAZON_COGNITO_USER_POOLS' ? subscriber.caller.identity.groups : null)}|${JSON.stringify(subscriber.prepared.variables)}|${subscriber.prepared.document.loc?.source.body ?? ''}`;
          let response = shared.get(key);
          if (!response) shared.set(key, (response = this.executor.deliver(subscriber.prepared, subscriber.caller, publication.data)));
          subscriber.deliver(await response);
          delivered += 1;
        }),
      );
    }
    return delivered;
  }
}
