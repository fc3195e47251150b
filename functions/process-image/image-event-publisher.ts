import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4, type SignatureV4Init } from '@smithy/signature-v4';
import type { ImageEventInput } from '../../schema/generated/graphql.ts';
import { DEFAULTS } from '../shared/config.ts';
import { PublishImageProcessedDocument } from './generated/graphql.ts';

/** The mutation text, generated from publish-image-processed.graphql (see why it selects what it does there). */
export const PUBLISH_IMAGE_PROCESSED = PublishImageProcessedDocument.toString();

/**
 * Publishing failed. Always thrown, so SQS retries the event: a GraphQL error of type BadRequest
 * means our event is malformed and a retry will fail the same way, but then the message ends in
 * the dead-letter queue, visible and redrivable once fixed, which beats an event lost in a log.
 */
export class PublishError extends Error {
  override name = 'PublishError';

  constructor(
    message: string,
    /** The HTTP status of the response. */
    readonly status: number,
    /** AppSync's errorType of each GraphQL error (BadRequest, UnauthorizedException...). */
    readonly errorTypes: string[],
  ) {
    super(message);
  }
}

interface GraphQLResponse {
  data?: { publishImageProcessed?: unknown } | null;
  errors?: { message?: string; errorType?: string }[];
}

export interface ImageEventPublisherOptions {
  graphqlUrl: string;
  region: string;
  /** Defaults to the default provider chain (the function role's credentials on Lambda). */
  credentials?: SignatureV4Init['credentials'];
  /** How long one publish may take, start to end (the config's graphqlTimeoutMs). */
  timeoutMs?: number;
  /** For tests. */
  fetch?: typeof fetch;
}

/** Announces outcomes through AppSync's `publishImageProcessed`, authorized by IAM (SigV4). */
export class ImageEventPublisher {
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: ImageEventPublisherOptions) {
    this.url = new URL(options.graphqlUrl);
    this.signer = new SignatureV4({
      service: 'appsync',
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
    });
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.graphqlTimeoutMs;
  }

  /**
   * Resolves once AppSync has accepted the event, which it then fans out to subscribers. `signal`
   * aborts the call too (fetch rejects with its reason).
   */
  async publish(input: ImageEventInput, signal?: AbortSignal): Promise<void> {
    // `input.image` is AWSJSON: already a JSON string, which is how AppSync wants it in variables.
    const body = JSON.stringify({ query: PUBLISH_IMAGE_PROCESSED, variables: { input } });
    const { headers } = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      path: this.url.pathname,
      query: {},
      // The signature covers the host as fetch will send it (with the port, when there is one).
      headers: { host: this.url.host, 'content-type': 'application/json' },
      body,
    });
    const response = await this.fetch(this.url, {
      method: 'POST',
      headers,
      body,
      // Covers the whole exchange, reading the body included: fetch rejects with a TimeoutError.
      signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), ...(signal ? [signal] : [])]),
    });
    const text = await response.text();
    const result = parse(text);
    const errorTypes = (result?.errors ?? []).map((error) => error.errorType ?? 'Unknown');
    if (!response.ok) {
      throw new PublishError(`AppSync answered ${response.status}: ${describe(result) ?? text.slice(0, 300)}`, response.status, errorTypes);
    }
    if (result?.errors?.length) {
      throw new PublishError(`publishImageProcessed failed: ${describe(result)}`, response.status, errorTypes);
    }
    // Without errors, a null result would still mean nothing reached subscribers.
    if (!result?.data?.publishImageProcessed) {
      throw new PublishError(`publishImageProcessed returned no event: ${text.slice(0, 300)}`, response.status, errorTypes);
    }
  }
}

function parse(text: string): GraphQLResponse | null {
  try {
    return JSON.parse(text) as GraphQLResponse;
  } catch {
    return null;
  }
}

function describe(result: GraphQLResponse | null): string | undefined {
  const errors = result?.errors;
  if (!errors?.length) return undefined;
  return errors.map((error) => `${error.errorType ?? 'Error'}: ${error.message ?? ''}`).join('; ');
}
