// The transcript schema and its forward migrations. `PRAGMA user_version` holds the version;
// each migration moves one version forward inside a transaction. Times are unix milliseconds.
import type { Database } from 'sql.js';

export const MIGRATIONS: string[] = [
  // 1: sessions, messages, checkpoints.
  `CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     agent TEXT,
     workspace TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE messages (
     id TEXT PRIMARY KEY,
     session_id TEXT NOT NULL REFERENCES sessions(id),
     role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
     text TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX messages_by_session ON messages(session_id, created_at, id);
   CREATE TABLE checkpoints (
     id TEXT PRIMARY KEY,
     session_id TEXT,
     anchor_message_id TEXT,
     commit_sha TEXT NOT NULL,
     label TEXT,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX checkpoints_by_session ON checkpoints(session_id, created_at);`,
  // 2: restores that can be undone, and stale agent context on sessions.
  `ALTER TABLE sessions ADD COLUMN stale_at INTEGER;
   ALTER TABLE sessions ADD COLUMN stale_reason TEXT;
   CREATE TABLE restores (
     id TEXT PRIMARY KEY,
     checkpoint_id TEXT NOT NULL,
     safety_checkpoint_id TEXT,
     session_id TEXT,
     mode TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     payload TEXT NOT NULL,
     undone_at INTEGER
   );`,
  // 3: bookkeeping for the journal (which journal generation the file already holds).
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // 4: restores brought in with an imported session (history from another machine, never undone here).
  `ALTER TABLE restores ADD COLUMN imported INTEGER;`,
  // 5: what it takes to resume the agent: its own session id, transcript file and folder per
  // session, and each prompt's anchor in the agent's own history (e.g. Claude Code's promptId).
  `ALTER TABLE sessions ADD COLUMN agent_session_id TEXT;
   ALTER TABLE sessions ADD COLUMN agent_transcript TEXT;
   ALTER TABLE sessions ADD COLUMN agent_cwd TEXT;
   ALTER TABLE messages ADD COLUMN agent_ref TEXT;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

/** Brings `db` to `target` (default: the latest) one version at a time. */
export function migrate(db: Database, target = SCHEMA_VERSION): void {
  for (let version = schemaVersion(db); version < target; version++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[version]);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}
