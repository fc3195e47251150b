/**
 * A query mix like the web app's (client/web/src/search): the landing page (no words, NEWEST),
 * words typed (RELEVANCE), a facet clicked (label, camera), the date range and sort-by-taken of
 * the filters panel, "near a place" (GPS radius), and next pages through the cursor of the page
 * before. Every request asks for the web app's page size; what else it asks for (the facets and
 * the exact total with a first page, neither with a next one) follows the web app's documents
 * (plan.ts).
 */
import type { QuerySearchImagesArgs } from '../../schema/generated/graphql.ts';
import { CAMERAS, CITIES, END_TAKEN, ImageGenerator, START_TAKEN } from './corpus.ts';

/** client/web/src/search/search-state.ts PAGE_SIZE. */
const PAGE_SIZE = 24;
const YEAR_MS = 365 * 86_400_000;

export type QueryKind = 'browse' | 'words' | 'facets' | 'dates' | 'near';
export const QUERY_KINDS: readonly QueryKind[] = ['browse', 'words', 'facets', 'dates', 'near'];

/** One search session step: a first page, then `nextPages` pages through its cursors. */
export interface SearchStep {
  kind: QueryKind;
  owner: string;
  args: QuerySearchImagesArgs;
  nextPages: number;
}

/** Shares of the mix, in QUERY_KINDS order. */
const SHARES: readonly number[] = [0.2, 0.35, 0.2, 0.15, 0.1];

/** `count` steps for owners drawn by `pickOwner`; deterministic for a seed. */
export function webAppMix(count: number, pickOwner: () => string, seed: number): SearchStep[] {
  const generator = new ImageGenerator(seed);
  const uniform = () => generator.uniform();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(uniform() * items.length)] as T;
  const kindOf = (roll: number): QueryKind => {
    let sum = 0;
    for (const [i, share] of SHARES.entries()) if (roll < (sum += share)) return QUERY_KINDS[i] as QueryKind;
    return 'browse';
  };
  return Array.from({ length: count }, (): SearchStep => {
    const kind = kindOf(uniform());
    const owner = pickOwner();
    // A third of the first pages are followed by one or two more.
    const nextPages = uniform() < 0.33 ? 1 + Math.floor(uniform() * 2) : 0;
    const base = { first: PAGE_SIZE };
    switch (kind) {
      case 'browse':
        return { kind, owner, nextPages, args: { ...base } };
      case 'words': {
        const words = uniform() < 0.3 ? `${generator.label()} ${generator.label()}` : generator.label();
        return { kind, owner, nextPages, args: { ...base, query: words.toLowerCase() } };
      }
      case 'facets': {
        const [make, model] = pick(CAMERAS);
        const camera = uniform() < 0.4 ? { camera: `${make} ${model}` } : {};
        return { kind, owner, nextPages, args: { ...base, filter: { labels: [generator.label()], ...camera }, sort: 'NEWEST' } };
      }
      case 'dates': {
        const from = START_TAKEN + Math.floor(uniform() * (END_TAKEN - START_TAKEN - YEAR_MS));
        const filter = { takenAfter: new Date(from).toISOString(), takenBefore: new Date(from + YEAR_MS).toISOString() };
        return { kind, owner, nextPages, args: { ...base, filter, sort: 'TAKEN' } };
      }
      case 'near': {
        const [lat, lon] = pick(CITIES);
        return { kind, owner, nextPages, args: { ...base, filter: { near: { lat, lon, radiusKm: 50 } }, sort: 'NEWEST' } };
      }
    }
  });
}
