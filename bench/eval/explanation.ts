/**
 * Why a search result matched, worked out as the index does: the query analyzed by the search
 * analyzers of the image index mapping (stemming, synonyms), compared with the photo's labels,
 * text and camera (content) with the same typo tolerance (fuzziness AUTO). A result with no content
 * match was found by its file name alone.
 */
import { IMAGE_INDEX_MAPPING } from '../../functions/process-image/image-index-mapping.ts';
import { analyzerOf, buildAnalyzers } from '../../local/opensearch/engine/analysis.ts';
import { termsByPosition } from '../../local/opensearch/engine/custom-analysis.ts';
import { editDistance, maxEdits } from '../../local/opensearch/engine/query/fuzzy.ts';
import type { Explanation } from './metrics.ts';

const analyzers = buildAnalyzers(IMAGE_INDEX_MAPPING.settings.analysis);
const { properties } = IMAGE_INDEX_MAPPING.mappings;
const codePoints = (s: string) => Array.from(s, (c) => c.codePointAt(0) ?? 0);

export interface Content {
  labels: string[];
  detectedText: string[];
  camera: string | null;
}

/** Does any query word (or its synonyms) match a word of `values` as field `field` analyzes it? */
function matches(field: 'labelNames' | 'detectedText' | 'cameraName', query: string, values: string[]): boolean {
  const mapping = properties[field] as { analyzer?: string; search_analyzer?: string };
  const indexed = new Set(values.flatMap((value) => analyzerOf(analyzers, mapping.analyzer).tokens(value)));
  return termsByPosition(analyzerOf(analyzers, mapping.search_analyzer ?? mapping.analyzer), query).some((terms) =>
    terms.some((term) => {
      const edits = maxEdits('AUTO', term);
      return [...indexed].some((word) => editDistance(codePoints(term), codePoints(word), edits) <= edits);
    }),
  );
}

export function explain(query: string, content: Content): Explanation {
  const hit = matches('labelNames', query, content.labels) || matches('detectedText', query, content.detectedText) || matches('cameraName', query, content.camera ? [content.camera] : []);
  return hit ? 'content' : 'fileName';
}
