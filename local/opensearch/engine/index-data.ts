import type { Analyzer } from './analysis.ts';
import type { FieldValues, GeoPoint, LeafField } from './mapping.ts';

/**
 * The searchable in-memory image of one index. Internal doc numbers only grow: a new version of a
 * document gets a new number and the old one is marked dead, so every postings list stays sorted
 * (membership and tf are a binary search) and nothing is removed in place. Statistics (df, field
 * lengths) are kept exact for live documents; the engine rebuilds the structure when dead numbers
 * outweigh live ones.
 */

/**
 * One term of a TermField, by ordinal: a view allocated per query, so the index itself holds no
 * object per term. Reads go through the field, so a view stays valid while the field grows.
 */
export class Postings {
  constructor(
    private readonly field: TermField,
    readonly ord: number,
  ) {}

  get term(): string {
    return this.field.termAt(this.ord);
  }

  /** Live documents containing the term (dead entries stay in the list). */
  get df(): number {
    return this.field.df[this.ord] ?? 0;
  }

  get length(): number {
    return this.field.postingsLength(this.ord);
  }

  docAt(i: number): number {
    return this.field.docAt(this.ord, i);
  }

  /** Where the last look-up ended, so that look-ups in ascending doc order gallop from there. */
  private readonly cursor = { at: 0 };

  /** The term frequency in `doc`, 0 when absent. */
  freq(doc: number): number {
    return this.field.freq(this.ord, doc, this.cursor);
  }
}

/** The smallest block of a postings list in the shared pool; blocks double as a list grows. */
const FIRST_BLOCK = 4;

/** Terms of one length, with their charMask. */
interface LengthBucket {
  ords: number[];
  masks: number[];
}
const EMPTY_BUCKET: LengthBucket = { ords: [], masks: [] };

/**
 * The set of a term's characters hashed to 32 bits. Each character of one term missing from the
 * other costs at least one edit, and collisions only hide missing ones, so the popcount of
 * `a & ~b` is a lower bound of the edit distance that rejects most fuzzy candidates cheaply. A
 * surrogate pair counts by its low half only, so that one character sets one bit.
 */
export function charMask(term: string): number {
  let mask = 0;
  for (let i = 0; i < term.length; i++) {
    const code = term.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff) mask |= 1 << (code & 31);
  }
  return mask;
}
const POOL_MAX = 1024;
/**
 * Growth factor of per-term and per-doc columns: doubling would leave up to half of each unused,
 * and the old and new copies are both alive while one is copied.
 */
const GROWTH = 1.5;

interface OwnList {
  docs: Int32Array;
  freqs: Uint16Array;
}
const NO_VALUE = -1;

/**
 * Terms of a text or keyword field, with BM25 length statistics for text. Terms are ordinals
 * (dictionary order of arrival) and everything per term or per doc is a column: most keyword terms
 * (ids, hashes, keys) occur once, and a per-term object would cost far more than the term itself.
 * A term's first doc lives in `firstDoc`; from the second one its list lives in a block of `pool`
 * (docs) and `poolFreqs`, moved to a block twice the size at the pool's end when full. Lists longer
 * than POOL_MAX (a few hundred terms: owners, labels, formats) get arrays of their own instead,
 * grown by half, so that the holes moved blocks leave in the pool stay small.
 */
export class TermField {
  private readonly termList: string[] = [];
  private readonly dict = new TermDict(this.termList);
  /** Per ordinal: live docs containing the term, list length, first doc and its frequency, block offset. */
  df = new Int32Array(64);
  private lengthOf = new Int32Array(64);
  private firstDoc = new Int32Array(64);
  private firstFreq = new Uint16Array(64);
  /** Block offset in the pool, or -1 - i for the list in own[i]. */
  private offset = new Int32Array(64);
  private readonly own: OwnList[] = [];
  private pool = new Int32Array(1024);
  private poolFreqs = new Uint16Array(1024);
  private poolEnd = 0;
  /** Tokens per doc (field length) of a text field; 0 = the doc has no value. Keyword fields have no norms. */
  lengths = new Float32Array(0);
  /** Docs with a value, and their total length: avgdl = sumLength / docCount. */
  docCount = 0;
  sumLength = 0;
  /** Bumped when a term is added, so caches of term expansions (fuzzy, prefix) know they are stale. */
  generation = 0;
  /**
   * Keyword doc values: per doc the ordinal of its single value, NO_VALUE, or -2 - i for several,
   * where multiOrds[i] is their count followed by their ordinals (distinct, in order of first occurrence).
   */
  private docOrds = new Int32Array(0);
  private multiOrds = new Int32Array(0);
  private multiEnd = 0;
  /** Terms by length in code points, built on the first fuzzy query of the field. */
  private byLength: LengthBucket[] | undefined;
  constructor(
    readonly field: LeafField,
    readonly analyzer: Analyzer | undefined,
  ) {}

  get termCount(): number {
    return this.termList.length;
  }

  termAt(ord: number): string {
    return this.termList[ord] ?? '';
  }

  /** The live term, as a Postings view. */
  postings(term: string): Postings | undefined {
    const ord = this.dict.get(term);
    return ord !== undefined && (this.df[ord] ?? 0) > 0 ? new Postings(this, ord) : undefined;
  }

  postingsOf(ord: number): Postings {
    return new Postings(this, ord);
  }

  /** The terms of `length` code points: fuzzy candidates within edits of a term. */
  termsOfLength(length: number): LengthBucket {
    if (!this.byLength) {
      this.byLength = [];
      for (let ord = 0; ord < this.termList.length; ord++) this.indexLength(ord);
    }
    return this.byLength[length] ?? EMPTY_BUCKET;
  }

  private indexLength(ord: number): void {
    const byLength = this.byLength;
    if (!byLength) return;
    const term = this.termList[ord] ?? '';
    let length = 0;
    for (const _ of term) length++;
    const bucket = (byLength[length] ??= { ords: [], masks: [] });
    bucket.ords.push(ord);
    bucket.masks.push(charMask(term));
  }

  /** Views of the terms (dead ones included) that pass `test`. */
  select(test: (term: string) => boolean): Postings[] {
    const out: Postings[] = [];
    for (let ord = 0; ord < this.termList.length; ord++) if (test(this.termList[ord] ?? '')) out.push(new Postings(this, ord));
    return out;
  }

  postingsLength(ord: number): number {
    return this.lengthOf[ord] ?? 0;
  }

  docAt(ord: number, i: number): number {
    if ((this.lengthOf[ord] ?? 0) === 1) return this.firstDoc[ord] ?? 0;
    const offset = this.offset[ord] ?? 0;
    return (offset < 0 ? this.own[-1 - offset]?.docs[i] : this.pool[offset + i]) ?? 0;
  }

  /**
   * The term frequency of `doc`, 0 when absent. A query checks its candidates in ascending doc
   * order, so `cursor` (the position the last look-up in this list ended at) lets the search gallop
   * forward from there: a few probes per candidate instead of a binary search of the whole list
   * (the largest owner's queries check 13,000 candidates against lists of 50,000). A doc before the
   * cursor searches from the start, so any order gives the same answer.
   */
  freq(ord: number, doc: number, cursor: { at: number } = { at: 0 }): number {
    const length = this.lengthOf[ord] ?? 0;
    if (length === 1) return this.firstDoc[ord] === doc ? (this.firstFreq[ord] ?? 0) : 0;
    const offset = this.offset[ord] ?? 0;
    const list = offset < 0 ? this.own[-1 - offset] : undefined;
    const docs = list ? list.docs : this.pool;
    const start = list ? 0 : offset;
    // Invariant: every position before `lo` holds a smaller doc.
    let lo = cursor.at > 0 && cursor.at <= length && (docs[start + cursor.at - 1] ?? 0) < doc ? cursor.at : 0;
    let hi = lo;
    for (let step = 1; hi < length && (docs[start + hi] ?? 0) < doc; step *= 2) {
      lo = hi + 1;
      hi = lo + step;
    }
    hi = Math.min(hi, length);
    // The first position in [lo, hi) whose doc is not smaller, else hi.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((docs[start + mid] ?? 0) < doc) lo = mid + 1;
      else hi = mid;
    }
    cursor.at = lo;
    return lo < length && docs[start + lo] === doc ? ((list ? list.freqs : this.poolFreqs)[start + lo] ?? 0) : 0;
  }

  private ordinal(term: string): number {
    let ord = this.dict.get(term);
    if (ord === undefined) {
      ord = this.termList.length;
      this.termList.push(term);
      this.dict.add(ord);
      this.indexLength(ord);
      if (ord >= this.df.length) {
        const size = Math.ceil(this.df.length * GROWTH);
        this.df = resized(this.df, size);
        this.lengthOf = resized(this.lengthOf, size);
        this.firstDoc = resized(this.firstDoc, size);
        this.firstFreq = resized(this.firstFreq, size);
        this.offset = resized(this.offset, size);
      }
      this.generation++;
    }
    return ord;
  }

  private append(ord: number, doc: number, freq: number): void {
    const f = Math.min(freq, 65535);
    const length = this.lengthOf[ord] ?? 0;
    if (length === 0) {
      this.firstDoc[ord] = doc;
      this.firstFreq[ord] = f;
    } else if (length > POOL_MAX) {
      const at = -1 - (this.offset[ord] ?? 0);
      let list = this.own[at] as OwnList;
      if (length === list.docs.length) {
        const capacity = Math.floor(length * GROWTH);
        list = { docs: resized(list.docs, capacity), freqs: resized(list.freqs, capacity) };
        this.own[at] = list;
      }
      list.docs[length] = doc;
      list.freqs[length] = f;
    } else if (length === POOL_MAX) {
      const from = this.offset[ord] ?? 0;
      const capacity = Math.floor(length * GROWTH);
      const docs = new Int32Array(capacity);
      const freqs = new Uint16Array(capacity);
      docs.set(this.pool.subarray(from, from + length));
      freqs.set(this.poolFreqs.subarray(from, from + length));
      docs[length] = doc;
      freqs[length] = f;
      this.offset[ord] = -1 - this.own.length;
      this.own.push({ docs, freqs });
    } else {
      // Block sizes are FIRST_BLOCK * 2^k, so a list is full exactly when its length is one.
      if (length === 1 || (length >= FIRST_BLOCK && (length & (length - 1)) === 0)) {
        const capacity = length === 1 ? FIRST_BLOCK : length * 2;
        const start = this.reserve(capacity);
        if (length === 1) {
          this.pool[start] = this.firstDoc[ord] ?? 0;
          this.poolFreqs[start] = this.firstFreq[ord] ?? 0;
        } else {
          const from = this.offset[ord] ?? 0;
          this.pool.copyWithin(start, from, from + length);
          this.poolFreqs.copyWithin(start, from, from + length);
        }
        this.offset[ord] = start;
      }
      const at = (this.offset[ord] ?? 0) + length;
      this.pool[at] = doc;
      this.poolFreqs[at] = f;
    }
    this.lengthOf[ord] = length + 1;
    this.df[ord] = (this.df[ord] ?? 0) + 1;
  }

  private reserve(size: number): number {
    const start = this.poolEnd;
    if (start + size > this.pool.length) {
      let capacity = Math.ceil(this.pool.length * GROWTH);
      while (capacity < start + size) capacity = Math.ceil(capacity * GROWTH);
      this.pool = resized(this.pool, capacity);
      this.poolFreqs = resized(this.poolFreqs, capacity);
    }
    this.poolEnd = start + size;
    return start;
  }

  add(doc: number, values: string[]): void {
    const tokens = this.analyzer ? values.flatMap((v) => this.analyzer!.tokens(v)) : values;
    if (tokens.length === 0 && this.analyzer) return;
    const counts = new Map<number, number>();
    for (const t of tokens) {
      const ord = this.ordinal(t);
      counts.set(ord, (counts.get(ord) ?? 0) + 1);
    }
    for (const [ord, freq] of counts) this.append(ord, doc, freq);
    this.docCount++;
    this.sumLength += tokens.length;
    if (this.analyzer) {
      if (doc >= this.lengths.length) this.lengths = grow(this.lengths, doc);
      this.lengths[doc] = tokens.length;
    } else {
      if (doc >= this.docOrds.length) this.docOrds = grow(this.docOrds, doc, NO_VALUE);
      this.docOrds[doc] = counts.size === 1 ? (counts.keys().next().value ?? NO_VALUE) : counts.size === 0 ? NO_VALUE : this.addMulti([...counts.keys()]);
    }
  }

  private addMulti(ords: number[]): number {
    const at = this.multiEnd;
    if (at + ords.length + 1 > this.multiOrds.length) this.multiOrds = grow(this.multiOrds, at + ords.length + 1);
    this.multiOrds[at] = ords.length;
    this.multiOrds.set(ords, at + 1);
    this.multiEnd = at + ords.length + 1;
    return -2 - at;
  }

  remove(doc: number, values: string[]): void {
    const tokens = this.analyzer ? values.flatMap((v) => this.analyzer!.tokens(v)) : values;
    if (tokens.length === 0 && this.analyzer) return;
    for (const term of new Set(tokens)) {
      const ord = this.dict.get(term);
      if (ord !== undefined) this.df[ord] = (this.df[ord] ?? 0) - 1;
    }
    this.docCount--;
    this.sumLength -= tokens.length;
    if (this.analyzer) this.lengths[doc] = 0;
    else if (doc < this.docOrds.length) this.docOrds[doc] = NO_VALUE;
  }

  has(doc: number): boolean {
    return this.analyzer ? (this.lengths[doc] ?? 0) > 0 : (this.docOrds[doc] ?? NO_VALUE) !== NO_VALUE;
  }

  /** Keyword doc values: the number of distinct values of the doc. */
  valueCount(doc: number): number {
    const v = this.docOrds[doc] ?? NO_VALUE;
    return v >= 0 ? 1 : v === NO_VALUE ? 0 : (this.multiOrds[-2 - v] ?? 0);
  }

  /** Keyword doc values: the ordinal of the doc's i-th distinct value (i < valueCount). */
  valueOrd(doc: number, i: number): number {
    const v = this.docOrds[doc] ?? NO_VALUE;
    return v >= 0 ? v : (this.multiOrds[-2 - v + 1 + i] ?? 0);
  }
}

/**
 * Term -> ordinal, as an open-addressing table of ordinals into the term list: a Map costs ~30 bytes
 * per entry in V8's heap (~4 MB per field of 100,000 unique keywords), this table 4-8.
 */
class TermDict {
  /** ord + 1 per slot, 0 = empty; at most half full. */
  private slots = new Int32Array(64);
  private size = 0;
  constructor(private readonly terms: readonly string[]) {}

  get(term: string): number | undefined {
    const mask = this.slots.length - 1;
    for (let i = hash(term) & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i] ?? 0;
      if (slot === 0) return undefined;
      if (this.terms[slot - 1] === term) return slot - 1;
    }
  }

  /** Adds terms[ord], which must be absent. */
  add(ord: number): void {
    if (++this.size * 2 > this.slots.length) {
      const old = this.slots;
      this.slots = new Int32Array(old.length * 2);
      for (const slot of old) if (slot !== 0) this.place(slot);
    }
    this.place(ord + 1);
  }

  private place(slot: number): void {
    const mask = this.slots.length - 1;
    let i = hash(this.terms[slot - 1] ?? '') & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = slot;
  }
}

/** FNV-1a over UTF-16 units. */
function hash(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function resized<T extends Int32Array | Uint16Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

/** Numbers, dates (epoch millis) and booleans (0/1) as doubles; NaN = no value. */
export class NumericField {
  values = new Float64Array(0);
  /** The docs with more than one value: all of them (values[doc] holds the first). */
  multi = new Map<number, number[]>();
  constructor(readonly field: LeafField) {}

  add(doc: number, values: number[]): void {
    if (doc >= this.values.length) this.values = grow(this.values, doc, NaN);
    this.values[doc] = values[0] ?? NaN;
    if (values.length > 1) this.multi.set(doc, values);
  }

  remove(doc: number): void {
    this.values[doc] = NaN;
    this.multi.delete(doc);
  }

  /** All values of the doc (empty when none), without allocating for the single-valued case. */
  each(doc: number, fn: (value: number) => boolean): boolean {
    const many = this.multi.get(doc);
    if (many) return many.some(fn);
    const v = this.values[doc] ?? NaN;
    return !Number.isNaN(v) && fn(v);
  }
}

export class GeoField {
  points: (GeoPoint | GeoPoint[] | undefined)[] = [];
  constructor(readonly field: LeafField) {}
  add(doc: number, points: GeoPoint[]): void {
    this.points[doc] = points.length === 1 ? points[0] : points;
  }
  remove(doc: number): void {
    this.points[doc] = undefined;
  }
}

/** Binary knn_vector values: dimension / 8 bytes per doc, in one growing column. */
export class VectorField {
  readonly width: number;
  bytes = new Uint8Array(0);
  /** 1 where the doc has a vector. */
  present = new Uint8Array(0);
  constructor(readonly field: LeafField) {
    this.width = (field.vector?.dimension ?? 0) / 8;
  }

  add(doc: number, values: number[]): void {
    if (doc >= this.present.length) {
      const size = Math.max(16, Math.ceil((doc + 1) * GROWTH));
      const present = new Uint8Array(size);
      present.set(this.present);
      const bytes = new Uint8Array(size * this.width);
      bytes.set(this.bytes);
      this.present = present;
      this.bytes = bytes;
    }
    this.bytes.set(values.map((v) => v & 0xff), doc * this.width);
    this.present[doc] = 1;
  }

  remove(doc: number): void {
    if (doc < this.present.length) this.present[doc] = 0;
  }

  has(doc: number): boolean {
    return this.present[doc] === 1;
  }
}

export type FieldData = TermField | NumericField | GeoField | VectorField;

function grow<T extends Float32Array | Float64Array | Int32Array>(array: T, needed: number, fill = 0): T {
  let size = Math.max(16, Math.ceil(array.length * GROWTH));
  while (size <= needed) size = Math.ceil(size * GROWTH);
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  if (fill !== 0) next.fill(fill, array.length);
  return next;
}

/** Metadata of one live document; its source stays in storage only (read for the hits returned). */
export interface DocMeta {
  id: string;
  version: number;
  seqNo: number;
  primaryTerm: number;
}

export class IndexData {
  /** Per doc number: the id while the doc is live, undefined once dead. */
  readonly ids: (string | undefined)[] = [];
  /** The rest of DocMeta as columns: an object per doc would cost more than its fields. */
  private versions = new Float64Array(0);
  private seqNos = new Float64Array(0);
  private primaryTerms = new Float64Array(0);
  readonly byId = new Map<string, number>();
  readonly fields = new Map<string, FieldData>();
  liveCount = 0;
  /** Sorted live doc numbers, rebuilt lazily: the candidate list of match_all and must_not-only queries. */
  private liveList: Int32Array | undefined;

  constructor(private readonly analyzerFor: (field: LeafField) => Analyzer) {}

  fieldData(field: LeafField): FieldData {
    let data = this.fields.get(field.path);
    if (!data) {
      data =
        field.type === 'text'
          ? new TermField(field, this.analyzerFor(field))
          : field.type === 'keyword'
            ? new TermField(field, undefined)
            : field.type === 'geo_point'
              ? new GeoField(field)
              : field.type === 'knn_vector'
                ? new VectorField(field)
                : new NumericField(field);
      this.fields.set(field.path, data);
    }
    return data;
  }

  /** The metadata of a live doc, as a fresh object. */
  meta(doc: number): DocMeta | undefined {
    const id = this.ids[doc];
    if (id === undefined) return undefined;
    return { id, version: this.versions[doc] ?? 0, seqNo: this.seqNos[doc] ?? 0, primaryTerm: this.primaryTerms[doc] ?? 0 };
  }

  add(meta: DocMeta, fields: FieldValues[]): number {
    const doc = this.ids.length;
    if (doc >= this.versions.length) {
      this.versions = grow(this.versions, doc);
      this.seqNos = grow(this.seqNos, doc);
      this.primaryTerms = grow(this.primaryTerms, doc);
    }
    this.ids.push(meta.id);
    this.versions[doc] = meta.version;
    this.seqNos[doc] = meta.seqNo;
    this.primaryTerms[doc] = meta.primaryTerm;
    this.byId.set(meta.id, doc);
    this.liveCount++;
    this.liveList = undefined;
    this.apply(doc, fields, true);
    return doc;
  }

  remove(doc: number, fields: FieldValues[]): void {
    const id = this.ids[doc];
    if (id === undefined) return;
    this.apply(doc, fields, false);
    this.ids[doc] = undefined;
    if (this.byId.get(id) === doc) this.byId.delete(id);
    this.liveCount--;
    this.liveList = undefined;
  }

  get deadCount(): number {
    return this.ids.length - this.liveCount;
  }

  live(): Int32Array {
    if (!this.liveList) {
      const list = new Int32Array(this.liveCount);
      let n = 0;
      for (let doc = 0; doc < this.ids.length; doc++) if (this.ids[doc] !== undefined) list[n++] = doc;
      this.liveList = list;
    }
    return this.liveList;
  }

  private apply(doc: number, fields: FieldValues[], adding: boolean): void {
    for (const { field, values } of fields) {
      if (!field.indexed) continue;
      const data = this.fieldData(field);
      if (data instanceof TermField) {
        const strings = values as string[];
        if (adding) data.add(doc, strings);
        else data.remove(doc, strings);
      } else if (data instanceof NumericField) {
        if (adding) data.add(doc, values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : (v as number))));
        else data.remove(doc);
      } else if (data instanceof VectorField) {
        if (adding) data.add(doc, values as number[]);
        else data.remove(doc);
      } else if (adding) data.add(doc, values as GeoPoint[]);
      else data.remove(doc);
    }
  }
}
