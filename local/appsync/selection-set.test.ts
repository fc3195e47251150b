import { buildSchema, execute, parse, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_SELECTION_PATHS, MAX_SELECTION_STEPS, selectionSetOf } from './selection-set.ts';

const SCHEMA = buildSchema(`
  type Query { getPost(id: ID!): Post }
  type Post { postId: ID title: String content: String author(id: ID): Author comments: [Comment] }
  type Author { authorId: ID name: String }
  type Comment { id: ID }
`);

function selectionOf(query: string) {
  let selection: ReturnType<typeof selectionSetOf> | undefined;
  const rootValue = {
    getPost: (_args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
      selection = selectionSetOf(info);
      return null;
    },
  };
  void execute({ schema: SCHEMA, document: parse(query), rootValue });
  if (!selection) throw new Error('the resolver did not run');
  return selection;
}

describe('ctx.info.selectionSetList and selectionSetGraphQL', () => {
  // The example of AWS's resolver context reference (its aliases written as valid GraphQL).
  const query = `
    query {
      getPost(id: "1") {
        postId
        title
        secondTitle: title
        content
        author(id: "2") { authorId name }
        secondAuthor: author(id: "789") { authorId }
        ... on Post { inlineFragComments: comments { id } }
        ...postFrag
      }
    }
    fragment postFrag on Post { postFragComments: comments { id } }`;

  it('lists every field by its response name (the alias, not the field name), fragments flattened', () => {
    expect(selectionOf(query).list).toEqual([
      'postId',
      'title',
      'secondTitle',
      'content',
      'author',
      'author/authorId',
      'author/name',
      'secondAuthor',
      'secondAuthor/authorId',
      'inlineFragComments',
      'inlineFragComments/id',
      'postFragComments',
      'postFragComments/id',
    ]);
  });

  it('prints the selection with aliases and inline fragments, named fragments left as spreads', () => {
    const printed = selectionOf(query).graphql;
    expect(printed).toContain('secondAuthor: author(id: "789")');
    expect(printed).toContain('... on Post {');
    expect(printed).toContain('...postFrag');
    expect(printed).not.toContain('postFragComments');
  });

  it('walks a named fragment spread again at the same path once: a doubling chain of fragments costs a step per fragment', () => {
    const depth = 40;
    const chain = Array.from({ length: depth }, (_, i) => `fragment F${i} on Post { ...F${i + 1} ...F${i + 1} }`).join('\n');
    // Walked per spread, this would be 2^40 walks of the last fragment.
    const selection = selectionOf(`{ getPost(id: "1") { postId ...F0 } }\n${chain}\nfragment F${depth} on Post { title author { name } }`);
    expect(selection.list).toEqual(['postId', 'title', 'author', 'author/name']);
    expect(selection.graphql).toContain('...F0');
  });

  it('lists at most MAX_SELECTION_PATHS paths: aliases multiplied through fragments cost a bounded walk', () => {
    const aliases = (field: string, then: string) => Array.from({ length: 100 }, (_, i) => `${field}${i}: ${field}${then}`).join(' ');
    const query = `{ getPost(id: "1") { ...A } }
      fragment A on Post { ${aliases('author', ' { ...B }')} }
      fragment B on Author { ${aliases('name', '')} ${aliases('authorId', '')} }`;
    // Unbounded, 20,100 paths.
    const { list } = selectionOf(query);
    expect(list).toHaveLength(MAX_SELECTION_PATHS);
    expect(list.slice(0, 3)).toEqual(['author0', 'author0/name0', 'author0/name1']);
  });

  it('visits at most MAX_SELECTION_STEPS selections: selections that add no path do not escape the bound', () => {
    const aliases = (field: string, then: string) => Array.from({ length: 100 }, (_, i) => `${field}${i}: ${field}${then}`).join(' ');
    const typenames = Array.from({ length: 2_000 }, (_, i) => `t${i}: __typename`).join(' ');
    const query = `{ getPost(id: "1") { ...A } }
      fragment A on Post { ${aliases('author', ' { ...B }')} }
      fragment B on Author { ${typenames} name }`;
    // Unbounded in steps: 100 walks of B, 200,300 visits, for 200 paths.
    const { list } = selectionOf(query);
    expect(MAX_SELECTION_STEPS).toBeLessThan(200_300);
    expect(list.length).toBeLessThan(200);
    expect(list.slice(0, 4)).toEqual(['author0', 'author0/name', 'author1', 'author1/name']);
  });

  it('merges a field selected twice under one response name, listing each path once', () => {
    const selection = selectionOf('{ getPost(id: "1") { postId title } getPost(id: "1") { title content } }');
    expect(selection.list).toEqual(['postId', 'title', 'content']);
    expect(selection.graphql).toContain('postId');
    expect(selection.graphql).toContain('content');
  });
});
