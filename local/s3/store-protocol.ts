/** What the store child (store-process.ts) and the front say to each other. */

/**
 * Set by the front on requests it forwards, naming the event S3 would report for them where
 * s3rver cannot tell (a POST upload arrives at s3rver as a PUT; multipart completion and
 * multi-object deletes). Stripped from client requests.
 */
export const EVENT_NAME_HEADER = 'x-imagegraph-event-name';
/** The EVENT_NAME_HEADER value of a DeleteObjects request: each deleted key is a removal. */
export const MULTI_DELETE = 'ObjectRemoved:Delete';

/**
 * Set by the store on its answer to a DeleteObject(s): the keys that held an object and no longer
 * do, each URI-encoded, comma-separated. A delete of a key that held nothing is no conflicting
 * operation for a conditional write (S3's 409, key-locks.ts).
 */
export const REMOVED_KEYS_HEADER = 'x-imagegraph-removed-keys';

/** `outboxed`: an event was added to the outbox (outbox.ts) and waits for delivery. */
export type StoreMessage = { type: 'listening' } | { type: 'outboxed' };
