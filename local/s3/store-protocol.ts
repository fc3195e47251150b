/** What the store child (store-process.ts) and the front say to each other. */

/**
 * Set by the front on requests it forwards, naming the event S3 would report for them where
 * s3rver cannot tell (a POST upload arrives at s3rver as a PUT; multipart completion). Stripped
 * from client requests.
 */
export const EVENT_NAME_HEADER = 'x-imagegraph-event-name';

/**
 * Set by the store on its answer to a DELETE that removed an object (s3rver answers 204 either
 * way). A delete of a key that held nothing is no conflicting operation for a conditional write
 * (S3's 409, key-locks.ts).
 */
export const REMOVED_HEADER = 'x-imagegraph-removed';

/**
 * `outboxed`: an event was added to the outbox (outbox.ts) and waits for delivery. `waiting`: another
 * store still holds the data directory (store-lock.ts), `line` says which. `failed`: it did not let
 * go in time; the store exits.
 */
export type StoreMessage = { type: 'listening' } | { type: 'outboxed' } | { type: 'waiting'; line: string } | { type: 'failed'; message: string };
