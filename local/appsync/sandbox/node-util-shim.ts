// What ksuid imports from node:util, inside the sandbox: only used for its async API and for
// console.log output, neither of which the runtime calls.
export const inspect = { custom: Symbol.for('nodejs.util.inspect.custom') };
export function promisify(fn: (...args: unknown[]) => unknown) {
  return fn;
}
export default { inspect, promisify };
