// The runtime object: runtime.earlyReturn, as documented in "Runtime utilities".
import type { ReturnOptions, runtime as AppSyncRuntime } from '@aws-appsync/utils';
import { currentEvaluation, halt } from './state.ts';

export const runtime: typeof AppSyncRuntime = {
  earlyReturn(obj?: unknown, returnOptions?: ReturnOptions): never {
    const state = currentEvaluation('runtime.earlyReturn');
    if (returnOptions !== undefined && returnOptions.skipTo !== 'END' && returnOptions.skipTo !== 'NEXT') {
      throw new TypeError(
        `runtime.earlyReturn: returnOptions.skipTo must be "END" or "NEXT", got ${JSON.stringify(
          returnOptions.skipTo,
        )}`,
      );
    }
    return halt(state, { kind: 'earlyReturn', value: obj });
  },
};
