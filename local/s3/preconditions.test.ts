import { describe, expect, it } from 'vitest';
import { decideRead, deleteConditions, readConditions, refuseDelete, refuseWrite, writeConditions } from './preconditions.ts';
import type { S3Error } from './s3-error.ts';

const ETAG = '"9b2cf535f27731c974343645a3985328"';
const error = (value: unknown) => {
  const { status, code, message, details } = value as S3Error;
  return { status, code, message, details };
};
const refusalOf = (work: () => unknown) => {
  try {
    work();
  } catch (thrown) {
    return error(thrown);
  }
  throw new Error('not refused');
};

describe('deleteConditions and refuseDelete', () => {
  it('is null for an unconditional delete, and reads If-Match', () => {
    expect(deleteConditions({})).toBeNull();
    expect(deleteConditions({ 'if-match': ETAG })).toEqual({ ifMatch: ETAG });
  });

  it('refuses the directory-bucket conditions with 501 naming the header, the last-modified one first', () => {
    const notImplemented = { status: 501, code: 'NotImplemented', message: 'A header you provided implies functionality that is not implemented' };
    expect(refusalOf(() => deleteConditions({ 'x-amz-if-match-size': '7' }))).toEqual({ ...notImplemented, details: { Header: 'x-amz-if-match-size' } });
    const all = { 'if-match': ETAG, 'x-amz-if-match-size': '7', 'x-amz-if-match-last-modified-time': 'Wed, 01 Jan 2025 00:00:00 GMT' };
    expect(refusalOf(() => deleteConditions(all))).toEqual({ ...notImplemented, details: { Header: 'x-amz-if-match-last-modified-time' } });
  });

  it('deletes a matching ETag (quotes aside) or, with *, any object; 412 on another ETag; 404 NoSuchKey on a missing key', () => {
    expect(refuseDelete({ ifMatch: ETAG }, ETAG, 'k')).toBeNull();
    expect(refuseDelete({ ifMatch: ETAG.replace(/"/g, '') }, ETAG, 'k')).toBeNull();
    expect(refuseDelete({ ifMatch: '*' }, ETAG, 'k')).toBeNull();
    expect(error(refuseDelete({ ifMatch: '"0123"' }, ETAG, 'k'))).toMatchObject({ status: 412, code: 'PreconditionFailed', details: { Condition: 'If-Match' } });
    for (const ifMatch of [ETAG, '*']) expect(error(refuseDelete({ ifMatch }, null, 'k'))).toMatchObject({ status: 404, code: 'NoSuchKey', details: { Key: 'k' } });
  });
});

describe('writeConditions', () => {
  it('is null for an unconditional write', () => {
    expect(writeConditions({ 'content-type': 'application/json' })).toBeNull();
  });

  it('reads If-Match and If-None-Match: *', () => {
    expect(writeConditions({ 'if-match': ETAG })).toEqual({ ifMatch: ETAG });
    expect(writeConditions({ 'if-none-match': '*' })).toEqual({ ifNoneMatch: '*' });
  });

  it('refuses If-None-Match with an ETag, and both headers together, with 501 NotImplemented naming the header', () => {
    expect(refusalOf(() => writeConditions({ 'if-none-match': ETAG }))).toEqual({
      status: 501,
      code: 'NotImplemented',
      message: 'A header you provided implies functionality that is not implemented',
      details: { Header: 'If-None-Match', additionalMessage: "We don\\'t accept the provided value of If-None-Match header for this API" },
    });
    expect(refusalOf(() => writeConditions({ 'if-match': ETAG, 'if-none-match': '*' }))).toMatchObject({
      status: 501,
      details: { Header: 'If-Match,If-None-Match', additionalMessage: 'Multiple conditional request headers present in the request' },
    });
  });
});

describe('refuseWrite', () => {
  it('If-None-Match: * writes only where no object is', () => {
    expect(refuseWrite({ ifNoneMatch: '*' }, null, 'a.json')).toBeNull();
    expect(error(refuseWrite({ ifNoneMatch: '*' }, ETAG, 'a.json'))).toEqual({
      status: 412,
      code: 'PreconditionFailed',
      message: 'At least one of the pre-conditions you specified did not hold',
      details: { Condition: 'If-None-Match' },
    });
  });

  it('If-Match writes only over the object with that ETag, quoted or not', () => {
    expect(refuseWrite({ ifMatch: ETAG }, ETAG, 'a.json')).toBeNull();
    expect(refuseWrite({ ifMatch: ETAG.replace(/"/g, '') }, ETAG, 'a.json')).toBeNull();
    expect(error(refuseWrite({ ifMatch: '"0000"' }, ETAG, 'a.json'))).toMatchObject({ status: 412, code: 'PreconditionFailed', details: { Condition: 'If-Match' } });
  });

  it('If-Match on a missing key is 404 NoSuchKey, as AWS answers', () => {
    expect(error(refuseWrite({ ifMatch: ETAG }, null, 'meta/a.json'))).toEqual({
      status: 404,
      code: 'NoSuchKey',
      message: 'The specified key does not exist.',
      details: { Key: 'meta/a.json' },
    });
  });
});

describe('decideRead', () => {
  const current = { etag: ETAG, lastModified: new Date('2026-12-05T12:00:00Z') };
  const decide = (headers: Record<string, string>) => {
    const conditions = readConditions(headers);
    if (!conditions) throw new Error('no conditions');
    const decision = decideRead(conditions, current);
    return typeof decision === 'string' ? decision : error(decision);
  };
  const before = 'Sat, 05 Dec 2026 11:00:00 GMT';
  const same = 'Sat, 05 Dec 2026 12:00:00 GMT';

  it('has no conditions without the headers', () => {
    expect(readConditions({ range: 'bytes=0-1' })).toBeNull();
  });

  it('If-Match: the object when the ETag (or one of a list, or *) matches, else 412', () => {
    expect(decide({ 'if-match': ETAG })).toBe('proceed');
    expect(decide({ 'if-match': `"other", ${ETAG}` })).toBe('proceed');
    expect(decide({ 'if-match': '*' })).toBe('proceed');
    expect(decide({ 'if-match': '"other"' })).toMatchObject({ status: 412, code: 'PreconditionFailed', details: { Condition: 'If-Match' } });
  });

  it('If-None-Match: 304 when the ETag matches, else the object', () => {
    expect(decide({ 'if-none-match': ETAG })).toBe('not-modified');
    expect(decide({ 'if-none-match': `W/${ETAG}` })).toBe('not-modified');
    expect(decide({ 'if-none-match': '"other"' })).toBe('proceed');
  });

  it('If-Modified-Since: 304 unless modified after the date; If-Unmodified-Since: 412 if modified after it', () => {
    expect(decide({ 'if-modified-since': same })).toBe('not-modified');
    expect(decide({ 'if-modified-since': before })).toBe('proceed');
    expect(decide({ 'if-unmodified-since': same })).toBe('proceed');
    expect(decide({ 'if-unmodified-since': before })).toMatchObject({ status: 412, details: { Condition: 'If-Unmodified-Since' } });
  });

  it('follows AWS’s precedence: If-Match over If-Unmodified-Since, If-None-Match over If-Modified-Since', () => {
    // GetObject: If-Match true and If-Unmodified-Since false -> 200.
    expect(decide({ 'if-match': ETAG, 'if-unmodified-since': before })).toBe('proceed');
    // If-None-Match false and If-Modified-Since true -> 304.
    expect(decide({ 'if-none-match': ETAG, 'if-modified-since': before })).toBe('not-modified');
    expect(decide({ 'if-none-match': '"other"', 'if-modified-since': same })).toBe('proceed');
    // A failed If-Match is 412 even where If-None-Match would say 304.
    expect(decide({ 'if-match': '"other"', 'if-none-match': ETAG })).toMatchObject({ status: 412 });
  });

  it('ignores a date it cannot parse', () => {
    expect(readConditions({ 'if-modified-since': 'yesterday' })).toBeNull();
  });
});
