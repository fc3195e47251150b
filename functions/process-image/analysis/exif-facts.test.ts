import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type ExifSpec, TAG, exifBlock, malformedExifJpeg, photo } from './fixtures/corpus.ts';
import { type ExifFacts, readExifFacts } from './exif-facts.ts';

const NONE: ExifFacts = { takenAt: null, camera: null, location: null, altitude: null };

async function exifOf(bytes: Buffer): Promise<Buffer | undefined> {
  return (await sharp(bytes).metadata()).exif;
}

/** The EXIF block exactly as sharp hands it over from a JPEG's APP1 segment. */
const facts = (spec: ExifSpec) => readExifFacts(exifBlock(spec));

/** A well-formed GPS IFD at 33°52'12.34" S, 70°30' W, 423.5 m below sea level. */
const SOUTH_WEST: ExifSpec['gps'] = {
  [TAG.GPSLatitudeRef]: { ascii: 'S' },
  [TAG.GPSLatitude]: { rational: [[33, 1], [52, 1], [1234, 100]] },
  [TAG.GPSLongitudeRef]: { ascii: 'W' },
  [TAG.GPSLongitude]: { rational: [[70, 1], [30, 1], [0, 1]] },
  [TAG.GPSAltitudeRef]: { byte: [1] },
  [TAG.GPSAltitude]: { rational: [[4235, 10]] },
};

describe('readExifFacts on the real photos (values checked against ImageMagick, see fixtures/README.md)', () => {
  it('SONY NEX-3N: camera, exposure, date without offset, GPS without altitude', async () => {
    expect(readExifFacts(await exifOf(photo('cups')))).toEqual({
      takenAt: '2014-04-29T14:25:26Z',
      camera: { name: 'Sony NEX-3N', make: 'SONY', model: 'NEX-3N', lens: null, focalLength: 28, aperture: 8, exposureTime: 1 / 640, iso: 400 },
      // 56° 9.359705' N, 10° 12.492287' E
      location: { lat: 56.1559951, lon: 10.2082048 },
      altitude: null,
    });
  });

  it('Olympus E-M1: space-padded make and model trimmed, no GPS', async () => {
    expect(readExifFacts(await exifOf(photo('path')))).toEqual({
      takenAt: '2015-09-06T18:46:57Z',
      camera: { name: 'Olympus E-M1', make: 'OLYMPUS IMAGING CORP.', model: 'E-M1', lens: null, focalLength: 7, aperture: 4.5, exposureTime: 1 / 15, iso: 200 },
      location: null,
      altitude: null,
    });
  });
});

describe('readExifFacts on EXIF written byte by byte', () => {
  it('reads every field: offset time, lens, NUL/space padding, southern and western hemispheres, below sea level', () => {
    expect(
      facts({
        ifd0: { [TAG.Make]: { ascii: 'Canon\0\0  ' }, [TAG.Model]: { ascii: '  Canon EOS R5 ' } },
        exif: {
          [TAG.DateTimeOriginal]: { ascii: '2014:06:01 12:30:05' },
          [TAG.OffsetTimeOriginal]: { ascii: '+02:00' },
          [TAG.LensModel]: { ascii: 'RF24-105mm F4 L IS USM' },
          [TAG.FocalLength]: { rational: [[105, 1]] },
          [TAG.FNumber]: { rational: [[40, 10]] },
          [TAG.ExposureTime]: { rational: [[1, 250]] },
          [TAG.ISOSpeedRatings]: { short: [800] },
        },
        gps: SOUTH_WEST,
      }),
    ).toEqual({
      takenAt: '2014-06-01T12:30:05+02:00',
      camera: { name: 'Canon EOS R5', make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-105mm F4 L IS USM', focalLength: 105, aperture: 4, exposureTime: 0.004, iso: 800 },
      // 33 + 52/60 + 12.34/3600 = 33.870094444..., to 7 decimals
      location: { lat: -33.8700944, lon: -70.5 },
      altitude: -423.5,
    });
  });

  it('reports the date as UTC when there is no offset, and ignores a malformed offset', () => {
    const date = { [TAG.DateTimeOriginal]: { ascii: '2021:12:31 23:59:59' } };
    expect(facts({ exif: date }).takenAt).toBe('2021-12-31T23:59:59Z');
    expect(facts({ exif: { ...date, [TAG.OffsetTimeOriginal]: { ascii: '2 hours' } } }).takenAt).toBe('2021-12-31T23:59:59Z');
    expect(facts({ exif: { ...date, [TAG.OffsetTimeOriginal]: { ascii: '-05:30' } } }).takenAt).toBe('2021-12-31T23:59:59-05:30');
  });

  it.each([
    ['the placeholder of an unset clock', '0000:00:00 00:00:00'],
    ['blanks', '    :  :     :  :  '],
    ['another format', '2021-12-31T23:59:59'],
  ])('has no date for %s', (_name, value) => {
    expect(facts({ exif: { [TAG.DateTimeOriginal]: { ascii: value } } }).takenAt).toBeNull();
  });

  it('has no camera when no camera field is present, and keeps the ones that are', () => {
    expect(facts({ exif: { [TAG.DateTimeOriginal]: { ascii: '2021:12:31 23:59:59' } } }).camera).toBeNull();
    expect(facts({ ifd0: { [TAG.Model]: { ascii: 'iPhone 15' } } }).camera).toEqual({
      name: 'iPhone 15',
      make: null,
      model: 'iPhone 15',
      lens: null,
      focalLength: null,
      aperture: null,
      exposureTime: null,
      iso: null,
    });
  });

  it('drops blank strings and zero or 0/0 rationals', () => {
    const camera = facts({
      ifd0: { [TAG.Make]: { ascii: '      ' }, [TAG.Model]: { ascii: 'X100' } },
      exif: { [TAG.FNumber]: { rational: [[0, 0]] }, [TAG.FocalLength]: { rational: [[0, 1]] } },
    }).camera;
    expect(camera).toMatchObject({ make: null, model: 'X100', aperture: null, focalLength: null });
  });

  it('drops control and format characters and keeps at most 128 characters', () => {
    const camera = facts({
      ifd0: { [TAG.Make]: { ascii: '\u001b[2J\u001b]0;pwned\u0007Canon\r\n' }, [TAG.Model]: { ascii: 'EOS\u007f R5\t' } },
      exif: { [TAG.LensModel]: { ascii: 'L'.repeat(300) } },
    }).camera;
    expect(camera).toMatchObject({ make: '[2J]0;pwnedCanon', model: 'EOS R5', lens: 'L'.repeat(128) });
  });

  it('has altitude above sea level when the ref is 0', () => {
    expect(facts({ gps: { ...SOUTH_WEST, [TAG.GPSAltitudeRef]: { byte: [0] } } }).altitude).toBe(423.5);
  });

  it.each([
    ['latitude beyond 90°', { [TAG.GPSLatitude]: { rational: [[95, 1], [0, 1], [0, 1]] } }],
    ['longitude beyond 180°', { [TAG.GPSLongitude]: { rational: [[181, 1], [0, 1], [0, 1]] } }],
    ['a 0/0 rational', { [TAG.GPSLatitude]: { rational: [[33, 1], [0, 0], [0, 1]] } }],
    ['a ref that is no hemisphere', { [TAG.GPSLatitudeRef]: { ascii: 'X' } }],
    ['an east ref on a latitude', { [TAG.GPSLatitudeRef]: { ascii: 'E' } }],
  ] satisfies [string, ExifSpec['gps']][])('has no location with %s', (_name, change) => {
    expect(facts({ gps: { ...SOUTH_WEST, ...change } }).location).toBeNull();
  });

  it('has no location without a hemisphere ref', () => {
    const { [TAG.GPSLatitudeRef]: _ref, ...withoutRef } = SOUTH_WEST;
    expect(facts({ gps: withoutRef }).location).toBeNull();
    expect(facts({ gps: SOUTH_WEST }).location).not.toBeNull();
  });

  it('has no location and no altitude when GPSStatus says the measurement is void', () => {
    expect(facts({ gps: { ...SOUTH_WEST, [TAG.GPSStatus]: { ascii: 'V' } } })).toMatchObject({ location: null, altitude: null });
    expect(facts({ gps: { ...SOUTH_WEST, [TAG.GPSStatus]: { ascii: 'A' } } }).location).not.toBeNull();
  });
});

describe('readExifFacts on malformed EXIF', () => {
  it('has no facts when there is no EXIF', () => {
    expect(readExifFacts(undefined)).toEqual(NONE);
  });

  it('has no facts from a garbage APP1 Exif segment, without throwing', async () => {
    const exif = await exifOf(await malformedExifJpeg());
    expect(exif).toBeDefined();
    expect(readExifFacts(exif)).toEqual(NONE);
  });

  it.each([
    ['a header only', Buffer.from('Exif\0\0', 'latin1')],
    ['an IFD offset past the end', Buffer.concat([Buffer.from('Exif\0\0II*\0', 'latin1'), Buffer.from([0xff, 0xff, 0xff, 0x7f])])],
    ['an IFD cut short', Buffer.concat([Buffer.from('Exif\0\0MM\0*', 'latin1'), Buffer.from([0, 0, 0, 8, 0, 50]), Buffer.alloc(30, 1)])],
    ['sub-IFD pointers past the end', exifBlock({ ifd0: { [TAG.ExifIfd]: { long: [0xfffff] }, [TAG.GpsIfd]: { long: [0xffff0] } } })],
  ])('has no facts from %s', (_name, exif) => {
    expect(readExifFacts(exif)).toEqual(NONE);
  });
});
