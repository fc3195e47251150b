// The extensions object, as documented in "Extensions". Each call is recorded on the current
// evaluation for the caller of evaluate() (a test, or the local AppSync server) to act on.
import type { Extensions } from '@aws-appsync/utils';
import { isMap } from './is-map.ts';
import { currentEvaluation } from './state.ts';
import { validateSubscriptionFilter } from './subscription-filter.ts';

// "You can only use at most five unique extensions.invalidateSubscriptions() method calls in any
// single request." One evaluation is part of a request, so more than five in it is already too many.
const MAX_UNIQUE_INVALIDATIONS = 5;

export const extensions: Extensions = {
  evictFromApiCache(typeName, fieldName, keyValuePair) {
    const state = currentEvaluation('extensions.evictFromApiCache');
    if (typeof typeName !== 'string' || typeof fieldName !== 'string' || !isMap(keyValuePair)) {
      throw new TypeError(
        'extensions.evictFromApiCache: expects (typeName: string, fieldName: string, keyValuePair: object)',
      );
    }
    // Copied now, as AppSync reads the arguments at the call, not when the handler ends.
    state.cacheEvictions.push(structuredClone({ typeName, fieldName, keyValuePair }));
  },

  setSubscriptionFilter(filter) {
    const state = currentEvaluation('extensions.setSubscriptionFilter');
    validateSubscriptionFilter(filter, 'extensions.setSubscriptionFilter');
    state.subscriptionFilter = structuredClone(filter);
  },

  setSubscriptionInvalidationFilter(filter) {
    const state = currentEvaluation('extensions.setSubscriptionInvalidationFilter');
    validateSubscriptionFilter(filter, 'extensions.setSubscriptionInvalidationFilter');
    state.subscriptionInvalidationFilter = structuredClone(filter);
  },

  invalidateSubscriptions(obj) {
    const state = currentEvaluation('extensions.invalidateSubscriptions');
    if (!isMap(obj) || typeof obj.subscriptionField !== 'string' || !isMap(obj.payload)) {
      throw new TypeError(
        'extensions.invalidateSubscriptions: expects { subscriptionField: string, payload: object }, ' +
          `got ${JSON.stringify(obj)}`,
      );
    }
    const invalidation = structuredClone(obj);
    const unique = new Set([...state.invalidations, invalidation].map((call) => JSON.stringify(call)));
    if (unique.size > MAX_UNIQUE_INVALIDATIONS) {
      throw new Error(
        `extensions.invalidateSubscriptions: at most ${MAX_UNIQUE_INVALIDATIONS} unique calls are allowed in a request`,
      );
    }
    state.invalidations.push(invalidation);
  },
};
