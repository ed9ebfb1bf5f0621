// The transcript database, run by sql.js in memory and made durable by us: writes are appended
// to an fsync'd journal under a cross-process lock (no need to load the database for that), the
// journal is folded into a whole-file replacement of the database at intervals, and readers
// catch up with what other processes wrote before every read.
import * as fs from 'fs';
import * as path from 'path';
import type { Database, SqlJsStatic } from 'sql.js';
import { BooError } from '../errors';
import { withLock } from '../lock';
import { appendJournal, newJournal, readJournal, replaceFile } from './journal';
import { applyOp, MessageRow, Op } from './ops';
import { migrate, SCHEMA_VERSION, schemaVersion } from './schema';

export interface StoreOptions {
  lockTimeoutMs: number;
  onNotice: (line: string) => void;
  /** Fold the journal into the database once it grows past this many bytes. */
  foldBytes?: number;
}

let sqlJs: Promise<SqlJsStatic> | null = null;

/** sql.js is loaded on first use only, so activation and hooks that only append stay cheap. */
function loadSqlJs(): Promise<SqlJsStatic> {
  if (!sqlJs) {
    const bundled = path.join(__dirname, 'sql-wasm.wasm');
    const wasm = fs.existsSync(bundled) ? bundled : require.resolve('sql.js/dist/sql-wasm.wasm');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const init = require('sql.js') as (config: { locateFile: () => string }) => Promise<SqlJsStatic>;
    sqlJs = init({ locateFile: () => wasm });
  }
  return sqlJs;
}

interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

function stampOf(file: string): FileStamp | null {
  try {
    const stat = fs.statSync(file);
    return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch {
    return null;
  }
}

const sameStamp = (a: FileStamp | null, b: FileStamp | null) =>
  a === b || (!!a && !!b && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs);

export class TranscriptStore {
  readonly dbPath: string;
  readonly journalPath: string;
  private readonly lockPath: string;
  private readonly foldBytes: number;
  private db: Database | null = null;
  private dbStamp: FileStamp | null = null;
  private journalIno: number | null = null;
  private generation: string | null = null;
  private offset = 0;

  constructor(
    readonly dir: string,
    private readonly options: StoreOptions,
  ) {
    this.dbPath = path.join(dir, 'transcript.sqlite');
    this.journalPath = path.join(dir, 'transcript.journal');
    this.lockPath = path.join(dir, 'transcript.lock');
    this.foldBytes = options.foldBytes ?? 512 * 1024;
  }

  private locked<T>(task: () => Promise<T>): Promise<T> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return withLock(this.lockPath, { timeoutMs: this.options.lockTimeoutMs, staleMs: 60_000, what: 'The transcript' }, task);
  }

  /** Records operations durably; returns once they are fsync'd. Does not load sql.js. */
  append(ops: Op[]): Promise<void> {
    return this.locked(async () => this.appendLocked(ops));
  }

  private async appendLocked(ops: Op[]): Promise<void> {
    if (!fs.existsSync(this.journalPath)) newJournal(this.journalPath);
    const before = stampOf(this.journalPath);
    const end = await appendJournal(this.journalPath, ops);
    // Keep our in-memory copy current when nobody else wrote in between.
    if (this.db && before && before.ino === this.journalIno && before.size === this.offset && sameStamp(stampOf(this.dbPath), this.dbStamp)) {
      for (const op of ops) applyOp(this.db, op);
      this.offset = end;
    }
    // The first write creates the database file; later ones fold once the journal has grown.
    if (end > this.foldBytes || !fs.existsSync(this.dbPath)) await this.foldLocked();
  }

  /**
   * The newest message of a session in `role`, at or before `upTo`, from what was appended since
   * the last fold, without loading sql.js (a hook's follow-up asks this after every turn).
   * Undefined when the journal alone cannot tell: no such message there since the last restore,
   * undo or import (which may have removed messages or brought older ones back). Then ask `read`.
   */
  latestJournaledMessage(session: string, role: MessageRow['role'], upTo: number): MessageRow | undefined {
    return newest(this.journaledSince(session), role, upTo);
  }

  /**
   * Appends `ops`, which record `reply` as the session's answer to its prompt at or before `upTo`,
   * unless that prompt already has this very reply: an agent that reports one turn's end twice
   * (or several hooks reporting it at once) gets it recorded once. Checked and written under one
   * lock; read from the journal when it can tell (no sql.js), else from the database.
   */
  appendReplyOnce(session: string, upTo: number, reply: string, ops: Op[]): Promise<boolean> {
    return this.locked(async () => {
      const journaled = this.journaledSince(session);
      const answered = newest(journaled, 'user', upTo) ? hasReply(journaled, upTo, reply) : await this.databaseHasReply(session, upTo, reply);
      if (answered) return false;
      await this.appendLocked(ops);
      return true;
    });
  }

  /** The session's messages appended since the last fold and since the journal's last restore, undo or import. */
  private journaledSince(session: string): MessageRow[] {
    let messages: MessageRow[] = [];
    for (const op of readJournal(this.journalPath).ops) {
      if (op.op === 'restore' || op.op === 'undo' || op.op === 'importSession') messages = [];
      else if (op.op === 'message' && op.session === session) messages.push(op);
    }
    return messages;
  }

  private async databaseHasReply(session: string, upTo: number, reply: string): Promise<boolean> {
    await this.refresh(true);
    const rows = (this.db as Database).exec('SELECT id, role, text, created_at FROM messages WHERE session_id = ?', [session])[0]?.values ?? [];
    const messages = rows.map(([id, role, text, at]): MessageRow => ({ id: String(id), session, role: role === 'assistant' ? 'assistant' : 'user', text: String(text), at: Number(at) }));
    return hasReply(messages, upTo, reply);
  }

  /** Runs a query against the current state, after catching up with other processes. */
  async read<T>(query: (db: Database) => T): Promise<T> {
    await this.refresh();
    return query(this.db as Database);
  }

  /** Reads and writes as one step under the lock (e.g. a restore that trims what it read). */
  transact<T>(step: (db: Database) => { result: T; ops: Op[] }): Promise<T> {
    return this.locked(async () => {
      await this.refresh(true);
      const { result, ops } = step(this.db as Database);
      if (ops.length > 0) await this.appendLocked(ops);
      return result;
    });
  }

  /** Writes the whole database file now and starts a new journal. */
  fold(): Promise<void> {
    return this.locked(() => this.foldLocked());
  }

  private async foldLocked(): Promise<void> {
    await this.refresh(true);
    const db = this.db as Database;
    // Which journal (and how much of it) the file holds: if we die before the new journal replaces
    // the old one, later appends to the old one are still replayed on open.
    db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('folded_generation', ?), ('folded_offset', ?)", [
      this.generation ?? '',
      String(this.offset),
    ]);
    replaceFile(this.dbPath, db.export());
    this.dbStamp = stampOf(this.dbPath);
    this.generation = newJournal(this.journalPath);
    this.journalIno = stampOf(this.journalPath)?.ino ?? null;
    this.offset = stampOf(this.journalPath)?.size ?? 0;
  }

  /** Loads the file and replays the journal when another process changed them. */
  private async refresh(holdingLock = false): Promise<void> {
    const dbStamp = stampOf(this.dbPath);
    const journalStamp = stampOf(this.journalPath);
    if (this.db && sameStamp(dbStamp, this.dbStamp) && (journalStamp?.ino ?? null) === this.journalIno) {
      if (journalStamp && journalStamp.size > this.offset) {
        const tail = readJournal(this.journalPath, this.offset, this.generation);
        for (const op of tail.ops) applyOp(this.db, op);
        this.offset = tail.end;
      }
      return;
    }
    await this.load(holdingLock);
  }

  private async load(holdingLock: boolean): Promise<void> {
    const SQL = await loadSqlJs();
    const dbStamp = stampOf(this.dbPath);
    let db: Database;
    if (dbStamp) {
      const opened = this.open(SQL, fs.readFileSync(this.dbPath));
      if (!opened) {
        if (!holdingLock) return this.locked(() => this.load(true));
        this.moveAside(this.dbPath, 'unreadable');
        return this.load(true);
      }
      db = opened;
    } else {
      db = new SQL.Database();
    }
    migrate(db);
    const meta = new Map((db.exec('SELECT key, value FROM meta')[0]?.values ?? []).map(([key, value]) => [String(key), String(value)]));
    let journal = readJournal(this.journalPath);
    if (journal.generation !== null && journal.generation === meta.get('folded_generation')) {
      // This journal was folded into the file up to `folded_offset`; replay only what came after.
      journal = readJournal(this.journalPath, Number(meta.get('folded_offset') ?? 0), journal.generation);
    }
    if (journal.damaged > 0) {
      this.options.onNotice(`The transcript journal ${this.journalPath} had ${journal.damaged} damaged line(s); they were skipped.`);
    }
    for (const op of journal.ops) applyOp(db, op);
    this.db?.close();
    this.db = db;
    this.dbStamp = dbStamp;
    this.journalIno = stampOf(this.journalPath)?.ino ?? null;
    this.generation = journal.generation;
    this.offset = journal.end;
  }

  /** Opens a database image; null when it is not a readable SQLite database. */
  private open(SQL: SqlJsStatic, bytes: Buffer): Database | null {
    let db: Database | null = null;
    try {
      db = new SQL.Database(bytes);
      db.exec('SELECT count(*) FROM sqlite_master');
      if (schemaVersion(db) > SCHEMA_VERSION) {
        db.close();
        throw new BooError('store-failed', `The transcript ${this.dbPath} was written by a newer BooCode; update BooCode Checkpoints to read it.`);
      }
      return db;
    } catch (error) {
      if (error instanceof BooError) throw error;
      db?.close();
      return null;
    }
  }

  /** Keeps a damaged file beside the store (never deleted or overwritten) and says where it went. */
  private moveAside(file: string, why: string): void {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(file, aside);
    this.options.onNotice(`The transcript ${file} was ${why}; it was moved to ${aside} and a new transcript was started (checkpoints are kept).`);
  }

  /** Integrity of the in-memory database, for tests and `boocode info`. */
  async integrity(): Promise<string> {
    return this.read((db) => String(db.exec('PRAGMA integrity_check')[0]?.values[0]?.[0]));
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}

/** Whether `a` comes after `b` in a session's order (time, then id). */
const after = (a: MessageRow, b: MessageRow) => a.at > b.at || (a.at === b.at && a.id > b.id);

/** The newest message in `role` (any role when null) at or before `upTo`. */
function newest(messages: MessageRow[], role: MessageRow['role'] | null, upTo: number): MessageRow | undefined {
  let found: MessageRow | undefined;
  for (const message of messages) if ((role === null || message.role === role) && message.at <= upTo && (!found || after(message, found))) found = message;
  return found;
}

/**
 * Whether `reply` is already recorded for the turn whose end was reported at `upTo`: after the
 * newest prompt at or before then, or, for a session with no prompt, as its newest message.
 */
function hasReply(messages: MessageRow[], upTo: number, reply: string): boolean {
  const prompt = newest(messages, 'user', upTo);
  if (!prompt) {
    const last = newest(messages, null, upTo);
    return last?.role === 'assistant' && last.text === reply;
  }
  return messages.some((message) => message.role === 'assistant' && message.text === reply && after(message, prompt));
}
