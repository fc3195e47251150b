// The effects of the current resolver evaluation. APPSYNC_JS handlers are synchronous, so one
// module-level slot is enough; evaluate() (evaluation.ts) opens and closes it, the stateful utilities
// (util.error, extensions.*, runtime.earlyReturn, ...) write to it.
import type { EvaluationOptions, ResolverError } from './evaluation.ts';

/** What ended an evaluation early: util.error / util.unauthorized, or runtime.earlyReturn. */
type Stop = { kind: 'error'; error: ResolverError } | { kind: 'earlyReturn'; value: unknown };

export interface EvaluationState {
  readonly options: EvaluationOptions;
  /** The evaluation this one is nested in, restored when this one ends. */
  readonly outer: EvaluationState | undefined;
  stop: Stop | undefined;
  readonly appendedErrors: ResolverError[];
  subscriptionFilter: unknown;
  subscriptionInvalidationFilter: unknown;
  readonly invalidations: unknown[];
  readonly cacheEvictions: unknown[];
}

let current: EvaluationState | undefined;

export function begin(options: EvaluationOptions): EvaluationState {
  current = {
    options,
    outer: current,
    stop: undefined,
    appendedErrors: [],
    subscriptionFilter: undefined,
    subscriptionInvalidationFilter: undefined,
    invalidations: [],
    cacheEvictions: [],
  };
  return current;
}

export function end(state: EvaluationState): void {
  current = state.outer;
}

/** The evaluation a stateful utility records into; `utility` names the caller for the error. */
export function currentEvaluation(utility: string): EvaluationState {
  if (current === undefined) {
    throw new Error(
      `${utility}() needs a resolver evaluation to act on: call the handler inside evaluate() from ` +
        'local/appsync/runtime/evaluation.ts',
    );
  }
  return current;
}

/**
 * Thrown to unwind the handler's stack. The class is private to this module and each signal names
 * its evaluation, so nothing the resolver throws (whatever its name or message) passes for one.
 */
class HaltSignal extends Error {
  constructor(readonly state: EvaluationState) {
    super('the resolver evaluation was stopped (util.error, util.unauthorized or runtime.earlyReturn)');
  }
}

/** Records why `state` stops (the first reason wins, as AppSync stops at the first) and unwinds. */
export function halt(state: EvaluationState, stop: Stop): never {
  state.stop ??= stop;
  throw new HaltSignal(state);
}

export function isHaltOf(thrown: unknown, state: EvaluationState): boolean {
  return thrown instanceof HaltSignal && thrown.state === state;
}
