/**
 * Custom analyzers as the image index uses them: the standard tokenizer, lowercase, the Porter
 * stemmer (porter_stem, stemmer english / possessive_english) and synonym filters, observed through
 * search (a term matches when query and document analyze to the same token).
 */
import { describe, expect, it } from 'vitest';
import { clientError, useTarget } from './harness.ts';

const target = useTarget();

/** An index whose `body` field uses `analyzer` (built from `analysis`), with one document per text. */
async function indexWith(name: string, analysis: Record<string, unknown>, texts: string[], searchAnalyzer?: string): Promise<(query: string) => Promise<number[]>> {
  const { client, indexName } = target();
  const index = indexName(name);
  const body = { type: 'text' as const, analyzer: 'under_test', ...(searchAnalyzer ? { search_analyzer: searchAnalyzer } : {}) };
  await client.indices.create({ index, body: { settings: { number_of_shards: 1, analysis }, mappings: { properties: { body } } } });
  for (const [i, text] of texts.entries()) await client.index({ index, id: String(i), body: { body: text }, refresh: true });
  return async (query) => {
    const { body: result } = await client.search({ index, body: { query: { match: { body: query } } } });
    return (result.hits.hits as { _id: string }[]).map((hit) => Number(hit._id)).sort();
  };
}

// https://docs.opensearch.org/docs/analyzers/token-filters/porter-stem (example: "running runners ran" -> run, runner, ran)
describe('porter_stem and stemmer (english)', () => {
  it("the docs' example: running -> run, runners -> runner, ran stays", async () => {
    const search = await indexWith(
      'porter',
      { filter: { my_porter_stem: { type: 'porter_stem' } }, analyzer: { under_test: { tokenizer: 'standard', filter: ['lowercase', 'my_porter_stem'] } } },
      ['running', 'runners', 'ran'],
    );
    expect(await search('run')).toEqual([0]);
    expect(await search('runner')).toEqual([1]);
    expect(await search('ran')).toEqual([2]);
    expect(await search('RUNS')).toEqual([0]);
  });

  it('stemmer with language english is Porter; possessive_english drops a trailing \'s', async () => {
    const search = await indexWith(
      'stemmer',
      {
        filter: { stem: { type: 'stemmer', language: 'english' }, possessive: { type: 'stemmer', language: 'possessive_english' } },
        analyzer: { under_test: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'possessive', 'stem'] } },
      },
      ['Books on a desk', "The dog's toy", 'Two cars'],
    );
    expect(await search('book')).toEqual([0]);
    expect(await search('dog')).toEqual([1]);
    expect(await search('car')).toEqual([2]);
  });
});

// https://docs.opensearch.org/docs/analyzers/token-filters/synonym ("quick, fast" with expand true and false; "=>" rules)
describe('synonym', () => {
  it('equivalent words with expand (the default) each map to all of them', async () => {
    const search = await indexWith('syn-expand', { filter: { syn: { type: 'synonym', synonyms: ['quick, fast'] } }, analyzer: { under_test: { tokenizer: 'standard', filter: ['lowercase', 'syn'] } } }, ['a quick fox', 'a fast car']);
    expect(await search('quick')).toEqual([0, 1]);
    expect(await search('fast')).toEqual([0, 1]);
  });

  it('with expand false, each maps to the first word only', async () => {
    const search = await indexWith('syn-noexpand', { filter: { syn: { type: 'synonym', synonyms: ['quick, fast'], expand: false } }, analyzer: { under_test: { tokenizer: 'standard', filter: ['lowercase', 'syn'] } } }, ['a quick fox', 'a fast car']);
    expect(await search('fast')).toEqual([0, 1]);
    expect(await search('quick')).toEqual([0, 1]);
  });

  it('an explicit rule at search time only, after the stemmer: stemmed input matches the rule', async () => {
    const search = await indexWith(
      'syn-search',
      {
        filter: { stem: { type: 'stemmer', language: 'english' }, syn: { type: 'synonym', synonyms: ['puppy => puppy, dog', 'people => person'] } },
        analyzer: {
          under_test: { tokenizer: 'standard', filter: ['lowercase', 'stem'] },
          searching: { tokenizer: 'standard', filter: ['lowercase', 'stem', 'syn'] },
        },
      },
      ['Dog', 'Person', 'Puppy'],
      'searching',
    );
    expect(await search('puppies')).toEqual([0, 2]);
    expect(await search('people')).toEqual([1]);
    expect(await search('dog')).toEqual([0]);
  });

  it('an unknown filter name is refused when the index is created', async () => {
    const { client, indexName } = target();
    const error = await clientError(
      client.indices.create({ index: indexName('bad-filter'), body: { settings: { analysis: { analyzer: { a: { type: 'custom', tokenizer: 'standard', filter: ['no_such_filter'] } } } } } }),
    );
    expect(error).toMatchObject({ status: 400, type: 'illegal_argument_exception' });
  });
});
