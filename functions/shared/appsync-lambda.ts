/**
 * The contract between resolvers that invoke a Lambda data source and the functions behind them.
 * resolvers/lib/lambda.ts builds the payload and unwraps the result on the AppSync side.
 */

/** Who is calling: the Cognito user's `sub`, or null for IAM callers (the backend). */
export interface CallerIdentity {
  sub: string | null;
}

/** What `Invoke` sends: the caller and the field's arguments. */
export interface InvokePayload<Args> {
  identity: CallerIdentity;
  arguments: Args;
}

/**
 * What a function returns. Expected failures travel as `error` so the resolver can raise them with
 * their type (BadRequest, NotFound...); AppSync reports a thrown Lambda error only as
 * Lambda:Unhandled, which clients cannot act on.
 */
export type LambdaResult<T> = { data: T } | { error: { type: string; message: string } };

/** A failure the caller can fix or should know about, reported with its type. */
export class UserError extends Error {
  constructor(
    readonly type: 'BadRequest' | 'NotFound' | 'Unauthorized' | 'PayloadTooLarge' | 'UnsupportedMediaType',
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Runs a core operation, turning UserErrors into typed results; anything else stays thrown. */
export async function toLambdaResult<T>(operation: () => Promise<T>): Promise<LambdaResult<T>> {
  try {
    return { data: await operation() };
  } catch (error) {
    if (error instanceof UserError) return { error: { type: error.type, message: error.message } };
    throw error;
  }
}

/** Throws a BadRequest when one of resolvers/lib/inputLimits.ts's checks found a problem. */
export function refuse(problem: string | null): void {
  if (problem) throw new UserError('BadRequest', problem);
}

/** The calling user's `sub`; IAM callers have none and may not act for a user. */
export function requireUser(identity: CallerIdentity): string {
  if (!identity.sub) throw new UserError('Unauthorized', 'Only signed-in users can do this');
  return identity.sub;
}
