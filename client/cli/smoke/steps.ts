/**
 * A checklist of timed steps: they run in order until one fails, then every cleanup step runs
 * whatever happened before. Pure: no I/O beyond what the steps do, so tests drive it directly.
 */

/** What a step says on success; a cleanup step returns null when there was nothing to undo. */
export type StepOutcome = string | null;

export interface Step {
  name: string;
  run(): Promise<StepOutcome>;
}

export type StepStatus = 'ok' | 'failed' | 'skipped';

export interface StepResult {
  name: string;
  status: StepStatus;
  /** Wall time of the step, in milliseconds (0 when skipped). */
  ms: number;
  /** What it found, why it failed, or why it was skipped. */
  detail: string;
  cleanup: boolean;
}

export interface StepsReport {
  ok: boolean;
  /** The first failing step and its message; a failed cleanup counts too. */
  failure?: { step: string; message: string };
  results: StepResult[];
  totalMs: number;
}

export interface RunStepsOptions {
  /** Called as each step finishes (or is skipped), for a table that grows as it runs. */
  onResult?: (result: StepResult) => void;
  now?: () => number;
}

export async function runSteps(steps: readonly Step[], cleanup: readonly Step[], { onResult = () => undefined, now = () => performance.now() }: RunStepsOptions = {}): Promise<StepsReport> {
  const started = now();
  const results: StepResult[] = [];
  let failure: StepsReport['failure'];
  const record = (result: StepResult) => {
    results.push(result);
    if (result.status === 'failed') failure ??= { step: result.name, message: result.detail };
    onResult(result);
  };
  const attempt = async (step: Step, isCleanup: boolean) => {
    const begin = now();
    try {
      const outcome = await step.run();
      const status: StepStatus = outcome === null ? 'skipped' : 'ok';
      record({ name: step.name, status, ms: now() - begin, detail: outcome ?? 'nothing to do', cleanup: isCleanup });
    } catch (error) {
      record({ name: step.name, status: 'failed', ms: now() - begin, detail: messageOf(error), cleanup: isCleanup });
    }
  };
  for (const step of steps) {
    if (failure) record({ name: step.name, status: 'skipped', ms: 0, detail: `after ${failure.step} failed`, cleanup: false });
    else await attempt(step, false);
  }
  for (const step of cleanup) await attempt(step, true);
  return { ok: failure === undefined, ...(failure ? { failure } : {}), results, totalMs: now() - started };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const HEADERS = { name: 'Step', status: 'Result', time: 'Time', detail: 'Detail' };
/** Wide enough for every step name the smoke test has. */
export const NAME_WIDTH = 18;
const STATUS_WIDTH = 7;
const TIME_WIDTH = 8;

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** One row of the table; pad the name column to `NAME_WIDTH`. */
export function formatRow(result: Pick<StepResult, 'name' | 'status' | 'ms' | 'detail'>): string {
  const time = result.status === 'skipped' ? '' : seconds(result.ms);
  return `${result.name.padEnd(NAME_WIDTH)} ${result.status.padEnd(STATUS_WIDTH)} ${time.padStart(TIME_WIDTH)}  ${result.detail}`;
}

export function formatHeader(): string {
  const header = `${HEADERS.name.padEnd(NAME_WIDTH)} ${HEADERS.status.padEnd(STATUS_WIDTH)} ${HEADERS.time.padStart(TIME_WIDTH)}  ${HEADERS.detail}`;
  return `${header}\n${'-'.repeat(header.length + 30)}`;
}

/** The last line: passed with the total time, or which step failed and why. */
export function formatVerdict(report: StepsReport): string {
  return report.ok
    ? `Smoke test passed in ${seconds(report.totalMs)}.`
    : `Smoke test FAILED at "${report.failure!.step}": ${report.failure!.message}`;
}
