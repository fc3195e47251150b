import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../../sqlite.ts';

/**
 * Durable state in SQLite (WAL, synchronous=FULL): an acknowledged write is committed, so it
 * survives kill -9 and power loss. The search structures are rebuilt from here at startup.
 */
export interface StoredIndex {
  name: string;
  uuid: string;
  createdAt: number;
  settings: string;
  mappings: string;
  nextSeqNo: number;
}

export interface StoredDoc {
  id: string;
  source: string;
  version: number;
  seqNo: number;
  primaryTerm: number;
}

export class Storage {
  private readonly db: Database.Database;
  private readonly statements;

  /** `dataDir` ':memory:' keeps everything in memory (tests). */
  constructor(dataDir: string) {
    this.db = openDurableDatabase(dataDir, 'opensearch.sqlite');
    // better-sqlite3 builds SQLite with a 16 MB page cache per connection (SQLITE_DEFAULT_CACHE_SIZE
    // in its deps/defines.gypi); SQLite's own default, 2 MB, is enough here: the engine reads
    // sources by key for the hits it returns, and the OS file cache still holds the pages. It cut
    // bench:search's peak RSS by ~15 MB.
    this.db.pragma('cache_size = -2000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS indices (
        name TEXT PRIMARY KEY, uuid TEXT NOT NULL, created_at INTEGER NOT NULL,
        settings TEXT NOT NULL, mappings TEXT NOT NULL, next_seq_no INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS docs (
        idx TEXT NOT NULL, id TEXT NOT NULL, source TEXT NOT NULL, version INTEGER NOT NULL,
        seq_no INTEGER NOT NULL, primary_term INTEGER NOT NULL, PRIMARY KEY (idx, id)) WITHOUT ROWID;
    `);
    this.statements = {
      indices: this.db.prepare<[], { name: string; uuid: string; created_at: number; settings: string; mappings: string; next_seq_no: number }>('SELECT * FROM indices ORDER BY name'),
      docs: this.db.prepare<[string], { id: string; source: string; version: number; seq_no: number; primary_term: number }>('SELECT id, source, version, seq_no, primary_term FROM docs WHERE idx = ? ORDER BY seq_no'),
      insertIndex: this.db.prepare('INSERT INTO indices (name, uuid, created_at, settings, mappings, next_seq_no) VALUES (?, ?, ?, ?, ?, 0)'),
      deleteIndex: this.db.prepare('DELETE FROM indices WHERE name = ?'),
      deleteDocs: this.db.prepare('DELETE FROM docs WHERE idx = ?'),
      source: this.db.prepare<[string, string], { source: string }>('SELECT source FROM docs WHERE idx = ? AND id = ?'),
      // One statement for any page size: the ids travel as a JSON array.
      sources: this.db.prepare<[string, string], { id: string; source: string }>('SELECT id, source FROM docs WHERE idx = ? AND id IN (SELECT value FROM json_each(?))'),
      putDoc: this.db.prepare('INSERT OR REPLACE INTO docs (idx, id, source, version, seq_no, primary_term) VALUES (?, ?, ?, ?, ?, ?)'),
      deleteDoc: this.db.prepare('DELETE FROM docs WHERE idx = ? AND id = ?'),
      setSeqNo: this.db.prepare('UPDATE indices SET next_seq_no = ? WHERE name = ?'),
      setMappings: this.db.prepare('UPDATE indices SET mappings = ? WHERE name = ?'),
    };
  }

  indices(): StoredIndex[] {
    return this.statements.indices.all().map((r) => ({
      name: r.name, uuid: r.uuid, createdAt: r.created_at, settings: r.settings, mappings: r.mappings, nextSeqNo: r.next_seq_no,
    }));
  }

  *docs(index: string): Generator<StoredDoc> {
    for (const r of this.statements.docs.iterate(index)) {
      yield { id: r.id, source: r.source, version: r.version, seqNo: r.seq_no, primaryTerm: r.primary_term };
    }
  }

  /** The stored source of one doc; the in-memory index keeps none, so this is the only copy. */
  source(index: string, id: string): string | undefined {
    return this.statements.source.get(index, id)?.source;
  }

  /** The stored sources of several docs (one query), by id; missing ids are absent. */
  sources(index: string, ids: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    if (ids.length === 0) return out;
    for (const r of this.statements.sources.iterate(index, JSON.stringify(ids))) out.set(r.id, r.source);
    return out;
  }

  /** Runs `fn` in one transaction: all of its writes commit together or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  createIndex(index: Omit<StoredIndex, 'nextSeqNo'>): void {
    this.statements.insertIndex.run(index.name, index.uuid, index.createdAt, index.settings, index.mappings);
  }

  deleteIndex(name: string): void {
    this.transaction(() => {
      this.statements.deleteDocs.run(name);
      this.statements.deleteIndex.run(name);
    });
  }

  putDoc(index: string, doc: StoredDoc): void {
    this.statements.putDoc.run(index, doc.id, doc.source, doc.version, doc.seqNo, doc.primaryTerm);
  }

  deleteDoc(index: string, id: string): void {
    this.statements.deleteDoc.run(index, id);
  }

  setNextSeqNo(index: string, next: number): void {
    this.statements.setSeqNo.run(next, index);
  }

  setMappings(index: string, mappings: string): void {
    this.statements.setMappings.run(mappings, index);
  }

  close(): void {
    this.db.close();
  }
}
