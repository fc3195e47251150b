import { util } from '@aws-appsync/utils';
import type { ImageFilter, ImageSort, QuerySearchImagesArgs } from '../../schema/generated/graphql.ts';
import { decodeCursor } from './cursor.ts';
import { FIELD } from './imageDocument.ts';
import { countWords, pageSize, refuse, searchTextProblem } from './inputChecks.ts';
import { INPUT_LIMITS, countProblem, lengthProblem } from './inputLimits.ts';
import { DUPLICATE_AGGS } from './searchResponse.ts';

/**
 * Builds OpenSearch query DSL from `searchImages` arguments. Only constructs the local search
 * engine (local/opensearch) supports are emitted, so local and AWS results agree.
 */
type Clause = Record<string, unknown>;

const FACET_SIZE = { labels: 20, formats: 10, cameras: 20 } as const;

/** What is in the photo (labels, text read from it) and its camera, with their boosts. */
const CONTENT_FIELDS = [`${FIELD.labelText}^3`, `${FIELD.detectedText}^2`, FIELD.cameraText];
/**
 * Scores of the two tiers: any content match scores at least CONTENT_TIER plus its relevance, a
 * match in the file name alone exactly FILE_NAME_ONLY, so it always ranks below.
 */
const CONTENT_TIER = 2;
const FILE_NAME_ONLY = 1;

/** Orders, each ending with the id so that ties have a stable order for `search_after`. */
const SORTS: Record<ImageSort, Clause[]> = {
  RELEVANCE: [{ _score: { order: 'desc' } }, { [FIELD.uploadedAt]: { order: 'desc' } }, { [FIELD.id]: { order: 'asc' } }],
  NEWEST: [{ [FIELD.uploadedAt]: { order: 'desc' } }, { [FIELD.id]: { order: 'asc' } }],
  OLDEST: [{ [FIELD.uploadedAt]: { order: 'asc' } }, { [FIELD.id]: { order: 'asc' } }],
  // An explicit `missing` keeps sort values plain numbers: `_last` would hand back Long.MIN_VALUE,
  // which JSON numbers cannot carry exactly into the next page's search_after.
  TAKEN: [{ [FIELD.takenAt]: { order: 'desc', missing: 0 } }, { [FIELD.id]: { order: 'asc' } }],
};

export interface SearchPlan {
  /** The request body for POST /{index}/_search. */
  body: Clause;
  /** What the response needs to cut the page and encode its cursor. */
  page: { first: number; sort: ImageSort };
}

/**
 * What the query selects beyond the page itself. The facets' aggregations and the exact total
 * cost OpenSearch more than the page (a walk over every match); the CLI's listing of a whole
 * library selects neither.
 */
export interface SearchExtras {
  facets: boolean;
  totalCount: boolean;
}

/** Both extras, as a query that selects them both (the web app's first page) gets. */
export const EVERY_EXTRA: SearchExtras = { facets: true, totalCount: true };

export function searchPlan(ownerSub: string, args: QuerySearchImagesArgs, extras: SearchExtras = EVERY_EXTRA): SearchPlan {
  checkLimits(args);
  const first = pageSize(args.first, INPUT_LIMITS.first);
  const text = args.query ? args.query.trim() : '';
  const sort: ImageSort = args.sort ?? (text ? 'RELEVANCE' : 'NEWEST');
  const filter = args.filter ?? {};
  const body: Clause = {
    // One extra hit tells whether another page follows, without a second query.
    size: first + 1,
    track_total_hits: extras.totalCount,
    query: {
      bool: {
        must: text ? [textQuery(text)] : [{ match_all: {} }],
        filter: [{ term: { [FIELD.owner]: ownerSub } }, ...filterClauses(filter)],
        must_not: exclusions(filter),
      },
    },
    sort: SORTS[sort],
  };
  if (extras.facets) {
    body.aggs = FACET_AGGS;
  }
  if (args.after) {
    body.search_after = decodeCursor(sort, args.after);
  }
  return { body, page: { first, sort } };
}

/**
 * Every string and list argument within INPUT_LIMITS, before any of it is looked at further, so
 * that no request makes OpenSearch (or this resolver) work in proportion to what a client sends.
 */
function checkLimits(args: QuerySearchImagesArgs): void {
  if (args.query) {
    refuse(searchTextProblem('query', args.query));
  }
  const filter = args.filter ?? {};
  const labels = filter.labels ?? [];
  refuse(countProblem('filter.labels', labels, INPUT_LIMITS.labels.maxCount));
  labels.forEach((label, i) => refuse(lengthProblem(`filter.labels[${i}]`, label, INPUT_LIMITS.labels.maxLength)));
  refuse(countProblem('filter.formats', filter.formats ?? [], INPUT_LIMITS.formats.maxCount));
  refuse(countProblem('filter.statuses', filter.statuses ?? [], INPUT_LIMITS.statuses.maxCount));
  if (filter.camera) {
    refuse(lengthProblem('filter.camera', filter.camera, INPUT_LIMITS.camera.maxLength));
  }
  if (filter.hideDuplicates === true && filter.onlyDuplicates === true) {
    util.error('filter.hideDuplicates and filter.onlyDuplicates cannot both be true', 'BadRequest');
  }
}

/**
 * Content ranks above file names: a photo whose labels or text match comes first, ordered by how
 * well they match; a photo found only by its file name follows (constant_score: its BM25, high
 * for a rare word, must not lift it above a label match). Stemming and synonyms happen in the
 * index's analyzers (functions/process-image/image-index-mapping.ts). Typo tolerance only for
 * short queries: see INPUT_LIMITS.query for the clause budget.
 */
function textQuery(text: string): Clause {
  const fuzziness = countWords(text) <= INPUT_LIMITS.query.maxFuzzyWords ? { fuzziness: 'AUTO' } : {};
  const content = { multi_match: { query: text, type: 'best_fields', fields: CONTENT_FIELDS, ...fuzziness } };
  const fileName = { match: { [FIELD.fileName]: { query: text, ...fuzziness } } };
  return {
    bool: {
      should: [{ constant_score: { filter: content, boost: CONTENT_TIER } }, content, { constant_score: { filter: fileName, boost: FILE_NAME_ONLY } }],
      minimum_should_match: 1,
    },
  };
}

function filterClauses(filter: ImageFilter): Clause[] {
  const clauses: Clause[] = [];
  for (const label of filter.labels ?? []) {
    clauses.push({ term: { [FIELD.labelKeyword]: label } });
  }
  const taken = dateRange(filter.takenAfter, filter.takenBefore);
  if (taken) {
    clauses.push({ range: { [FIELD.takenAt]: taken } });
  }
  const uploaded = dateRange(filter.uploadedAfter, filter.uploadedBefore);
  if (uploaded) {
    clauses.push({ range: { [FIELD.uploadedAt]: uploaded } });
  }
  if (filter.formats && filter.formats.length > 0) {
    clauses.push({ terms: { [FIELD.format]: filter.formats } });
  }
  if (filter.minWidth !== null && filter.minWidth !== undefined) {
    clauses.push({ range: { [FIELD.width]: { gte: filter.minWidth } } });
  }
  if (filter.minHeight !== null && filter.minHeight !== undefined) {
    clauses.push({ range: { [FIELD.height]: { gte: filter.minHeight } } });
  }
  if (filter.hasFaces === true) {
    clauses.push({ range: { [FIELD.faceCount]: { gte: 1 } } });
  }
  if (filter.hasFaces === false) {
    clauses.push({ bool: { must_not: [{ range: { [FIELD.faceCount]: { gte: 1 } } }] } });
  }
  if (filter.camera) {
    clauses.push({ term: { [FIELD.cameraKeyword]: filter.camera } });
  }
  if (filter.statuses && filter.statuses.length > 0) {
    clauses.push({ terms: { [FIELD.status]: filter.statuses } });
  }
  if (filter.onlyDuplicates === true) {
    clauses.push({ bool: { should: COPY_CLAUSES, minimum_should_match: 1 } });
  }
  if (filter.near) {
    const { lat, lon, radiusKm } = filter.near;
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
      util.error('near: lat must be within -90..90 and lon within -180..180', 'BadRequest');
    }
    const { maxRadiusKm } = INPUT_LIMITS.near;
    if (!(radiusKm > 0) || radiusKm > maxRadiusKm) {
      util.error(`near: radiusKm must be greater than 0 and at most ${maxRadiusKm}`, 'BadRequest');
    }
    clauses.push({ geo_distance: { distance: `${radiusKm}km`, [FIELD.location]: { lat, lon } } });
  }
  return clauses;
}

function dateRange(after: string | null | undefined, before: string | null | undefined): Clause | null {
  if (!after && !before) {
    return null;
  }
  const range: Clause = {};
  if (after) {
    range.gte = after;
  }
  if (before) {
    range.lte = before;
  }
  return range;
}

/** Deleted images are gone unless asked for by status; moderated ones are hidden unless asked for. */
function exclusions(filter: ImageFilter): Clause[] {
  const clauses: Clause[] = [];
  if (!filter.statuses || filter.statuses.length === 0) {
    clauses.push({ term: { [FIELD.status]: 'DELETED' } });
  }
  if (filter.includeModerated !== true) {
    clauses.push({ term: { [FIELD.moderated]: true } });
  }
  if (filter.hideDuplicates === true) {
    clauses.push(...COPY_CLAUSES);
  }
  return clauses;
}

/** An image that is a copy of another of the owner's: byte-identical or a near-duplicate. */
const COPY_CLAUSES: Clause[] = [{ exists: { field: FIELD.duplicateOf } }, { exists: { field: FIELD.nearDuplicateOf } }];

/** Facets are counted over every match (aggregations ignore size and search_after). */
const FACET_AGGS: Clause = {
  labels: { terms: { field: FIELD.labelKeyword, size: FACET_SIZE.labels } },
  formats: { terms: { field: FIELD.format, size: FACET_SIZE.formats } },
  cameras: { terms: { field: FIELD.cameraKeyword, size: FACET_SIZE.cameras } },
  years: { date_histogram: { field: FIELD.takenAt, calendar_interval: 'year', format: 'yyyy', min_doc_count: 1 } },
  ...DUPLICATE_AGGS,
};
