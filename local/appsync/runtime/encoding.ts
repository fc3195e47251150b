// util's encoding helpers. AppSync implements them in Java with UTF-8 (its docs: "Unless otherwise
// specified, all utilities use the UTF-8 character set"), so these follow the Java classes' rules.

const utf8 = new TextEncoder();
// Not fatal: Java's new String(bytes, UTF_8) also turns malformed input into U+FFFD.
const fromUtf8 = new TextDecoder('utf-8');

/** java.net.URLEncoder.encode(value, UTF_8): application/x-www-form-urlencoded. */
export function urlEncode(value: string): string {
  let encoded = '';
  for (const byte of utf8.encode(value)) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(char)) encoded += char;
    else if (char === ' ') encoded += '+';
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** java.net.URLDecoder.decode(value, UTF_8): `+` is a space; a malformed `%` escape is an error. */
export function urlDecode(value: string): string {
  return value.replace(/\+|(?:%[\s\S]{0,2})+/g, (run) => {
    if (run === '+') return ' ';
    const bytes: number[] = [];
    for (let i = 0; i < run.length; i += 3) {
      const hex = run.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new Error(`util.urlDecode: illegal escape "${run.slice(i, i + 3)}" in "${value}"`);
      }
      bytes.push(Number.parseInt(hex, 16));
    }
    return fromUtf8.decode(new Uint8Array(bytes));
  });
}

export function base64Encode(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

/**
 * java.util.Base64.getDecoder(): the standard alphabet only (Node's decoder would silently skip
 * anything else), padding optional but correct when present.
 */
export function base64Decode(value: string): string {
  const parts = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(value);
  const body = parts?.[1] ?? '';
  const padding = parts?.[2]?.length ?? 0;
  const tail = body.length % 4;
  if (parts === null || tail === 1 || (padding > 0 && tail + padding !== 4)) {
    throw new Error(`util.base64Decode: "${value}" is not valid base64`);
  }
  return fromUtf8.decode(Buffer.from(body, 'base64'));
}

const ECMASCRIPT_ESCAPES: Record<string, string> = {
  "'": "\\'",
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\n': '\\n',
  '\t': '\\t',
  '\f': '\\f',
  '\r': '\\r',
};

/**
 * Apache Commons Lang's StringEscapeUtils.escapeEcmaScript, the Java escaper the VTL-era utility is
 * built on: quotes, backslash and slash get a backslash, other characters outside printable ASCII
 * become \uXXXX (per UTF-16 unit, upper-case hex).
 */
export function escapeJavaScript(value: string): string {
  let escaped = '';
  for (let i = 0; i < value.length; i += 1) {
    const char = value.charAt(i);
    const code = value.charCodeAt(i);
    escaped +=
      ECMASCRIPT_ESCAPES[char] ??
      (code < 0x20 || code > 0x7f ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : char);
  }
  return escaped;
}
