import type { ApolloClient } from '@apollo/client';
import { DEFAULTS } from '../../../functions/shared/config.ts';
import { INPUT_LIMITS } from '../../../resolvers/lib/inputLimits.ts';
import { isUploadContentType, UPLOAD_CONTENT_TYPES } from '../../../functions/shared/image-types.ts';
import { RequestUploadDocument, type RequestUploadMutation } from '../generated/graphql.ts';
import { AuthError } from './session.ts';

/** The content types storage accepts, for file pickers (`accept=`) and checks before upload. */
export const ACCEPTED_CONTENT_TYPES = Object.keys(UPLOAD_CONTENT_TYPES);

/** The cap the stack uses by default; the server's `maxBytes` in the ticket is authoritative. */
export const DEFAULT_MAX_UPLOAD_BYTES = DEFAULTS.maxUploadBytes;

const EXTENSION_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  heic: 'image/heic',
  heif: 'image/heif',
};

/** The content type to declare for a file name (the CLI has no MIME type from the file system). */
export function contentTypeForName(fileName: string): string | null {
  const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (extension && EXTENSION_TYPES[extension]) || null;
}

export interface UploadCandidate {
  name: string;
  /** MIME type as the browser reports it; empty when unknown. */
  type: string;
  size: number;
}

/** Why a file cannot be uploaded, checked before any request; null when it can. */
export function uploadProblem(file: UploadCandidate, maxBytes = DEFAULT_MAX_UPLOAD_BYTES): string | null {
  const type = file.type || contentTypeForName(file.name) || '';
  if (!isUploadContentType(type.toLowerCase())) {
    return `${file.name}: ${type || 'unknown type'} is not accepted (JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC or HEIF only)`;
  }
  if (file.size < 1) return `${file.name}: the file is empty`;
  if (file.size > maxBytes) return `${file.name}: ${megabytes(file.size)} MB is over the ${megabytes(maxBytes)} MB limit`;
  const { maxLength } = INPUT_LIMITS.fileName;
  if (file.name.length > maxLength) return `${file.name.slice(0, 40)}…: the file name is longer than ${maxLength} characters`;
  return null;
}

function megabytes(bytes: number): string {
  return (bytes / 1024 ** 2).toFixed(1);
}

/** A failed upload; `retryable` when trying again may help (network errors, 5xx, expired ticket). */
export class UploadError extends Error {
  override name = 'UploadError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** How bytes reach storage: XMLHttpRequest in the browser (for progress events), fetch in the CLI. */
export type PostForm = (url: string, form: FormData, onProgress: (loaded: number, total: number) => void) => Promise<{ status: number; body: string }>;

export type UploadTicket = RequestUploadMutation['requestUpload'];

export interface UploadOptions {
  client: ApolloClient;
  post: PostForm;
  file: UploadCandidate & { blob: Blob };
  onProgress?: (loaded: number, total: number) => void;
  /** Attempts in all, for network errors and storage 5xx; each gets a fresh ticket. */
  attempts?: number;
  retryDelayMs?: number;
}

/**
 * Uploads one file: asks `requestUpload` for a presigned POST, then posts the form fields followed
 * by the file. Network errors and 5xx answers are retried with a new ticket; anything else (the
 * API or storage refusing the file) fails at once with the reason, and an ended session with its
 * AuthError.
 */
export async function uploadFile({ client, post, file, onProgress = () => undefined, attempts = 3, retryDelayMs = 500 }: UploadOptions): Promise<UploadTicket> {
  const problem = uploadProblem(file);
  if (problem) throw new UploadError(problem, false);
  const contentType = (file.type || contentTypeForName(file.name) || '').toLowerCase();
  for (let attempt = 1; ; attempt++) {
    try {
      const ticket = await requestTicket(client, { fileName: file.name, contentType, bytes: file.size });
      await postFile(post, ticket, file.blob, onProgress);
      return ticket;
    } catch (error) {
      // The session has ended (refresh token expired or revoked): no ticket will come.
      if (error instanceof AuthError) throw error;
      const uploadError = error instanceof UploadError ? error : new UploadError((error as Error).message, false);
      if (!uploadError.retryable || attempt >= attempts) throw uploadError;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)));
    }
  }
}

async function requestTicket(client: ApolloClient, input: { fileName: string; contentType: string; bytes: number }): Promise<UploadTicket> {
  try {
    const { data } = await client.mutate({ mutation: RequestUploadDocument, variables: { input } });
    if (!data) throw new UploadError('requestUpload returned no ticket', true);
    return data.requestUpload;
  } catch (error) {
    if (error instanceof UploadError || error instanceof AuthError) throw error;
    // GraphQL errors (BadRequest, PayloadTooLarge, ...) are final; a failed request is not.
    const message = (error as Error).message;
    throw new UploadError(message, (error as Error).name !== 'CombinedGraphQLErrors');
  }
}

async function postFile(post: PostForm, ticket: UploadTicket, blob: Blob, onProgress: (loaded: number, total: number) => void): Promise<void> {
  const form = new FormData();
  for (const { name, value } of ticket.upload.fields) form.append(name, value);
  form.append('file', blob); // last: S3 ignores fields after the file
  let response: { status: number; body: string };
  try {
    response = await post(ticket.upload.url, form, onProgress);
  } catch (error) {
    if (error instanceof UploadError) throw error;
    throw new UploadError(`Upload failed: ${(error as Error).message}`, true);
  }
  if (response.status >= 200 && response.status < 300) return;
  const reason = s3ErrorMessage(response.body) ?? `storage answered HTTP ${response.status}`;
  // An expired policy is worth a new ticket; other refusals (too large, wrong type) are final.
  const expired = /expired/i.test(reason);
  throw new UploadError(`Upload refused: ${reason}`, response.status >= 500 || expired);
}

/** S3's XML error body, as "Code: Message". */
export function s3ErrorMessage(body: string): string | null {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  if (!code && !message) return null;
  return [code, message].filter(Boolean).join(': ');
}

/** PostForm with fetch (Node and browsers; no upload progress, so it reports only completion). */
export const fetchPost: PostForm = async (url, form, onProgress) => {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body: form });
  } catch (error) {
    // Node's file-backed Blob (fs.openAsBlob) refuses to be read once the file has changed or gone:
    // sending it again cannot help.
    if ((error as { cause?: { name?: unknown } }).cause?.name === 'NotReadableError') {
      throw new UploadError('the file changed or was removed while it was being uploaded; upload it again', false);
    }
    throw error;
  }
  const body = await response.text();
  const file = form.get('file');
  const size = file instanceof Blob ? file.size : 0;
  onProgress(size, size);
  return { status: response.status, body };
};
