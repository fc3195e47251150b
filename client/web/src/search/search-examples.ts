/**
 * The examples the search box suggests: only queries the product answers with local vision and
 * with Rekognition alike, i.e. judged queries of bench/eval of the kinds both answer (a detector's
 * object, a plural, a listed synonym), found with recall 1 by `npm run eval:search` locally, plus
 * words printed in photos (text detection). Scenes ("beach", "sunset") need Rekognition's larger
 * model, so they are not suggested.
 */
export const SEARCH_EXAMPLES = ['people', 'cars', 'cups'] as const;

export const SEARCH_HINT = `Search: ${SEARCH_EXAMPLES.join(', ')}, words on signs…`;
