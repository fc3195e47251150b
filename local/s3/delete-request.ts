/**
 * DeleteObjects' request and answer bodies (pure): the objects a `<Delete>` names, each with the
 * ETag it is conditioned on, and the `<DeleteResult>` for what became of them.
 *
 * S3's limits: 1 to 1,000 objects (API reference), else MalformedXML, as is an object without a
 * `<Key>` or a character XML 1.0 cannot carry; an empty `<Key>` is UserKeyMustBeSpecified, a key
 * over 1,024 bytes KeyTooLongError; the body comes with a digest S3 checks (front.ts, body-digests.ts). An `<ETag>` makes that object's delete conditional, as If-Match makes a
 * DeleteObject (AWS "conditional deletes"): its outcome is a `<Deleted>` or an `<Error>` entry.
 * `<LastModifiedTime>` and `<Size>` are directory-bucket conditions, which a general purpose
 * bucket refuses (as it refuses their DeleteObject headers, preconditions.ts): the request is
 * refused with 501 NotImplemented, nothing deleted.
 */
import { errors, escapeXml, holdsNonXmlCharacter, type S3Error } from './s3-error.ts';
import { MAX_KEY_BYTES, utf8Length } from './store-keys.ts';

export interface DeleteRequest {
  objects: Array<{ key: string; etag?: string }>;
  /** Quiet mode: only the errors are reported. */
  quiet: boolean;
}

/** DeleteObjects names 1 to 1,000 keys (S3's API reference); else MalformedXML. */
const MAX_DELETE_KEYS = 1000;

export function parseDeleteRequest(xml: string): DeleteRequest {
  // A character XML 1.0 cannot carry is no well-formed XML, written as it is or as a reference
  // (`&#x1;`: MalformedXML from AWS, riak_cs issue 974), so such a key is deleted by DeleteObject only.
  if (holdsNonXmlCharacter(xml)) throw errors.malformedXml();
  const objects = objectBodies(xml).map((body) => {
    if (/<(LastModifiedTime|Size)>/.test(body)) throw errors.unsupportedHeader(/<LastModifiedTime>/.test(body) ? 'LastModifiedTime' : 'Size');
    const etag = element(body, 'ETag');
    const key = element(body, 'Key');
    if (key === undefined) throw errors.malformedXml();
    // An empty key would reach the store as the bucket's own path: a DeleteBucket.
    if (key === '') throw errors.userKeyMustBeSpecified();
    return { key, ...(etag === undefined ? {} : { etag }) };
  });
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw errors.malformedXml();
  // The whole request is refused, nothing deleted (AWS's answer in aws-sdk-net issue 3828: an
  // error for the request, "none of the objects is deleted"), not one <Error> entry.
  const tooLong = objects.find(({ key }) => utf8Length(key) > MAX_KEY_BYTES);
  if (tooLong) throw errors.keyTooLong(utf8Length(tooLong.key), MAX_KEY_BYTES);
  return { objects, quiet: element(xml, 'Quiet') === 'true' };
}

/**
 * The text of each `<Object>…</Object>`, as `/<Object>([\s\S]*?)<\/Object>/g` finds them, in one
 * pass: that regex rescans the rest of the body from every unclosed `<Object>`, so 4 MiB of them
 * (MAX_DELETE_BODY_BYTES, front.ts) held the front's event loop for minutes.
 */
function objectBodies(xml: string): string[] {
  const OPEN = '<Object>';
  const CLOSE = '</Object>';
  const bodies: string[] = [];
  for (let start = xml.indexOf(OPEN); start !== -1; ) {
    const end = xml.indexOf(CLOSE, start + OPEN.length);
    // No later <Object> is closed either.
    if (end === -1) break;
    bodies.push(xml.slice(start + OPEN.length, end));
    start = xml.indexOf(OPEN, end + CLOSE.length);
  }
  return bodies;
}

/** The answer: a `<Deleted>` per deleted key (none when quiet) and an `<Error>` per refused one, in request order. */
export function deleteResultXml(outcomes: ReadonlyArray<{ key: string; error: S3Error | null }>, quiet: boolean): string {
  const entries = outcomes.map(({ key, error }) => {
    if (error) return `<Error><Key>${escapeXml(key)}</Key><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error>`;
    return quiet ? '' : `<Deleted><Key>${escapeXml(key)}</Key></Deleted>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${entries.join('')}</DeleteResult>`;
}

/** The text of the first `<name>` element in `xml`, entities decoded. */
function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match ? decodeEntities(match[1] ?? '') : undefined;
}

function decodeEntities(text: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name: string) => {
    if (!name.startsWith('#')) return entities[name] ?? entity;
    const codePoint = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
    if (codePoint > 0x10ffff) throw errors.malformedXml();
    const character = String.fromCodePoint(codePoint);
    if (holdsNonXmlCharacter(character)) throw errors.malformedXml();
    return character;
  });
}
