/**
 * S3's conditional requests, decided from the request's headers and the object's current state
 * (pure: the front reads the state and applies the answer).
 *
 * Writes (PutObject, CopyObject, CompleteMultipartUpload; AWS "conditional writes"): `If-None-Match: *`
 * writes only where no object is, `If-Match: <etag>` only over that object. As AWS answers (its
 * API reference, and versitygw's gateway, whose tests run against AWS): a failed condition is
 * `412 PreconditionFailed` with the `Condition`, If-Match on a missing key `404 NoSuchKey`, an
 * If-None-Match other than `*`, or both headers at once, `501 NotImplemented`. ETags compare
 * without their quotes.
 *
 * Deletes (DeleteObject; AWS "conditional deletes", general purpose buckets since 2025): `If-Match: *`
 * deletes only an object that exists, `If-Match: <etag>` only that object; a failed match is
 * `412 PreconditionFailed`, and either form on a missing key `404 NoSuchKey` (measured against AWS:
 * localstack issue 13894, moto). `x-amz-if-match-last-modified-time` and `x-amz-if-match-size` are
 * for directory buckets only: on a general purpose bucket AWS answers `501 NotImplemented` naming
 * the header, the last-modified one first (localstack's snapshot recorded against AWS).
 *
 * Reads (GetObject, HeadObject): RFC 7232 section 6's order, which AWS's GetObject reference
 * spells out: If-Match, else If-Unmodified-Since, fails with 412; then If-None-Match, else
 * If-Modified-Since, answers 304 Not Modified. Unparseable dates are ignored.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { errors, type S3Error } from './s3-error.ts';

export interface WriteConditions {
  ifMatch?: string;
  /** Always `*`: any other value is refused. */
  ifNoneMatch?: '*';
}

export interface ReadConditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
}

/** The headers this module decides on; the front keeps them from the store, which half-honours them. */
export const CONDITION_HEADERS = ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'] as const;

/** A write's conditions, null for an unconditional write; throws S3's error for ones it refuses. */
export function writeConditions(headers: IncomingHttpHeaders): WriteConditions | null {
  const ifMatch = single(headers['if-match']);
  const ifNoneMatch = single(headers['if-none-match']);
  if (ifMatch === undefined && ifNoneMatch === undefined) return null;
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') throw errors.unsupportedHeader('If-None-Match', "We don\\'t accept the provided value of If-None-Match header for this API");
  if (ifMatch !== undefined && ifNoneMatch !== undefined) throw errors.unsupportedHeader('If-Match,If-None-Match', 'Multiple conditional request headers present in the request');
  return ifMatch !== undefined ? { ifMatch } : { ifNoneMatch: '*' };
}

/** Null when the write may go ahead over `current` (the stored object's ETag, null if none), else S3's refusal. */
export function refuseWrite(conditions: WriteConditions, current: string | null, key: string): S3Error | null {
  if (conditions.ifNoneMatch) return current === null ? null : errors.preconditionFailed('If-None-Match');
  if (conditions.ifMatch === undefined) return null;
  if (current === null) return errors.noSuchKey(key);
  return unquote(conditions.ifMatch) === unquote(current) ? null : errors.preconditionFailed('If-Match');
}

export interface DeleteConditions {
  /** `*` or an ETag. */
  ifMatch: string;
}

/** A delete's conditions, null for an unconditional delete; throws S3's error for headers AWS refuses on this bucket type. */
export function deleteConditions(headers: IncomingHttpHeaders): DeleteConditions | null {
  for (const header of ['x-amz-if-match-last-modified-time', 'x-amz-if-match-size']) {
    if (headers[header] !== undefined) throw errors.unsupportedHeader(header);
  }
  const ifMatch = single(headers['if-match']);
  return ifMatch === undefined ? null : { ifMatch };
}

/** Null when the delete may go ahead on `current` (the stored object's ETag, null if none), else S3's refusal. */
export function refuseDelete(conditions: DeleteConditions, current: string | null, key: string): S3Error | null {
  if (current === null) return errors.noSuchKey(key);
  return conditions.ifMatch.trim() === '*' || unquote(conditions.ifMatch) === unquote(current) ? null : errors.preconditionFailed('If-Match');
}

/** A read's conditions, null when it has none. */
export function readConditions(headers: IncomingHttpHeaders): ReadConditions | null {
  const conditions: ReadConditions = {
    ifMatch: single(headers['if-match']),
    ifNoneMatch: single(headers['if-none-match']),
    ifModifiedSince: httpDate(headers['if-modified-since']),
    ifUnmodifiedSince: httpDate(headers['if-unmodified-since']),
  };
  return Object.values(conditions).some((value) => value !== undefined) ? conditions : null;
}

/** What a read of `current` answers: the object, 304, or S3's 412. */
export function decideRead(conditions: ReadConditions, current: { etag: string; lastModified: Date }): 'proceed' | 'not-modified' | S3Error {
  if (conditions.ifMatch !== undefined) {
    if (!listMatches(conditions.ifMatch, current.etag)) return errors.preconditionFailed('If-Match');
  } else if (conditions.ifUnmodifiedSince && current.lastModified > conditions.ifUnmodifiedSince) {
    return errors.preconditionFailed('If-Unmodified-Since');
  }
  if (conditions.ifNoneMatch !== undefined) {
    if (listMatches(conditions.ifNoneMatch, current.etag)) return 'not-modified';
  } else if (conditions.ifModifiedSince && current.lastModified <= conditions.ifModifiedSince) {
    return 'not-modified';
  }
  return 'proceed';
}

/** `*` or a comma-separated list of ETags (RFC 7232), compared without quotes or a weak prefix. */
function listMatches(header: string, etag: string): boolean {
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || unquote(tag.replace(/^W\//, '')) === unquote(etag);
  });
}

function unquote(etag: string): string {
  return etag.trim().replace(/^"(.*)"$/, '$1');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function httpDate(value: string | string[] | undefined): Date | undefined {
  const text = single(value);
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time);
}
