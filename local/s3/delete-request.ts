/**
 * DeleteObjects' request and answer bodies (pure): the objects a `<Delete>` names, each with the
 * ETag it is conditioned on, and the `<DeleteResult>` for what became of them.
 *
 * S3's limits: 1 to 1,000 objects (API reference), else MalformedXML, as is an object without a
 * `<Key>` or a character reference beyond Unicode; an empty `<Key>` is UserKeyMustBeSpecified. An `<ETag>` makes that object's delete conditional, as If-Match makes a
 * DeleteObject (AWS "conditional deletes"): its outcome is a `<Deleted>` or an `<Error>` entry.
 * `<LastModifiedTime>` and `<Size>` are directory-bucket conditions, which a general purpose
 * bucket refuses (as it refuses their DeleteObject headers, preconditions.ts): the request is
 * refused with 501 NotImplemented, nothing deleted.
 */
import { errors, escapeXml, type S3Error } from './s3-error.ts';

export interface DeleteRequest {
  objects: Array<{ key: string; etag?: string }>;
  /** Quiet mode: only the errors are reported. */
  quiet: boolean;
}

/** DeleteObjects names 1 to 1,000 keys (S3's API reference); else MalformedXML. */
const MAX_DELETE_KEYS = 1000;

export function parseDeleteRequest(xml: string): DeleteRequest {
  const objects = [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map(([, body = '']) => {
    if (/<(LastModifiedTime|Size)>/.test(body)) throw errors.unsupportedHeader(/<LastModifiedTime>/.test(body) ? 'LastModifiedTime' : 'Size');
    const etag = element(body, 'ETag');
    const key = element(body, 'Key');
    if (key === undefined) throw errors.malformedXml();
    // An empty key would reach the store as the bucket's own path: a DeleteBucket.
    if (key === '') throw errors.userKeyMustBeSpecified();
    return { key, ...(etag === undefined ? {} : { etag }) };
  });
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw errors.malformedXml();
  return { objects, quiet: element(xml, 'Quiet') === 'true' };
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
    return String.fromCodePoint(codePoint);
  });
}
