import exifReader from 'exif-reader';
import type { Camera } from '../../../schema/generated/graphql.ts';
import { cameraDisplayName } from './camera-name.ts';

export interface ExifFacts {
  /** AWSDateTime: DateTimeOriginal, with OffsetTimeOriginal when present, e.g. "2014-06-01T12:30:05+02:00". */
  takenAt: string | null;
  /** Null when EXIF names no camera field at all. */
  camera: Camera | null;
  /** Signed decimal degrees (S and W negative). */
  location: { lat: number; lon: number } | null;
  /** Metres, negative below sea level. */
  altitude: number | null;
}

/** exif-reader's output, read as untrusted: any tag can hold any type, or null, in a malformed file. */
type Tags = Record<string, unknown>;

const NO_FACTS: ExifFacts = { takenAt: null, camera: null, location: null, altitude: null };

/** What the pipeline keeps from EXIF. Malformed EXIF yields no facts; it never fails the image. */
export function readExifFacts(exif: Buffer | undefined): ExifFacts {
  if (!exif) return NO_FACTS;
  let parsed: exifReader.Exif;
  try {
    parsed = exifReader(exif);
  } catch {
    return NO_FACTS;
  }
  const image: Tags = parsed.Image ?? {};
  const photo: Tags = parsed.Photo ?? {};
  const gps: Tags = parsed.GPSInfo ?? {};
  // GPSStatus "V" (measurement void): the receiver had no fix, the coordinates are not a position.
  const gpsValid = text(gps.GPSStatus) !== 'V';
  return {
    takenAt: takenAt(photo),
    camera: camera(image, photo),
    location: gpsValid ? location(gps) : null,
    altitude: gpsValid ? altitude(gps) : null,
  };
}

function takenAt(photo: Tags): string | null {
  // exif-reader turns "YYYY:MM:DD HH:MM:SS" into a Date whose UTC fields are the camera's wall clock.
  const wallClock = photo.DateTimeOriginal;
  // Year < 1900: the "0000:00:00 00:00:00" that cameras with an unset clock write.
  if (!(wallClock instanceof Date) || Number.isNaN(wallClock.getTime()) || wallClock.getUTCFullYear() < 1900) return null;
  const offset = text(photo.OffsetTimeOriginal);
  // Without OffsetTimeOriginal (most cameras before EXIF 2.31) the zone is unknown: the wall-clock
  // time is reported as UTC, which may be off by the photographer's UTC offset.
  const zone = offset !== null && /^[+-](0\d|1[0-4]):[0-5]\d$/.test(offset) ? offset : 'Z';
  return `${wallClock.toISOString().slice(0, 19)}${zone}`;
}

function camera(image: Tags, photo: Tags): Camera | null {
  const iso = Array.isArray(photo.ISOSpeedRatings) ? (photo.ISOSpeedRatings as unknown[])[0] : photo.ISOSpeedRatings;
  const isoSpeed = positive(iso);
  const make = text(image.Make);
  const model = text(image.Model);
  const found: Camera = {
    name: cameraDisplayName(make, model),
    make,
    model,
    lens: text(photo.LensModel),
    focalLength: positive(photo.FocalLength),
    aperture: positive(photo.FNumber),
    exposureTime: positive(photo.ExposureTime),
    iso: isoSpeed === null ? null : Math.round(isoSpeed),
  };
  return Object.values(found).some((value) => value !== null) ? found : null;
}

function location(gps: Tags): { lat: number; lon: number } | null {
  const lat = degrees(gps.GPSLatitude, gps.GPSLatitudeRef, 'N', 'S', 90);
  const lon = degrees(gps.GPSLongitude, gps.GPSLongitudeRef, 'E', 'W', 180);
  return lat === null || lon === null ? null : { lat, lon };
}

/** [degrees, minutes, seconds] rationals and a hemisphere ref; null when either is missing or out of range. */
function degrees(value: unknown, ref: unknown, plus: string, minus: string, max: number): number | null {
  const parts: unknown[] = Array.isArray(value) ? value : [value];
  if (parts.length > 3 || !parts.every((part) => nonNegative(part) !== null)) return null;
  const [whole = 0, minutes = 0, seconds = 0] = parts as number[];
  const hemisphere = text(ref)?.toUpperCase();
  // A coordinate without its ref could be in either hemisphere: better none than a wrong one.
  const sign = hemisphere === plus ? 1 : hemisphere === minus ? -1 : null;
  const decimal = whole + minutes / 60 + seconds / 3600;
  if (sign === null || decimal > max) return null;
  // 7 decimals is ~1 cm, beyond any camera's GPS; drops float noise from the rationals.
  return Math.round(sign * decimal * 1e7) / 1e7;
}

function altitude(gps: Tags): number | null {
  const metres = nonNegative(gps.GPSAltitude);
  if (metres === null) return null;
  return gps.GPSAltitudeRef === 1 ? -metres : metres;
}

/**
 * EXIF text is whatever the file says, and it reaches every client (the web app, the CLI's
 * terminal, the index): no camera names itself with control or format characters, which could
 * move a terminal's cursor or reverse text (bidi overrides), nor with more than a line.
 */
const MAX_EXIF_TEXT_LENGTH = 128;
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/gu;

/** EXIF ASCII: cut at the first NUL, control and format characters dropped, trimmed, at most 128 characters; camera makers pad with spaces and NULs. */
function text(value: unknown): string | null {
  const raw = Buffer.isBuffer(value) ? new TextDecoder().decode(value) : value;
  if (typeof raw !== 'string') return null;
  const cleaned = (raw.split('\0')[0] ?? '').replace(CONTROL_OR_FORMAT, '').trim();
  return cleaned === '' ? null : [...cleaned].slice(0, MAX_EXIF_TEXT_LENGTH).join('').trim();
}

/** A finite number >= 0 (a rational with a zero denominator reads as NaN or Infinity). */
function nonNegative(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function positive(value: unknown): number | null {
  const number = nonNegative(value);
  return number === null || number === 0 ? null : number;
}
