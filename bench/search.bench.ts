/**
 * `npm run bench:search`: the local search engine (local/opensearch) at 100,000 image documents.
 *   - The engine runs alone in a child process (plain node on an esbuild bundle), so its RSS is its own.
 *   - 100,000 synthetic documents (bench/search/corpus.ts: 1,000 owners with Zipf-distributed
 *     collections, Zipf labels, cameras, dates, GPS, statuses) are indexed through _bulk in batches
 *     of 1,000 with the real @opensearch-project/opensearch client.
 *   - Queries are the searchImages requests the resolver builds (searchPlan): text + owner filter +
 *     facets sorted by RELEVANCE, and filter-only NEWEST with a label filter, for random owners and
 *     vocabulary words; warm-up, then sequentially, then 4 in flight.
 *   - Baseline in the same run: the same client's round trip to GET / on the same engine, so the
 *     search cost can be read as a ratio to the HTTP + client overhead alone.
 * Goals (absolute, set by the issue for this machine): p95 <= 20 ms, >= 300 queries/s, RSS <= 300 MB.
 */
import { IMAGE_INDEX_MAPPING } from '../functions/process-image/image-index-mapping.ts';
import { createSearchClient } from '../functions/process-image/image-index.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/config.ts';
import { IMAGES_INDEX, type ImageDocument } from '../resolvers/lib/imageDocument.ts';
import type { QuerySearchImagesArgs } from '../schema/generated/graphql.ts';
import { ImageGenerator, type Owner, owners, random } from './search/corpus.ts';
import { type EngineProcess, assertEngineAvailable, startEngineProcess } from './search/engine.ts';
import { type LatencySummary, ms, runLoad, summarize } from './search/load.ts';
import { type PlanSearch, loadSearchPlan } from './search/plan.ts';
import { median, percentile } from './process/stats.ts';
import { printReport, round } from './report.ts';

const DOCUMENTS = 100_000;
const OWNERS = 1_000;
const BATCH = 1_000;
const WARMUP = 200;
const QUERIES = 2_000;
const IN_FLIGHT = 4;
const LARGEST_OWNER_QUERIES = 200;
const SEED = 20_240_601;

const GOALS = { p95Ms: 20, qps: 300, rssMb: 300 } as const;

interface Query {
  kind: 'text' | 'label';
  owner: string;
  args: QuerySearchImagesArgs;
}

try {
  assertEngineAvailable();
} catch (error) {
  console.error(`bench:search: ${(error as Error).message}`);
  process.exit(1);
}

const planSearch = await loadSearchPlan();
const engine = await startEngineProcess();
try {
  await run(engine, planSearch);
} finally {
  await engine.stop();
}

async function run(engine: EngineProcess, plan: PlanSearch): Promise<void> {
  const client = createSearchClient({ searchEndpoint: engine.url, region: LOCAL_REGION }, LOCAL_CREDENTIALS, { requestTimeout: 120_000 });
  const rssIdle = engine.rssMb();
  const index = IMAGES_INDEX;
  await client.indices.create({ index, body: IMAGE_INDEX_MAPPING });

  // Indexing: documents generated per batch, outside the timed bulk call.
  const next = random(SEED);
  const people = owners(OWNERS, DOCUMENTS, next);
  const arrival = shuffle(people.flatMap((owner, rank) => Array.from({ length: owner.images }, () => rank)), next);
  const generator = new ImageGenerator(SEED + 1);
  const batchMs: number[] = [];
  let indexingMs = 0;
  let sourceBytes = 0;
  for (let start = 0; start < arrival.length; start += BATCH) {
    const docs: ImageDocument[] = arrival.slice(start, start + BATCH).map((rank) => generator.image(people[rank]?.sub ?? ''));
    const body = docs.flatMap((doc) => [{ index: { _index: index, _id: doc.id } }, doc]);
    sourceBytes += docs.reduce((sum, doc) => sum + JSON.stringify(doc).length, 0);
    const sent = performance.now();
    const response = await client.bulk({ body });
    const took = performance.now() - sent;
    batchMs.push(took);
    indexingMs += took;
    if (response.body.errors) {
      const failed = response.body.items.map((item) => Object.values(item)[0]).filter((item) => item?.error);
      throw new Error(`bench:search: ${failed.length} documents of a bulk batch were refused, e.g. ${JSON.stringify(failed[0]?.error)}`);
    }
  }
  await client.indices.refresh({ index });
  const count = (await client.count({ index })).body.count;
  if (count !== DOCUMENTS) throw new Error(`bench:search: the index holds ${count} documents, expected ${DOCUMENTS}`);
  const rssIndexed = engine.rssMb();

  // Queries: the resolver's requests for random owners and vocabulary words.
  const queries = (n: number, pickOwner: () => Owner) =>
    Array.from({ length: n }, (_, i): Query => {
      const owner = pickOwner().sub;
      if (i % 2 === 0) {
        const words = generator.uniform() < 0.3 ? `${generator.label()} ${generator.label()}` : generator.label();
        return { kind: 'text', owner, args: { query: words.toLowerCase() } };
      }
      return { kind: 'label', owner, args: { filter: { labels: [generator.label()] }, sort: 'NEWEST' } };
    });
  const anyOwner = () => people[Math.floor(generator.uniform() * people.length)] as Owner;
  const stats = { hits: 0, empty: 0, searches: 0 };
  const byKind: Record<Query['kind'], number[]> = { text: [], label: [] };
  const send = (track: boolean) => async (query: Query) => {
    const sent = performance.now();
    const response = await client.search({ index, body: plan(query.owner, query.args).body });
    if (track) byKind[query.kind].push(performance.now() - sent);
    const total = response.body.hits.total;
    const value = typeof total === 'number' ? total : (total?.value ?? 0);
    stats.searches += 1;
    stats.hits += value;
    if (value === 0) stats.empty += 1;
  };
  const info = async () => {
    await client.info();
  };

  await runLoad(queries(WARMUP, anyOwner), 1, send(false));
  await runLoad(Array.from({ length: WARMUP }), 1, info);

  const baseline = summarize(await runLoad(Array.from({ length: QUERIES }), 1, info));
  const sequential = summarize(await runLoad(queries(QUERIES, anyOwner), 1, send(true)));
  const baselineConcurrent = summarize(await runLoad(Array.from({ length: QUERIES }), IN_FLIGHT, info));
  const concurrent = summarize(await runLoad(queries(QUERIES, anyOwner), IN_FLIGHT, send(false)));
  const largest = people[0] as Owner;
  const largestOwner = summarize(await runLoad(queries(LARGEST_OWNER_QUERIES, () => largest), 1, send(false)));
  const rssQueried = engine.rssMb();
  const rssPeak = engine.peakRssMb();
  await client.close();

  const docsPerSecond = (DOCUMENTS * 1000) / indexingMs;
  const rssGoalValue = Math.max(rssIndexed, rssQueried);
  const line = (name: string, summary: LatencySummary, detail = '') => [
    name,
    ms(summary.p50),
    ms(summary.p95),
    ms(summary.p99),
    summary.qps.toFixed(0),
    detail,
  ];
  printReport(
    {
      benchmark: 'bench:search',
      figures: {
        documents: DOCUMENTS,
        owners: OWNERS,
        largestOwnerImages: largest.images,
        sourceMb: round(sourceBytes / 1024 / 1024),
        bulkBatch: BATCH,
        indexingSeconds: round(indexingMs / 1000),
        docsPerSecond: Math.round(docsPerSecond),
        bulkBatchMsP50: round(median(batchMs)),
        bulkBatchMsP95: round(percentile(batchMs, 95)),
        queries: QUERIES,
        inFlight: IN_FLIGHT,
        searchP50Ms: round(sequential.p50),
        searchP95Ms: round(sequential.p95),
        searchP99Ms: round(sequential.p99),
        searchQps: round(sequential.qps),
        searchConcurrentP95Ms: round(concurrent.p95),
        searchConcurrentQps: round(concurrent.qps),
        textRelevanceP95Ms: round(percentile(byKind.text, 95)),
        labelNewestP95Ms: round(percentile(byKind.label, 95)),
        largestOwnerP95Ms: round(largestOwner.p95),
        baselineGetRootP50Ms: round(baseline.p50),
        baselineGetRootP95Ms: round(baseline.p95),
        baselineGetRootQps: round(baseline.qps),
        baselineGetRootConcurrentQps: round(baselineConcurrent.qps),
        searchToBaselineP50: round(sequential.p50 / baseline.p50),
        searchToBaselineQps: round(concurrent.qps / baselineConcurrent.qps),
        meanHitsPerSearch: round(stats.hits / stats.searches),
        emptySearchShare: round(stats.empty / stats.searches),
        rssIdleMb: round(rssIdle),
        rssAfterIndexingMb: round(rssIndexed),
        rssAfterQueriesMb: round(rssQueried),
        rssPeakMb: round(rssPeak),
      },
      goals: [
        { name: `searchImages p95 latency, sequential (ms)`, value: sequential.p95, max: GOALS.p95Ms },
        { name: `${GOALS.qps} queries/s / searchImages queries/s at ${IN_FLIGHT} in flight`, value: GOALS.qps / concurrent.qps, max: 1 },
        { name: 'engine RSS after indexing and after queries, larger of the two (MB)', value: rssGoalValue, max: GOALS.rssMb },
      ],
    },
    [
      [`index ${DOCUMENTS} docs, _bulk x${BATCH}`, '', '', '', Math.round(docsPerSecond).toString(), `docs/s; ${(indexingMs / 1000).toFixed(1)} s; batch p50 ${ms(median(batchMs))}, p95 ${ms(percentile(batchMs, 95))}`],
      line('searchImages, sequential', sequential, `${QUERIES} queries, half text/RELEVANCE, half label/NEWEST`),
      ['  text + facets, RELEVANCE', ms(percentile(byKind.text, 50)), ms(percentile(byKind.text, 95)), ms(percentile(byKind.text, 99)), '', ''],
      ['  label filter + facets, NEWEST', ms(percentile(byKind.label, 50)), ms(percentile(byKind.label, 95)), ms(percentile(byKind.label, 99)), '', ''],
      line(`searchImages, ${IN_FLIGHT} in flight`, concurrent),
      line('searchImages, largest owner', largestOwner, `${LARGEST_OWNER_QUERIES} queries, ${largest.images} images`),
      line('baseline: GET /, sequential', baseline),
      line(`baseline: GET /, ${IN_FLIGHT} in flight`, baselineConcurrent),
      ['engine RSS idle / indexed / queried / peak', '', '', '', '', `${rssIdle.toFixed(0)} / ${rssIndexed.toFixed(0)} / ${rssQueried.toFixed(0)} / ${rssPeak.toFixed(0)} MB`],
    ],
    ['measure', 'p50', 'p95', 'p99', 'per s', 'detail'],
    [
      `Searches matched ${(stats.hits / stats.searches).toFixed(0)} images on average; ${(100 * (stats.empty / stats.searches)).toFixed(1)}% matched none.`,
      `Search vs GET / on the same engine: ${(sequential.p50 / baseline.p50).toFixed(1)}x the p50 latency, ${(concurrent.qps / baselineConcurrent.qps).toFixed(2)}x the throughput at ${IN_FLIGHT} in flight.`,
      'Owners of the measured queries are drawn uniformly (most own few images); the largest-owner row shows the heaviest case.',
      `Client and engine share this machine's CPUs; RSS is the engine process's own (VmRSS; peak = VmHWM).`,
    ],
  );
}

function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
