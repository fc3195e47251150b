import { describe, expect, it } from 'vitest';
import { analyzerOf, buildAnalyzers } from '../../local/opensearch/engine/analysis.ts';
import { termsByPosition } from '../../local/opensearch/engine/custom-analysis.ts';
import { IMAGE_INDEX_MAPPING, type ValueFieldMapping } from './image-index-mapping.ts';
import { SEARCH_SYNONYMS } from './search-synonyms.ts';

const analyzers = buildAnalyzers(IMAGE_INDEX_MAPPING.settings.analysis);
const searchTerms = (query: string) => termsByPosition(analyzerOf(analyzers, (IMAGE_INDEX_MAPPING.mappings.properties.detectedText as ValueFieldMapping).search_analyzer), query).flat();

describe('search synonyms', () => {
  it('map each typed word onto itself and the label words', () => {
    expect(SEARCH_SYNONYMS).toContain('ship => ship, boat');
    expect(SEARCH_SYNONYMS).toContain('people => people, person');
    for (const rule of SEARCH_SYNONYMS) {
      const [typed, expanded] = rule.split(' => ');
      expect(expanded?.split(', ')[0]).toBe(typed);
    }
  });

  it('let a typed word still find itself printed in a photo, stemmed like the index', () => {
    expect(searchTerms('ship')).toEqual(expect.arrayContaining(['ship', 'boat']));
    expect(searchTerms('puppies')).toEqual(expect.arrayContaining(['puppi', 'dog']));
  });
});
