// Helpers for data sources ImageGraph does not use fail loudly instead of returning undefined, so a
// resolver that reaches for one is caught by local tests rather than misbehaving later.

export function unavailable(helper: string): never {
  throw new Error(
    `${helper} is not available in ImageGraph's local APPSYNC_JS runtime: ImageGraph's resolvers use ` +
      'OpenSearch, Lambda and NONE data sources only',
  );
}

/**
 * Adds `names` to `target` as getters that throw. They are not enumerable, so printing, spreading or
 * comparing the object does not trip them.
 */
export function withUnavailable<T extends object, K extends string>(
  target: T,
  owner: string,
  names: readonly K[],
): T & Record<K, never> {
  for (const name of names) {
    Object.defineProperty(target, name, { get: () => unavailable(`${owner}.${name}`), enumerable: false });
  }
  return target as T & Record<K, never>;
}
