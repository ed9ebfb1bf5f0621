// A workspace's checkpoints and transcript together: turns, restores that trim the transcript,
// undo, scope checks and retention. The CLI, the hooks and the extension all go through here.
import * as fs from 'fs';
import * as path from 'path';
import { readActivity, writeActivity } from './activity';
import { traceMark } from './git';
import { CheckpointEngine } from './engine';
import { Restores, rowOf } from './restores';
import { BooError, describeError } from './errors';
import { assertCheckpointId, assertSessionId, newMessageId, newSessionId, newTimeId } from './ids';
import { Checkpoints, OpenOptions } from './service';
import { readSettings } from './settings';
import { TranscriptStore } from './store/transcriptStore';
import {
  ActivityState,
  CheckpointInfo,
  CheckpointMeta,
  FileChange,
  Message,
  PendingRestore,
  RecoveryOutcome,
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
  const service = new CheckpointService(ws, {
    lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
    maxFileBytes: options.maxFileBytes ?? settings.maxFileBytes,
    keepPerSession: options.keepPerSession ?? settings.keepPerSession,
    exclude: options.exclude ?? settings.exclude,
    onNotice: options.onNotice ?? ((line) => process.stderr.write(`boocode: ${line}\n`)),
  });
  // A restore a killed process left half-done is finished before anything else (the extension
  // asks the person instead: Finish or Roll Back).
  if ((options.interruptedRestore ?? 'finish') === 'finish' && service.pendingRestore()) {
    try {
      await service.recoverRestore('finish');
    } catch (error) {
      service.close();
      throw error;
    }
  }
  return service;
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
  private readonly restores: Restores;

  constructor(
    private readonly ws: Workspace,
    private readonly options: ServiceOptions,
  ) {
    this.root = ws.root;
    this.kind = ws.kind;
    this.stateDir = ws.stateDir;
    this.engine = new CheckpointEngine(ws, { maxFileBytes: options.maxFileBytes, exclude: options.exclude, lockTimeoutMs: options.lockTimeoutMs, notice: options.onNotice });
    this.store = new TranscriptStore(ws.stateDir, { lockTimeoutMs: options.lockTimeoutMs, onNotice: options.onNotice });
    this.restores = new Restores(this.engine, this.store, options.onNotice);
    this.storePath = this.store.dbPath;
  }

  async beginTurn(input: { sessionId?: string; prompt: string; agent?: string | null }): Promise<TurnBeginResult> {
    const sessionId = input.sessionId ? assertSessionId(input.sessionId) : newSessionId();
    if (typeof input.prompt !== 'string') throw new BooError('usage', 'A turn needs the prompt text (--prompt TEXT).');
    const messageId = newMessageId();
    const at = Date.now();
    writeActivity(this.stateDir, { state: 'checkpointing', sessionId });
    // The prompt is recorded even when the checkpoint cannot be taken, and the files are
    // checkpointed even when the transcript cannot be written (they matter more). Both at once:
    // the journal's fsync and git wait on different things.
    const promptRecorded = this.store
      .append([
        { op: 'session', id: sessionId, agent: input.agent ?? null, workspace: this.root, at },
        { op: 'message', id: messageId, session: sessionId, role: 'user', text: clip(input.prompt), at },
      ])
      .then(
        () => null,
        (error: unknown) => `The prompt was not recorded in the transcript: ${describeError(error)}`,
      );
    // Listed while the checkpoint is taken (a read, no lock), for retention afterwards; not at all
    // while the ref files show too few checkpoints for any session to reach the limit.
    const existing = this.engine.atMost(this.options.keepPerSession - 1) ? Promise.resolve([] as CheckpointMeta[]) : this.engine.list().catch(() => [] as CheckpointMeta[]);
    let transcriptWarning: string | null = null;
    try {
      const checkpoint = await this.engine.create({
        kind: 'turn',
        title: `Before: ${input.prompt.trim()}`,
        prompt: input.prompt,
        sessionId,
        anchorMessageId: messageId,
      });
      traceMark('captured');
      transcriptWarning = await promptRecorded;
      traceMark('prompt appended');
      if (!transcriptWarning) await this.store.append([{ op: 'checkpoint', ...rowOf(checkpoint) }]);
      traceMark('checkpoint appended');
      await this.applyRetention(sessionId, await existing);
      traceMark('retention');
      writeActivity(this.stateDir, { state: 'idle', sessionId, checkpointId: checkpoint.id });
      return { sessionId, messageId, checkpoint, warning: transcriptWarning };
    } catch (error) {
      transcriptWarning ??= await promptRecorded;
      const warning = [transcriptWarning, `No checkpoint was taken for this turn: ${describeError(error)}`].filter(Boolean).join(' ');
      writeActivity(this.stateDir, { state: 'failed', sessionId, error: warning });
      return { sessionId, messageId, checkpoint: null, warning };
    }
  }

  /** Records a turn's reply; `at` is when the agent reported the end (a follow-up may record it later). */
  async endTurn(input: { sessionId: string; reply?: string | null; prompt?: string | null; agent?: string | null; at?: number }): Promise<TurnEndResult> {
    const sessionId = assertSessionId(input.sessionId);
    if (input.reply === undefined || input.reply === null || input.reply === '') return { sessionId, messageId: null };
    // A prompt known only at the turn's end (no begin hook ran) is recorded before its reply, once.
    const messageId = newMessageId();
    const at = input.at ?? Date.now();
    const prompt = input.prompt ? clip(input.prompt) : null;
    const lastPrompt = prompt ? [...(await this.transcript(sessionId).catch(() => []))].reverse().find((m) => m.role === 'user') : undefined;
    const missingPrompt = prompt !== null && lastPrompt?.text !== prompt;
    await this.store.append([
      { op: 'session', id: sessionId, agent: input.agent ?? null, workspace: this.root, at },
      // A millisecond earlier, so that it sorts before its reply.
      ...(missingPrompt ? [{ op: 'message' as const, id: newMessageId(), session: sessionId, role: 'user' as const, text: prompt, at: at - 1 }] : []),
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
    const target = await this.engine.get(assertCheckpointId(id));
    this.checkScope(target, options.sessionId);
    return this.restores.plan(target);
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
    const target = await this.engine.get(assertCheckpointId(id));
    this.checkScope(target, options.sessionId);
    return this.restores.restore(target, options.mode ?? 'all');
  }

  undo(): Promise<UndoOutcome> {
    return this.restores.undo();
  }

  pendingRestore(): PendingRestore | null {
    return this.restores.pending();
  }

  recoverRestore(action: 'finish' | 'roll-back' = 'finish'): Promise<RecoveryOutcome | null> {
    return this.restores.recover(action);
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
