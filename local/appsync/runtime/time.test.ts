import { afterEach, describe, expect, it, vi } from 'vitest';
import { util } from '@aws-appsync/utils';

// The instant of the docs' "Standalone function examples": 2018-02-06T19:01:35.749Z.
const DOCS_NOW = 1517943695749;

describe('util.time now helpers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('give the documented examples at the documented instant', () => {
    vi.useFakeTimers({ now: DOCS_NOW });
    expect(util.time.nowISO8601()).toBe('2018-02-06T19:01:35.749Z');
    expect(util.time.nowEpochSeconds()).toBe(1517943695);
    expect(util.time.nowEpochMilliSeconds()).toBe(DOCS_NOW);
    expect(util.time.nowFormatted('yyyy-MM-dd HH:mm:ssZ')).toBe('2018-02-06 19:01:35+0000');
    expect(util.time.nowFormatted('yyyy-MM-dd HH:mm:ssZ', '+08:00')).toBe('2018-02-07 03:01:35+0800');
    expect(util.time.nowFormatted('yyyy-MM-dd HH:mm:ssZ', 'Australia/Perth')).toBe('2018-02-07 03:01:35+0800');
  });

  it('give the documented AWSDate and AWSDateTime formats', () => {
    vi.useFakeTimers({ now: Date.UTC(2018, 6, 11, 22, 14, 45) });
    expect(util.time.nowFormatted('yyyy-MM-dd[XXX]', '-07:00:30')).toBe('2018-07-11-07:00');
    expect(util.time.nowFormatted("yyyy-MM-dd'T'HH:mm:ss[XXXXX]", '-07:00:30')).toBe('2018-07-11T15:14:15-07:00:30');
  });

  it('keeps three fractional digits in ISO 8601 output, even when they are zero', () => {
    vi.useFakeTimers({ now: Date.UTC(2024, 0, 2, 3, 4, 5) });
    expect(util.time.nowISO8601()).toBe('2024-01-02T03:04:05.000Z');
  });

  it('follow the real clock', () => {
    // Between two readings of the clock, however long a busy machine takes between them.
    const before = Date.now();
    const now = util.time.nowEpochMilliSeconds();
    const iso = util.time.nowISO8601();
    const after = Date.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const parsed = util.time.parseISO8601ToEpochMilliSeconds(iso);
    expect(parsed).toBeGreaterThanOrEqual(before);
    expect(parsed).toBeLessThanOrEqual(after);
  });
});

describe('util.time conversions', () => {
  // The docs' "Conversion examples".
  const millis = 1517943695758;

  it('give the documented examples', () => {
    expect(util.time.epochMilliSecondsToSeconds(millis)).toBe(1517943695);
    expect(util.time.epochMilliSecondsToISO8601(millis)).toBe('2018-02-06T19:01:35.758Z');
    expect(util.time.epochMilliSecondsToFormatted(millis, 'yyyy-MM-dd HH:mm:ssZ')).toBe('2018-02-06 19:01:35+0000');
    expect(util.time.epochMilliSecondsToFormatted(millis, 'yyyy-MM-dd HH:mm:ssZ', '+08:00')).toBe(
      '2018-02-07 03:01:35+0800',
    );
  });

  it('format in a region zone, with daylight saving and en-US text fields', () => {
    expect(
      util.time.epochMilliSecondsToFormatted(
        Date.UTC(2024, 6, 4, 16, 30),
        'EEEE, MMMM d, yyyy h:mm a',
        'America/New_York',
      ),
    ).toBe('Thursday, July 4, 2024 12:30 PM');
    expect(
      util.time.epochMilliSecondsToFormatted(Date.UTC(2024, 0, 4, 16, 30), 'EEE dd MMM HH:mm xxx', 'Europe/Paris'),
    ).toBe('Thu 04 Jan 17:30 +01:00');
  });

  it('rounds epoch seconds down, as java.time.Instant does', () => {
    expect(util.time.epochMilliSecondsToSeconds(-1)).toBe(-1);
    expect(util.time.epochMilliSecondsToSeconds(999)).toBe(0);
  });

  it('reject an unknown time zone', () => {
    expect(() => util.time.epochMilliSecondsToFormatted(millis, 'yyyy', 'Mars/Olympus_Mons')).toThrow(
      /util\.time\.epochMilliSecondsToFormatted: .*Mars\/Olympus_Mons/,
    );
    expect(() => util.time.nowFormatted('yyyy', 'Nowhere')).toThrow(/util\.time\.nowFormatted: .*Nowhere/);
  });

  it('reject an invalid format', () => {
    expect(() => util.time.epochMilliSecondsToFormatted(millis, 'yyyy-MM-dd {')).toThrow(
      /util\.time\.epochMilliSecondsToFormatted/,
    );
    expect(() => util.time.nowFormatted("yyyy-MM-dd'T")).toThrow(/util\.time\.nowFormatted/);
  });

  it('reject something that is not whole epoch milliseconds', () => {
    expect(() => util.time.epochMilliSecondsToISO8601(1.5)).toThrow(/whole epoch milliseconds/);
    expect(() => util.time.epochMilliSecondsToSeconds(Number.NaN)).toThrow(/whole epoch milliseconds/);
  });
});

describe('util.time parsing', () => {
  it('gives the documented examples', () => {
    expect(util.time.parseISO8601ToEpochMilliSeconds('2018-02-01T17:21:05.180+08:00')).toBe(1517476865180);
    expect(util.time.parseFormattedToEpochMilliSeconds('2018-02-02 01:19:22+0800', 'yyyy-MM-dd HH:mm:ssZ')).toBe(
      1517505562000,
    );
    expect(util.time.parseFormattedToEpochMilliSeconds('2018-02-02 01:19:22', 'yyyy-MM-dd HH:mm:ss', '+08:00')).toBe(
      1517505562000,
    );
  });

  it('reads region zones and en-US text fields', () => {
    expect(
      util.time.parseFormattedToEpochMilliSeconds('Jul 4 2024 12:30 PM', 'MMM d yyyy h:mm a', 'America/New_York'),
    ).toBe(Date.UTC(2024, 6, 4, 16, 30));
    expect(util.time.parseFormattedToEpochMilliSeconds('2024-07-04 12:30 Europe/Paris', 'yyyy-MM-dd HH:mm VV')).toBe(
      Date.UTC(2024, 6, 4, 10, 30),
    );
  });

  it('prefers a zone in the text to the zone argument', () => {
    expect(util.time.parseFormattedToEpochMilliSeconds('2018-02-02 01:19:22+0800', 'yyyy-MM-dd HH:mm:ssZ', 'UTC')).toBe(
      1517505562000,
    );
  });

  it('reads ISO 8601 with Z and with a bracketed zone', () => {
    expect(util.time.parseISO8601ToEpochMilliSeconds('2018-02-06T19:01:35.758Z')).toBe(1517943695758);
    expect(util.time.parseISO8601ToEpochMilliSeconds('2024-07-04T12:30-04:00[America/New_York]')).toBe(
      Date.UTC(2024, 6, 4, 16, 30),
    );
  });

  it('rejects text that does not fit the format', () => {
    expect(() => util.time.parseFormattedToEpochMilliSeconds('02/01/2018', 'yyyy-MM-dd HH:mm:ssZ')).toThrow(
      /util\.time\.parseFormattedToEpochMilliSeconds: .*could not be parsed/,
    );
    expect(() => util.time.parseISO8601ToEpochMilliSeconds('yesterday')).toThrow(
      /util\.time\.parseISO8601ToEpochMilliSeconds/,
    );
  });

  it('rejects ISO 8601 without an offset', () => {
    expect(() => util.time.parseISO8601ToEpochMilliSeconds('2018-02-01T17:21:05')).toThrow(/could not be parsed/);
  });

  it('needs a zone from the text or the argument', () => {
    expect(() => util.time.parseFormattedToEpochMilliSeconds('2018-02-02 01:19:22', 'yyyy-MM-dd HH:mm:ss')).toThrow(
      /has no time zone and none was given/,
    );
  });

  it('needs a date and a time of day', () => {
    expect(() => util.time.parseFormattedToEpochMilliSeconds('2018-02-02', 'yyyy-MM-dd', 'UTC')).toThrow(
      /no complete date and time of day/,
    );
  });

  it('rejects an unknown zone argument', () => {
    expect(() =>
      util.time.parseFormattedToEpochMilliSeconds('2018-02-02 01:19:22', 'yyyy-MM-dd HH:mm:ss', 'Mars/Base'),
    ).toThrow(/Mars\/Base/);
  });
});
