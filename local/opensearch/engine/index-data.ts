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
 * Docs containing one term, ascending, with the term frequency of each. Most keyword terms (ids,
 * hashes, keys) occur once: the first entry lives in plain fields and arrays are allocated only
 * for a second one, which keeps a unique term at a few dozen bytes.
 */
export class Postings {
  private firstDoc = 0;
  private firstFreq = 0;
  private docs: Int32Array | undefined;
  private freqs: Uint16Array | undefined;
  length = 0;
  /** Live documents containing the term (dead entries stay in the list). */
  df = 0;
  constructor(readonly term: string) {}

  add(doc: number, freq: number): void {
    const f = Math.min(freq, 65535);
    if (this.length === 0) {
      this.firstDoc = doc;
      this.firstFreq = f;
    } else {
      if (!this.docs || !this.freqs) {
        this.docs = new Int32Array(4);
        this.freqs = new Uint16Array(4);
        this.docs[0] = this.firstDoc;
        this.freqs[0] = this.firstFreq;
      } else if (this.length === this.docs.length) {
        const docs = new Int32Array(this.length * 2);
        docs.set(this.docs);
        this.docs = docs;
        const freqs = new Uint16Array(this.length * 2);
        freqs.set(this.freqs);
        this.freqs = freqs;
      }
      this.docs[this.length] = doc;
      this.freqs[this.length] = f;
    }
    this.length++;
    this.df++;
  }

  docAt(i: number): number {
    return this.docs ? (this.docs[i] ?? 0) : this.firstDoc;
  }

  /** The term frequency in `doc`, 0 when absent. */
  freq(doc: number): number {
    const docs = this.docs;
    if (!docs) return this.length > 0 && this.firstDoc === doc ? this.firstFreq : 0;
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const d = docs[mid] ?? 0;
      if (d === doc) return this.freqs?.[mid] ?? 0;
      if (d < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }
}

/** Terms of a text or keyword field, with BM25 length statistics for text. */
export class TermField {
  readonly terms = new Map<string, Postings>();
  /** Tokens per doc (field length); 0 = the doc has no value. */
  lengths = new Float32Array(0);
  /** Docs with a value, and their total length: avgdl = sumLength / docCount. */
  docCount = 0;
  sumLength = 0;
  /** Bumped when a term is added, so caches of term expansions (fuzzy, prefix) know they are stale. */
  generation = 0;
  /** Keyword doc values: the term string (shared with the dictionary) or several of them. */
  values: (string | string[] | undefined)[] = [];
  constructor(
    readonly field: LeafField,
    readonly analyzer: Analyzer | undefined,
  ) {}

  postings(term: string): Postings | undefined {
    const p = this.terms.get(term);
    return p && p.df > 0 ? p : undefined;
  }

  add(doc: number, values: string[]): void {
    const tokens = this.analyzer ? values.flatMap((v) => this.analyzer!(v)) : values;
    if (tokens.length === 0 && this.analyzer) return;
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    const stored: string[] = [];
    for (const [term, freq] of counts) {
      let postings = this.terms.get(term);
      if (!postings) {
        postings = new Postings(term);
        this.terms.set(term, postings);
        this.generation++;
      }
      postings.add(doc, freq);
      stored.push(postings.term);
    }
    if (doc >= this.lengths.length) this.lengths = grow(this.lengths, doc);
    this.lengths[doc] = tokens.length;
    this.docCount++;
    this.sumLength += tokens.length;
    if (!this.analyzer) this.values[doc] = stored.length === 1 ? stored[0] : stored;
  }

  remove(doc: number, values: string[]): void {
    const tokens = this.analyzer ? values.flatMap((v) => this.analyzer!(v)) : values;
    if (tokens.length === 0 && this.analyzer) return;
    for (const term of new Set(tokens)) {
      const p = this.terms.get(term);
      if (p) p.df--;
    }
    this.docCount--;
    this.sumLength -= tokens.length;
    this.lengths[doc] = 0;
    if (!this.analyzer) this.values[doc] = undefined;
  }

  has(doc: number): boolean {
    return (this.lengths[doc] ?? 0) > 0 || (!this.analyzer && this.values[doc] !== undefined);
  }
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

export type FieldData = TermField | NumericField | GeoField;

function grow<T extends Float32Array | Float64Array>(array: T, needed: number, fill = 0): T {
  let size = Math.max(16, array.length * 2);
  while (size <= needed) size *= 2;
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
  readonly docs: (DocMeta | undefined)[] = [];
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
              : new NumericField(field);
      this.fields.set(field.path, data);
    }
    return data;
  }

  add(meta: DocMeta, fields: FieldValues[]): number {
    const doc = this.docs.length;
    // A copy, so that a caller's object (a stored doc with its source) is not retained.
    this.docs.push({ id: meta.id, version: meta.version, seqNo: meta.seqNo, primaryTerm: meta.primaryTerm });
    this.byId.set(meta.id, doc);
    this.liveCount++;
    this.liveList = undefined;
    this.apply(doc, fields, true);
    return doc;
  }

  remove(doc: number, fields: FieldValues[]): void {
    const meta = this.docs[doc];
    if (!meta) return;
    this.apply(doc, fields, false);
    this.docs[doc] = undefined;
    if (this.byId.get(meta.id) === doc) this.byId.delete(meta.id);
    this.liveCount--;
    this.liveList = undefined;
  }

  get deadCount(): number {
    return this.docs.length - this.liveCount;
  }

  live(): Int32Array {
    if (!this.liveList) {
      const list = new Int32Array(this.liveCount);
      let n = 0;
      for (let doc = 0; doc < this.docs.length; doc++) if (this.docs[doc]) list[n++] = doc;
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
      } else if (adding) data.add(doc, values as GeoPoint[]);
      else data.remove(doc);
    }
  }
}
