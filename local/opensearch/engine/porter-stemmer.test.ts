/** Porter's own examples (the 1980 paper's steps) and the words the image search relies on. */
import { describe, expect, it } from 'vitest';
import { buildAnalyzers } from './analysis.ts';
import { porterStem } from './porter-stemmer.ts';

const CASES: Record<string, string> = { caresses:'caress', ponies:'poni', ties:'ti', caress:'caress', cats:'cat', feed:'feed', agreed:'agre', plastered:'plaster', bled:'bled', motoring:'motor', sing:'sing', conflated:'conflat', troubled:'troubl', sized:'size', hopping:'hop', tanned:'tan', falling:'fall', hissing:'hiss', fizzed:'fizz', failing:'fail', filing:'file', happy:'happi', sky:'sky', relational:'relat', conditional:'condit', rational:'ration', valenci:'valenc', hesitanci:'hesit', digitizer:'digit', conformabli:'conform', radicalli:'radic', differentli:'differ', vileli:'vile', analogousli:'analog', vietnamization:'vietnam', predication:'predic', operator:'oper', feudalism:'feudal', decisiveness:'decis', hopefulness:'hope', callousness:'callous', formaliti:'formal', sensitiviti:'sensit', sensibiliti:'sensibl', triplicate:'triplic', formative:'form', formalize:'formal', electriciti:'electr', electrical:'electr', hopeful:'hope', goodness:'good', revival:'reviv', allowance:'allow', inference:'infer', airliner:'airlin', gyroscopic:'gyroscop', adjustable:'adjust', defensible:'defens', irritant:'irrit', replacement:'replac', adjustment:'adjust', dependent:'depend', adoption:'adopt', homologou:'homolog', communism:'commun', activate:'activ', angulariti:'angular', homologous:'homolog', effective:'effect', bowdlerize:'bowdler', probate:'probat', rate:'rate', cease:'ceas', controll:'control', roll:'roll', running:'run', runners:'runner', ran:'ran', books:'book', cars:'car', people:'peopl', automobile:'automobil', puppy:'puppi', puppies:'puppi', generalizations:'gener', oscillators:'oscil' };

describe('porterStem', () => {
  it('stems as the paper and Lucene do', () => {
    const stemmed = Object.fromEntries(Object.keys(CASES).map((word) => [word, porterStem(word)]));
    expect(stemmed).toEqual(CASES);
  });

  it('stems a token of any length, a long run of y included (keyword tokens have no length limit)', () => {
    // Vowel-ness of a y depends on the letter before it: asked recursively, 20,000 y's overflowed the stack.
    expect(porterStem(`a${'y'.repeat(100_000)}ing`)).toBe(`a${'y'.repeat(99_999)}i`);
  });

  it('refuses multi-word synonym rules by name rather than matching differently', () => {
    const analysis = { filter: { syn: { type: 'synonym', synonyms: ['cell phone => phone'] } }, analyzer: { a: { tokenizer: 'standard', filter: ['lowercase', 'syn'] } } };
    expect(() => buildAnalyzers(analysis)).toThrow(/multi-word synonyms are not supported/);
  });
});
