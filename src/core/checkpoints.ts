// A workspace's checkpoints and transcript together: turns, restores that trim the transcript,
// undo, scope checks and retention. The CLI, the hooks and the extension all go through here.
import * as fs from 'fs';
import * as path from 'path';
import type { Database, SqlValue } from 'sql.js';
import { readActivity, writeActivity } from './activity';
import { traceMark } from './git';
import { CheckpointEngine } from './engine';
import { Restores, rowOf } from './restores';
import { BooError, describeError } from './errors';
import { assertCheckpointId, assertSessionId, isCheckpointId, newMessageId, newSessionId, newTimeId } from './ids';
import { Checkpoints, OpenOptions, TurnBeginInput, TurnEndInput } from './service';
import { readSettings } from './settings';
import { TranscriptStore } from './store/transcriptStore';
import type { AgentSessionFields, MessageRow, RestorePayload } from './store/ops';
import { openTurn, retentionDoomed, turnEnds, withTheirEnds } from './turnPairs';
import { assertRelativePath } from './paths';
import { RawPath, rawFromDisplay } from './rawPath';
import { CHANGED_SINCE } from './restore/revertPlan';
import { mergeForDisplay } from './restore/merge';
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
  ResumeCut,
  ResumeTarget,
  RevertOutcome,
  RevertPlan,
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

/** The agent's own session fields of a session op, for a turn an agent reported (none for `turn begin` without --agent). */
function agentFields(sessionId: string, input: { agent?: string | null; agentTranscript?: string | null; agentCwd?: string | null }): AgentSessionFields {
  if (!input.agent) return {};
  return {
    agentSessionId: sessionId,
    ...(input.agentTranscript ? { agentTranscript: input.agentTranscript } : {}),
    ...(input.agentCwd ? { agentCwd: input.agentCwd } : {}),
  };
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

  async beginTurn(input: TurnBeginInput): Promise<TurnBeginResult> {
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
        { op: 'session', id: sessionId, agent: input.agent ?? null, workspace: this.root, at, ...agentFields(sessionId, input) },
        { op: 'message', id: messageId, session: sessionId, role: 'user', text: clip(input.prompt), at, ...(input.agentRef ? { agentRef: input.agentRef } : {}) },
      ])
      .then(
        () => null,
        (error: unknown) => `The prompt was not recorded in the transcript: ${describeError(error)}`,
      );
    // Listed while the files are captured (a read, no lock): a turn of this session still open was
    // interrupted, and this checkpoint is where it ended; retention uses the list afterwards. The
    // list reads refs and commits synchronously, so it starts only once the capture waits on git.
    const existing = new Promise((resolve) => setImmediate(resolve))
      .then(() => this.engine.list())
      .catch(() => [] as CheckpointMeta[]);
    let transcriptWarning: string | null = null;
    try {
      const checkpoint = await this.engine.create({
        kind: 'turn',
        title: `Before: ${input.prompt.trim()}`,
        prompt: input.prompt,
        sessionId,
        anchorMessageId: messageId,
        endsTurn: existing.then((list) => openTurn(list, sessionId)?.id ?? null),
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

  /** Ends a turn; `at` is when the agent reported the end (a follow-up may record it later). */
  async endTurn(input: TurnEndInput): Promise<TurnEndResult> {
    const sessionId = assertSessionId(input.sessionId);
    const { checkpoint, warning } = input.closeTurn === false ? { checkpoint: null, warning: null } : await this.takeAfterCheckpoint(sessionId, input.at);
    if (input.reply === undefined || input.reply === null || input.reply === '') {
      // A transcript file reported only at the end (Copilot's Stop) is still worth keeping for a resume.
      if (input.agentTranscript) {
        await this.store
          .append([{ op: 'session', id: sessionId, agent: input.agent ?? null, workspace: this.root, at: input.at ?? Date.now(), ...agentFields(sessionId, input) }])
          .catch(() => undefined);
      }
      return { sessionId, messageId: null, checkpoint, warning };
    }
    // A prompt known only at the turn's end (no begin hook ran) is recorded before its reply, once.
    const messageId = newMessageId();
    const at = input.at ?? Date.now();
    const prompt = input.prompt ? clip(input.prompt) : null;
    const missingPrompt = prompt !== null && (await this.lastPrompt(sessionId).catch(() => null)) !== prompt;
    const reply = clip(input.reply);
    const recorded = await this.store.appendReplyOnce(sessionId, at, reply, [
      { op: 'session', id: sessionId, agent: input.agent ?? null, workspace: this.root, at, ...agentFields(sessionId, input) },
      // A millisecond earlier, so that it sorts before its reply.
      ...(missingPrompt ? [{ op: 'message' as const, id: newMessageId(), session: sessionId, role: 'user' as const, text: prompt, at: at - 1 }] : []),
      { op: 'message', id: messageId, session: sessionId, role: 'assistant', text: reply, at },
    ]);
    return { sessionId, messageId: recorded ? messageId : null, checkpoint, warning };
  }

  /**
   * The after-checkpoint of the session's open turn (none when no turn is open: it already ended,
   * it never began here, or it began after `endedAt`, the end being reported). A failure is a
   * warning: the reply is recorded all the same.
   */
  private async takeAfterCheckpoint(sessionId: string, endedAt?: number): Promise<{ checkpoint: CheckpointMeta | null; warning: string | null }> {
    try {
      // Looked up and taken under the lock: two processes reporting the same end take it once.
      const checkpoint = await this.engine.exclusive(async () => {
        const turn = openTurn(await this.engine.list(), sessionId);
        if (!turn || (endedAt !== undefined && turn.createdAt > endedAt)) return null;
        writeActivity(this.stateDir, { state: 'checkpointing', sessionId });
        return this.engine.createLocked({
          kind: 'after',
          title: `After: ${(turn.prompt ?? turn.id).trim()}`,
          prompt: turn.prompt,
          sessionId,
          anchorMessageId: turn.anchorMessageId,
          endsTurn: turn.id,
        });
      });
      if (!checkpoint) return { checkpoint: null, warning: null };
      await this.store.append([{ op: 'checkpoint', ...rowOf(checkpoint) }]).catch(() => undefined);
      writeActivity(this.stateDir, { state: 'idle', sessionId, checkpointId: checkpoint.id });
      return { checkpoint, warning: null };
    } catch (error) {
      const warning = `No checkpoint was taken at the end of this turn: ${describeError(error)}`;
      writeActivity(this.stateDir, { state: 'failed', sessionId, error: warning });
      return { checkpoint: null, warning };
    }
  }

  async prepare(): Promise<void> {
    await this.engine.exclusive(() => this.engine.captureNow());
    // The transcript database is created by its first write, which loads sql.js: done here instead.
    await this.store.fold();
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

  /** Keeps the newest `keepPerSession` checkpoints of a session, counting the one just taken and a turn's pair as one. */
  private async applyRetention(sessionId: string, before: CheckpointMeta[]): Promise<void> {
    const ofSession = before.filter((meta) => meta.sessionId === sessionId);
    const doomed = retentionDoomed(ofSession, this.options.keepPerSession - 1);
    if (doomed.length === 0) return;
    await this.engine.deleteMany(doomed);
    await this.store.append([{ op: 'dropCheckpoints', ids: doomed.map((meta) => meta.id) }]);
  }

  /** A turn's pair is listed once: after-checkpoints are left out, each turn says how it ended. */
  async list(filter: { sessionId?: string } = {}): Promise<CheckpointInfo[]> {
    const sessionId = filter.sessionId ? assertSessionId(filter.sessionId) : undefined;
    const all = await this.engine.list();
    const metas = all.filter((meta) => meta.kind !== 'after' && (sessionId === undefined || meta.sessionId === sessionId));
    return this.describe(metas, all);
  }

  async get(id: string): Promise<CheckpointInfo> {
    const meta = await this.engine.get(id);
    return (await this.describe([meta], meta.kind === 'turn' ? await this.engine.list() : []))[0];
  }

  /** Adds the anchored prompt and the agent from the transcript (best effort: refs are the truth). */
  private async describe(metas: CheckpointMeta[], all: CheckpointMeta[]): Promise<CheckpointInfo[]> {
    if (metas.length === 0) return [];
    const ends = turnEnds(all);
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
      turnEnd: meta.kind === 'turn' && ends.has(meta.id) ? { id: ends.get(meta.id)!.end.id, interrupted: ends.get(meta.id)!.interrupted } : null,
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

  /** The session's last prompt recorded at or before `upTo`; null when there is none. */
  async lastPrompt(sessionId: string, upTo = Number.POSITIVE_INFINITY): Promise<string | null> {
    assertSessionId(sessionId);
    const journaled = this.store.latestJournaledMessage(sessionId, 'user', upTo);
    if (journaled) return journaled.text;
    const messages = (await this.transcript(sessionId)).filter((message) => message.createdAt <= upTo);
    return [...messages].reverse().find((message) => message.role === 'user')?.text ?? null;
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

  async planRestore(id: string, options: { sessionId?: string; paths?: string[] } = {}): Promise<RestorePlan> {
    const target = await this.engine.get(assertCheckpointId(id));
    this.checkScope(target, options.sessionId);
    return this.restores.plan(target, options.paths ? { kind: 'paths', paths: this.topPaths(options.paths) } : undefined);
  }

  async planRevert(id: string, options: { sessionId?: string } = {}): Promise<RevertPlan> {
    const { before, end, interrupted } = await this.turnOf(id, options.sessionId);
    const plan = await this.restores.planRevert(before, end);
    const conflicts = plan.kept.filter((file) => CHANGED_SINCE.includes(file.code)).map((file) => file.path);
    return { ...plan, turnEnd: { id: end.id, interrupted }, conflicts };
  }

  async revert(id: string, options: { sessionId?: string } = {}): Promise<RevertOutcome> {
    const { before, end, interrupted } = await this.turnOf(id, options.sessionId);
    return this.restores.revert(before, end, interrupted);
  }

  /**
   * For a file a revert left alone because its merge conflicts: the merge with conflict markers,
   * to show people (in a new document); the file itself is never touched.
   */
  async revertConflict(id: string, file: string, options: { sessionId?: string } = {}): Promise<string> {
    const { before, end } = await this.turnOf(id, options.sessionId);
    const relative = assertRelativePath(file);
    const full = path.join(this.root, ...relative.split('/'));
    const stat = fs.lstatSync(full, { throwIfNoEntry: false });
    // Never read through a symlinked folder out of the workspace.
    if (!stat?.isFile() || !fs.realpathSync(full).startsWith(this.root + path.sep)) {
      throw new BooError('not-found', `${relative} is not a file in the workspace now; nothing to merge.`);
    }
    const [theirs, base] = await Promise.all([this.engine.fileAt(before.id, relative), this.engine.fileAt(end.id, relative)]);
    const merged = await mergeForDisplay(this.engine.git, this.stateDir, { ours: fs.readFileSync(full), base, theirs }, ['your file now', 'the end of the turn', 'before the turn']);
    return merged.toString('utf8');
  }

  /** A turn's before-checkpoint and where it ended, or a clear error. */
  private async turnOf(id: string, sessionId: string | undefined) {
    const before = await this.engine.get(assertCheckpointId(id));
    this.checkScope(before, sessionId);
    if (before.kind !== 'turn') {
      throw new BooError('usage', `Checkpoint ${id} is not taken before an agent turn (it is a ${before.kind} checkpoint); give a turn's checkpoint id from \`boocode list\`.`);
    }
    const ended = turnEnds(await this.engine.list()).get(before.id);
    if (!ended) throw new BooError('not-found', `The turn of checkpoint ${id} has not ended yet (no checkpoint at its end); nothing was changed.`);
    return { before, end: ended.end, interrupted: ended.interrupted };
  }

  /** Workspace-relative paths given by a user, as top-level raw paths (a folder's trailing slash allowed). */
  private topPaths(paths: string[]): RawPath[] {
    if (paths.length === 0) throw new BooError('usage', 'Give at least one path with --path.');
    return paths.map((given) => {
      const relative = assertRelativePath(given.replace(/\/+$/, ''));
      if (!relative) throw new BooError('invalid-path', `${JSON.stringify(given)} is the whole workspace; restore without --path for that.`);
      const raw = rawFromDisplay(relative);
      return (this.ws.scope ? `${this.ws.scope}/${raw}` : raw) as RawPath;
    });
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

  async restore(id: string, options: { sessionId?: string; mode?: RestoreMode; paths?: string[] } = {}): Promise<RestoreOutcome> {
    const target = await this.engine.get(assertCheckpointId(id));
    this.checkScope(target, options.sessionId);
    if (target.kind === 'after' && (options.mode ?? 'all') !== 'files') {
      // The transcript is trimmed from a turn's prompt on: it has no place at a turn's end.
      throw new BooError('usage', `Checkpoint ${id} is the end of a turn: restore its files with --files-only (the transcript is kept), or restore the turn's own checkpoint to go back before it. Nothing was changed.`);
    }
    if (options.paths && options.mode && options.mode !== 'files') {
      throw new BooError('usage', 'A restore of some paths brings back files only (the transcript is kept); nothing was changed.');
    }
    return this.restores.restore(target, options.mode ?? 'all', options.paths ? this.topPaths(options.paths) : undefined);
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

  /** Deletes one checkpoint; a turn's end goes with it (alone it means nothing). */
  async delete(id: string): Promise<void> {
    const meta = await this.engine.get(assertCheckpointId(id));
    const doomed = meta.kind === 'turn' ? withTheirEnds(await this.engine.list(), [meta]) : [meta];
    await this.engine.deleteMany(doomed);
    await this.store.append([{ op: 'dropCheckpoints', ids: doomed.map((each) => each.id) }]);
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
    // Counted as listed: a turn's end went with its turn.
    return { deleted: deleted.filter((meta) => meta.kind !== 'after').map((meta) => meta.id) };
  }

  async info(): Promise<StoreInfo> {
    const checkpoints = (await this.engine.list()).length;
    const ours = this.ws.kind === 'shadow' ? directorySize(this.stateDir) : directorySize(this.stateDir) + (await this.engine.diskUsage());
    return { workspace: this.root, kind: this.kind, gitDir: this.ws.gitDir, store: this.storePath, checkpoints, diskBytes: ours };
  }

  activity(): ActivityState {
    return readActivity(this.stateDir);
  }

  async resumeTarget(ref: string): Promise<ResumeTarget> {
    const meta = isCheckpointId(ref) ? await this.engine.get(ref).catch(() => null) : null;
    const sessionId = meta ? meta.sessionId : assertSessionId(ref);
    if (!sessionId) {
      throw new BooError('usage', `Checkpoint ${ref} belongs to no agent session: there is no conversation to resume. Give a checkpoint taken before an agent's turn.`);
    }
    return this.store.read((db) => {
      const row = db.exec('SELECT agent, agent_session_id, agent_transcript, agent_cwd, stale_at FROM sessions WHERE id = ?', [sessionId])[0]?.values[0];
      if (!row) {
        throw new BooError('not-found', meta ? `Checkpoint ${ref}'s session ${sessionId} is not in the transcript; its conversation cannot be resumed.` : `No session or checkpoint ${ref} here; run \`boocode sessions\` or \`boocode list\` to see them.`);
      }
      const text = (value: SqlValue) => (value === null || value === undefined ? null : String(value));
      const current = sessionMessages(db, sessionId);
      const restores = (db.exec('SELECT checkpoint_id, mode, undone_at, payload FROM restores WHERE session_id = ? ORDER BY created_at DESC, id DESC', [sessionId])[0]?.values ?? []).map(
        ([checkpoint, mode, undone, payload]) => ({ checkpoint: String(checkpoint), mode: String(mode), undone: undone !== null, payload: JSON.parse(String(payload)) as RestorePayload }),
      );
      // The agent's own history holds what restores trimmed from ours too.
      const history = new Map<string, MessageRow>();
      for (const restore of restores) for (const message of restore.payload.messages) history.set(message.id, message);
      for (const message of current) history.set(message.id, message);
      const ordered = [...history.values()].sort(byTime);
      const prompts = ordered.filter((message) => message.role === 'user');
      let cutRow: MessageRow | undefined;
      let checkpointId: string | null = meta?.id ?? null;
      let why: string;
      if (meta) {
        const anchor = meta.anchorMessageId ? history.get(meta.anchorMessageId) : undefined;
        if (meta.kind === 'turn') {
          cutRow = anchor ?? prompts.find((message) => message.at >= meta.createdAt);
          why = `before the turn of checkpoint ${meta.id}`;
        } else {
          // A turn's end (or a checkpoint taken by hand in a session): the next prompt is the first left out.
          const from = anchor ?? { at: meta.createdAt, id: '' };
          cutRow = prompts.find((message) => byTime(message, from) > 0 && message.id !== anchor?.id);
          why = `at checkpoint ${meta.id}`;
        }
      } else {
        // A session as it stands: after a restore that trimmed it, before the restored turn.
        const restored = row[4] !== null ? restores.find((restore) => !restore.undone && (restore.mode === 'all' || restore.mode === 'transcript')) : undefined;
        cutRow = restored?.payload.messages.find((message) => message.role === 'user');
        if (restored && cutRow) {
          checkpointId = restored.checkpoint;
          why = `where the restore to checkpoint ${restored.checkpoint} left the transcript`;
        } else {
          cutRow = undefined;
          why = 'the whole session';
        }
      }
      let cut: ResumeCut | null = null;
      if (cutRow) {
        const row = cutRow;
        const same = prompts.filter((message) => byTime(message, row) < 0 && sameText(message.text, row.text)).length;
        cut = { messageId: row.id, text: row.text, createdAt: row.at, agentRef: row.agentRef ?? null, ordinal: same + 1 };
      }
      const kept = current.filter((message) => !cut || byTime(message, { at: cut.createdAt, id: cut.messageId }) < 0);
      return {
        sessionId,
        agent: text(row[0]),
        agentSessionId: text(row[1]) ?? sessionId,
        agentTranscript: text(row[2]),
        agentCwd: text(row[3]),
        workspace: this.root,
        stateDir: this.stateDir,
        checkpointId,
        cut,
        kept: kept.map((message) => ({ id: message.id, sessionId, role: message.role, text: message.text, createdAt: message.at })),
        why,
      };
    });
  }

  close(): void {
    this.store.close();
  }
}



/** Messages in transcript order: by time, then id. */
const byTime = (a: { at: number; id: string }, b: { at: number; id: string }) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** One prompt as recorded twice (ours and the agent's): the same text, whitespace at the ends aside. */
export const sameText = (a: string, b: string) => a.trim().slice(0, 4096) === b.trim().slice(0, 4096);

function sessionMessages(db: Database, sessionId: string): MessageRow[] {
  const rows = db.exec('SELECT id, role, text, created_at, agent_ref FROM messages WHERE session_id = ? ORDER BY created_at, id', [sessionId])[0]?.values ?? [];
  return rows.map(([id, role, text, created, agentRef]) => ({
    id: String(id),
    session: sessionId,
    role: role === 'assistant' ? 'assistant' : 'user',
    text: String(text),
    at: Number(created),
    agentRef: agentRef === null ? null : String(agentRef),
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
