/**
 * more_like_this with liked documents given by id. Expectations follow from the documented term
 * selection (tf x idf, min_term_freq, min_doc_freq, max_doc_freq, max_query_terms), the documented
 * defaults (min_term_freq 2, minimum_should_match 30%, include false) and BM25 on the selected terms.
 */
import { type CaseGroup, type Corpus, describeSearchCases } from './cases.ts';
import { useTarget } from './harness.ts';

const target = useTarget();

/**
 * Tags: dog in m1 m2 m3, beach in m1 m2 m5, sun in m1 m6 (rarer, so a higher idf). Keyword fields
 * have no norms, so a doc's score is the sum of the idfs of the tags it shares with m1.
 */
const photos: Corpus = {
  name: 'mlt',
  index: {
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { properties: { tags: { type: 'keyword' }, caption: { type: 'text' }, rating: { type: 'integer' } } },
  },
  docs: {
    m1: { tags: ['dog', 'beach', 'sun'], caption: 'dog running on the beach', rating: 5 },
    m2: { tags: ['dog', 'beach'], caption: 'a dog at the beach', rating: 4 },
    m3: { tags: ['dog', 'park'], caption: 'dog in the park', rating: 3 },
    m4: { tags: ['cat', 'sofa'], caption: 'a cat on a sofa', rating: 2 },
    m5: { tags: ['beach', 'sea'], caption: 'empty beach by the sea', rating: 1 },
    m6: { tags: ['sun'], caption: 'sunset', rating: 5 },
  },
};

const likeM1 = { fields: ['tags'], like: [{ _id: 'm1' }], min_term_freq: 1, min_doc_freq: 1, minimum_should_match: 1 };
const DOC = 'https://docs.opensearch.org/latest/query-dsl/specialized/more-like-this/';

const groups: CaseGroup[] = [
  {
    title: 'term selection and scoring',
    doc: DOC,
    cases: [
      { name: 'documents sharing a term, most shared and rarest first, the liked one excluded', body: { query: { more_like_this: likeM1 } }, ranked: [['m2'], ['m6'], ['m3', 'm5']] },
      { name: 'include: true keeps the liked document (it shares every term)', body: { query: { more_like_this: { ...likeM1, include: true } } }, ranked: [['m1'], ['m2'], ['m6'], ['m3', 'm5']] },
      { name: 'min_term_freq defaults to 2: terms seen once in the liked document are not selected', body: { query: { more_like_this: { fields: ['tags'], like: [{ _id: 'm1' }], min_doc_freq: 1 } } }, ids: [] },
      { name: 'min_doc_freq drops terms in fewer documents (sun is in 2)', body: { query: { more_like_this: { ...likeM1, min_doc_freq: 3 } } }, anyOrder: ['m2', 'm3', 'm5'] },
      { name: 'max_doc_freq drops terms in more documents (dog and beach are in 3)', body: { query: { more_like_this: { ...likeM1, max_doc_freq: 2 } } }, ids: ['m6'] },
      { name: 'max_query_terms keeps the best tf x idf terms (sun, the rarest)', body: { query: { more_like_this: { ...likeM1, max_query_terms: 1 } } }, ids: ['m6'] },
      { name: 'minimum_should_match counts the selected terms', body: { query: { more_like_this: { ...likeM1, minimum_should_match: 2 } } }, ids: ['m2'] },
      { name: 'minimum_should_match 100%: every selected term', body: { query: { more_like_this: { ...likeM1, minimum_should_match: '100%' } } }, ids: [] },
      {
        name: 'text fields are analyzed as indexed: dog and the are shared, in and park only by the liked one',
        body: { query: { more_like_this: { fields: ['caption'], like: [{ _id: 'm3' }], min_term_freq: 1, min_doc_freq: 1, minimum_should_match: 1 } } },
        anyOrder: ['m1', 'm2', 'm5'],
      },
      { name: 'a liked document that does not exist selects nothing', body: { query: { more_like_this: { ...likeM1, like: [{ _id: 'nope' }] } } }, ids: [] },
      {
        name: 'fail_on_unsupported_field false skips a numeric field',
        body: { query: { more_like_this: { ...likeM1, fields: ['tags', 'rating'], fail_on_unsupported_field: false } } },
        ranked: [['m2'], ['m6'], ['m3', 'm5']],
      },
      {
        name: 'in a bool filter with other clauses',
        body: { query: { bool: { must: [{ more_like_this: likeM1 }], filter: [{ range: { rating: { gte: 3 } } }] } } },
        ranked: [['m2'], ['m6'], ['m3']],
      },
    ],
  },
  {
    title: 'refusals',
    doc: DOC,
    cases: [
      { name: 'without like: 400 parsing_exception', body: { query: { more_like_this: { fields: ['tags'] } } }, error: { status: 400, type: 'parsing_exception', reasonIncludes: "requires 'like'" } },
      { name: 'empty fields: 400 parsing_exception', body: { query: { more_like_this: { fields: [], like: [{ _id: 'm1' }] } } }, error: { status: 400, type: 'parsing_exception', reasonIncludes: "'fields' to be non-empty" } },
      { name: 'an unknown parameter: 400 parsing_exception naming it', body: { query: { more_like_this: { ...likeM1, likeness: 3 } } }, error: { status: 400, type: 'parsing_exception', reasonIncludes: 'likeness' } },
      {
        name: 'a numeric field: 400, more_like_this only supports text/keyword fields',
        body: { query: { more_like_this: { ...likeM1, fields: ['tags', 'rating'] } } },
        error: { status: 400, type: 'search_phase_execution_exception', rootCause: 'query_shard_exception', reasonIncludes: 'only supports text/keyword fields: [rating]' },
      },
    ],
  },
];

/** Two documents sharing 1,100 distinct words, more than indices.query.bool.max_clause_count (1024). */
const WORDS = Array.from({ length: 1100 }, (_, i) => `w${i}`).join(' ');
const wordy: Corpus = {
  name: 'mlt-wordy',
  index: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { caption: { type: 'text' } } } },
  docs: { long1: { caption: WORDS }, long2: { caption: WORDS }, short: { caption: 'w1' } },
};

describeSearchCases(target, photos, groups);
describeSearchCases(target, wordy, [
  {
    title: 'the clause limit',
    doc: DOC,
    cases: [
      {
        // Lucene 9's BooleanQuery.Builder accepts them all; IndexSearcher's rewrite refuses.
        name: 'more selected terms than the clause limit: too_many_clauses, 500',
        body: { query: { more_like_this: { fields: ['caption'], like: [{ _id: 'long1' }], min_term_freq: 1, min_doc_freq: 1, max_query_terms: 5000, minimum_should_match: 1 } } },
        error: { status: 500, type: 'search_phase_execution_exception', rootCause: 'too_many_clauses' },
      },
      {
        name: 'the same with the liked document included: too_many_clauses, 500',
        body: { query: { more_like_this: { fields: ['caption'], like: [{ _id: 'long1' }], include: true, min_term_freq: 1, min_doc_freq: 1, max_query_terms: 5000, minimum_should_match: 1 } } },
        error: { status: 500, type: 'search_phase_execution_exception', rootCause: 'too_many_clauses' },
      },
      {
        // The highest tf x idf terms are selected: w1, in all three documents, is not among them.
        name: 'max_query_terms within the limit: served',
        body: { query: { more_like_this: { fields: ['caption'], like: [{ _id: 'long1' }], min_term_freq: 1, min_doc_freq: 1, max_query_terms: 1000, minimum_should_match: 1 } } },
        ids: ['long2'],
      },
    ],
  },
]);
