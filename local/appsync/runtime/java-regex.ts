// util.matches takes a java.util.regex.Pattern and, like Pattern.matches, must match the whole
// input. This translates Java pattern syntax to a JavaScript RegExp (in `u` mode, which like Java
// works on code points). Java constructs JavaScript cannot express (possessive quantifiers, atomic
// groups, class unions and intersections, mid-pattern flags, ...) throw instead of silently
// matching something else.

const SYNTAX_CHARACTERS = '^$\\.*+?()[]{}|/';

/** Java's \s is ASCII whitespace only; JavaScript's also takes Unicode spaces. */
const ASCII_SPACE = '\\t-\\r ';
const NOT_ASCII_SPACE = '\\0-\\x08\\x0E-\\x1F\\x21-\\u{10FFFF}';

/** Java's POSIX classes (US-ASCII only), as character class contents. */
const POSIX_CLASSES = new Map([
  ['Lower', 'a-z'],
  ['Upper', 'A-Z'],
  ['ASCII', '\\0-\\x7F'],
  ['Alpha', 'a-zA-Z'],
  ['Digit', '0-9'],
  ['Alnum', 'a-zA-Z0-9'],
  ['Punct', '!-\\/:-@\\[-`{-~'],
  ['Graph', '!-~'],
  ['Print', ' -~'],
  ['Blank', ' \\t'],
  ['Cntrl', '\\0-\\x1F\\x7F'],
  ['XDigit', '0-9a-fA-F'],
  ['Space', ASCII_SPACE],
]);

const FLAGS = new Map([
  ['i', 'i'],
  ['m', 'm'],
  ['s', 's'],
  // UNICODE_CASE: JavaScript's `u` mode already folds case over all of Unicode.
  ['u', ''],
]);

class PatternError extends Error {}

// Resolvers pass the same few literal patterns on every request, so each is translated once. The
// RegExps have no `g` or `y` flag, so test() keeps no state between callers. Bounded so patterns
// built from request data cannot grow it without limit.
const TRANSLATED = new Map<string, RegExp>();
const MAX_TRANSLATED = 256;

/** A RegExp that matches an input exactly when Java's Pattern.matches(pattern, input) would. */
export function javaFullMatch(pattern: string): RegExp {
  let regExp = TRANSLATED.get(pattern);
  if (regExp === undefined) {
    regExp = translate(pattern);
    if (TRANSLATED.size >= MAX_TRANSLATED) TRANSLATED.clear();
    TRANSLATED.set(pattern, regExp);
  }
  return regExp;
}

function translate(pattern: string): RegExp {
  try {
    const { flags, body } = leadingFlags(pattern);
    return new RegExp(`^(?:${new Translator(body).translate()})$`, `${flags}u`);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`util.matches: cannot use the pattern ${JSON.stringify(pattern)}: ${reason}`, { cause });
  }
}

/** Java flags set at the very start, e.g. (?i); set anywhere else they have no JavaScript equivalent. */
function leadingFlags(pattern: string): { flags: string; body: string } {
  const group = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (group === null) return { flags: '', body: pattern };
  let flags = '';
  for (const flag of group[1] ?? '') {
    const translated = FLAGS.get(flag);
    if (translated === undefined) throw new PatternError(`the flag (?${flag}) is not supported`);
    if (!flags.includes(translated)) flags += translated;
  }
  return { flags, body: pattern.slice(group[0].length) };
}

class Translator {
  private at = 0;
  private output = '';
  /** Whether the last escape stood for a set of characters (\d, \s, \p{...}) rather than one. */
  private escapedSet = false;

  constructor(private readonly pattern: string) {}

  translate(): string {
    while (this.at < this.pattern.length) {
      const char = this.next();
      if (char === '\\') this.output += this.escape(false);
      else if (char === '[') this.characterClass();
      else if (char === '(') this.group();
      else if (char === '{') this.repetition();
      else if (char === '*' || char === '+' || char === '?') this.quantifier(char);
      // A lone ] or } is a literal in Java and a syntax error in JavaScript's `u` mode.
      else if (char === ']' || char === '}') this.output += `\\${char}`;
      else this.output += char;
    }
    return this.output;
  }

  private next(): string {
    const char = this.pattern.charAt(this.at);
    this.at += 1;
    return char;
  }

  private peek(): string {
    return this.pattern.charAt(this.at);
  }

  private unsupported(construct: string): never {
    throw new PatternError(`${construct} (at index ${this.at - 1}) has no JavaScript equivalent`);
  }

  private quantifier(char: string): void {
    this.output += char;
    if (this.peek() === '+') this.unsupported('a possessive quantifier');
  }

  private repetition(): void {
    const bounds = /^\d+(,\d*)?\}/.exec(this.pattern.slice(this.at));
    if (bounds === null) throw new PatternError(`illegal repetition at index ${this.at - 1}`);
    this.at += bounds[0].length;
    this.quantifier(`{${bounds[0]}`);
  }

  private group(): void {
    if (this.peek() !== '?') {
      this.output += '(';
      return;
    }
    const rest = this.pattern.slice(this.at);
    const opening = /^\?(?::|=|!|<=|<!|<[a-zA-Z][a-zA-Z0-9]*>)/.exec(rest);
    if (opening === null) this.unsupported(rest.startsWith('?>') ? 'an atomic group' : 'an inline flag group');
    this.output += `(${opening[0]}`;
    this.at += opening[0].length;
  }

  private characterClass(): void {
    this.output += '[';
    if (this.peek() === '^') this.output += this.next();
    for (;;) {
      if (this.at >= this.pattern.length) throw new PatternError('unclosed character class');
      const char = this.next();
      if (char === ']') break;
      if (char === '\\') {
        this.output += this.escape(true);
        // Java reads `-` after a set as itself; JavaScript would reject a range from a set.
        if (this.escapedSet && this.peek() === '-' && this.pattern.charAt(this.at + 1) !== ']') {
          this.output += '\\-';
          this.at += 1;
        }
      } else if (char === '[') this.unsupported('a nested character class');
      else if (char === '&' && this.peek() === '&') this.unsupported('a character class intersection');
      else this.output += char;
    }
    this.output += ']';
  }

  /** Translates the escape after a backslash, inside or outside a character class. */
  private escape(inClass: boolean): string {
    if (this.at >= this.pattern.length) throw new PatternError('the pattern ends with a lone backslash');
    const char = this.next();
    this.escapedSet = /[dDwWsSpP]/.test(char);
    if (!/[0-9A-Za-z]/.test(char)) return literal(char, inClass);
    switch (char) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 't':
      case 'n':
      case 'r':
      case 'f':
        return `\\${char}`;
      case 's':
        return inClass ? ASCII_SPACE : `[${ASCII_SPACE}]`;
      case 'S':
        return inClass ? NOT_ASCII_SPACE : `[^${ASCII_SPACE}]`;
      case 'a':
        return '\\x07';
      case 'e':
        return '\\x1B';
      case 'b':
      case 'B':
      case 'A':
      case 'z':
      case 'Z':
        return inClass ? this.unsupported(`\\${char} inside a character class`) : BOUNDARIES[char];
      case 'x':
        return this.hexEscape();
      case 'u':
        return this.fixedHex(4, 'u');
      case 'c':
        if (this.at >= this.pattern.length) throw new PatternError('illegal \\c escape');
        return codePoint(this.next().charCodeAt(0) ^ 64);
      case '0':
        return this.octal();
      case 'p':
      case 'P':
        return this.property(char === 'P', inClass);
      case 'Q':
        return this.quoted(inClass);
      case 'k':
        return this.namedBackreference(inClass);
      default:
        if (/[1-9]/.test(char) && !inClass) return `\\${char}`;
        return this.unsupported(`\\${char}`);
    }
  }

  private fixedHex(length: number, kind: string): string {
    const digits = this.pattern.slice(this.at, this.at + length);
    if (!new RegExp(`^[0-9A-Fa-f]{${length}}$`).test(digits)) throw new PatternError(`illegal \\${kind} escape`);
    this.at += length;
    return codePoint(Number.parseInt(digits, 16));
  }

  private hexEscape(): string {
    if (this.peek() !== '{') return this.fixedHex(2, 'x');
    const digits = /^\{([0-9A-Fa-f]+)\}/.exec(this.pattern.slice(this.at));
    if (digits === null) throw new PatternError('illegal \\x{...} escape');
    this.at += digits[0].length;
    return codePoint(Number.parseInt(digits[1] ?? '', 16));
  }

  /** Java's \0n, \0nn, \0mnn (m at most 3). */
  private octal(): string {
    const digits = /^[0-3]?[0-7]{1,2}/.exec(this.pattern.slice(this.at));
    if (digits === null) throw new PatternError('illegal octal escape');
    this.at += digits[0].length;
    return codePoint(Number.parseInt(digits[0], 8));
  }

  private property(negated: boolean, inClass: boolean): string {
    let name = this.next();
    if (name === '{') {
      const end = this.pattern.indexOf('}', this.at);
      if (end < 0) throw new PatternError('unclosed \\p{...}');
      name = this.pattern.slice(this.at, end);
      this.at = end + 1;
    }
    const posix = POSIX_CLASSES.get(name);
    if (posix !== undefined) {
      if (!inClass) return negated ? `[^${posix}]` : `[${posix}]`;
      if (negated) this.unsupported(`\\P{${name}} inside a character class`);
      return posix;
    }
    return `\\${negated ? 'P' : 'p'}{${unicodeProperty(name)}}`;
  }

  private quoted(inClass: boolean): string {
    const end = this.pattern.indexOf('\\E', this.at);
    const text = this.pattern.slice(this.at, end < 0 ? undefined : end);
    this.at = end < 0 ? this.pattern.length : end + 2;
    return [...text].map((char) => literal(char, inClass)).join('');
  }

  private namedBackreference(inClass: boolean): string {
    const name = /^<[a-zA-Z][a-zA-Z0-9]*>/.exec(this.pattern.slice(this.at));
    if (inClass || name === null) return this.unsupported('\\k');
    this.at += name[0].length;
    return `\\k${name[0]}`;
  }
}

const BOUNDARIES: Record<'b' | 'B' | 'A' | 'z' | 'Z', string> = {
  b: '\\b',
  B: '\\B',
  A: '(?<![\\s\\S])',
  z: '(?![\\s\\S])',
  // The end of input, or before a final line terminator.
  Z: '(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?(?![\\s\\S]))',
};

/** A character that stands for itself, escaped where JavaScript's `u` mode needs it. */
function literal(char: string, inClass: boolean): string {
  if (SYNTAX_CHARACTERS.includes(char)) return `\\${char}`;
  if (char === '-' && inClass) return '\\-';
  return char;
}

function codePoint(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

const PROPERTY_KEYS = new Map([
  ['sc', 'Script'],
  ['script', 'Script'],
  ['gc', 'General_Category'],
  ['general_category', 'General_Category'],
]);

/** Java's Unicode property names (\p{Lu}, \p{IsLatin}, \p{IsAlphabetic}, \p{sc=Greek}, ...) in JavaScript's terms. */
function unicodeProperty(name: string): string {
  const [key, value] = name.split('=', 2);
  if (value !== undefined && key !== undefined) {
    const jsKey = PROPERTY_KEYS.get(key.toLowerCase());
    if (jsKey !== undefined && isJsProperty(`${jsKey}=${value}`)) return `${jsKey}=${value}`;
  } else {
    const bare = name.startsWith('Is') ? name.slice(2) : name;
    for (const candidate of [bare, `Script=${bare}`]) {
      if (isJsProperty(candidate)) return candidate;
    }
  }
  throw new PatternError(`the Unicode property or block \\p{${name}} is not supported`);
}

function isJsProperty(property: string): boolean {
  try {
    new RegExp(`\\p{${property}}`, 'u');
    return true;
  } catch {
    return false;
  }
}
