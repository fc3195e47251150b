import { util } from '@aws-appsync/utils';
import type { ImageSort } from '../../schema/generated/graphql.ts';
import { refuse } from './inputChecks.ts';
import { INPUT_LIMITS, imageIdProblem, lengthProblem } from './inputLimits.ts';

/**
 * Opaque page cursors: base64 of the sort name and the last hit's `sort` values, so the next page
 * continues with `search_after`. The sort name is inside so a cursor cannot be replayed under
 * another order. Parsing is by split and util.matches because APPSYNC_JS has no try/catch: a
 * JSON.parse of a forged cursor would fail the request with an unhelpful runtime error.
 *
 * Every value is checked against the exact shape OpenSearch handed out, so a forged cursor is a
 * BadRequest here and never an OpenSearch parse error (a date sort value must be a whole number,
 * and `1e999` would reach it as null). A cursor only positions the page: the owner filter stays in
 * the query, so no cursor reaches another user's images.
 */
const SEPARATOR = '|';
const BASE64 = '[A-Za-z0-9+/]+={0,2}';

/** The shapes of the numeric `sort` values, as JavaScript prints what OpenSearch returns. */
const NUMBER_PATTERNS = {
  /** _score: a non-negative float; tiny ones print with a negative exponent. */
  score: '[0-9]{1,10}(\\.[0-9]{1,20})?(e-[0-9]{1,3})?',
  /** A date field: epoch milliseconds (negative before 1970; 0 for a missing takenAt). */
  millis: '-?[0-9]{1,15}',
} as const;

/** A number, or the image id that ends every sort as its tie-breaker. */
type ValueKind = keyof typeof NUMBER_PATTERNS | 'id';

/** What each sort's `sort` values are, in order (see SORTS in imageSearch.ts). */
const SHAPES: Record<ImageSort, ValueKind[]> = {
  RELEVANCE: ['score', 'millis', 'id'],
  NEWEST: ['millis', 'id'],
  OLDEST: ['millis', 'id'],
  TAKEN: ['millis', 'id'],
};

export function encodeCursor(sort: ImageSort, values: (string | number)[]): string {
  return util.base64Encode([sort, ...values].join(SEPARATOR));
}

/** The `search_after` values of a cursor; a BadRequest error when it is not one of ours for `sort`. */
export function decodeCursor(sort: ImageSort, cursor: string): (string | number)[] {
  refuse(lengthProblem('after', cursor, INPUT_LIMITS.cursor.maxLength));
  const shape = SHAPES[sort];
  const parts = util.matches(BASE64, cursor) ? util.base64Decode(cursor).split(SEPARATOR) : [];
  if (parts.length !== shape.length + 1 || parts[0] !== sort) {
    return invalidCursor();
  }
  const values = parts.slice(1);
  const valid = values.every((value, i) => {
    const kind = shape[i] ?? 'id';
    return kind === 'id' ? imageIdProblem('after', value) === null : util.matches(NUMBER_PATTERNS[kind], value);
  });
  if (!valid) {
    return invalidCursor();
  }
  return values.map((value, i) => (shape[i] === 'id' ? value : Number(value)));
}

function invalidCursor(): never {
  return util.error(
    'Invalid cursor: pass pageInfo.endCursor of the previous page unchanged, with the same sort',
    'BadRequest',
  );
}
