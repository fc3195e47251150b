import { INPUT_LIMITS } from '../../../../resolvers/lib/inputLimits.ts';
import type { ImageFilter, ImageSort, SearchImagesQueryVariables } from '../../../src/generated/graphql.ts';

/** The search form as the user filled it in; strings as the inputs hold them. */
export interface SearchForm {
  query: string;
  labels: string[];
  takenFrom: string;
  takenTo: string;
  camera: string;
  faces: '' | 'with' | 'without';
  /** Copies of another photo (same file, or re-encoded/resized): shown, hidden, or alone. */
  duplicates: '' | 'hide' | 'only';
  nearLat: string;
  nearLon: string;
  nearKm: string;
  sort: '' | ImageSort;
}

export const EMPTY_FORM: SearchForm = {
  query: '',
  labels: [],
  takenFrom: '',
  takenTo: '',
  camera: '',
  faces: '',
  duplicates: '',
  nearLat: '',
  nearLon: '',
  nearKm: '10',
  sort: '',
};

export const PAGE_SIZE = 24;

/** The form as searchImages variables; empty inputs set nothing, dates cover whole days (UTC). */
export function searchVariables(form: SearchForm): SearchImagesQueryVariables {
  const filter: ImageFilter = {};
  if (form.labels.length > 0) filter.labels = form.labels;
  if (form.takenFrom) filter.takenAfter = `${form.takenFrom}T00:00:00.000Z`;
  if (form.takenTo) filter.takenBefore = `${form.takenTo}T23:59:59.999Z`;
  if (form.camera) filter.camera = form.camera;
  if (form.faces) filter.hasFaces = form.faces === 'with';
  if (form.duplicates === 'hide') filter.hideDuplicates = true;
  if (form.duplicates === 'only') filter.onlyDuplicates = true;
  const near = nearFilter(form);
  if (near) filter.near = near;
  return {
    query: form.query.trim() || null,
    filter,
    first: PAGE_SIZE,
    ...(form.sort ? { sort: form.sort } : {}),
  };
}

function nearFilter({ nearLat, nearLon, nearKm }: SearchForm): ImageFilter['near'] {
  if (nearLat.trim() === '' || nearLon.trim() === '') return undefined;
  const lat = Number(nearLat);
  const lon = Number(nearLon);
  const radiusKm = Number(nearKm || '10');
  const valid = Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && radiusKm > 0 && radiusKm <= INPUT_LIMITS.near.maxRadiusKm;
  return [lat, lon, radiusKm].every(Number.isFinite) && valid ? { lat, lon, radiusKm } : undefined;
}

/** Why the place filter is ignored, for the form to say so. */
export function nearProblem(form: SearchForm): string | null {
  if (form.nearLat.trim() === '' && form.nearLon.trim() === '') return null;
  return nearFilter(form)
    ? null
    : `Enter a latitude (-90 to 90), a longitude (-180 to 180) and a radius up to ${INPUT_LIMITS.near.maxRadiusKm} km.`;
}

/** True when no further label may be added: the API takes at most INPUT_LIMITS.labels.maxCount. */
export function labelsFull(form: SearchForm): boolean {
  return form.labels.length >= INPUT_LIMITS.labels.maxCount;
}

export function toggleLabel(form: SearchForm, label: string): SearchForm {
  const labels = form.labels.includes(label) ? form.labels.filter((existing) => existing !== label) : [...form.labels, label];
  return { ...form, labels };
}
