/**
 * s3rver logs every request through koa-logger and winston even when it is silent: koa-logger
 * formats a line for each answer, and s3rver's controllers log their own; winston streams each
 * through its logger's format to the console transport, which only then drops it. The store is
 * silent, so the request log goes and s3rver's logger stops at its first step (its silent flag):
 * nothing printed changes. The store's CPU, 300 PUTs and 300 GETs of 1 MB through the front, four
 * alternating pairs of runs on a quiet machine: 4.1 -> 4.0 ms per PUT, 4.5 -> 4.1 per GET (means;
 * pairs 0.1-0.6 ms apart, all figures drifting up over the session as the file system churned).
 */
import type S3rver from 's3rver';

/** Koa's middleware list, which s3rver's typings leave out; its request logger is the first. */
interface Logged {
  middleware: { name: string }[];
  logger: { silent: boolean };
}

export function dropRequestLog(s3rver: S3rver): void {
  const app = s3rver as unknown as Logged;
  // koa-logger's middleware function is named `logger`: anything else means s3rver changed.
  if (app.middleware[0]?.name !== 'logger') throw new Error("s3rver's first middleware is no longer its request logger (koa-logger): check s3rver's version");
  app.middleware.shift();
  app.logger.silent = true;
}
