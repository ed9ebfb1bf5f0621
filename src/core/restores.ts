// Restore and undo for a workspace, files and transcript together: one journaled transaction each,
// run under the engine's lock, so a restore killed at any moment is finished by the next command
// and `undo` always reverses the latest restore, never an earlier one. The transcript side (trim,
// record, dropped checkpoints) is idempotent: finishing it twice changes nothing.
import { CHECKPOINT_REFS, CheckpointEngine, DROPPED_REFS, StoredCheckpoint } from './engine';
import { BooError, describeError } from './errors';
import { newTimeId } from './ids';
import { displayPath, RawPath } from './rawPath';
import { Applied } from './restore/apply';
import { RestoreJournal } from './restore/journal';
import { keptReason } from './restore/keptText';
import { beginJournal, finishInterrupted, pendingJournal, previewRestore, runRestore } from './restore/transaction';
import { CheckpointRow, MessageRow, RestorePayload } from './store/ops';
import { TranscriptStore } from './store/transcriptStore';
import { KeptCode, KeptFile, PendingRestore, RecoveryOutcome, RestoreMode, RestoreOutcome, RestorePlan, RevertOutcome, UndoOutcome } from './types';
import { removeJournal } from './restore/journal';
import { CHANGED_SINCE } from './restore/revertPlan';
import { RestoreShape } from './restore/shape';

export class Restores {
  constructor(
    private readonly engine: CheckpointEngine,
    private readonly store: TranscriptStore,
    private readonly notice: (line: string) => void,
  ) {}

  /** What restoring `target` (or only `shape` of it) would do now; nothing changes. */
  async plan(target: StoredCheckpoint, shape?: RestoreShape): Promise<RestorePlan> {
    return this.engine.exclusive(async () => {
      await this.recoverLocked('finish');
      const preview = await previewRestore(this.engine, target, shape);
      const show = (file: string) => displayPath(this.engine.relative(file));
      return {
        checkpoint: target,
        modified: preview.ops.filter((op) => op.action === 'write' && op.before).map((op) => show(op.path)),
        recreated: preview.ops.filter((op) => (op.action === 'write' || op.action === 'mkdir') && !op.before).map((op) => show(op.path)),
        deleted: preview.ops.filter((op) => op.action === 'delete').map((op) => show(op.path)),
        modeChanged: preview.ops.filter((op) => op.action === 'chmod').map((op) => show(op.path)),
        kept: this.keptFiles(preview.kept),
      };
    });
  }

  /** `paths`: only those files and folders (top-level raw paths), files only. */
  async restore(target: StoredCheckpoint, mode: RestoreMode, paths?: RawPath[]): Promise<RestoreOutcome> {
    if (paths) mode = 'files';
    return this.engine.exclusive(async () => {
      await this.recoverLocked('finish');
      const trimTranscript = mode !== 'files' && target.sessionId !== null;
      const later = trimTranscript
        ? (await this.engine.list()).filter(
            (meta) => meta.sessionId === target.sessionId && (meta.createdAt > target.createdAt || (meta.createdAt === target.createdAt && meta.id > target.id)),
          )
        : [];
      const restoreId = newTimeId();
      let messagesDeleted = 0;
      let filesChanged = 0;
      const record = async (journal: RestoreJournal) => {
        messagesDeleted = await this.recordRestore(journal, filesChanged);
      };
      const request = {
        kind: 'restore' as const,
        restoreId,
        target,
        safetyLabel: `Before restoring ${target.id}`,
        mode,
        session: target.sessionId,
        later: later.map(rowOf),
        undoOf: null,
        shape: paths ? { kind: 'paths' as const, paths } : undefined,
      };
      let applied: Applied | null = null;
      let safety: string | null = null;
      if (mode === 'transcript') {
        await this.transcriptOnly(request, record);
      } else {
        const files = await this.guarded(target.id, () =>
          runRestore(this.engine, request, async (journal) => {
            filesChanged = countChanged(journal);
            await record(journal);
          }),
        );
        applied = files.applied;
        safety = files.safety.id;
        filesChanged = changedCount(applied);
      }
      const agent = target.sessionId ? await this.agentOf(target.sessionId) : null;
      const stale = target.sessionId !== null && (messagesDeleted > 0 || filesChanged > 0);
      return {
        restored: target.id,
        mode,
        safetyCheckpoint: safety,
        filesChanged,
        ...this.lists(applied),
        messagesDeleted,
        checkpointsDropped: later.filter((meta) => meta.kind !== 'after').length,
        agentContextStale: stale,
        agentAdvice: stale
          ? `${agent ?? 'The agent'} still remembers the conversation as it was before this restore: start a new conversation (or rewind it in the agent) before you continue, or resume it from this turn with \`boocode resume ${target.id}\`.`
          : null,
      };
    });
  }

  /** What reverting the turn `before` → `end` would do now; nothing changes. */
  async planRevert(before: StoredCheckpoint, end: StoredCheckpoint): Promise<RestorePlan> {
    return this.plan(before, { kind: 'revert', end: end.id });
  }

  /**
   * Reverts one turn (before → end) onto the work tree as it is now, through the same transaction
   * as a restore: safety checkpoint, journal, compare-and-swap, and `undo` reverses it. The
   * transcript is kept whole; the revert is recorded in it.
   */
  async revert(before: StoredCheckpoint, end: StoredCheckpoint, interrupted: boolean): Promise<RevertOutcome> {
    return this.engine.exclusive(async () => {
      await this.recoverLocked('finish');
      const request = {
        kind: 'restore' as const,
        restoreId: newTimeId(),
        target: before,
        safetyLabel: before.prompt ? `Before reverting “${oneLine(before.prompt, 60)}”` : `Before reverting the turn of ${before.id}`,
        mode: 'files' as const,
        session: before.sessionId,
        later: [],
        undoOf: null,
        shape: { kind: 'revert' as const, end: end.id },
      };
      const files = await this.guarded(before.id, () =>
        runRestore(this.engine, request, async (journal) => {
          await this.recordRestore(journal, countChanged(journal));
        }),
        'Reverting the turn of',
      );
      const filesChanged = changedCount(files.applied);
      const lists = this.lists(files.applied);
      const conflicts = lists.kept.filter((file) => CHANGED_SINCE.includes(file.code)).map((file) => file.path);
      const stale = before.sessionId !== null && filesChanged > 0;
      return {
        reverted: before.id,
        restored: before.id,
        turnEnd: { id: end.id, interrupted },
        safetyCheckpoint: files.safety.id,
        filesChanged,
        ...lists,
        conflicts,
        agentContextStale: stale,
        // (The agent's name would cost loading the transcript database: not worth it here.)
        agentAdvice: stale ? 'The agent still thinks its changes of that turn are in the files: tell it that the turn was reverted before you continue.' : null,
      };
    });
  }

  async undo(): Promise<UndoOutcome> {
    return this.engine.exclusive(async () => {
      await this.recoverLocked('finish');
      const latest = await this.latestRestore();
      if (!latest || latest.undone) throw new BooError('nothing-to-undo', 'There is no restore to undo in this workspace.');
      const record = (journal: RestoreJournal) => this.recordUndo(journal);
      let applied: Applied | null = null;
      let safety: string | null = null;
      if (latest.safety) {
        const target = await this.engine.get(latest.safety);
        const files = await this.guarded(latest.safety, () =>
          runRestore(
            this.engine,
            { kind: 'undo', restoreId: newTimeId(), target, safetyLabel: `Before undoing the restore to ${latest.checkpoint}`, mode: 'files', session: null, later: [], undoOf: latest.id },
            record,
          ),
        );
        applied = files.applied;
        safety = files.safety.id;
      } else {
        await this.transcriptOnly(
          { kind: 'undo', restoreId: newTimeId(), target: await this.engine.get(latest.checkpoint).catch(() => null), mode: 'transcript', session: null, later: [], undoOf: latest.id },
          record,
        );
      }
      return {
        undone: latest.checkpoint,
        safetyCheckpoint: safety,
        filesChanged: applied ? changedCount(applied) : 0,
        kept: this.keptFiles(applied?.kept ?? []),
        messagesRestored: latest.payload.messages.length,
        checkpointsRestored: await this.countListed(latest.payload.checkpoints.map((row) => row.id)),
      };
    });
  }

  /** The restore or undo a killed process left, if any. */
  pending(): PendingRestore | null {
    const journal = pendingJournal(this.engine);
    return journal ? pendingOf(journal) : null;
  }

  /** Finishes (or finishes and then undoes: rolls back) an interrupted restore. */
  async recover(action: 'finish' | 'roll-back'): Promise<RecoveryOutcome | null> {
    return this.engine.exclusive(() => this.recoverLocked(action));
  }

  private async recoverLocked(action: 'finish' | 'roll-back'): Promise<RecoveryOutcome | null> {
    const journal = pendingJournal(this.engine);
    if (!journal) return null;
    const pending = pendingOf(journal);
    const record = (entry: RestoreJournal) => (entry.kind === 'undo' ? this.recordUndo(entry) : this.recordRestore(entry, countChanged(entry)).then(() => undefined));
    const what = journal.kind === 'undo' ? 'An undo' : `A restore to ${journal.target.id}`;
    let finished: Awaited<ReturnType<typeof finishInterrupted>>;
    try {
      finished = await finishInterrupted(this.engine, journal, record);
    } catch (error) {
      const safety = journal.safety ? `; everything as it was before is in safety checkpoint ${journal.safety.id}` : '';
      throw new BooError('git-failed', `${what} was interrupted and could not be finished: ${describeError(error).replace(/[.;]?\s*$/, '')}${safety}. Run the command again to retry.`);
    }
    if (finished.action === 'discarded') {
      const safety = journal.safety ? ` The files as they were before are in safety checkpoint ${journal.safety.id} (\`boocode restore ${journal.safety.id}\`).` : '';
      this.notice(`${what} was interrupted and could not be finished; it was given up.${safety}`);
      return { pending, action: 'discarded', filesChanged: 0, kept: [] };
    }
    const kept = this.keptFiles(finished.applied?.kept ?? []);
    const filesChanged = finished.applied ? changedCount(finished.applied) : 0;
    if (action === 'roll-back' && journal.kind === 'restore' && journal.safety) {
      await this.undoLatestLocked();
      this.notice(`${what} was interrupted; it was rolled back to safety checkpoint ${journal.safety.id}.`);
      return { pending, action: 'rolled-back', filesChanged, kept };
    }
    const left = kept.length ? ` (${kept.length} file(s) left as they were)` : '';
    const next = !journal.safety
      ? ''
      : journal.kind === 'undo'
        ? ` — restoring safety checkpoint ${journal.safety.id} redoes it`
        : ` — \`boocode undo\` reverses it (safety checkpoint ${journal.safety.id})`;
    this.notice(`${what} was interrupted; it was finished${left}${next}.`);
    return { pending, action: 'finished', filesChanged, kept };
  }

  private async undoLatestLocked(): Promise<void> {
    const latest = await this.latestRestore();
    if (!latest || latest.undone || !latest.safety) return;
    const target = await this.engine.get(latest.safety);
    await runRestore(
      this.engine,
      { kind: 'undo', restoreId: newTimeId(), target, safetyLabel: `Before rolling back the restore to ${latest.checkpoint}`, mode: 'files', session: null, later: [], undoOf: latest.id },
      (journal) => this.recordUndo(journal),
    );
  }

  /** A transcript-only restore (or an undo of one) changes no file: journaled all the same. */
  private async transcriptOnly(
    request: { kind: 'restore' | 'undo'; restoreId: string; target: StoredCheckpoint | null; mode: RestoreMode; session: string | null; later: CheckpointRow[]; undoOf: string | null },
    record: (journal: RestoreJournal) => Promise<void>,
  ): Promise<void> {
    const journal = beginJournal(this.engine, { ...request, safetyLabel: '' }, 'recording');
    await record(journal);
    removeJournal(this.engine.ws.stateDir);
  }

  /** Runs a files step; a failure says which safety checkpoint holds the state before, in one line. */
  private async guarded<T>(checkpoint: string, task: () => Promise<T>, what = 'Restoring'): Promise<T> {
    try {
      return await task();
    } catch (error) {
      const journal = pendingJournal(this.engine);
      const why = describeError(error).replace(/[.;]?\s*$/, '');
      const after = journal?.safety
        ? ` Everything as it was before is in safety checkpoint ${journal.safety.id}; the next boocode command finishes what was started (then \`boocode undo\` reverses it).`
        : /nothing was changed/i.test(why)
          ? ''
          : ' Nothing was changed.';
      throw new BooError(error instanceof BooError ? error.code : 'git-failed', `${what} ${checkpoint} failed: ${why}.${after}`);
    }
  }

  /** Records a restore in the transcript and moves the session's later checkpoints out of the list. */
  private async recordRestore(journal: RestoreJournal, filesChanged: number): Promise<number> {
    const target = journal.target;
    const trim = journal.mode !== 'files' && target.session !== null;
    const reverted = journal.shape?.kind === 'revert';
    // A revert is its own kind of event: the conversation stays whole, and it says what happened.
    const mode = reverted ? 'revert' : journal.shape?.kind === 'paths' ? 'paths' : journal.mode;
    const base = { op: 'restore' as const, id: journal.id, checkpoint: target.id, safety: journal.safety?.id ?? null, session: target.session, mode, at: Date.now() };
    let messagesDeleted = 0;
    const why = reverted ? `reverted the turn of checkpoint ${target.id}` : `restored to checkpoint ${target.id}`;
    const empty = { messages: [], checkpoints: journal.later, previousStaleAt: null, previousStaleReason: null };
    if (target.session === null) {
      // Nothing of a conversation to trim: record the restore for undo without loading the database.
      await this.store.append([{ ...base, payload: empty, staleReason: null }]);
    } else if (!trim) {
      // Files only (a revert, some paths): nothing to trim, so no need to load the database either;
      // the session's stale mark before it is read when the op is applied.
      await this.store.append([{ ...base, payload: empty, staleReason: filesChanged > 0 ? why : null, previousStaleFromRow: true }]);
    } else {
      messagesDeleted = await this.store.transact((db) => {
        // Finishing a restore again (after a crash) must not record it twice.
        if (db.exec('SELECT 1 FROM restores WHERE id = ?', [journal.id])[0]) return { result: 0, ops: [] };
        const messages = trim ? messagesFrom(db, target) : [];
        const session = db.exec('SELECT stale_at, stale_reason FROM sessions WHERE id = ?', [target.session])[0]?.values[0];
        const payload: RestorePayload = {
          messages,
          checkpoints: journal.later,
          previousStaleAt: session?.[0] === null || session === undefined ? null : Number(session[0]),
          previousStaleReason: session?.[1] === null || session === undefined ? null : String(session[1]),
        };
        const stale = messages.length > 0 || filesChanged > 0;
        return { result: messages.length, ops: [{ ...base, payload, staleReason: stale ? why : null }] };
      });
    }
    // Only the latest restore can be undone: what earlier restores dropped is let go now.
    const keep = new Set(journal.later.map((meta) => meta.id));
    await this.engine.deleteManyLocked((await this.engine.list(DROPPED_REFS)).filter((meta) => !keep.has(meta.id)));
    await this.engine.moveRefsLocked(journal.later, CHECKPOINT_REFS, DROPPED_REFS);
    return messagesDeleted;
  }

  private async recordUndo(journal: RestoreJournal): Promise<void> {
    if (!journal.undoOf) return;
    const undone = await this.store.read((db) => {
      const row = db.exec('SELECT payload FROM restores WHERE id = ?', [journal.undoOf])[0]?.values[0];
      return row ? (JSON.parse(String(row[0])) as RestorePayload) : null;
    });
    if (undone) await this.engine.moveRefsLocked(undone.checkpoints.map(({ id, commit }) => ({ id, commit })), DROPPED_REFS, CHECKPOINT_REFS);
    await this.store.append([{ op: 'undo', id: journal.undoOf, at: Date.now() }]);
  }

  private async latestRestore() {
    return this.store.read((db) => {
      const row = db.exec('SELECT id, checkpoint_id, safety_checkpoint_id, payload, undone_at FROM restores WHERE imported IS NULL ORDER BY created_at DESC, id DESC LIMIT 1')[0]?.values[0];
      return row
        ? { id: String(row[0]), checkpoint: String(row[1]), safety: row[2] === null ? null : String(row[2]), payload: JSON.parse(String(row[3])) as RestorePayload, undone: row[4] !== null }
        : null;
    });
  }

  /** How many of `ids` are listed now, a turn and its end counting as one. */
  private async countListed(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const wanted = new Set(ids);
    return (await this.engine.list()).filter((meta) => wanted.has(meta.id) && meta.kind !== 'after').length;
  }

  private async agentOf(sessionId: string): Promise<string | null> {
    return this.store.read((db) => {
      const value = db.exec('SELECT agent FROM sessions WHERE id = ?', [sessionId])[0]?.values[0]?.[0];
      return value === null || value === undefined ? null : String(value);
    });
  }

  private keptFiles(kept: { path: RawPath; code: KeptCode }[]): KeptFile[] {
    const seen = new Set<string>();
    const out: KeptFile[] = [];
    for (const { path, code } of kept) {
      if (seen.has(path)) continue;
      seen.add(path);
      out.push({ path: displayPath(this.engine.relative(path)), code, reason: keptReason(code) });
    }
    return out;
  }

  private lists(applied: Applied | null) {
    const show = (files: RawPath[]) => files.map((file) => displayPath(this.engine.relative(file)));
    return {
      modified: show(applied?.modified ?? []),
      recreated: show(applied?.recreated ?? []),
      deleted: show(applied?.deleted ?? []),
      modeChanged: show(applied?.modeChanged ?? []),
      kept: this.keptFiles(applied?.kept ?? []),
    };
  }
}

export function rowOf(meta: { id: string; sessionId: string | null; anchorMessageId: string | null; commit: string; label: string | null; createdAt: number }): CheckpointRow {
  return { id: meta.id, session: meta.sessionId, anchor: meta.anchorMessageId, commit: meta.commit, label: meta.label, at: meta.createdAt };
}

const changedCount = (applied: Applied) => applied.modified.length + applied.recreated.length + applied.deleted.length + applied.modeChanged.length;
/** Files a journal's plan changes (what the stale mark needs to know before the files are done). */
const countChanged = (journal: RestoreJournal) => journal.ops.length;

function pendingOf(journal: RestoreJournal): PendingRestore {
  return { kind: journal.kind, checkpoint: journal.target.id, safetyCheckpoint: journal.safety?.id ?? '', startedAt: journal.startedAt, started: journal.phase === 'applying' || journal.phase === 'recording' };
}

/** The anchored prompt and everything after it in that session. */
function messagesFrom(db: import('sql.js').Database, target: RestoreJournal['target']): MessageRow[] {
  const anchor = target.anchor ? db.exec('SELECT created_at, id FROM messages WHERE id = ?', [target.anchor])[0]?.values[0] : undefined;
  const [fromTime, fromId] = anchor ? [Number(anchor[0]), String(anchor[1])] : [target.createdAt, ''];
  const rows =
    db.exec(
      'SELECT id, role, text, created_at, agent_ref FROM messages WHERE session_id = ? AND (created_at > ? OR (created_at = ? AND id >= ?)) ORDER BY created_at, id',
      [target.session, fromTime, fromTime, fromId],
    )[0]?.values ?? [];
  return rows.map(([id, role, text, created, agentRef]) => ({
    id: String(id),
    session: target.session as string,
    role: role === 'assistant' ? 'assistant' : 'user',
    text: String(text),
    at: Number(created),
    // Kept with the trimmed prompt, so a resume at this turn still finds it in the agent's history.
    ...(agentRef === null ? {} : { agentRef: String(agentRef) }),
  }));
}

/** A prompt as a short label: one line, at most `max` characters. */
function oneLine(text: string, max: number): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
