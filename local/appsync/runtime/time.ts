// util.time, as documented in "Time helpers in util.time". AppSync formats and parses with Java's
// DateTimeFormatter patterns and java.time zone ids; js-joda is a port of java.time, so patterns,
// zone ids and their errors behave as they do there. Text fields (month and day names, AM/PM) use
// en-US, the JVM default locale AppSync runs with.
import type { Util } from '@aws-appsync/utils';
import {
  DateTimeFormatter,
  Instant,
  LocalDateTime,
  TemporalQueries,
  ZonedDateTime,
  ZoneId,
  ZoneOffset,
} from '@js-joda/core';
import '@js-joda/timezone';
import { Locale } from '@js-joda/locale';
import '@js-joda/locale_en-us';

// AppSync's documented ISO 8601 output always carries milliseconds: 2018-02-06T19:01:35.749Z.
const ISO_8601 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

/** Runs a java.time operation, naming the utility in any error it raises. */
function attempt<T>(utility: string, operation: () => T): T {
  try {
    return operation();
  } catch (cause) {
    throw new Error(`util.time.${utility}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

// DateTimeFormatter is immutable, so each pattern is compiled once. Bounded so patterns built from
// request data cannot grow it without limit.
const FORMATTERS = new Map<string, DateTimeFormatter>();
const MAX_FORMATTERS = 256;

function formatter(pattern: string): DateTimeFormatter {
  let compiled = FORMATTERS.get(pattern);
  if (compiled === undefined) {
    compiled = DateTimeFormatter.ofPattern(pattern).withLocale(Locale.US);
    if (FORMATTERS.size >= MAX_FORMATTERS) FORMATTERS.clear();
    FORMATTERS.set(pattern, compiled);
  }
  return compiled;
}

function instantOf(utility: string, milliseconds: number): Instant {
  if (!Number.isSafeInteger(milliseconds)) {
    throw new Error(`util.time.${utility}: expects whole epoch milliseconds, got ${milliseconds}`);
  }
  return Instant.ofEpochMilli(milliseconds);
}

function formatted(utility: string, instant: Instant, pattern: string, timezone: string): string {
  return attempt(utility, () => ZonedDateTime.ofInstant(instant, ZoneId.of(timezone)).format(formatter(pattern)));
}

function iso8601(instant: Instant): string {
  return ZonedDateTime.ofInstant(instant, ZoneOffset.UTC).format(ISO_8601);
}

export const time: Util['time'] = {
  nowISO8601: () => iso8601(Instant.now()),
  nowEpochSeconds: () => Math.floor(Date.now() / 1000),
  nowEpochMilliSeconds: () => Date.now(),
  nowFormatted: (formatString: string, timezone: string = 'UTC') =>
    formatted('nowFormatted', Instant.now(), formatString, timezone),

  parseFormattedToEpochMilliSeconds(timestamp: string, formatString: string, timezone?: string) {
    return attempt('parseFormattedToEpochMilliSeconds', () => {
      const parsed = formatter(formatString).parse(timestamp);
      const date = parsed.query(TemporalQueries.localDate());
      const timeOfDay = parsed.query(TemporalQueries.localTime());
      if (date === null || timeOfDay === null) {
        throw new Error(`"${timestamp}" read with "${formatString}" gives no complete date and time of day`);
      }
      // As with java.time's withZone(), a zone or offset in the text wins over the argument.
      const zone = parsed.query(TemporalQueries.zone()) ?? (timezone === undefined ? null : ZoneId.of(timezone));
      if (zone === null) {
        throw new Error(
          `"${formatString}" has no time zone and none was given: add one to the format or pass it as the third argument`,
        );
      }
      return ZonedDateTime.of(LocalDateTime.of(date, timeOfDay), zone).toInstant().toEpochMilli();
    });
  },

  parseISO8601ToEpochMilliSeconds: (timestamp: string) =>
    attempt('parseISO8601ToEpochMilliSeconds', () => ZonedDateTime.parse(timestamp).toInstant().toEpochMilli()),

  epochMilliSecondsToSeconds: (milliseconds: number) =>
    instantOf('epochMilliSecondsToSeconds', milliseconds).epochSecond(),

  epochMilliSecondsToISO8601: (milliseconds: number) => iso8601(instantOf('epochMilliSecondsToISO8601', milliseconds)),

  epochMilliSecondsToFormatted: (milliseconds: number, formatString: string, timezone: string = 'UTC') =>
    formatted(
      'epochMilliSecondsToFormatted',
      instantOf('epochMilliSecondsToFormatted', milliseconds),
      formatString,
      timezone,
    ),
};
