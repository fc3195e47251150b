import { describe, expect, it } from 'vitest';
import { rootFieldSelection } from './document-selection.ts';

describe('rootFieldSelection', () => {
  it('gives the selection the local AppSync gives the root field’s resolver, named fragments as spreads', () => {
    const selection = rootFieldSelection('{ searchImages { items { ...Card } n: totalCount } } fragment Card on Image { id }', 'searchImages');
    expect(selection).toEqual({ selectionSetList: ['items', 'items/id', 'n'], selectionSetGraphQL: '{\n  items {\n    ...Card\n  }\n  n: totalCount\n}' });
  });

  it('refuses a document the schema does not validate, saying why', () => {
    expect(() => rootFieldSelection('{ searchImages { nope } }', 'searchImages')).toThrow(/not a valid document: .*nope/);
  });

  it('refuses a document that never reaches the field’s resolver, saying why', () => {
    expect(() => rootFieldSelection('query Q($no: Boolean!) { searchImages @skip(if: $no) { totalCount } }', 'searchImages')).toThrow(/does not reach searchImages's resolver; Variable "\$no" of required type "Boolean!" was not provided/);
    expect(() => rootFieldSelection('{ searchImages @skip(if: true) { totalCount } }', 'searchImages')).toThrow(/does not reach searchImages's resolver$/);
  });
});
