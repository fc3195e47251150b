/** The judged set (judged/judged-set.json), read and checked: a malformed entry is named. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface JudgedPhoto {
  /** `photos/...` (shipped in judged/) or `shared:NAME` (from the shared fixtures folder). */
  file: string;
  /** The file name it is uploaded under: what results are matched by. */
  upload: string;
  labels: string[];
  people: boolean;
  faces: boolean;
  words: string[];
  /**
   * Held out of calibration: local vision's thresholds may be tuned on the other photos only, and
   * eval:search reports both parts (every second photo of the file is held out).
   */
  heldOut: boolean;
  /**
   * Lettering not listed in `words` that a reader can make out at full size (name tags, logos, a
   * boat's label): words read there may be real, so text noise is measured without these photos.
   */
  lettering?: boolean;
}

export type QueryKind = 'object' | 'stem' | 'synonym' | 'text' | 'scene';
export interface JudgedQuery {
  query: string;
  kind: QueryKind;
  relevant: string[];
}

export interface JudgedSet {
  photos: JudgedPhoto[];
  queries: JudgedQuery[];
}

const JUDGED = fileURLToPath(new URL('./judged/', import.meta.url));
/** ../shared/fixtures/images beside the repository, as CI lays it out. */
export const DEFAULT_SHARED_FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/images/', import.meta.url));
const KINDS: readonly QueryKind[] = ['object', 'stem', 'synonym', 'text', 'scene'];

export function loadJudgedSet(file = join(JUDGED, 'judged-set.json')): JudgedSet {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<JudgedSet>;
  const fail = (message: string): never => {
    throw new Error(`${file}: ${message}`);
  };
  const photos = raw.photos ?? fail('no photos');
  const queries = raw.queries ?? fail('no queries');
  const uploads = new Set<string>();
  photos.forEach((photo, i) => {
    const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
    if (typeof photo.file !== 'string' || typeof photo.upload !== 'string' || !strings(photo.labels) || !strings(photo.words)) fail(`photos[${i}]: file, upload, labels and words are required`);
    if (typeof photo.people !== 'boolean' || typeof photo.faces !== 'boolean') fail(`photos[${i}] (${photo.file}): people and faces must be true or false`);
    if (typeof photo.heldOut !== 'boolean') fail(`photos[${i}] (${photo.file}): heldOut must be true or false`);
    if (photo.lettering !== undefined && typeof photo.lettering !== 'boolean') fail(`photos[${i}] (${photo.file}): lettering must be true or false when given`);
    if (photo.faces && !photo.people) fail(`photos[${i}] (${photo.file}): a visible face needs people`);
    if (uploads.has(photo.upload)) fail(`photos[${i}]: upload name ${photo.upload} is used twice`);
    uploads.add(photo.upload);
  });
  queries.forEach((query, i) => {
    if (typeof query.query !== 'string' || !KINDS.includes(query.kind)) fail(`queries[${i}]: query and a kind (${KINDS.join(', ')}) are required`);
    for (const name of query.relevant ?? fail(`queries[${i}] (${query.query}): relevant is required`)) {
      if (!uploads.has(name)) fail(`queries[${i}] (${query.query}): ${name} is no photo's upload name`);
    }
  });
  return { photos, queries };
}

/** A photo with no printed words and no lettering: any text detected on it is noise. */
export function isTextFree(photo: JudgedPhoto): boolean {
  return photo.words.length === 0 && photo.lettering !== true;
}

/** Where a judged photo's bytes are on this machine. */
export function photoPath(photo: JudgedPhoto, sharedFixtures: string): string {
  const path = photo.file.startsWith('shared:') ? join(sharedFixtures, photo.file.slice('shared:'.length)) : join(JUDGED, photo.file);
  if (!existsSync(path)) throw new Error(`${photo.file}: no such file (${path})${photo.file.startsWith('shared:') ? '; pass --fixtures DIR' : ''}`);
  return path;
}
