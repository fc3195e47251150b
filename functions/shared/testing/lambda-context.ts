import type { Context } from 'aws-lambda';

/**
 * The Context Lambda passes a handler, enough for Powertools Logger to read; `remainingMs` answers
 * getRemainingTimeInMillis (a fake clock for handlers that budget their time).
 */
export function lambdaContext(functionName: string, remainingMs: () => number = () => 30_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'test-request-id',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
