/**
 * One engine's run of bench:search: index the corpus through _bulk, then the web-app query mix
 * (mix.ts) warm, sequentially, at several in flight, and for the largest owner, each request
 * built by the resolver's searchPlan for what the web app's document selects (SearchImages for a
 * first page, SearchImagesPage for the next ones) and each next page by its cursor. Memory is sampled after
 * every phase and the process's peak (VmHWM) read at the end, so no phase's high-water mark is
 * hidden by a collection after it.
 */
import { IMAGES_INDEX, type ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import { median, percentile } from '../process/stats.ts';
import type { MeasuredEngine } from './engines.ts';
import { type LatencySummary, runLoad, summarize } from './load.ts';
import { QUERY_KINDS, type QueryKind, type SearchStep } from './mix.ts';
import type { ResolverSearch } from './plan.ts';

export type RequestKind = QueryKind | 'next page';
export const REQUEST_KINDS: readonly RequestKind[] = [...QUERY_KINDS, 'next page'];

export interface Workload {
  documents: number;
  /** The corpus in _bulk batches, the same documents on every call. */
  batches(): Iterable<ImageDocument[]>;
  warmup: SearchStep[];
  /** Run sequentially, then `concurrent` (other steps of the same mix) at `inFlight`. */
  measured: SearchStep[];
  concurrent: SearchStep[];
  largestOwner: SearchStep[];
  largestOwnerImages: number;
  inFlight: number;
}

export interface EngineFigures {
  indexingMs: number;
  batchMs: number[];
  sequential: LatencySummary;
  byKind: Record<RequestKind, number[]>;
  concurrent: LatencySummary;
  largestOwner: LatencySummary;
  /** totalCount of each first page of the sequential phase, in order: the engines' answers compared. */
  totals: number[];
  rss: { idle: number; indexed: number; sequential: number; concurrent: number; largestOwner: number; peak: number };
}

export async function measureEngine(engine: MeasuredEngine, workload: Workload, resolver: ResolverSearch): Promise<EngineFigures> {
  const { client } = engine;
  const index = IMAGES_INDEX;
  const idle = engine.rssMb();
  await client.indices.create({ index, body: engine.indexBody });

  const batchMs: number[] = [];
  for (const docs of workload.batches()) {
    const body = docs.flatMap((doc) => [{ index: { _index: index, _id: doc.id } }, doc]);
    const sent = performance.now();
    const response = await client.bulk({ body });
    batchMs.push(performance.now() - sent);
    if (response.body.errors) {
      const failed = response.body.items.map((item) => Object.values(item)[0]).filter((item) => item?.error);
      throw new Error(`bench:search (${engine.name}): ${failed.length} documents of a bulk batch were refused, e.g. ${JSON.stringify(failed[0]?.error)}`);
    }
  }
  await client.indices.refresh({ index });
  const count = (await client.count({ index })).body.count;
  if (count !== workload.documents) throw new Error(`bench:search (${engine.name}): the index holds ${count} documents, expected ${workload.documents}`);
  const indexed = engine.rssMb();

  /** Runs steps; each request's latency goes to `latencies` (and its kind), each first page's total to `totals`. */
  const phase = async (steps: SearchStep[], inFlight: number, record?: { byKind: Record<RequestKind, number[]>; totals: number[] }) => {
    const latencies: number[] = [];
    const { wallMs } = await runLoad(steps, inFlight, async (step) => {
      let args = step.args;
      for (let page = 0; page <= step.nextPages; page += 1) {
        const plan = resolver.plan(step.owner, args, page === 0 ? 'first' : 'next');
        const sent = performance.now();
        const response = await client.search({ index, body: plan.body });
        const took = performance.now() - sent;
        latencies.push(took);
        const { hits } = response.body;
        const total = typeof hits.total === 'number' ? hits.total : (hits.total?.value ?? 0);
        record?.byKind[page === 0 ? step.kind : 'next page'].push(took);
        // Only a first page asks for the exact total (the web app shows the first page's).
        if (page === 0) record?.totals.push(total);
        // searchPlan asks for one hit more than the page: it tells whether another page follows.
        const last = hits.hits[plan.page.first - 1];
        if (hits.hits.length <= plan.page.first || !last?.sort) break;
        args = { ...step.args, after: resolver.cursor(plan.page.sort, last.sort as (string | number)[]) };
      }
    });
    return summarize({ latencies, wallMs });
  };

  await phase(workload.warmup, 1);
  const byKind = Object.fromEntries(REQUEST_KINDS.map((kind) => [kind, [] as number[]])) as Record<RequestKind, number[]>;
  const totals: number[] = [];
  const sequential = await phase(workload.measured, 1, { byKind, totals });
  const afterSequential = engine.rssMb();
  const concurrent = await phase(workload.concurrent, workload.inFlight);
  const afterConcurrent = engine.rssMb();
  const largestOwner = await phase(workload.largestOwner, 1);
  const afterLargest = engine.rssMb();
  return {
    indexingMs: batchMs.reduce((sum, took) => sum + took, 0),
    batchMs,
    sequential,
    byKind,
    concurrent,
    largestOwner,
    totals,
    rss: { idle, indexed, sequential: afterSequential, concurrent: afterConcurrent, largestOwner: afterLargest, peak: engine.peakRssMb() },
  };
}

export const batchP50 = (figures: EngineFigures) => median(figures.batchMs);
export const batchP95 = (figures: EngineFigures) => percentile(figures.batchMs, 95);
