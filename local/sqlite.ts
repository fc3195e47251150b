import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens a local service's SQLite database so that an acknowledged write survives `kill -9` and a
 * power cut: WAL journal, and a full sync on every commit. `dataDir` ':memory:' keeps everything
 * in memory (tests).
 */
export function openDurableDatabase(dataDir: string, fileName: string): Database.Database {
  if (dataDir === ':memory:') return new Database(':memory:');
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, fileName));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}
