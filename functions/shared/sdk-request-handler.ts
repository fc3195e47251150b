import type { NodeHttpHandlerOptions } from '@smithy/types';
import type { CallTimeouts } from './config.ts';

/**
 * The `requestHandler` of every AWS SDK client the functions build, so that no call waits longer
 * than `timeouts` for a silent peer (@smithy/node-http-handler 4.x, NodeHttpHandler):
 * - `connectionTimeout` destroys a socket not connected in time;
 * - `requestTimeout` runs from the start of the request until the response's headers (the request
 *   body's upload included), but only logs a warning unless `throwOnRequestTimeout` is set;
 * - `socketTimeout` is an idle timeout that keeps watching while the response's body streams in,
 *   which requestTimeout does not: without it, an S3 object whose bytes stop after the headers
 *   would hold its reader for ever.
 * A timed-out attempt throws TimeoutError, which the SDK's retry strategy retries as transient.
 * The SDK reads a response body within the attempt, so a stall there is retried too; except a
 * streamed one (S3 GetObject's Body), read after the SDK answered: that fails the call at once.
 */
export function sdkRequestHandler(timeouts: CallTimeouts): NodeHttpHandlerOptions {
  return {
    connectionTimeout: timeouts.connectMs,
    requestTimeout: timeouts.requestMs,
    throwOnRequestTimeout: true,
    socketTimeout: timeouts.requestMs,
  };
}
