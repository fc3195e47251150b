/**
 * Resolver costs. AppSync rejects resolver code over 32 KB, so bundle size is measured against that
 * limit. Mapping cost is measured against a baseline taken in the same run: the JSON round trip of
 * the same OpenSearch response, which AppSync performs anyway to hand it to the resolver.
 */
import { MAX_RESOLVER_CODE_BYTES, bundleResolvers } from '../infra/resolver-bundles.ts';
import { importBundled, reexport } from './bundle.ts';
import { median, printReport } from './report.ts';

const HITS = 100;
const ROUNDS = 15;
const ITERATIONS = 200;

type Handler = (ctx: Record<string, unknown>) => unknown;
interface Evaluation { result: unknown; error: unknown }
interface SearchModule {
  request: Handler;
  response: Handler;
  evaluate: (run: () => unknown) => Evaluation;
}

/** The searchImages resolver and evaluate(), bundled with the local APPSYNC_JS runtime in place of AppSync's. */
function loadSearchResolver(): Promise<SearchModule> {
  const source = [reexport(['request', 'response'], 'resolvers/Query.searchImages.ts'), reexport(['evaluate'], 'local/appsync/runtime/evaluation.ts')];
  return importBundled<SearchModule>('resolvers', source.join('\n'), { appsyncRuntime: true });
}

function openSearchResponse(): unknown {
  const hits = Array.from({ length: HITS + 1 }, (_, i) => {
    const id = `01JD${String(i).padStart(22, '0')}`;
    return {
      _id: id,
      _score: null,
      sort: [1_700_000_000_000 - i, id],
      _source: {
        id,
        ownerSub: 'owner',
        fileName: `IMG_${i}.jpg`,
        status: 'PROCESSED',
        uploadedAt: new Date(1_700_000_000_000 - i).toISOString(),
        location: { lat: 45.75, lon: 4.85 },
        altitude: 170,
        labels: Array.from({ length: 8 }, (__, l) => ({ name: `Label${l}`, confidence: 90, parents: ['Thing'], categories: [], instances: [] })),
        labelNames: Array.from({ length: 8 }, (__, l) => `Label${l}`),
        thumbnails: [160, 480, 1280].map((size) => ({ size, width: size, height: size, format: 'WEBP', square: size === 160, key: `thumbnails/owner/${id}/${size}.webp` })),
      },
    };
  });
  const buckets = Array.from({ length: 20 }, (_, i) => ({ key: `Label${i}`, doc_count: 100 - i }));
  return {
    hits: { total: { value: 5000, relation: 'eq' }, hits },
    aggregations: { labels: { buckets }, formats: { buckets: buckets.slice(0, 3) }, cameras: { buckets }, years: { buckets: [{ key: 1, key_as_string: '2024', doc_count: 9 }] } },
  };
}

function timeMs(run: () => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i += 1) run();
  return Number(process.hrtime.bigint() - start) / 1e6 / ITERATIONS;
}

const bundles = bundleResolvers();
const sizes = bundles.map((bundle) => ({ name: `${bundle.typeName}.${bundle.fieldName}`, bytes: Buffer.byteLength(bundle.code) }));
const largest = sizes.reduce((max, size) => (size.bytes > max.bytes ? size : max));

const resolver = await loadSearchResolver();
const result = openSearchResponse();
const serialized = JSON.stringify(result);
const identity = { sub: 'owner' };
const mapping = () => {
  const stash: Record<string, unknown> = {};
  const args = { query: 'label1', first: HITS };
  const request = resolver.evaluate(() => resolver.request({ args, arguments: args, identity, stash }));
  const response = resolver.evaluate(() => resolver.response({ args, arguments: args, identity, stash, result }));
  if (request.error || response.error) throw new Error('searchImages failed in the benchmark');
};
const baseline = () => void JSON.parse(serialized);

const mappingSamples: number[] = [];
const baselineSamples: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  baselineSamples.push(timeMs(baseline));
  mappingSamples.push(timeMs(mapping));
}
const mappingMs = median(mappingSamples);
const baselineMs = median(baselineSamples);

printReport(
  {
    benchmark: 'bench:resolvers',
    figures: {
      resolvers: bundles.length,
      largestBundle: largest.name,
      largestBundleBytes: largest.bytes,
      appsyncCodeLimitBytes: MAX_RESOLVER_CODE_BYTES,
      hitsPerPage: HITS,
      searchMappingMs: Number(mappingMs.toFixed(4)),
      jsonBaselineMs: Number(baselineMs.toFixed(4)),
    },
    goals: [
      // Headroom for the resolvers to grow without nearing AppSync's hard limit.
      { name: 'largest bundle / AppSync code limit', value: largest.bytes / MAX_RESOLVER_CODE_BYTES, max: 0.5 },
      // Mapping a full page (request + response) should cost no more than AppSync's own JSON parse of it.
      { name: 'searchImages mapping of a 100-hit page / JSON parse of it', value: mappingMs / baselineMs, max: 1 },
    ],
  },
  [
    ...sizes.map((size) => [size.name, size.bytes, `${((100 * size.bytes) / MAX_RESOLVER_CODE_BYTES).toFixed(1)}%`]),
    ['searchImages request+response, 100 hits', `${mappingMs.toFixed(3)} ms`, ''],
    ['baseline: JSON.parse of the same response', `${baselineMs.toFixed(3)} ms`, ''],
  ],
  ['measure', 'value', 'of limit'],
);
