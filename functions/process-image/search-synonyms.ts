/**
 * The synonym list searches use (Solr format, see the index mapping): a word people type, mapped
 * onto the label names detectors report, on AWS (Rekognition) and locally alike. One word on each
 * side (the local engine refuses multi-word rules); rules are stemmed like the query, so plurals
 * follow ("puppies" finds Dog). Every typed word also keeps itself: it may be printed in a photo
 * (a sign saying "SHIP" is found by "ship", which alone would become "boat") or be a label a
 * detector reports (Rekognition has Puppy, Kitten and Sunset labels).
 */
const TYPED_WORDS: readonly [typed: string, labels: string][] = [
  ['people, persons, human, humans, man, men, woman, women, child, children, kid, kids', 'person'],
  ['puppy, doggy, hound', 'dog'],
  ['kitten, kitty', 'cat'],
  ['automobile, sedan', 'car'],
  ['motorbike', 'motorcycle'],
  ['bike', 'bicycle'],
  ['plane, aeroplane', 'airplane'],
  ['lorry', 'truck'],
  ['ship, yacht, canoe, kayak', 'boat'],
  ['mug', 'cup'],
  ['sofa', 'couch'],
  ['television', 'tv'],
  ['cellphone, smartphone', 'phone'],
  ['writing, lettering, words', 'text'],
  ['sunset', 'dusk'],
  ['sunrise', 'dawn'],
];

const words = (list: string) => list.split(',').map((word) => word.trim());

export const SEARCH_SYNONYMS: readonly string[] = TYPED_WORDS.flatMap(([typed, labels]) => words(typed).map((word) => `${word} => ${[word, ...words(labels)].join(', ')}`));
