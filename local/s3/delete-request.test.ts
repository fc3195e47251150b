import { describe, expect, it } from 'vitest';
import { deleteResultXml, parseDeleteRequest } from './delete-request.ts';
import { errors, type S3Error } from './s3-error.ts';

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (thrown) {
    const { status, code, details } = thrown as S3Error;
    return { status, code, details };
  }
  throw new Error('not refused');
};

describe('parseDeleteRequest', () => {
  it('reads each object with its ETag, entities decoded, and Quiet', () => {
    const xml =
      '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a &amp; b&#x1F600;</Key><ETag>&quot;9b2c&quot;</ETag></Object>' +
      '<Object><Key>plain</Key></Object><Quiet>true</Quiet></Delete>';
    expect(parseDeleteRequest(xml)).toEqual({ objects: [{ key: 'a & b😀', etag: '"9b2c"' }, { key: 'plain' }], quiet: true });
    expect(parseDeleteRequest('<Delete><Object><Key>k</Key></Object></Delete>').quiet).toBe(false);
  });

  it("refuses past S3's limits (MalformedXML) and the directory-bucket conditions (501)", () => {
    const many = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`;
    expect(codeOf(() => parseDeleteRequest(many))).toMatchObject({ status: 400, code: 'MalformedXML' });
    expect(codeOf(() => parseDeleteRequest('<Delete><Quiet>true</Quiet></Delete>'))).toMatchObject({ status: 400, code: 'MalformedXML' });
    // A body of unclosed objects, read in one pass (a rescan from each took minutes).
    expect(codeOf(() => parseDeleteRequest(`<Delete>${'<Object>'.repeat(500_000)}`))).toMatchObject({ status: 400, code: 'MalformedXML' });
    expect(codeOf(() => parseDeleteRequest('<Delete><Object><Key>&#99999999;</Key></Object></Delete>'))).toMatchObject({ code: 'MalformedXML' });
    const sized = '<Delete><Object><Key>k</Key><Size>4</Size></Object></Delete>';
    expect(codeOf(() => parseDeleteRequest(sized))).toMatchObject({ status: 501, code: 'NotImplemented', details: { Header: 'Size' } });
    const dated = '<Delete><Object><Key>k</Key><LastModifiedTime>2025-01-01T00:00:00Z</LastModifiedTime></Object></Delete>';
    expect(codeOf(() => parseDeleteRequest(dated))).toMatchObject({ details: { Header: 'LastModifiedTime' } });
  });

  it('refuses an object without a key (MalformedXML) or with an empty one (UserKeyMustBeSpecified), which would name the bucket', () => {
    expect(codeOf(() => parseDeleteRequest('<Delete><Object><ETag>"e"</ETag></Object></Delete>'))).toMatchObject({ status: 400, code: 'MalformedXML' });
    const empty = '<Delete><Object><Key>k</Key></Object><Object><Key></Key></Object></Delete>';
    expect(codeOf(() => parseDeleteRequest(empty))).toMatchObject({ status: 400, code: 'UserKeyMustBeSpecified' });
  });
});

describe('parseDeleteRequest, keys', () => {
  it('refuses the whole request for a key over 1,024 bytes of UTF-8 (KeyTooLongError), and takes 1,024', () => {
    const request = (key: string) => `<Delete><Object><Key>ok</Key></Object><Object><Key>${key}</Key></Object></Delete>`;
    expect(parseDeleteRequest(request('é'.repeat(512))).objects).toHaveLength(2);
    expect(codeOf(() => parseDeleteRequest(request(`x${'é'.repeat(512)}`)))).toMatchObject({ status: 400, code: 'KeyTooLongError', details: { Size: 1025, MaxSizeAllowed: 1024 } });
  });

  it('refuses characters XML 1.0 cannot carry, raw or as references (MalformedXML), and takes tab, LF and CR references', () => {
    for (const key of ['a\u0001b', 'a\0b', 'a&#x1;b', 'a&#0;b', 'a&#xFFFE;b', 'a&#xD800;b', 'a\u001fb']) {
      expect(codeOf(() => parseDeleteRequest(`<Delete><Object><Key>${key}</Key></Object></Delete>`))).toMatchObject({ status: 400, code: 'MalformedXML' });
    }
    expect(parseDeleteRequest('<Delete><Object><Key>a&#9;&#xA;&#13;b</Key></Object></Delete>').objects).toEqual([{ key: 'a\t\n\rb' }]);
  });
});

describe('deleteResultXml', () => {
  const outcomes = [
    { key: 'gone & done', error: null },
    { key: 'kept', error: errors.preconditionFailed('If-Match') },
  ];

  it('reports a Deleted or an Error entry per object, in request order, escaped', () => {
    expect(deleteResultXml(outcomes, false)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Deleted><Key>gone &#38; done</Key></Deleted>' +
        '<Error><Key>kept</Key><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>' +
        '</DeleteResult>',
    );
  });

  it('reports only the errors when quiet', () => {
    expect(deleteResultXml(outcomes, true)).not.toContain('<Deleted>');
    expect(deleteResultXml(outcomes, true)).toContain('<Error><Key>kept</Key>');
  });
});
