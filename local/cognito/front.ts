/**
 * The HTTP edge in front of cognito-local's express application, checking what the Cognito user
 * pools API checks and cognito-local does not:
 * - IAM-only actions (Admin*, List*, CreateUserPoolClient, ...) need SigV4 for `cognito-idp` with
 *   the local key pair; the public ones (SignUp, ConfirmSignUp, InitiateAuth, ForgotPassword,
 *   GetUser, ...: unauthenticated or authorized by the user's own token) stay open, as on AWS.
 *   Which is which is read from the AWS SDK's own model of the API (the operations it sends with
 *   its `smithy.api#noAuth` scheme), so the list is never written twice.
 * - the loopback Host (local/request-guard.ts). Any Origin is allowed: Cognito's API answers CORS
 *   for any origin, since browsers call the public actions directly and IAM actions need keys.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type IncomingMessage, type RequestListener, type Server, type ServerResponse, createServer } from 'node:http';
import { readBody } from '../http-server.ts';
import { guardRefusal } from '../request-guard.ts';
import { checkSigV4Headers, FIVE_MINUTES_MS, JSON_PROTOCOL_ERROR, type KeyPair, SigV4Refused, type SigV4Scope, verifyIncomingRequest } from '../sigv4.ts';

/** Far above any user pool request; a larger body is refused before it is read whole. */
const MAX_BODY_BYTES = 1024 * 1024;
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export interface CognitoFrontOptions {
  /** The key pair IAM-only actions must be signed with. */
  credentials: KeyPair;
  region: string;
}

/** True for the actions AWS serves without AWS credentials (public, or authorized by a user token). */
export function publicActionCheck(region: string): (action: string) => boolean {
  const schemes = new CognitoIdentityProviderClient({ region }).config.httpAuthSchemeProvider;
  return (action) => schemes({ operation: action, region }).some((option) => option.schemeId === 'smithy.api#noAuth');
}

export function createCognitoFront(application: RequestListener, options: CognitoFrontOptions): Server {
  const scope: SigV4Scope = { service: 'cognito-idp', region: options.region, credentials: options.credentials, maxSkewMs: FIVE_MINUTES_MS };
  const isPublic = publicActionCheck(options.region);
  return createServer((request, response) => {
    const refused = guardRefusal(request, { kind: 'any' });
    if (refused) {
      request.resume();
      sendError(response, 403, 'ForbiddenException', refused.message);
      return;
    }
    // The key set, CORS preflights: nothing to authorize.
    if (request.method !== 'POST') {
      application(request, response);
      return;
    }
    authorize(request, scope, isPublic).then(
      (body) => {
        // body-parser leaves a request whose stream has been read alone, with this body.
        (request as IncomingMessage & { body?: unknown }).body = body;
        application(request, response);
      },
      (error: unknown) => {
        if (error instanceof CognitoRefusal) sendError(response, error.status, error.type, error.message);
        else sendError(response, 500, 'InternalErrorException', (error as Error).message);
      },
    );
  });
}

class CognitoRefusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the body, checks the signature an IAM-only action needs, and returns the parsed input. */
async function authorize(request: IncomingMessage, scope: SigV4Scope, isPublic: (action: string) => boolean): Promise<unknown> {
  const target = request.headers['x-amz-target'];
  const action = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  const signed = !isPublic(action);
  let raw: Buffer;
  try {
    // A caller without the key is refused before its body is buffered.
    if (signed) checkSigV4Headers(request.headers, scope);
    raw = await readBody(request, MAX_BODY_BYTES, () => new CognitoRefusal(400, 'InvalidParameterException', `The request body is larger than ${MAX_BODY_BYTES} bytes.`));
    if (signed) await verifyIncomingRequest(request, raw, scope);
  } catch (error) {
    if (!(error instanceof SigV4Refused)) throw error;
    request.resume();
    // Cognito, like AWS's other JSON-protocol services, answers these with 400.
    throw new CognitoRefusal(400, JSON_PROTOCOL_ERROR[error.problem], error.message);
  }
  // cognito-local would run the action on an empty input (and fail with a 500).
  if (!/^application\/x-amz-json-1\.1/i.test(request.headers['content-type'] ?? '')) {
    throw new CognitoRefusal(400, 'SerializationException', 'The request must be sent with Content-Type: application/x-amz-json-1.1.');
  }
  try {
    return raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as unknown);
  } catch {
    throw new CognitoRefusal(400, 'SerializationException', 'The request body is not valid JSON.');
  }
}

/** Cognito's JSON error shape, as cognito-local sends its own. */
function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  const text = JSON.stringify({ __type: type, message });
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-errortype': type });
  response.end(text);
}
