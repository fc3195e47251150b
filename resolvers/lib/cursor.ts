import { util } from '@aws-appsync/utils';
import type { ImageSort } from '../../schema/generated/graphql.ts';

/**
 * Opaque page cursors: base64 of the sort name and the last hit's `sort` values, so the next page
 * continues with `search_after`. The sort name is inside so a cursor cannot be replayed under
 * another order. Parsing is by split and util.matches because APPSYNC_JS has no try/catch: a
 * JSON.parse of a forged cursor would fail the request with an unhelpful runtime error.
 */
const SEPARATOR = '|';
const NUMBER = '-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?';
const ID = '[0-9A-Za-z_-]+';
const BASE64 = '[A-Za-z0-9+/]+={0,2}';

/** What each sort's `sort` values are, in order: a number or the image id. */
const SHAPES: Record<ImageSort, string[]> = {
  RELEVANCE: ['number', 'number', 'id'],
  NEWEST: ['number', 'id'],
  OLDEST: ['number', 'id'],
  TAKEN: ['number', 'id'],
};

export function encodeCursor(sort: ImageSort, values: (string | number)[]): string {
  return util.base64Encode([sort, ...values].join(SEPARATOR));
}

/** The `search_after` values of a cursor; a BadRequest error when it is not one of ours for `sort`. */
export function decodeCursor(sort: ImageSort, cursor: string): (string | number)[] {
  const shape = SHAPES[sort];
  const parts = util.matches(BASE64, cursor) ? util.base64Decode(cursor).split(SEPARATOR) : [];
  if (parts.length !== shape.length + 1 || parts[0] !== sort) {
    return invalidCursor();
  }
  const values = parts.slice(1);
  const valid = values.every((value, i) => util.matches(shape[i] === 'number' ? NUMBER : ID, value));
  if (!valid) {
    return invalidCursor();
  }
  return values.map((value, i) => (shape[i] === 'number' ? Number(value) : value));
}

function invalidCursor(): never {
  return util.error(
    'Invalid cursor: pass pageInfo.endCursor of the previous page unchanged, with the same sort',
    'BadRequest',
  );
}
