import { OnImageProcessedDocument, type OnImageProcessedSubscription, RequestUploadDocument, type RequestUploadMutation } from '../../client/src/generated/graphql.ts';
import type { TestUser } from './users.ts';

export type UploadTicket = RequestUploadMutation['requestUpload'];
export type ImageEvent = NonNullable<OnImageProcessedSubscription['onImageProcessed']>;
export interface UploadFile {
  name: string;
  type: string;
  bytes: Buffer;
  /** What requestUpload is told, when it should differ from the real size. */
  declaredBytes?: number;
}

/** requestUpload through the GraphQL API, as the web app asks before every upload. */
export async function requestUpload(user: TestUser, file: UploadFile): Promise<UploadTicket> {
  const { data } = await user.client.mutate({
    mutation: RequestUploadDocument,
    variables: { input: { fileName: file.name, contentType: file.type, bytes: file.declaredBytes ?? file.bytes.length } },
  });
  if (!data) throw new Error(`requestUpload returned no ticket for ${file.name}`);
  return data.requestUpload;
}

/** The multipart POST a browser sends to the presigned URL, with `change` applied to the form. */
export async function postUpload(ticket: UploadTicket, file: UploadFile, change?: (fields: Map<string, string>) => void): Promise<{ status: number; body: string }> {
  const fields = new Map(ticket.upload.fields.map(({ name, value }) => [name, value]));
  change?.(fields);
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: fields.get('Content-Type') ?? file.type }), file.name);
  const response = await fetch(ticket.upload.url, { method: 'POST', body: form });
  return { status: response.status, body: await response.text() };
}

/** requestUpload, then the POST. */
export async function upload(user: TestUser, file: UploadFile, change?: (fields: Map<string, string>) => void) {
  const ticket = await requestUpload(user, file);
  return { ticket, ...(await postUpload(ticket, file, change)) };
}

/** How long a subscription may wait for AppSync's start_ack: far above a loaded machine's seconds, below the tests' timeouts. */
const ACK_WAIT_MS = 60_000;

/**
 * Subscribes the user to onImageProcessed; each event goes to `onEvent` (and is kept in the
 * returned list). Resolves once AppSync acknowledged the start (start_ack, which the project
 * client reports), so no event published after that is missed, however slow the machine. Fails,
 * unsubscribed, when the subscription errors, ends, or gets no acknowledgement within `ackWaitMs`,
 * saying which, instead of leaving the test to its timeout; an error or end after the
 * acknowledgement is written to stderr, beside the wait that then times out.
 */
export function subscribeToEvents(
  user: Pick<TestUser, 'client'>,
  onEvent: (event: ImageEvent) => void = () => undefined,
  ackWaitMs = ACK_WAIT_MS,
): Promise<{ events: ImageEvent[]; unsubscribe(): void }> {
  const events: ImageEvent[] = [];
  return new Promise((resolve, reject) => {
    // Assigned once subscribe returns; an error delivered during subscribe has closed it already.
    const opened: { subscription?: { unsubscribe(): void } } = {};
    let acknowledged = false;
    const fail = (error: unknown) => {
      clearTimeout(unacknowledged);
      opened.subscription?.unsubscribe();
      const cause = error instanceof Error ? error : new Error(String(error));
      if (!acknowledged) return reject(cause);
      // After the acknowledgement no caller awaits this any more: say why, so that a wait for an
      // event that can no longer come is not left to read as a slow pipeline.
      console.error(`onImageProcessed ended after it was acknowledged: ${cause.message}`);
    };
    const unacknowledged = setTimeout(() => fail(new Error(`onImageProcessed: no start_ack from AppSync within ${ackWaitMs / 1000} s`)), ackWaitMs);
    const live = () => {
      clearTimeout(unacknowledged);
      acknowledged = true;
      resolve({ events, unsubscribe: () => opened.subscription?.unsubscribe() });
    };
    opened.subscription = user.client.subscribe({ query: OnImageProcessedDocument, context: { onSubscriptionAcknowledged: live } }).subscribe({
      next: (result) => {
        const event = result.data?.onImageProcessed;
        if (!event) return;
        events.push(event);
        onEvent(event);
      },
      error: fail,
      complete: () => fail(new Error(acknowledged ? 'the subscription ended' : 'onImageProcessed: the subscription ended before AppSync acknowledged it')),
    });
  });
}

/** Small distinct JPEGs (one colour each, so each has its own hash), made in milliseconds. */
export async function generatedJpegs(count: number, width = 320, height = 240): Promise<Buffer[]> {
  const { default: sharp } = await import('sharp');
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp({ create: { width, height, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: Math.floor(i / 7) % 256 } } })
        .jpeg({ quality: 80 })
        .toBuffer(),
    ),
  );
}
