import { randomBytes } from 'node:crypto';

/**
 * An error as S3 reports it: an HTTP status and an XML body with Code, Message and, for some
 * codes, extra elements (ProposedSize, Expires, ...), always followed by RequestId and HostId.
 */
export class S3Error extends Error {
  override name = 'S3Error';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, string | number> = {},
  ) {
    super(message);
  }

  toXml(requestId: string): string {
    const elements = { Code: this.code, Message: this.message, ...this.details, RequestId: requestId, HostId: randomBytes(48).toString('base64') };
    const body = Object.entries(elements)
      .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${body}</Error>`;
  }
}

/** What XML 1.0's Char production leaves out: C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF. */
const NOT_XML_CHARACTER = /[\0-\x08\v\f\x0e-\x1f\ufffe\uffff]|\p{Cs}/u;

export function holdsNonXmlCharacter(text: string): boolean {
  return NOT_XML_CHARACTER.test(text);
}

export function escapeXml(text: string): string {
  return characterReferences(text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`));
}

/**
 * `xml` with each character XML 1.0 cannot carry, which an S3 key may hold, written as a character
 * reference, as S3 writes them (`<Key>a&#x19;&#x7;</Key>` from AWS in minio-py issue 716, `&#x1;`
 * in riak_cs PR 1255): not well-formed XML either, but what S3 answers and what the SDK reads back.
 */
export function characterReferences(xml: string): string {
  return xml.replace(new RegExp(NOT_XML_CHARACTER, 'gu'), (char) => `&#x${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()};`);
}

/** The errors the front raises, with S3's codes, statuses and messages. */
export const errors = {
  accessDenied: (message = 'Access Denied') => new S3Error(403, 'AccessDenied', message),
  invalidAccessKeyId: (accessKeyId: string) =>
    new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: accessKeyId }),
  signatureDoesNotMatch: (accessKeyId: string) =>
    new S3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { AWSAccessKeyId: accessKeyId },
    ),
  expired: (expires: Date, now: Date, expiresSeconds?: string) =>
    new S3Error(403, 'AccessDenied', 'Request has expired', {
      ...(expiresSeconds === undefined ? {} : { 'X-Amz-Expires': expiresSeconds }),
      Expires: isoSeconds(expires),
      ServerTime: isoSeconds(now),
    }),
  tooSkewed: (requestTime: Date, now: Date) =>
    new S3Error(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
      RequestTime: requestTime.toISOString(),
      ServerTime: now.toISOString(),
      MaxAllowedSkewMilliseconds: 900_000,
    }),
  headerMalformed: (message: string) => new S3Error(400, 'AuthorizationHeaderMalformed', message),
  queryMalformed: (message: string) => new S3Error(400, 'AuthorizationQueryParametersError', message),
  invalidArgument: (message: string, details: Record<string, string> = {}) => new S3Error(400, 'InvalidArgument', message, details),
  invalidRequest: (message: string) => new S3Error(400, 'InvalidRequest', message),
  contentSha256Mismatch: (client: string, computed: string) =>
    new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
      ClientComputedContentSHA256: client,
      S3ComputedContentSHA256: computed,
    }),
  invalidPolicyDocument: (message: string) => new S3Error(400, 'InvalidPolicyDocument', message),
  policyViolation: (reason: string) => new S3Error(403, 'AccessDenied', `Invalid according to Policy: ${reason}`),
  tooLarge: (size: number, max: number) =>
    new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { ProposedSize: size, MaxSizeAllowed: max }),
  tooSmall: (size: number, min: number) =>
    new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', { ProposedSize: size, MinSizeAllowed: min }),
  malformedPost: (message: string) => new S3Error(400, 'MalformedPOSTRequest', message),
  malformedXml: () =>
    new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema'),
  corsForbidden: (method: string) =>
    new S3Error(
      403,
      'AccessForbidden',
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      { Method: method, ResourceType: 'OBJECT' },
    ),
  corsBadRequest: (message: string) => new S3Error(400, 'BadRequest', message),
  noSuchKey: (key: string) => new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }),
  preconditionFailed: (condition: string) =>
    new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: condition }),
  /** S3's answer when a delete of the key succeeded while a conditional write to it was under way. */
  conditionalRequestConflict: () =>
    new S3Error(
      409,
      'ConditionalRequestConflict',
      'A conflicting operation occurred. If using PutObject you can retry the request. If using multipart upload you should initiate another CreateMultipartUpload request and re-upload each part.',
    ),
  /** S3's refusal of a header form it does not accept (S3 names the code NotImplemented). */
  unsupportedHeader: (header: string, additionalMessage?: string) =>
    new S3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', {
      Header: header,
      ...(additionalMessage === undefined ? {} : { additionalMessage }),
    }),
  /** AWS's error-code table; a DeleteObjects `<Key>` left empty (S3-compatible gateways record it so). */
  userKeyMustBeSpecified: () =>
    new S3Error(400, 'UserKeyMustBeSpecified', 'The bucket POST must contain the specified field name. If it is specified, check the order of the fields.'),
  keyTooLong: (size: number, max: number) => new S3Error(400, 'KeyTooLongError', 'Your key is too long', { Size: size, MaxSizeAllowed: max }),
  /** Operations S3 requires a body digest for (DeleteObjects): neither Content-MD5 nor an x-amz-checksum-* header (versitygw issue 1301 records AWS's body). */
  missingDigest: () => new S3Error(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*'),
  invalidMd5: () => new S3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.'),
  md5Mismatch: () => new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.'),
  invalidChecksum: (header: string) => new S3Error(400, 'InvalidRequest', `Value for ${header} header is invalid.`),
  /**
   * `algorithm` as S3 names it, upper case: "The CRC32 you specified…" (aws-sdk-ruby issue 3322), "The SHA1 you specified…" and
   * "The SHA256 you specified…" (AWS answers quoted in versitygw issue 1694 and a Go S3 client's test fixture), "The CRC64NVME…" (versitygw issue 1653).
   */
  checksumMismatch: (algorithm: string) => new S3Error(400, 'BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`),
  /** An aws-chunked trailer missing, or not `name:value` (AWS's answer, versitygw issues 1600 and 1691). */
  malformedTrailer: () =>
    new S3Error(400, 'MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.'),
  /** A decoded body of another size than its x-amz-decoded-content-length (S3's error-code table; the fields: versitygw issue 1684). */
  incompleteBody: (expected: number, provided: number) =>
    new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', { NumberBytesExpected: expected, NumberBytesProvided: provided }),
  /** An aws-chunked body cut off or not such framing (AWS's answer, versitygw issues 1666 and 1685). */
  malformedChunks: () => new S3Error(400, 'IncompleteBody', 'The request body terminated unexpectedly'),
  /** A chunk under 8 KiB followed by another with bytes: `chunk` is the later one's number, `size` the small one's (AWS's answer, versitygw issues 1665 and 2085). */
  invalidChunkSize: (chunk: number, size: number) =>
    new S3Error(400, 'InvalidChunkSizeError', 'Only the last chunk is allowed to have a size less than 8192 bytes', { Chunk: chunk, BadChunkSize: size }),
  /** A streaming upload without a decimal x-amz-decoded-content-length (AWS's answer, versitygw issue 1656). */
  missingContentLength: () => new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.'),
};

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
