/**
 * What the processing function sends (functions/process-image/image-index.ts), through its own
 * ImageIndex class, and the analysis of IMAGE_INDEX_MAPPING (english stemming, possessives, the
 * search-time synonyms of search-synonyms.ts, the file_name pattern analyzer), seen through match
 * queries on the mapped fields.
 *
 * Expectations: OpenSearch's optimistic concurrency (op_type=create, if_seq_no/if_primary_term:
 * https://docs.opensearch.org/latest/api-reference/document-apis/index-document/), Porter stemming
 * and the Solr synonym format (https://docs.opensearch.org/latest/analyzers/token-filters/synonym/),
 * the pattern analyzer (https://docs.opensearch.org/latest/analyzers/supported-analyzers/pattern/).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deletedDocument } from '../../../functions/process-image/image-document.ts';
import { ImageIndex } from '../../../functions/process-image/image-index.ts';
import type { ImageDocument } from '../../../resolvers/lib/imageDocument.ts';
import { type Json, ids, loadDocuments, search, useTarget } from './harness.ts';
import { ALICE, BOB, IMAGES } from './image-fixtures.ts';

const target = useTarget();
const template = IMAGES[0] as ImageDocument;
const imageOf = (id: string, fields: Partial<ImageDocument> = {}): ImageDocument => ({
  ...template,
  id,
  ownerSub: ALICE,
  sequencer: '0010',
  fileName: `${id}.png`,
  labelNames: [],
  labels: [],
  detectedText: [],
  ...fields,
});

describe('ImageIndex: the requests of the processing function', () => {
  let images: ImageIndex;
  beforeAll(async () => {
    images = new ImageIndex(target().client, target().indexName('function-images'));
    await images.ensureIndex();
  });

  it('ensureIndex is idempotent: a second call finds the index', async () => {
    await images.ensureIndex();
    const mapping = await target().client.indices.getMapping({ index: images.index });
    expect(Object.keys((mapping.body as Json)[images.index] as Json)).toEqual(['mappings']);
  });

  it('put: created with op_type=create, replaced under if_seq_no/if_primary_term, an older event is stale', async () => {
    expect(await images.put(imageOf('w1', { sequencer: '0010', fileName: 'first.jpg' }))).toBe('written');
    expect(await images.put(imageOf('w1', { sequencer: '0020', fileName: 'second.jpg' }))).toBe('written');
    expect(await images.put(imageOf('w1', { sequencer: '0015', fileName: 'late.jpg' }))).toBe('stale');
    expect((await images.get('w1'))?.fileName).toBe('second.jpg');
    const stored = await target().client.get({ index: images.index, id: 'w1' });
    expect({ version: stored.body._version, seqNo: stored.body._seq_no, term: stored.body._primary_term }).toEqual({ version: 2, seqNo: 1, term: 1 });
  });

  it('an equal sequencer overwrites (a redelivery); markDeleted leaves a tombstone a late create cannot undo', async () => {
    expect(await images.put(imageOf('w2', { sequencer: '0030', fileName: 'a.jpg' }))).toBe('written');
    expect(await images.put(imageOf('w2', { sequencer: '0030', fileName: 'b.jpg' }))).toBe('written');
    expect(await images.markDeleted(ALICE, 'w2', '0040')).toBe('written');
    expect(await images.put(imageOf('w2', { sequencer: '0035' }))).toBe('stale');
    expect(await images.get('w2')).toEqual(deletedDocument(ALICE, 'w2', '0040'));
  });

  it('get of an image never indexed: null', async () => {
    expect(await images.get('never')).toBeNull();
  });

  it('findFirstWithSha256: the earliest other live copy of the owner, not a later one, a deleted one or another owner’s', async () => {
    const sha256 = 'f'.repeat(64);
    await images.bulkPut([
      imageOf('d-early', { sha256, uploadedAt: '2024-03-01T00:00:00.000Z' }),
      imageOf('d-b', { sha256, uploadedAt: '2024-03-02T00:00:00.000Z' }),
      imageOf('d-a', { sha256, uploadedAt: '2024-03-02T00:00:00.000Z' }),
      imageOf('d-late', { sha256, uploadedAt: '2024-03-09T00:00:00.000Z' }),
      { ...deletedDocument(ALICE, 'd-gone', '0050'), sha256, uploadedAt: '2024-02-01T00:00:00.000Z' },
      imageOf('d-bob', { sha256, ownerSub: BOB, uploadedAt: '2024-01-01T00:00:00.000Z' }),
    ]);
    await target().client.indices.refresh({ index: images.index });
    expect(await images.findFirstWithSha256(ALICE, sha256, { id: 'd-late', uploadedAt: '2024-03-09T00:00:00.000Z' })).toBe('d-early');
    expect(await images.findFirstWithSha256(ALICE, sha256, { id: 'd-early', uploadedAt: '2024-03-01T00:00:00.000Z' })).toBeNull();
    // Two uploads at the same instant: the id decides.
    expect(await images.findFirstWithSha256(ALICE, sha256, { id: 'd-b', uploadedAt: '2024-03-01T12:00:00.000Z' })).toBe('d-early');
    await images.bulkPut([imageOf('d-early', { sha256: 'e'.repeat(64) })]);
    await target().client.indices.refresh({ index: images.index });
    expect(await images.findFirstWithSha256(ALICE, sha256, { id: 'd-late', uploadedAt: '2024-03-09T00:00:00.000Z' })).toBe('d-a');
  });

  it('findLinkedImages: the owner’s live images with a value in upload order, across search_after pages (date, then keyword sort values)', async () => {
    const sha256 = 'c'.repeat(64);
    // 120 copies over two pages; pairs share an upload instant, so the id orders them.
    const copies = Array.from({ length: 120 }, (_, n) =>
      imageOf(`l-${String(n).padStart(3, '0')}`, { sha256, uploadedAt: new Date(Date.UTC(2024, 4, 1, 0, 0, Math.floor(n / 2))).toISOString() }),
    );
    await images.bulkPut([
      ...[...copies].reverse(),
      imageOf('l-deleted-original', { sha256 }),
      { ...deletedDocument(ALICE, 'l-gone', '0050'), sha256 },
      imageOf('l-bob', { sha256, ownerSub: BOB }),
      imageOf('l-near', { nearDuplicateOf: 'l-deleted-original' }),
    ]);
    await images.refresh();
    const all = await images.findLinkedImages(ALICE, 'sha256', sha256, 'l-deleted-original', 500);
    expect(all.images.map((image) => image.id)).toEqual(copies.map((copy) => copy.id));
    expect(all.images[0]).toEqual({ id: 'l-000', uploadedAt: copies[0]!.uploadedAt, sequencer: '0010', originalKey: template.originalKey, sha256 });
    expect(all.more).toBe(false);
    const first = await images.findLinkedImages(ALICE, 'sha256', sha256, 'l-deleted-original', 101);
    expect([first.images.length, first.images.at(-1)?.id, first.more]).toEqual([101, 'l-100', true]);
    const near = await images.findLinkedImages(ALICE, 'nearDuplicateOf', 'l-deleted-original', 'l-deleted-original', 10);
    expect(near.images.map((image) => image.id)).toEqual(['l-near']);
  });

  it('markDeleted answers once the tombstone is searchable (refresh=wait_for)', async () => {
    await images.put(imageOf('l-wait'));
    expect(await images.markDeleted(ALICE, 'l-wait', '0090')).toBe('written');
    // No refresh asked for: on OpenSearch, only wait_for makes this search see the tombstone at once.
    const found = await search(target(), images.index, { query: { bool: { filter: [{ ids: { values: ['l-wait'] } }, { term: { status: 'DELETED' } }] } } });
    expect(ids(found)).toEqual(['l-wait']);
  });

  it('bulkPut: a document the strict mapping refuses fails alone, with its error type', async () => {
    const stray = { ...imageOf('b-bad'), unmapped: 1 } as unknown as ImageDocument;
    const result = await images.bulkPut([imageOf('b-ok'), stray]);
    expect(result.written).toBe(1);
    expect(result.failed).toEqual([{ id: 'b-bad', reason: expect.stringMatching(/^strict_dynamic_mapping_exception: /) as unknown }]);
  });
});

describe('IMAGE_INDEX_MAPPING analysis: stemming, possessives, synonyms, file names', () => {
  let index = '';
  beforeAll(async () => {
    const images = new ImageIndex(target().client, target().indexName('analysis-images'));
    await images.ensureIndex();
    index = images.index;
    const docs: Record<string, ImageDocument> = {
      dog: imageOf('dog', { labelNames: ['Dog', 'Grass'] }),
      puppy: imageOf('puppy', { labelNames: ['Puppy'] }),
      cats: imageOf('cats', { labelNames: ['Cats'] }),
      person: imageOf('person', { labelNames: ['Person'] }),
      dusk: imageOf('dusk', { labelNames: ['Dusk'] }),
      phone: imageOf('phone', { labelNames: ['Mobile Phone'] }),
      sign: imageOf('sign', { detectedText: ["Bob's running shoes", 'OPEN'] }),
      file: imageOf('file', { fileName: 'Beach-Sunset_2024.JPG' }),
    };
    await loadDocuments(target(), index, docs);
  });

  const match = async (field: string, text: string) =>
    [...ids(await search(target(), index, { query: { match: { [field]: text } }, size: 20 }))].sort();

  it('english stemming on both sides: plurals and -ing forms meet their stems', async () => {
    expect(await match('labelNames', 'dogs')).toEqual(['dog']);
    expect(await match('labelNames', 'cat')).toEqual(['cats']);
    expect(await match('detectedText', 'run')).toEqual(['sign']);
    expect(await match('detectedText', 'shoe')).toEqual(['sign']);
  });

  it("possessive_english drops 's: \"bob\" finds Bob's", async () => {
    expect(await match('detectedText', 'bob')).toEqual(['sign']);
  });

  it('search-time synonyms map typed words onto label names, stemmed first', async () => {
    expect(await match('labelNames', 'puppies')).toEqual(['dog', 'puppy']);
    expect(await match('labelNames', 'doggy')).toEqual(['dog']);
    expect(await match('labelNames', 'kitten')).toEqual(['cats']);
    expect(await match('labelNames', 'women')).toEqual(['person']);
    expect(await match('labelNames', 'smartphone')).toEqual(['phone']);
    expect(await match('labelNames', 'sunset')).toEqual(['dusk']);
  });

  it('synonyms are one-way and search-time only: a label does not find its typed words', async () => {
    expect(await match('labelNames', 'dog')).toEqual(['dog']);
    expect(await match('labelNames', 'person')).toEqual(['person']);
  });

  it('the .keyword sub-field is exact: case and whole value', async () => {
    expect(await match('labelNames.keyword', 'Mobile Phone')).toEqual(['phone']);
    expect(await match('labelNames.keyword', 'mobile phone')).toEqual([]);
  });

  it('file_name splits at every non-letter, non-digit and lowercases', async () => {
    expect(await match('fileName', 'sunset')).toEqual(['file']);
    expect(await match('fileName', 'BEACH')).toEqual(['file']);
    expect(await match('fileName', '2024')).toEqual(['file']);
    expect(await match('fileName', 'jpg')).toEqual(['file']);
  });
});
