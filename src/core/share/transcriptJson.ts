// A session's transcript as it travels: plain JSON, times as integer unix milliseconds. Read from
// the store on export; checked field by field on import (it comes from elsewhere).
import type { Database, SqlValue } from 'sql.js';
import { BooError } from '../errors';
import { assertCheckpointId, assertSessionId } from '../ids';
import { ImportedSession } from '../store/ops';

/** The agent's own session file, where the agent keeps one (Claude Code's JSONL, Gemini CLI's chat file): a resume needs it. */
export interface AgentFileJson {
  agent: string;
  /** Its file name where it came from. */
  name: string;
  text: string;
}

export interface TranscriptJson {
  version: 1;
  session: ImportedSession['session'];
  messages: { id: string; role: 'user' | 'assistant'; text: string; createdAt: number; agentRef?: string | null }[];
  checkpoints: { id: string; anchor: string | null; commit: string; label: string | null; createdAt: number }[];
  restores: { id: string; checkpoint: string; safety: string | null; mode: string; createdAt: number; undoneAt: number | null; payload: string }[];
  /** Added in format 1.1; older readers ignore it. */
  agentFile?: AgentFileJson | null;
}

const rows = (db: Database, sql: string, params: SqlValue[]) => db.exec(sql, params)[0]?.values ?? [];
const text = (value: SqlValue) => (value === null ? null : String(value));
const time = (value: SqlValue) => (value === null ? null : Number(value));

/** The session as the store holds it now; null when there is no such session. */
export function readTranscript(db: Database, sessionId: string): TranscriptJson | null {
  const session = rows(db, 'SELECT id, agent, workspace, created_at, updated_at, stale_at, stale_reason, agent_session_id, agent_transcript, agent_cwd FROM sessions WHERE id = ?', [sessionId])[0];
  if (!session) return null;
  return {
    version: 1,
    session: {
      id: String(session[0]),
      agent: text(session[1]),
      workspace: String(session[2]),
      createdAt: Number(session[3]),
      updatedAt: Number(session[4]),
      staleAt: time(session[5]),
      staleReason: text(session[6]),
      agentSessionId: text(session[7]),
      agentTranscript: text(session[8]),
      agentCwd: text(session[9]),
    },
    messages: rows(db, 'SELECT id, role, text, created_at, agent_ref FROM messages WHERE session_id = ? ORDER BY created_at, id', [sessionId]).map(([id, role, body, at, ref]) => ({
      id: String(id),
      role: role === 'assistant' ? 'assistant' : 'user',
      text: String(body),
      createdAt: Number(at),
      ...(ref === null ? {} : { agentRef: String(ref) }),
    })),
    checkpoints: rows(db, 'SELECT id, anchor_message_id, commit_sha, label, created_at FROM checkpoints WHERE session_id = ? ORDER BY created_at, id', [sessionId]).map(
      ([id, anchor, commit, label, at]) => ({ id: String(id), anchor: text(anchor), commit: String(commit), label: text(label), createdAt: Number(at) }),
    ),
    restores: rows(db, 'SELECT id, checkpoint_id, safety_checkpoint_id, mode, created_at, undone_at, payload FROM restores WHERE session_id = ? ORDER BY created_at, id', [sessionId]).map(
      ([id, checkpoint, safety, mode, at, undone, payload]) => ({
        id: String(id),
        checkpoint: String(checkpoint),
        safety: text(safety),
        mode: String(mode),
        createdAt: Number(at),
        undoneAt: time(undone),
        payload: String(payload),
      }),
    ),
  };
}

/** Parses and checks a transcript that came from elsewhere; one line naming the file when it is wrong. */
export function parseTranscript(data: Buffer, file: string): TranscriptJson {
  const bad = (why: string) => new BooError('refused', `${file}: the transcript is not valid (${why}); nothing was imported.`);
  let value: TranscriptJson;
  try {
    value = JSON.parse(data.toString('utf8')) as TranscriptJson;
  } catch {
    throw bad('not JSON');
  }
  const isTime = (v: unknown) => Number.isInteger(v);
  const s = value?.session;
  if (value?.version !== 1 || !s || typeof s.workspace !== 'string' || !isTime(s.createdAt) || !isTime(s.updatedAt)) throw bad('no session');
  assertSessionId(s.id);
  if (!Array.isArray(value.messages) || !Array.isArray(value.checkpoints) || !Array.isArray(value.restores)) throw bad('lists missing');
  for (const m of value.messages) {
    if (typeof m?.id !== 'string' || (m.role !== 'user' && m.role !== 'assistant') || typeof m.text !== 'string' || !isTime(m.createdAt)) throw bad('a message');
  }
  for (const c of value.checkpoints) {
    assertCheckpointId(c?.id);
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(String(c.commit)) || !isTime(c.createdAt)) throw bad('a checkpoint');
  }
  for (const r of value.restores) {
    if (typeof r?.id !== 'string' || typeof r.checkpoint !== 'string' || typeof r.payload !== 'string' || !isTime(r.createdAt)) throw bad('a restore');
  }
  const optionalText = (v: unknown) => v === undefined || v === null || typeof v === 'string';
  if (!optionalText(s.agentSessionId) || !optionalText(s.agentTranscript) || !optionalText(s.agentCwd)) throw bad('the agent session');
  if (s.agentSessionId) assertSessionId(s.agentSessionId);
  for (const m of value.messages) if (!optionalText(m.agentRef)) throw bad('a message');
  const own = value.agentFile;
  if (own !== undefined && own !== null && (typeof own.agent !== 'string' || typeof own.name !== 'string' || typeof own.text !== 'string')) throw bad("the agent's session file");
  return value;
}
