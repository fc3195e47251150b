/**
 * The four operations' requests, checked as Rekognition checks them (its documented parameter
 * constraints) and parsed into plain options. Anything malformed is an InvalidParameterException;
 * parameters this stand-in cannot honour are refused by name rather than ignored.
 */
import { invalidParameter } from './errors.ts';
import type { Box } from './detections.ts';

export type Operation = 'DetectLabels' | 'DetectModerationLabels' | 'DetectText' | 'DetectFaces';
export const OPERATIONS: readonly Operation[] = ['DetectLabels', 'DetectModerationLabels', 'DetectText', 'DetectFaces'];

export type ImageSource = { bytes: Uint8Array } | { s3: { bucket: string; name: string; version?: string } };

export interface LabelOptions {
  minConfidence: number;
  maxLabels: number;
  generalLabels: boolean;
  imageProperties: boolean;
  maxDominantColors: number;
  filters: { includeLabels: string[]; excludeLabels: string[]; includeCategories: string[]; excludeCategories: string[] };
}

export interface ModerationOptions {
  minConfidence: number;
}

export interface TextOptions {
  minConfidence: number;
  minBoxHeight: number;
  minBoxWidth: number;
  regions: Box[];
}

export interface FaceOptions {
  emotions: boolean;
}

export type ParsedRequest =
  | { operation: 'DetectLabels'; image: ImageSource; options: LabelOptions }
  | { operation: 'DetectModerationLabels'; image: ImageSource; options: ModerationOptions }
  | { operation: 'DetectText'; image: ImageSource; options: TextOptions }
  | { operation: 'DetectFaces'; image: ImageSource; options: FaceOptions };

/** Rekognition's defaults: DetectLabels returns labels >= 55, moderation >= 50, 10 colours. */
export const DEFAULT_LABEL_CONFIDENCE = 55;
export const DEFAULT_MODERATION_CONFIDENCE = 50;
const DEFAULT_DOMINANT_COLORS = 10;
const MAX_DOMINANT_COLORS = 20;
const FACE_ATTRIBUTES = ['DEFAULT', 'ALL', 'AGE_RANGE', 'BEARD', 'EMOTIONS', 'EYE_DIRECTION', 'EYEGLASSES', 'EYES_OPEN', 'GENDER', 'MOUTH_OPEN', 'MUSTACHE', 'FACE_OCCLUDED', 'SMILE', 'SUNGLASSES'];

type Json = Record<string, unknown>;

export function parseRequest(operation: Operation, body: Json): ParsedRequest {
  const image = parseImage(body.Image);
  switch (operation) {
    case 'DetectLabels':
      allowOnly(body, ['Image', 'MinConfidence', 'MaxLabels', 'Features', 'Settings']);
      return { operation, image, options: labelOptions(body) };
    case 'DetectModerationLabels':
      allowOnly(body, ['Image', 'MinConfidence']);
      return { operation, image, options: { minConfidence: percent(body.MinConfidence, 'MinConfidence', DEFAULT_MODERATION_CONFIDENCE) } };
    case 'DetectText':
      allowOnly(body, ['Image', 'Filters']);
      return { operation, image, options: textOptions(body.Filters) };
    case 'DetectFaces': {
      allowOnly(body, ['Image', 'Attributes']);
      const attributes = stringList(body.Attributes, 'Attributes');
      const unknown = attributes.find((a) => !FACE_ATTRIBUTES.includes(a));
      if (unknown !== undefined) throw invalidParameter(`Attributes: unknown attribute ${unknown}`);
      return { operation, image, options: { emotions: attributes.includes('ALL') || attributes.includes('EMOTIONS') } };
    }
  }
}

function parseImage(value: unknown): ImageSource {
  const image = object(value, 'Image');
  allowOnly(image, ['Bytes', 'S3Object']);
  if ((image.Bytes === undefined) === (image.S3Object === undefined)) {
    throw invalidParameter('Requested image should either contain bytes or s3 object.');
  }
  if (image.Bytes !== undefined) {
    if (typeof image.Bytes !== 'string' || image.Bytes.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(image.Bytes)) {
      throw invalidParameter('Image.Bytes must be non-empty base64');
    }
    return { bytes: Buffer.from(image.Bytes, 'base64') };
  }
  const s3 = object(image.S3Object, 'Image.S3Object');
  allowOnly(s3, ['Bucket', 'Name', 'Version']);
  const bucket = text(s3.Bucket, 'Image.S3Object.Bucket', 3, 255);
  const name = text(s3.Name, 'Image.S3Object.Name', 1, 1024);
  const version = s3.Version === undefined ? undefined : text(s3.Version, 'Image.S3Object.Version', 1, 1024);
  return { s3: { bucket, name, ...(version === undefined ? {} : { version }) } };
}

function labelOptions(body: Json): LabelOptions {
  const features = stringList(body.Features, 'Features');
  const unknown = features.find((f) => f !== 'GENERAL_LABELS' && f !== 'IMAGE_PROPERTIES');
  if (unknown !== undefined) throw invalidParameter(`Features: unknown feature ${unknown}`);
  const settings = body.Settings === undefined ? {} : object(body.Settings, 'Settings');
  allowOnly(settings, ['GeneralLabels', 'ImageProperties']);
  const general = settings.GeneralLabels === undefined ? {} : object(settings.GeneralLabels, 'Settings.GeneralLabels');
  allowOnly(general, ['LabelInclusionFilters', 'LabelExclusionFilters', 'LabelCategoryInclusionFilters', 'LabelCategoryExclusionFilters']);
  const properties = settings.ImageProperties === undefined ? {} : object(settings.ImageProperties, 'Settings.ImageProperties');
  allowOnly(properties, ['MaxDominantColors']);
  const maxDominantColors = integer(properties.MaxDominantColors, 'MaxDominantColors', DEFAULT_DOMINANT_COLORS);
  if (maxDominantColors > MAX_DOMINANT_COLORS) throw invalidParameter(`MaxDominantColors must be at most ${MAX_DOMINANT_COLORS}`);
  return {
    minConfidence: percent(body.MinConfidence, 'MinConfidence', DEFAULT_LABEL_CONFIDENCE),
    maxLabels: integer(body.MaxLabels, 'MaxLabels', Number.MAX_SAFE_INTEGER),
    // No Features means general labels only, as in Rekognition.
    generalLabels: features.length === 0 || features.includes('GENERAL_LABELS'),
    imageProperties: features.includes('IMAGE_PROPERTIES'),
    maxDominantColors,
    filters: {
      includeLabels: stringList(general.LabelInclusionFilters, 'LabelInclusionFilters'),
      excludeLabels: stringList(general.LabelExclusionFilters, 'LabelExclusionFilters'),
      includeCategories: stringList(general.LabelCategoryInclusionFilters, 'LabelCategoryInclusionFilters'),
      excludeCategories: stringList(general.LabelCategoryExclusionFilters, 'LabelCategoryExclusionFilters'),
    },
  };
}

function textOptions(value: unknown): TextOptions {
  const filters = value === undefined ? {} : object(value, 'Filters');
  allowOnly(filters, ['WordFilter', 'RegionsOfInterest']);
  const word = filters.WordFilter === undefined ? {} : object(filters.WordFilter, 'Filters.WordFilter');
  allowOnly(word, ['MinConfidence', 'MinBoundingBoxHeight', 'MinBoundingBoxWidth']);
  const regions = filters.RegionsOfInterest === undefined ? [] : list(filters.RegionsOfInterest, 'Filters.RegionsOfInterest');
  if (regions.length > 10) throw invalidParameter('Filters.RegionsOfInterest: at most 10 regions');
  return {
    minConfidence: percent(word.MinConfidence, 'WordFilter.MinConfidence', 0),
    minBoxHeight: ratio(word.MinBoundingBoxHeight, 'WordFilter.MinBoundingBoxHeight'),
    minBoxWidth: ratio(word.MinBoundingBoxWidth, 'WordFilter.MinBoundingBoxWidth'),
    regions: regions.map((region, i) => {
      const r = object(region, `RegionsOfInterest[${i}]`);
      if (r.Polygon !== undefined) throw invalidParameter('RegionsOfInterest: Polygon regions are not supported by the local stand-in; use BoundingBox');
      allowOnly(r, ['BoundingBox']);
      const box = object(r.BoundingBox, `RegionsOfInterest[${i}].BoundingBox`);
      allowOnly(box, ['Left', 'Top', 'Width', 'Height']);
      return {
        left: ratio(box.Left, 'BoundingBox.Left'),
        top: ratio(box.Top, 'BoundingBox.Top'),
        width: ratio(box.Width, 'BoundingBox.Width'),
        height: ratio(box.Height, 'BoundingBox.Height'),
      };
    }),
  };
}

function allowOnly(value: Json, keys: string[]): void {
  const extra = Object.keys(value).find((key) => !keys.includes(key));
  if (extra !== undefined) throw invalidParameter(`Unexpected parameter ${extra}`);
}

function object(value: unknown, name: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParameter(`${name} must be an object`);
  return value as Json;
}

function list(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw invalidParameter(`${name} must be a list`);
  return value;
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  const items = list(value, name);
  if (!items.every((item) => typeof item === 'string')) throw invalidParameter(`${name} must be a list of strings`);
  return items;
}

function text(value: unknown, name: string, min: number, max: number): string {
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw invalidParameter(`${name} must be a string of ${min} to ${max} characters`);
  }
  return value;
}

function percent(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 100)) throw invalidParameter(`${name} must be a number from 0 to 100`);
  return value;
}

function ratio(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw invalidParameter(`${name} must be a number from 0 to 1`);
  return value;
}

function integer(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidParameter(`${name} must be a non-negative integer`);
  return value;
}
