/**
 * One resolver's code in its own node:vm context: the JavaScript built-ins and the APPSYNC_JS
 * runtime only (no process, require, import, fetch, timers), string code generation (eval, new
 * Function) disabled, and a time budget per handler call. Values cross the boundary as JSON text,
 * as AppSync serializes them, so resolver code never holds a host object.
 */
import { randomBytes } from 'node:crypto';
import { Script, createContext, type Context as VmContext } from 'node:vm';
import type { Evaluation, EvaluationOptions } from '../runtime/evaluation.ts';
import { SANDBOX_GLOBAL, resolverScript, sandboxRuntimeScript } from './sandbox-scripts.ts';

/** What a handler call produced: its evaluation and the stash it left, or the error it threw. */
export type HandlerOutcome =
  | { kind: 'evaluated'; evaluation: Evaluation<unknown>; stash: Record<string, unknown> }
  | { kind: 'thrown'; name: string; message: string }
  | { kind: 'timedOut'; budgetMs: number };

const CALL = new Script(`${SANDBOX_GLOBAL}.call(__input)`, { filename: 'appsync-sandbox-call.js' });

export class ResolverSandbox {
  private constructor(
    private readonly context: VmContext,
    private readonly name: string,
    private readonly budgetMs: number,
  ) {}

  /** Loads the runtime and one resolver module (`name`: Type.field) into a fresh context. */
  static async create(name: string, moduleCode: string, budgetMs: number): Promise<ResolverSandbox> {
    const [runtime, resolver] = await Promise.all([sandboxRuntimeScript(), resolverScript(name, moduleCode)]);
    const context = createContext(Object.create(null) as object, {
      name: `resolver ${name}`,
      codeGeneration: { strings: false, wasm: false },
      // Promise jobs run inside the time budget too, not after it.
      microtaskMode: 'afterEvaluate',
    });
    new Script(runtime, { filename: 'appsync-runtime.js' }).runInContext(context, { timeout: budgetMs * 10 });
    // The random source goes in once, through a vm-side function, and stays in its closure.
    const bind = new Script(`(source) => ${SANDBOX_GLOBAL}.bindHostRandom((n) => source(n))`).runInContext(
      context,
    ) as (source: (bytes: number) => string) => void;
    bind((bytes) => randomBytes(Math.max(0, Math.min(Number(bytes) || 0, 4096))).toString('hex'));
    new Script(resolver, { filename: `${name}.js` }).runInContext(context, { timeout: budgetMs });
    return new ResolverSandbox(context, name, budgetMs);
  }

  /** Calls the module's `request` or `response` export on `ctx` (a JSON-serializable context). */
  run(handler: 'request' | 'response', ctx: unknown, options: EvaluationOptions): HandlerOutcome {
    (this.context as Record<string, unknown>).__input = JSON.stringify({ module: this.name, handler, ctx, options });
    let output: string;
    try {
      output = CALL.runInContext(this.context, { timeout: this.budgetMs }) as string;
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        return { kind: 'timedOut', budgetMs: this.budgetMs };
      }
      return { kind: 'thrown', name: 'Error', message: String((error as Error).message ?? error) };
    }
    const parsed = JSON.parse(output) as {
      evaluation?: Evaluation<unknown>;
      stash?: Record<string, unknown>;
      thrown?: { name: string; message: string };
    };
    if (parsed.thrown) return { kind: 'thrown', ...parsed.thrown };
    return { kind: 'evaluated', evaluation: parsed.evaluation as Evaluation<unknown>, stash: parsed.stash ?? {} };
  }
}
