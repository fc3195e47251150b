// The sandbox's own module: the @aws-appsync/utils runtime (local/appsync/runtime) plus the bridge
// the host calls. Bundled into one script (runtime-bundle.ts) and run in a bare vm context; the
// host passes JSON strings in and gets JSON strings back, so no host object is ever reachable
// from resolver code.
import { evaluate, type EvaluationOptions } from '../runtime/evaluation.ts';
import { extensions, runtime, util } from '../runtime/index.ts';
import { bindHostRandom } from './vm-globals.ts';

type Handler = (ctx: unknown) => unknown;
type ResolverModule = Record<string, unknown>;

const modules = new Map<string, ResolverModule>();

function deepFreeze<T>(value: T): T {
  const isObject = (typeof value === 'object' && value !== null) || typeof value === 'function';
  if (isObject && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) deepFreeze(descriptor.value);
    }
  }
  return value;
}

/** What a resolver bundle's `import ... from '@aws-appsync/utils'` receives. */
export const utils = deepFreeze({ util, runtime, extensions });

export function registerModule(name: string, module: ResolverModule): void {
  modules.set(name, module);
}

interface CallInput {
  module: string;
  handler: string;
  ctx: Record<string, unknown>;
  options: EvaluationOptions;
}

/**
 * Runs one handler of one resolver module on a context, as one evaluation. Returns JSON: the
 * evaluation's effects, the stash as the handler left it, or the error it threw.
 */
export function call(inputJson: string): string {
  const input = JSON.parse(inputJson) as CallInput;
  const module = modules.get(input.module);
  const handler = module?.[input.handler];
  if (typeof handler !== 'function') {
    return JSON.stringify({ thrown: { name: 'TypeError', message: `${input.module} exports no ${input.handler} function` } });
  }
  const ctx = input.ctx;
  // AppSync's context has both names for the arguments.
  ctx.args = ctx.arguments;
  try {
    const evaluation = evaluate(() => (handler as Handler)(ctx), input.options);
    return JSON.stringify({ evaluation, stash: ctx.stash }, (_key, value: unknown) =>
      value === undefined ? null : value,
    );
  } catch (error) {
    const thrown = error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
    return JSON.stringify({ thrown });
  }
}

export { bindHostRandom };
