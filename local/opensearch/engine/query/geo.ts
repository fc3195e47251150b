import { parsingError, show } from '../errors.ts';
import { GeoField } from '../index-data.ts';
import { parseGeoPoint, type GeoPoint } from '../mapping.ts';
import { NO_MATCH, asObject, checkKeys, numberOption, scanMatcher, type Matcher, type QueryContext } from './types.ts';

/** Metres per unit, as OpenSearch's DistanceUnit defines them. */
const UNITS: Record<string, number> = {
  km: 1000, kilometers: 1000, m: 1, meters: 1, cm: 0.01, mm: 0.001,
  mi: 1609.344, miles: 1609.344, yd: 0.9144, ft: 0.3048, in: 0.0254, nmi: 1852, NM: 1852,
};
/** Lucene's mean Earth radius, in metres. */
const EARTH_RADIUS = 6_371_008.7714;

function parseDistance(value: unknown): number {
  const m = /^\s*([\d.]+(?:e\d+)?)\s*([a-zA-Z]*)\s*$/.exec(show(value));
  const factor = m ? UNITS[m[2] || 'm'] : undefined;
  if (!m || factor === undefined) throw parsingError(`failed to parse [geo_distance] distance [${show(value)}]`);
  return Number(m[1]) * factor;
}

function haversine(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function geoDistanceQuery(ctx: QueryContext, spec: unknown): Matcher {
  const options = asObject(spec, 'geo_distance');
  const fieldNames = Object.keys(options).filter((k) => !['distance', 'distance_type', 'boost', '_name', 'validation_method'].includes(k));
  checkKeys(options, ['distance', 'distance_type', 'boost', '_name', ...fieldNames.slice(0, 1)], 'geo_distance');
  const name = fieldNames[0];
  if (!name) throw parsingError('[geo_distance] requires a field with a point');
  const center = parseGeoPoint(options[name]);
  if (!center) throw parsingError(`[geo_distance] failed to parse point [${JSON.stringify(options[name])}]`);
  if (options.distance === undefined) throw parsingError('geo_distance requires \'distance\' to be specified');
  const radius = parseDistance(options.distance);
  const field = ctx.mapping.fields.get(name);
  if (!field) return NO_MATCH;
  const data = ctx.data.fieldData(field);
  if (!(data instanceof GeoField)) throw parsingError(`field [${name}] is not a geo_point field`);
  const within = (doc: number) => {
    const points = data.points[doc];
    if (!points) return false;
    return Array.isArray(points) ? points.some((p) => haversine(center, p) <= radius) : haversine(center, points) <= radius;
  };
  return scanMatcher(ctx, within, numberOption(options.boost, 1));
}
