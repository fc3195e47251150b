/**
 * Active subscriptions, indexed by their filters so that a publication looks at the subscriptions
 * that can match it, not at all of them: each filter group is filed under one of its `eq` (or each
 * value of an `in`) conditions; a subscription with a group that has neither is checked on every
 * publication to its field. Candidates are then checked against the whole filter.
 */
import { fieldValue, matches, type FilterGroups } from './filter.ts';

export interface Registration<T> {
  readonly field: string;
  readonly groups: FilterGroups;
  readonly value: T;
}

interface FieldIndex<T> {
  /** fieldName -> JSON of the value -> registrations filed under it. */
  byCondition: Map<string, Map<string, Set<Registration<T>>>>;
  unindexed: Set<Registration<T>>;
}

const keyOf = (value: unknown) => JSON.stringify(value);

/** The (fieldName, value) pairs one group is filed under, or undefined when it has no equality. */
function indexKeys(group: FilterGroups[number]): [string, unknown[]] | undefined {
  const eq = group.find((rule) => rule.operator === 'eq');
  if (eq) return [eq.fieldName, [eq.value]];
  const inRule = group.find((rule) => rule.operator === 'in' && Array.isArray(rule.value));
  return inRule ? [inRule.fieldName, inRule.value as unknown[]] : undefined;
}

export class SubscriptionRegistry<T> {
  private readonly fields = new Map<string, FieldIndex<T>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(field: string, groups: FilterGroups, value: T): Registration<T> {
    const registration: Registration<T> = { field, groups, value };
    const index = this.indexOf(field);
    const keys = groups.map(indexKeys);
    if (groups.length === 0 || keys.some((k) => k === undefined)) index.unindexed.add(registration);
    else {
      for (const [fieldName, values] of keys as [string, unknown[]][]) {
        let byValue = index.byCondition.get(fieldName);
        if (!byValue) index.byCondition.set(fieldName, (byValue = new Map<string, Set<Registration<T>>>()));
        for (const v of values) {
          const key = keyOf(v);
          let set = byValue.get(key);
          if (!set) byValue.set(key, (set = new Set()));
          set.add(registration);
        }
      }
    }
    this.count += 1;
    return registration;
  }

  remove(registration: Registration<T>): void {
    const index = this.fields.get(registration.field);
    if (!index) return;
    let removed = index.unindexed.delete(registration);
    for (const [fieldName, byValue] of index.byCondition) {
      for (const [key, set] of byValue) {
        if (set.delete(registration)) removed = true;
        if (set.size === 0) byValue.delete(key);
      }
      if (byValue.size === 0) index.byCondition.delete(fieldName);
    }
    if (removed) this.count -= 1;
  }

  /** Registrations on `field` whose filter matches `payload`. */
  match(field: string, payload: unknown): T[] {
    const index = this.fields.get(field);
    if (!index) return [];
    const candidates = new Set<Registration<T>>(index.unindexed);
    for (const [fieldName, byValue] of index.byCondition) {
      const set = byValue.get(keyOf(fieldValue(payload, fieldName)));
      if (set) for (const registration of set) candidates.add(registration);
    }
    const matched: T[] = [];
    for (const registration of candidates) if (matches(registration.groups, payload)) matched.push(registration.value);
    return matched;
  }

  private indexOf(field: string): FieldIndex<T> {
    let index = this.fields.get(field);
    if (!index) this.fields.set(field, (index = { byCondition: new Map(), unindexed: new Set() }));
    return index;
  }
}
