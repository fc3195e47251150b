/**
 * The synonym list searches use (Solr format, see the index mapping): a word people type, mapped
 * onto the label names detectors report, on AWS (Rekognition) and locally alike. One word on each
 * side (the local engine refuses multi-word rules); rules are stemmed like the query, so plurals
 * follow ("puppies" finds Dog). The original word is kept where a detector may report it too
 * (Rekognition has Puppy, Kitten and Sunset labels).
 */
export const SEARCH_SYNONYMS: readonly string[] = [
  'people, persons, human, humans, man, men, woman, women, child, children, kid, kids => person',
  'puppy => puppy, dog',
  'doggy, hound => dog',
  'kitten => kitten, cat',
  'kitty => cat',
  'automobile, sedan => car',
  'motorbike => motorcycle',
  'bike => bicycle',
  'plane, aeroplane => airplane',
  'lorry => truck',
  'ship, yacht, canoe, kayak => boat',
  'mug => cup',
  'sofa => couch',
  'television => tv',
  'cellphone, smartphone => phone',
  'writing, lettering, words => text',
  'sunset => sunset, dusk',
  'sunrise => sunrise, dawn',
];
