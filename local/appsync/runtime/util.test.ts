import { describe, expect, it } from 'vitest';
import { util } from '@aws-appsync/utils';

describe('util encoding', () => {
  it('url-encodes as application/x-www-form-urlencoded in UTF-8', () => {
    expect(util.urlEncode("Hello World!*~'()")).toBe('Hello+World%21*%7E%27%28%29');
    expect(util.urlEncode('a.b-c_d/é€')).toBe('a.b-c_d%2F%C3%A9%E2%82%AC');
  });

  it('url-decodes + as a space and %XX runs as UTF-8', () => {
    expect(util.urlDecode('Hello+World%21*%7E%27%28%29')).toBe("Hello World!*~'()");
    expect(util.urlDecode('a%2Fb%C3%A9%E2%82%AC%20c')).toBe('a/bé€ c');
    expect(util.urlDecode(util.urlEncode('round trip: ü & ✓'))).toBe('round trip: ü & ✓');
  });

  it('rejects a malformed % escape, as java.net.URLDecoder does', () => {
    expect(() => util.urlDecode('100%')).toThrow(/illegal escape "%"/);
    expect(() => util.urlDecode('%4')).toThrow(/illegal escape/);
    expect(() => util.urlDecode('%zz')).toThrow(/illegal escape "%zz"/);
  });

  it('encodes and decodes base64 over UTF-8', () => {
    expect(util.base64Encode('hello')).toBe('aGVsbG8=');
    expect(util.base64Encode('é')).toBe('w6k=');
    expect(util.base64Decode('aGVsbG8=')).toBe('hello');
    expect(util.base64Decode('aGVsbG8')).toBe('hello');
    expect(util.base64Decode('w6k=')).toBe('é');
    expect(util.base64Decode('')).toBe('');
  });

  it.each([
    ['a character outside the alphabet', 'aGVs*bG8='],
    ['the URL-safe alphabet', 'a-_b'],
    ['whitespace', 'aGVs bG8='],
    ['a dangling single character', 'aGVsb'],
    ['too much padding', 'aGVsbG8=='],
    ['padding in the middle', 'aG=VsbG8'],
  ])('rejects invalid base64: %s', (_, input) => {
    expect(() => util.base64Decode(input)).toThrow('is not valid base64');
  });

  it('escapes JavaScript as Commons Lang escapeEcmaScript does', () => {
    expect(util.escapeJavaScript(`He said "it's" a/b\\c`)).toBe(`He said \\"it\\'s\\" a\\/b\\\\c`);
    expect(util.escapeJavaScript('line\nbreak\ttab\r\b\f')).toBe('line\\nbreak\\ttab\\r\\b\\f');
    expect(util.escapeJavaScript('\u0001é😀')).toBe('\\u0001\\u00E9\\uD83D\\uDE00');
    expect(util.escapeJavaScript('plain ASCII ~')).toBe('plain ASCII ~');
  });
});

describe('util ids', () => {
  it('generates random version 4 UUIDs', () => {
    const id = util.autoId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(util.autoId()).not.toBe(id);
  });

  it('generates ULIDs', () => {
    const id = util.autoUlid();
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(util.autoUlid()).not.toBe(id);
  });

  it('generates 27-character base62 KSUIDs', () => {
    const id = util.autoKsuid();
    expect(id).toMatch(/^[0-9A-Za-z]{27}$/);
    expect(util.autoKsuid()).not.toBe(id);
  });
});

describe('util.matches', () => {
  it('matches the documented example', () => {
    expect(util.matches('a*b', 'aaaaab')).toBe(true);
  });

  it('needs the whole input to match, like Pattern.matches', () => {
    expect(util.matches('a*b', 'aaaaabc')).toBe(false);
    expect(util.matches('b', 'abc')).toBe(false);
    expect(util.matches('foo|bar', 'foobar')).toBe(false);
    expect(util.matches('foo|bar', 'bar')).toBe(true);
  });

  it('reads Java syntax JavaScript spells differently', () => {
    expect(util.matches('(?i)image-[a-z]+', 'IMAGE-Png')).toBe(true);
    expect(util.matches('\\p{Alpha}+', 'abcXYZ')).toBe(true);
    expect(util.matches('\\p{Alpha}+', 'abç')).toBe(false);
    expect(util.matches('[\\p{Digit}_]+', '1_2')).toBe(true);
    expect(util.matches('\\p{IsLatin}+', 'çé')).toBe(true);
    expect(util.matches('\\pL+', 'ça')).toBe(true);
    expect(util.matches('\\Qa.b*\\E', 'a.b*')).toBe(true);
    expect(util.matches('\\Qa.b*\\E', 'aXbbb')).toBe(false);
    expect(util.matches('\\x{1F600}', '😀')).toBe(true);
    expect(util.matches('\\0101', 'A')).toBe(true);
    expect(util.matches('a\\@b\\#c', 'a@b#c')).toBe(true);
    expect(util.matches('[\\w-]+', 'a-b_c')).toBe(true);
    expect(util.matches('[\\s-x]+', ' -x')).toBe(true);
    expect(util.matches('[\\s-x]', 'a')).toBe(false);
    expect(util.matches('(?<year>\\d{4})-\\k<year>', '2024-2024')).toBe(true);
    expect(util.matches('\\Aab\\z', 'ab')).toBe(true);
  });

  it('keeps \\s to ASCII whitespace, as Java does', () => {
    expect(util.matches('\\s', '\t')).toBe(true);
    expect(util.matches('\\s', '\u00A0')).toBe(false);
    expect(util.matches('\\S', '\u00A0')).toBe(true);
    expect(util.matches('[\\S]', '\u00A0')).toBe(true);
  });

  it.each([
    ['a possessive quantifier', 'a*+b'],
    ['an atomic group', '(?>a)b'],
    ['a mid-pattern flag', 'a(?i)b'],
    ['a class union', '[a-c[x-z]]'],
    ['a class intersection', '[a-z&&[^e]]'],
    ['a Unicode block', '\\p{InGreek}'],
    ['comments mode', '(?x)a b'],
  ])('refuses %s rather than matching something else', (_, pattern) => {
    expect(() => util.matches(pattern, 'a')).toThrow(/util\.matches: cannot use the pattern/);
  });

  it('rejects invalid patterns', () => {
    expect(() => util.matches('(unclosed', 'x')).toThrow(/cannot use the pattern/);
    expect(() => util.matches('a{2', 'aa')).toThrow(/illegal repetition/);
    expect(() => util.matches('[abc', 'a')).toThrow(/unclosed character class/);
  });
});

describe('helpers for data sources ImageGraph does not use', () => {
  it.each(['dynamodb', 'rds', 'http', 'xml'] as const)('util.%s throws a clear error', (name) => {
    expect(() => util[name]).toThrow(`util.${name} is not available in ImageGraph's local APPSYNC_JS runtime`);
  });

  it('does not trip over them when the util object is enumerated', () => {
    expect(Object.keys(util)).not.toContain('dynamodb');
    expect(() => ({ ...util })).not.toThrow();
  });

  it('refuses the DynamoDB transforms', () => {
    expect(() => util.transform.toDynamoDBFilterExpression({ title: { contains: 'x' } })).toThrow(
      "util.transform.toDynamoDBFilterExpression is not available in ImageGraph's local APPSYNC_JS runtime",
    );
    expect(() => util.transform.toDynamoDBConditionExpression({ title: { eq: 'x' } })).toThrow(/not available/);
  });
});
