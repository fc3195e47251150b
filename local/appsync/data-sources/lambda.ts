/**
 * The AWS_LAMBDA data source, in process: `Invoke` calls the handler with the request's payload (or,
 * without one, the whole context, as AppSync does); `BatchInvoke` items of one field are gathered
 * while the response is being built and sent as one array (up to maxBatchSize), each item getting
 * its element of the returned array. A thrown error reaches the resolver as `Lambda:Unhandled`.
 */
import type { Context as LambdaContext } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { DataSourceOutcome } from './types.ts';

export type LambdaHandler = (event: unknown, context: LambdaContext) => Promise<unknown>;

/** AppSync's limit on a Lambda data source call. */
const TIMEOUT_MS = 30_000;

function lambdaContext(functionName: string, region: string): LambdaContext {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, TIMEOUT_MS - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function invokeLambda(handler: LambdaHandler, functionName: string, region: string, event: unknown): Promise<DataSourceOutcome> {
  try {
    return { result: await handler(event, lambdaContext(functionName, region)) };
  } catch (error) {
    return { error: { type: 'Lambda:Unhandled', message: error instanceof Error ? error.message : String(error) } };
  }
}

/** Gathers BatchInvoke items of one field within one request. */
export class LambdaBatcher {
  private pending: { event: unknown; resolve: (outcome: DataSourceOutcome) => void }[] = [];
  private scheduled = false;

  /** `invoke` sends one batch (an array of events) to the function. */
  constructor(
    private readonly invoke: (events: unknown[]) => Promise<DataSourceOutcome>,
    private readonly functionName: string,
    private readonly maxBatchSize: number,
  ) {}

  add(event: unknown): Promise<DataSourceOutcome> {
    return new Promise((resolve) => {
      this.pending.push({ event, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the current round of field resolution has queued every sibling item.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const items = this.pending;
    this.pending = [];
    this.scheduled = false;
    const batches: (typeof items)[] = [];
    for (let start = 0; start < items.length; start += this.maxBatchSize) batches.push(items.slice(start, start + this.maxBatchSize));
    await Promise.all(
      batches.map(async (batch) => {
        const outcome = await this.invoke(batch.map((item) => item.event));
        batch.forEach((item, index) => {
          if ('error' in outcome) item.resolve(outcome);
          else if (!Array.isArray(outcome.result) || outcome.result.length !== batch.length) {
            item.resolve({ error: { type: 'Lambda:Unhandled', message: `BatchInvoke: ${this.functionName} must return an array of ${batch.length} results` } });
          } else item.resolve({ result: outcome.result[index] });
        });
      }),
    );
  }
}
