import { OpenSearchError, show } from './errors.ts';

/**
 * Dates as OpenSearch's default `strict_date_optional_time||epoch_millis` reads them, date math
 * (`now-7d/d`, `2024-01-01||+1M`), and the few Java-style output formats aggregations use.
 * Everything is UTC (time_zone parameters are not supported and are rejected by the callers).
 */

const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

function dateParseError(value: unknown): OpenSearchError {
  return new OpenSearchError(
    400,
    'parse_exception',
    `failed to parse date field [${show(value)}] with format [strict_date_optional_time||epoch_millis]`,
  );
}

/** Epoch millis of a date value, or undefined when it is not one. */
export function tryParseDate(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^-?\d+$/.test(value) && value.length !== 4) return Number(value);
  const m = ISO.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo ?? '1');
  const day = Number(d ?? '1');
  const hour = Number(h ?? '0');
  const minute = Number(mi ?? '0');
  const second = Number(s ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  let millis = Date.UTC(Number(y), month - 1, day, hour, minute, second, Number((frac ?? '0').padEnd(3, '0').slice(0, 3)));
  // Date.UTC rolls 2023-02-30 over to March; OpenSearch rejects it.
  if (new Date(millis).getUTCDate() !== day) return undefined;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    millis -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  return millis;
}

export function parseDate(value: unknown): number {
  const millis = tryParseDate(value);
  if (millis === undefined) throw dateParseError(value);
  return millis;
}

const UNITS = 'yMwdhHms';

/**
 * A range bound with date math. `roundUp` is how OpenSearch rounds `/unit` for the bound:
 * gt and lte round up (to the last millisecond of the unit), gte and lt round down.
 */
export function parseDateMath(value: unknown, now: number, roundUp: boolean): number {
  if (typeof value !== 'string') return parseDate(value);
  let anchor: number;
  let math: string;
  if (value.startsWith('now')) {
    anchor = now;
    math = value.slice(3);
  } else {
    const split = value.indexOf('||');
    if (split < 0) return parseDate(value);
    anchor = parseDate(value.slice(0, split));
    math = value.slice(split + 2);
  }
  let date = new Date(anchor);
  let i = 0;
  while (i < math.length) {
    const op = math[i++];
    if (op === '/') {
      const unit = math[i++];
      if (!unit || !UNITS.includes(unit)) throw dateMathError(value);
      date = roundDate(date, unit, roundUp);
    } else if (op === '+' || op === '-') {
      const num = /^\d*/.exec(math.slice(i))?.[0] ?? '';
      i += num.length;
      const unit = math[i++];
      if (!unit || !UNITS.includes(unit)) throw dateMathError(value);
      date = addUnits(date, unit, (op === '-' ? -1 : 1) * (num === '' ? 1 : Number(num)));
    } else {
      throw dateMathError(value);
    }
  }
  return date.getTime();
}

function dateMathError(value: string): OpenSearchError {
  return new OpenSearchError(400, 'parse_exception', `operator not supported for date math [${value}]`);
}

/** Java's plusMonths: the day is clamped to the target month's length (Jan 31 + 1M = Feb 29). */
function addMonths(d: Date, months: number): Date {
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

function addUnits(date: Date, unit: string, amount: number): Date {
  const d = new Date(date.getTime());
  switch (unit) {
    case 'y': return addMonths(d, 12 * amount);
    case 'M': return addMonths(d, amount);
    case 'w': d.setUTCDate(d.getUTCDate() + 7 * amount); break;
    case 'd': d.setUTCDate(d.getUTCDate() + amount); break;
    case 'h': case 'H': d.setUTCHours(d.getUTCHours() + amount); break;
    case 'm': d.setUTCMinutes(d.getUTCMinutes() + amount); break;
    default: d.setUTCSeconds(d.getUTCSeconds() + amount);
  }
  return d;
}

/** Start of the calendar unit holding `date` (weeks start on Monday, as in OpenSearch). */
export function floorToUnit(millis: number, unit: string): number {
  const d = new Date(millis);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  switch (unit) {
    case 'y': return Date.UTC(y, 0, 1);
    case 'q': return Date.UTC(y, mo - (mo % 3), 1);
    case 'M': return Date.UTC(y, mo, 1);
    case 'w': {
      const dayStart = Date.UTC(y, mo, d.getUTCDate());
      return dayStart - ((d.getUTCDay() + 6) % 7) * 86_400_000;
    }
    case 'd': return Date.UTC(y, mo, d.getUTCDate());
    case 'h': case 'H': return Date.UTC(y, mo, d.getUTCDate(), d.getUTCHours());
    case 'm': return Date.UTC(y, mo, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
    default: return Date.UTC(y, mo, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
  }
}

/** The start of the next calendar unit after the one starting at `start`. */
export function nextUnit(start: number, unit: string): number {
  return addUnits(new Date(start), unit === 'q' ? 'M' : unit, unit === 'q' ? 3 : 1).getTime();
}

function roundDate(date: Date, unit: string, roundUp: boolean): Date {
  const floor = floorToUnit(date.getTime(), unit);
  return new Date(roundUp ? nextUnit(floor, unit) - 1 : floor);
}

/** A Java DateTimeFormatter-style pattern as tokens: quoted literals, and runs of one character. */
function* patternTokens(format: string): Generator<{ quoted: string } | { ch: string; run: number }> {
  let i = 0;
  while (i < format.length) {
    const ch = format[i] ?? '';
    if (ch === "'") {
      const end = format.indexOf("'", i + 1);
      yield { quoted: format.slice(i + 1, end < 0 ? undefined : end) };
      i = end < 0 ? format.length : end + 1;
      continue;
    }
    let run = 1;
    while (format[i + run] === ch) run++;
    i += run;
    yield { ch, run };
  }
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Formats epoch millis with a Java DateTimeFormatter-style pattern (the common letters only). */
export function formatDate(millis: number, format: string | undefined): string {
  const d = new Date(millis);
  if (format === undefined || format === 'strict_date_optional_time' || format === 'date_optional_time') {
    return d.toISOString();
  }
  if (format === 'epoch_millis') return show(millis);
  const pad = (n: number, width: number) => show(n).padStart(width, '0');
  let out = '';
  for (const token of patternTokens(format)) {
    if ('quoted' in token) {
      out += token.quoted;
      continue;
    }
    const { ch, run } = token;
    switch (ch) {
      case 'y': case 'u': out += run === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), run); break;
      case 'M': out += pad(d.getUTCMonth() + 1, run); break;
      case 'd': out += pad(d.getUTCDate(), run); break;
      case 'H': out += pad(d.getUTCHours(), run); break;
      case 'm': out += pad(d.getUTCMinutes(), run); break;
      case 's': out += pad(d.getUTCSeconds(), run); break;
      case 'S': out += pad(d.getUTCMilliseconds(), 3).slice(0, run); break;
      case 'Q': out += show(Math.floor(d.getUTCMonth() / 3) + 1); break;
      default:
        if (/[A-Za-z]/.test(ch)) throw new OpenSearchError(400, 'illegal_argument_exception', `Unsupported date format [${format}]`);
        out += ch.repeat(run);
    }
  }
  return out;
}

const PATTERN_FIELDS: Record<string, string> = { y: 'year', u: 'year', M: 'month', d: 'day', H: 'hour', m: 'minute', s: 'second', S: 'millis' };

/** Reads a date with `format` (Java-style patterns of digits, `||`-separated alternatives, or the built-in names). */
export function parseWithFormats(value: string, formats: string): number {
  for (const format of formats.split('||')) {
    const millis = DATE_FORMAT_NAMES.has(format) ? tryParseDate(value) : parsePattern(value, format);
    if (millis !== undefined) return millis;
  }
  throw new OpenSearchError(400, 'parse_exception', `failed to parse date field [${value}] with format [${formats}]`);
}

const DATE_FORMAT_NAMES = new Set(['strict_date_optional_time', 'date_optional_time', 'epoch_millis', 'strict_date', 'date']);

function parsePattern(value: string, format: string): number | undefined {
  const groups: string[] = [];
  let regex = '';
  for (const token of patternTokens(format)) {
    if ('quoted' in token) {
      regex += escapeRegex(token.quoted);
      continue;
    }
    const { ch, run } = token;
    const field = PATTERN_FIELDS[ch];
    if (field) {
      groups.push(field);
      regex += `(\\d{${run === 4 || field === 'year' ? '1,9' : run}})`;
    } else if (/[A-Za-z]/.test(ch)) {
      throw new OpenSearchError(400, 'illegal_argument_exception', `Unsupported date format [${format}]`);
    } else {
      regex += escapeRegex(ch.repeat(run));
    }
  }
  const m = new RegExp(`^${regex}$`).exec(value);
  if (!m) return undefined;
  const part: Record<string, number> = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, millis: 0 };
  groups.forEach((name, index) => (part[name] = Number(m[index + 1])));
  const millis = Date.UTC(part.year ?? 1970, (part.month ?? 1) - 1, part.day ?? 1, part.hour ?? 0, part.minute ?? 0, part.second ?? 0, part.millis ?? 0);
  return new Date(millis).getUTCDate() === part.day ? millis : undefined;
}
