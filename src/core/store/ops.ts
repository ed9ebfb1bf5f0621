// Every change to the transcript is one of these operations. The same function applies them
// live and when the journal is replayed, and each is idempotent, so replaying a journal over a
// file that already holds part of it changes nothing.
import type { Database, SqlValue } from 'sql.js';

export interface MessageRow {
  id: string;
  session: string;
  role: 'user' | 'assistant';
  text: string;
  at: number;
  /** The prompt's anchor in the agent's own history (Claude Code's promptId, opencode's message id, Codex's turn id), when known. */
  agentRef?: string | null;
}

/** What it takes to resume the agent's own conversation: set by hooks, each field only when known. */
export interface AgentSessionFields {
  /** The agent's own session id (ours is the same for hooked sessions; an import under a new id keeps the agent's). */
  agentSessionId?: string | null;
  /** The agent's own transcript file (Claude Code's JSONL), when it keeps one. */
  agentTranscript?: string | null;
  /** The folder the agent runs in (may be a subfolder of the workspace). */
  agentCwd?: string | null;
}

export interface CheckpointRow {
  id: string;
  session: string | null;
  anchor: string | null;
  commit: string;
  label: string | null;
  at: number;
}

export interface RestorePayload {
  messages: MessageRow[];
  checkpoints: CheckpointRow[];
  previousStaleAt: number | null;
  previousStaleReason: string | null;
}

export type Op =
  | ({ op: 'session'; id: string; agent: string | null; workspace: string; at: number } & AgentSessionFields)
  | ({ op: 'message' } & MessageRow)
  | ({ op: 'checkpoint' } & CheckpointRow)
  | { op: 'dropCheckpoints'; ids: string[] }
  | {
      op: 'restore';
      id: string;
      checkpoint: string;
      safety: string | null;
      session: string | null;
      mode: string;
      at: number;
      payload: RestorePayload;
      staleReason: string | null;
      /**
       * The session's stale mark before this restore is read when the op is applied (into the
       * payload, for undo), so a restore that trims nothing is recorded without loading the database.
       */
      previousStaleFromRow?: boolean;
    }
  | { op: 'undo'; id: string; at: number }
  | ({ op: 'importSession' } & ImportedSession);

/** A whole session brought in by `boocode import`: one op, so one journal line, so all or nothing. */
export interface ImportedSession {
  session: { id: string; agent: string | null; workspace: string; createdAt: number; updatedAt: number; staleAt: number | null; staleReason: string | null } & AgentSessionFields;
  messages: MessageRow[];
  checkpoints: CheckpointRow[];
  restores: { id: string; checkpoint: string; safety: string | null; mode: string; at: number; undoneAt: number | null; payload: string }[];
  /** sha256 of the transcript as it came in: importing the same again is a no-op. */
  fingerprint?: string;
}

const run = (db: Database, sql: string, params: SqlValue[]) => db.run(sql, params);

export function applyOp(db: Database, op: Op): void {
  switch (op.op) {
    case 'session':
      run(db, 'INSERT OR IGNORE INTO sessions (id, agent, workspace, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
        op.id,
        op.agent,
        op.workspace,
        op.at,
        op.at,
      ]);
      run(db, 'UPDATE sessions SET agent = COALESCE(agent, ?), updated_at = MAX(updated_at, ?) WHERE id = ?', [op.agent, op.at, op.id]);
      // The agent's session id and folder are kept from the first turn; its transcript file follows the latest report.
      if (op.agentSessionId || op.agentTranscript || op.agentCwd) {
        run(db, 'UPDATE sessions SET agent_session_id = COALESCE(agent_session_id, ?), agent_transcript = COALESCE(?, agent_transcript), agent_cwd = COALESCE(agent_cwd, ?) WHERE id = ?', [
          op.agentSessionId ?? null,
          op.agentTranscript ?? null,
          op.agentCwd ?? null,
          op.id,
        ]);
      }
      return;
    case 'message':
      insertMessage(db, op);
      run(db, 'UPDATE sessions SET updated_at = MAX(updated_at, ?) WHERE id = ?', [op.at, op.session]);
      return;
    case 'checkpoint':
      insertCheckpoint(db, op);
      return;
    case 'dropCheckpoints':
      for (const id of op.ids) run(db, 'DELETE FROM checkpoints WHERE id = ?', [id]);
      return;
    case 'restore': {
      // Applied twice (a journal replayed, a restore finished again), it must change nothing more.
      if (db.exec('SELECT 1 FROM restores WHERE id = ?', [op.id])[0]) return;
      let payload = op.payload;
      if (op.previousStaleFromRow && op.session) {
        const row = db.exec('SELECT stale_at, stale_reason FROM sessions WHERE id = ?', [op.session])[0]?.values[0];
        payload = {
          ...payload,
          previousStaleAt: row?.[0] === null || row === undefined ? null : Number(row[0]),
          previousStaleReason: row?.[1] === null || row === undefined ? null : String(row[1]),
        };
      }
      for (const message of payload.messages) run(db, 'DELETE FROM messages WHERE id = ?', [message.id]);
      for (const checkpoint of payload.checkpoints) run(db, 'DELETE FROM checkpoints WHERE id = ?', [checkpoint.id]);
      run(
        db,
        'INSERT OR IGNORE INTO restores (id, checkpoint_id, safety_checkpoint_id, session_id, mode, created_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [op.id, op.checkpoint, op.safety, op.session, op.mode, op.at, JSON.stringify(payload)],
      );
      if (op.session && op.staleReason) {
        run(db, 'UPDATE sessions SET stale_at = ?, stale_reason = ? WHERE id = ?', [op.at, op.staleReason, op.session]);
      }
      return;
    }
    case 'undo': {
      const row = db.exec('SELECT payload, session_id, undone_at FROM restores WHERE id = ?', [op.id])[0]?.values[0];
      if (!row || row[2] !== null) return;
      const payload = JSON.parse(String(row[0])) as RestorePayload;
      for (const message of payload.messages) insertMessage(db, message);
      for (const checkpoint of payload.checkpoints) insertCheckpoint(db, checkpoint);
      if (row[1]) {
        run(db, 'UPDATE sessions SET stale_at = ?, stale_reason = ? WHERE id = ?', [payload.previousStaleAt, payload.previousStaleReason, row[1]]);
      }
      run(db, 'UPDATE restores SET undone_at = ? WHERE id = ?', [op.at, op.id]);
      return;
    }
    case 'importSession': {
      const { session } = op;
      run(
        db,
        'INSERT OR IGNORE INTO sessions (id, agent, workspace, created_at, updated_at, stale_at, stale_reason, agent_session_id, agent_transcript, agent_cwd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          session.id,
          session.agent,
          session.workspace,
          session.createdAt,
          session.updatedAt,
          session.staleAt,
          session.staleReason,
          session.agentSessionId ?? null,
          session.agentTranscript ?? null,
          session.agentCwd ?? null,
        ],
      );
      for (const message of op.messages) insertMessage(db, message);
      for (const checkpoint of op.checkpoints) insertCheckpoint(db, checkpoint);
      if (op.fingerprint) run(db, 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [`imported:${session.id}`, op.fingerprint]);
      // Imported restores are history only: marked imported (and undone), so `undo` here never reaches one.
      for (const restore of op.restores) {
        run(
          db,
          'INSERT OR IGNORE INTO restores (id, checkpoint_id, safety_checkpoint_id, session_id, mode, created_at, payload, undone_at, imported) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)',
          [restore.id, restore.checkpoint, restore.safety, session.id, restore.mode, restore.at, restore.payload, restore.undoneAt ?? restore.at],
        );
      }
      return;
    }
  }
}

function insertMessage(db: Database, row: MessageRow): void {
  run(db, 'INSERT OR IGNORE INTO messages (id, session_id, role, text, created_at, agent_ref) VALUES (?, ?, ?, ?, ?, ?)', [
    row.id,
    row.session,
    row.role,
    row.text,
    row.at,
    row.agentRef ?? null,
  ]);
}

function insertCheckpoint(db: Database, row: CheckpointRow): void {
  run(db, 'INSERT OR IGNORE INTO checkpoints (id, session_id, anchor_message_id, commit_sha, label, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    row.id,
    row.session,
    row.anchor,
    row.commit,
    row.label,
    row.at,
  ]);
}
