/**
 * BM25 as OpenSearch computes it (LegacyBM25Similarity: k1 1.2, b 0.75, scores keep the (k1 + 1)
 * factor). Statistics are per field: N and avgdl count only documents that have the field.
 */
const K1 = 1.2;
const B = 0.75;

export function idf(docCount: number, docFreq: number): number {
  return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
}

/**
 * Lucene stores a field's length in one byte (SmallFloat.intToByte4): exact below 24, then rounded
 * down to 4 significant bits. Scoring the decoded length keeps scores equal to OpenSearch's.
 */
const NUM_FREE_VALUES = 24;
function longToInt4(i: number): number {
  const numBits = 32 - Math.clz32(i);
  if (numBits < 4) return i;
  const shift = numBits - 4;
  return ((i >>> shift) & 0x07) | ((shift + 1) << 3);
}
function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}
export function encodedLength(length: number): number {
  if (length < NUM_FREE_VALUES) return length;
  return NUM_FREE_VALUES + int4ToLong(longToInt4(length - NUM_FREE_VALUES));
}

/** One term's contribution; `normed` false for fields without norms (keyword), where length is ignored. */
export function bm25(freq: number, fieldLength: number, avgFieldLength: number, termIdf: number, boost: number, normed: boolean): number {
  const norm = normed ? 1 - B + (B * encodedLength(fieldLength)) / avgFieldLength : 1;
  return (boost * termIdf * freq * (K1 + 1)) / (freq + K1 * norm);
}
