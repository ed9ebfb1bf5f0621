// A workspace's checkpoints and transcript together: turns, restores that trim the transcript,
// undo, scope checks and retention. The CLI, the hooks and the extension all go through here.
import * as fs from 'fs';
import * as path from 'path';
import { readActivity, writeActivity } from './activity';
import { CheckpointEngine, CHECKPOINT_REFS, DROPPED_REFS } from './engine';
import { BooError, describeError } from './errors';
import { assertCheckpointId, assertSessionId, newMessageId, newSessionId, newTimeId } from './ids';
import { Checkpoints, OpenOptions } from './service';
import { readSettings } from './settings';
import { CheckpointRow, MessageRow, Op, RestorePayload } from './store/ops';
import { TranscriptStore } from './store/transcriptStore';
import {
  ActivityState,
  CheckpointInfo,
  CheckpointMeta,
  FileChange,
  Message,
  RestoreMode,
  RestoreOutcome,
  RestorePlan,
  SessionInfo,
  StoreInfo,
  TurnBeginResult,
  TurnEndResult,
  UndoOutcome,
} from './types';
import { resolveWorkspace, Workspace } from './workspace';

/** Prompts and replies past this size are kept shortened, with a marker. */
const MAX_TEXT = 256 * 1024;

export async function openCheckpoints(dir: string, options: OpenOptions = {}): Promise<Checkpoints> {
  const ws = await resolveWorkspace(dir, { stateHome: options.stateHome });
  const settings = readSettings(ws.stateDir);
  return new CheckpointService(ws, {
    lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
    maxFileBytes: options.maxFileBytes ?? settings.maxFileBytes,
    keepPerSession: options.keepPerSession ?? settings.keepPerSession,
    exclude: options.exclude ?? settings.exclude,
    onNotice: options.onNotice ?? ((line) => process.stderr.write(`boocode: ${line}\n`)),
  });
}

interface ServiceOptions {
  lockTimeoutMs: number;
  maxFileBytes: number;
  keepPerSession: number;
  exclude: readonly string[];
  onNotice: (line: string) => void;
}

function clip(text: string): string {
  if (Buffer.byteLength(text) <= MAX_TEXT) return text;
  return `${Buffer.from(text).subarray(0, MAX_TEXT).toString('utf8')}\n[… shortened by BooCode: ${Buffer.byteLength(text)} bytes in all]`;
}

class CheckpointService implements Checkpoints {
  readonly root: string;
  readonly kind: 'git' | 'shadow';
  readonly stateDir: string;
  readonly storePath: string;
  private readonly engine: CheckpointEngine;
  private readonly store: TranscriptStore;

  constructor(
    private readonly ws: Workspace,
    private readonly options: ServiceOptions,
  ) {
    this.root = ws.root;
    this.kind = ws.kind;
    this.stateDir = ws.stateDir;
    this.engine = new CheckpointEngine(ws, { maxFileBytes: options.maxFileBytes, exclude: options.exclude, lockTimeoutMs: options.lockTimeoutMs });
    this.store = new TranscriptStore(ws.stateDir, { lockTimeoutMs: options.lockTimeoutMs, onNotice: options.onNotice });
    this.storePath = this.store.dbPath;
  }

  async beginTurn(input: { sessionId?: string; prompt: string; agent?: string | null }): Promise<TurnBeginResult> {
    const sessionId = input.sessionId ? assertSessionId(input.sessionId) : newSessionId();
    if (typeof input.prompt !== 'string') throw new BooError('usage', 'A turn needs the prompt text (--prompt TEXT).');
    const messageId = newMessageId();
    const at = Date.now();
    writeActivity(this.stateDir, { state: 'checkpointing', sessionId });
    // The prompt first: a turn is recorded even when its checkpoint cannot be taken; and the files
    // are checkpointed even when the transcript cannot be written (they matter more).
    let transcriptWarning: string | null = null;
    try {
      await this.store.append([
        { op: 'session', id: sessionId, agent: input.agent ?? null, workspace: this.root, at },
        { op: 'message', id: messageId, session: sessionId, role: 'user', text: clip(input.prompt), at },
      ]);
    } catch (error) {
      transcriptWarning = `The prompt was not recorded in the transcript: ${describeError(error)}`;
    }
    // Listed while the checkpoint is taken (a read, no lock), for retention afterwards.
    const existing = this.engine.list().catch(() => [] as CheckpointMeta[]);
    try {
      const checkpoint = await this.engine.create({
        kind: 'turn',
        title: `Before: ${input.prompt.trim()}`,
        prompt: input.prompt,
        sessionId,
        anchorMessageId: messageId,
      });
      if (!transcriptWarning) await this.store.append([{ op: 'checkpoint', ...rowOf(checkpoint) }]);
      await this.applyRetention(sessionId, await existing);
      writeActivity(this.stateDir, { state: 'idle', sessionId, checkpointId: checkpoint.id });
      return { sessionId, messageId, checkpoint, warning: transcriptWarning };
    } catch (error) {
      const warning = [transcriptWarning, `No checkpoint was taken for this turn: ${describeError(error)}`].filter(Boolean).join(' ');
      writeActivity(this.stateDir, { state: 'failed', sessionId, error: warning });
      return { sessionId, messageId, checkpoint: null, warning };
    }
  }

  async endTurn(input: { sessionId: string; reply?: string | null }): Promise<TurnEndResult> {
    const sessionId = assertSessionId(input.sessionId);
    if (input.reply === undefined || input.reply === null || input.reply === '') return { sessionId, messageId: null };
    const messageId = newMessageId();
    const at = Date.now();
    await this.store.append([
      { op: 'session', id: sessionId, agent: null, workspace: this.root, at },
      { op: 'message', id: messageId, session: sessionId, role: 'assistant', text: clip(input.reply), at },
    ]);
    return { sessionId, messageId };
  }

  async createCheckpoint(input: { label?: string | null; sessionId?: string | null } = {}): Promise<CheckpointMeta> {
    const sessionId = input.sessionId ? assertSessionId(input.sessionId) : null;
    writeActivity(this.stateDir, { state: 'checkpointing', sessionId });
    try {
      const label = input.label?.trim() ? clip(input.label.trim()) : null;
      const checkpoint = await this.engine.create({ kind: 'manual', label, sessionId });
      await this.store.append([{ op: 'checkpoint', ...rowOf(checkpoint) }]);
      writeActivity(this.stateDir, { state: 'idle', sessionId, checkpointId: checkpoint.id });
      return checkpoint;
    } catch (error) {
      writeActivity(this.stateDir, { state: 'failed', sessionId, error: `Checkpoint failed: ${describeError(error)}` });
      throw error;
    }
  }

  /** Keeps the newest `keepPerSession` checkpoints of a session, counting the one just taken. */
  private async applyRetention(sessionId: string, before: CheckpointMeta[]): Promise<void> {
    const ofSession = before.filter((meta) => meta.sessionId === sessionId);
    const doomed = ofSession.slice(Math.max(0, this.options.keepPerSession - 1));
    if (doomed.length === 0) return;
    await this.engine.deleteMany(doomed);
    await this.store.append([{ op: 'dropCheckpoints', ids: doomed.map((meta) => meta.id) }]);
  }

  async list(filter: { sessionId?: string } = {}): Promise<CheckpointInfo[]> {
    const sessionId = filter.sessionId ? assertSessionId(filter.sessionId) : undefined;
    const metas = (await this.engine.list()).filter((meta) => sessionId === undefined || meta.sessionId === sessionId);
    return this.describe(metas);
  }

  async get(id: string): Promise<CheckpointInfo> {
    return (await this.describe([await this.engine.get(id)]))[0];
  }

  /** Adds the anchored prompt and the agent from the transcript (best effort: refs are the truth). */
  private async describe(metas: CheckpointMeta[]): Promise<CheckpointInfo[]> {
    if (metas.length === 0) return [];
    const anchors = metas.map((meta) => meta.anchorMessageId).filter((id): id is string => !!id);
    const prompts = new Map<string, string>();
    const agents = new Map<string, string>();
    await this.store.read((db) => {
      for (let i = 0; i < anchors.length; i += 500) {
        const chunk = anchors.slice(i, i + 500);
        const rows = db.exec(`SELECT id, text FROM messages WHERE id IN (${chunk.map(() => '?').join(',')})`, chunk)[0]?.values ?? [];
        for (const [id, text] of rows) prompts.set(String(id), String(text));
      }
      for (const [id, agent] of db.exec('SELECT id, agent FROM sessions WHERE agent IS NOT NULL')[0]?.values ?? []) {
        agents.set(String(id), String(agent));
      }
    });
    return metas.map((meta) => ({
      ...meta,
      prompt: (meta.anchorMessageId && prompts.get(meta.anchorMessageId)) || meta.prompt,
      agent: (meta.sessionId && agents.get(meta.sessionId)) || null,
    }));
  }

  async sessions(): Promise<SessionInfo[]> {
    return this.store.read((db) => {
      const rows =
        db.exec(
          `SELECT s.id, s.agent, s.workspace, s.created_at, s.updated_at, s.stale_at,
             (SELECT count(*) FROM messages m WHERE m.session_id = s.id),
             (SELECT text FROM messages m WHERE m.session_id = s.id AND m.role = 'user' ORDER BY created_at, id LIMIT 1)
           FROM sessions s ORDER BY s.updated_at DESC`,
        )[0]?.values ?? [];
      return rows.map(([id, agent, workspace, created, updated, stale, count, title]) => ({
        id: String(id),
        agent: agent === null ? null : String(agent),
        workspace: String(workspace),
        title: title === null ? null : String(title),
        createdAt: Number(created),
        updatedAt: Number(updated),
        messageCount: Number(count),
        staleAt: stale === null ? null : Number(stale),
      }));
    });
  }

  async transcript(sessionId: string): Promise<Message[]> {
    assertSessionId(sessionId);
    return this.store.read((db) => {
      const rows = db.exec('SELECT id, role, text, created_at FROM messages WHERE session_id = ? ORDER BY created_at, id', [sessionId])[0]?.values ?? [];
      return rows.map(([id, role, text, created]) => ({
        id: String(id),
        sessionId,
        role: role === 'assistant' ? 'assistant' : 'user',
        text: String(text),
        createdAt: Number(created),
      }));
    });
  }

  diff(id: string, to?: string): Promise<FileChange[]> {
    return this.engine.diff(assertCheckpointId(id), to === undefined ? undefined : assertCheckpointId(to));
  }

  fileAt(id: string, file: string): Promise<Buffer> {
    return this.engine.fileAt(assertCheckpointId(id), file);
  }

  async planRestore(id: string, options: { sessionId?: string } = {}): Promise<RestorePlan> {
    this.checkScope(await this.engine.get(assertCheckpointId(id)), options.sessionId);
    return this.engine.planRestore(id);
  }

  /** Fails closed: with a session given, a checkpoint of any other (or no) session is refused. */
  private checkScope(meta: CheckpointMeta, sessionId: string | undefined): void {
    if (sessionId === undefined) return;
    assertSessionId(sessionId);
    if (meta.sessionId !== sessionId) {
      const owner = meta.sessionId ? `session ${meta.sessionId}` : 'no session';
      throw new BooError('wrong-session', `Checkpoint ${meta.id} belongs to ${owner}, not ${sessionId}; nothing was changed.`);
    }
  }

  async restore(id: string, options: { sessionId?: string; mode?: RestoreMode } = {}): Promise<RestoreOutcome> {
    const mode = options.mode ?? 'all';
    const target = await this.engine.get(assertCheckpointId(id));
    this.checkScope(target, options.sessionId);
    const files = mode === 'transcript' ? null : await this.engine.restore(target);
    const trimTranscript = mode !== 'files' && target.sessionId !== null;
    const later = trimTranscript
      ? (await this.engine.list()).filter(
          (meta) => meta.sessionId === target.sessionId && (meta.createdAt > target.createdAt || (meta.createdAt === target.createdAt && meta.id > target.id)),
        )
      : [];
    const agent = target.sessionId ? await this.agentOf(target.sessionId) : null;
    const filesChanged = files?.filesChanged ?? 0;
    const restoreId = newTimeId();
    const recordRestore = (payload: RestorePayload, stale: boolean): Op => ({
      op: 'restore',
      id: restoreId,
      checkpoint: target.id,
      safety: files?.safetyCheckpoint ?? null,
      session: target.sessionId,
      mode,
      at: Date.now(),
      payload,
      staleReason: stale ? `restored to checkpoint ${target.id}` : null,
    });
    let messagesDeleted = 0;
    if (target.sessionId === null) {
      // Nothing of a conversation to trim: record the restore for undo without loading the database.
      await this.store.append([recordRestore({ messages: [], checkpoints: [], previousStaleAt: null, previousStaleReason: null }, false)]);
    } else {
      messagesDeleted = await this.store.transact((db) => {
        const messages = trimTranscript ? messagesFrom(db, target) : [];
        const session = db.exec('SELECT stale_at, stale_reason FROM sessions WHERE id = ?', [target.sessionId])[0]?.values[0];
        const payload: RestorePayload = {
          messages,
          checkpoints: later.map(rowOf),
          previousStaleAt: session?.[0] === null || session === undefined ? null : Number(session[0]),
          previousStaleReason: session?.[1] === null || session === undefined ? null : String(session[1]),
        };
        return { result: messages.length, ops: [recordRestore(payload, messages.length > 0 || filesChanged > 0)] };
      });
    }
    // Only the latest restore can be undone: what earlier restores dropped is let go now.
    await this.engine.clearDropped();
    await this.engine.moveRefs(later, CHECKPOINT_REFS, DROPPED_REFS);
    const stale = target.sessionId !== null && (messagesDeleted > 0 || filesChanged > 0);
    return {
      restored: target.id,
      mode,
      safetyCheckpoint: files?.safetyCheckpoint ?? null,
      filesChanged,
      modified: files?.modified ?? [],
      recreated: files?.recreated ?? [],
      deleted: files?.deleted ?? [],
      kept: files?.kept ?? [],
      messagesDeleted,
      checkpointsDropped: later.length,
      agentContextStale: stale,
      agentAdvice: stale
        ? `${agent ?? 'The agent'} still remembers the conversation as it was before this restore: start a new conversation (or rewind it in the agent) before you continue.`
        : null,
    };
  }

  private async agentOf(sessionId: string): Promise<string | null> {
    return this.store.read((db) => {
      const value = db.exec('SELECT agent FROM sessions WHERE id = ?', [sessionId])[0]?.values[0]?.[0];
      return value === null || value === undefined ? null : String(value);
    });
  }

  async undo(): Promise<UndoOutcome> {
    const latest = await this.store.read((db) => {
      const row = db.exec('SELECT id, checkpoint_id, safety_checkpoint_id, payload, undone_at FROM restores ORDER BY created_at DESC, id DESC LIMIT 1')[0]?.values[0];
      return row ? { id: String(row[0]), checkpoint: String(row[1]), safety: row[2] === null ? null : String(row[2]), payload: JSON.parse(String(row[3])) as RestorePayload, undone: row[4] !== null } : null;
    });
    if (!latest || latest.undone) throw new BooError('nothing-to-undo', 'There is no restore to undo in this workspace.');
    const files = latest.safety ? await this.engine.restore(latest.safety, `Before undoing the restore to ${latest.checkpoint}`) : null;
    const dropped = await this.engine.list(DROPPED_REFS);
    const back = dropped.filter((meta) => latest.payload.checkpoints.some((row) => row.id === meta.id));
    await this.engine.moveRefs(back, DROPPED_REFS, CHECKPOINT_REFS);
    await this.store.append([{ op: 'undo', id: latest.id, at: Date.now() }]);
    return {
      undone: latest.checkpoint,
      safetyCheckpoint: files?.safetyCheckpoint ?? null,
      filesChanged: files?.filesChanged ?? 0,
      messagesRestored: latest.payload.messages.length,
      checkpointsRestored: back.length,
    };
  }

  async delete(id: string): Promise<void> {
    await this.engine.delete(assertCheckpointId(id));
    await this.store.append([{ op: 'dropCheckpoints', ids: [id] }]);
  }

  async prune(options: { keep?: number; olderThanDays?: number }): Promise<{ deleted: string[] }> {
    for (const [name, value] of Object.entries(options)) {
      if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
        throw new BooError('usage', `--${name === 'keep' ? 'keep' : 'older-than'} needs a number of 0 or more.`);
      }
    }
    if (options.keep === undefined && options.olderThanDays === undefined) {
      throw new BooError('usage', 'Say what to keep: --keep N and/or --older-than DAYS.');
    }
    const deleted = await this.engine.prune(options);
    if (deleted.length > 0) await this.store.append([{ op: 'dropCheckpoints', ids: deleted.map((meta) => meta.id) }]);
    return { deleted: deleted.map((meta) => meta.id) };
  }

  async info(): Promise<StoreInfo> {
    const checkpoints = (await this.engine.list()).length;
    const ours = this.ws.kind === 'shadow' ? directorySize(this.stateDir) : directorySize(this.stateDir) + (await this.engine.diskUsage());
    return { workspace: this.root, kind: this.kind, gitDir: this.ws.gitDir, store: this.storePath, checkpoints, diskBytes: ours };
  }

  activity(): ActivityState {
    return readActivity(this.stateDir);
  }

  close(): void {
    this.store.close();
  }
}

function rowOf(meta: CheckpointMeta): CheckpointRow {
  return { id: meta.id, session: meta.sessionId, anchor: meta.anchorMessageId, commit: meta.commit, label: meta.label, at: meta.createdAt };
}

/** The anchored prompt and everything after it in that session. */
function messagesFrom(db: import('sql.js').Database, target: CheckpointMeta): MessageRow[] {
  const anchor = target.anchorMessageId
    ? db.exec('SELECT created_at, id FROM messages WHERE id = ?', [target.anchorMessageId])[0]?.values[0]
    : undefined;
  const [fromTime, fromId] = anchor ? [Number(anchor[0]), String(anchor[1])] : [target.createdAt, ''];
  const rows =
    db.exec(
      'SELECT id, role, text, created_at FROM messages WHERE session_id = ? AND (created_at > ? OR (created_at = ? AND id >= ?)) ORDER BY created_at, id',
      [target.sessionId, fromTime, fromTime, fromId],
    )[0]?.values ?? [];
  return rows.map(([id, role, text, created]) => ({
    id: String(id),
    session: target.sessionId as string,
    role: role === 'assistant' ? 'assistant' : 'user',
    text: String(text),
    at: Number(created),
  }));
}

function directorySize(dir: string): number {
  let total = 0;
  const walk = (current: string) => {
    for (const entry of safeReaddir(current)) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) total += fs.statSync(full).size;
    }
  };
  walk(dir);
  return total;
}

function safeReaddir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
