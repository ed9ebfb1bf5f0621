// A restore as a transaction: capture the present, plan, check every step, record the safety
// checkpoint and the journal (fsync'd), stage the new contents, then apply them path by path with
// compare-and-swap. Anything interrupted is finished by the next command from the journal; a
// restore can always be undone through its safety checkpoint. Call with the engine's lock held.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CaptureResult } from '../capture/capture';
import { ModeManifest } from '../capture/modes';
import { CheckpointEngine, StoredCheckpoint } from '../engine';
import { ensurePrivateDir } from '../privateFiles';
import { diskPath, RawPath } from '../rawPath';
import { holds } from './diskState';
import { CheckpointRow } from '../store/ops';
import { RestoreMode } from '../types';
import { Applied, applyJournal } from './apply';
import { readJournal, removeJournal, RestoreJournal, writeJournal } from './journal';
import { Planner, plannerFor, RestoreShape } from './shape';
import { BooError } from '../errors';
import { preflight } from './preflight';
import { stage } from './stage';

export interface RestoreRequest {
  kind: 'restore' | 'undo';
  /** Id of the restore's record in the transcript (and of the journal). */
  restoreId: string;
  target: StoredCheckpoint;
  safetyLabel: string;
  mode: RestoreMode;
  session: string | null;
  later: CheckpointRow[];
  undoOf: string | null;
  /** What is brought back; the whole checkpoint when absent. */
  shape?: RestoreShape;
}

export interface FilesRestored {
  safety: StoredCheckpoint;
  applied: Applied;
}

/** The transcript and refs side of a restore, idempotent: it may run again after a crash. */
export type RecordStep = (journal: RestoreJournal) => Promise<void>;

export async function runRestore(engine: CheckpointEngine, request: RestoreRequest, record: RecordStep): Promise<FilesRestored> {
  // The intent is written before anything else: a restore that has started always ends, even
  // when this process does not (the next command carries it out from here).
  const planner = await plannerFor(engine, request.target, request.shape);
  if (!planner) throw new BooError('not-found', `The checkpoint the turn ended at is gone; nothing was changed.`);
  const journal = beginJournal(engine, request, 'planning');
  return planAndApply(engine, journal, planner, record);
}

/** Writes a new journal for `request` (a transcript-only one has no target and starts at recording). */
export function beginJournal(
  engine: CheckpointEngine,
  request: Omit<RestoreRequest, 'target'> & { target: StoredCheckpoint | null },
  phase: RestoreJournal['phase'],
): RestoreJournal {
  const journal: RestoreJournal = {
    v: 1,
    id: request.restoreId,
    kind: request.kind,
    phase,
    pid: process.pid,
    startedAt: Date.now(),
    attempts: 0,
    target: request.target ? targetOf(request.target) : { id: '', commit: '', rawBytes: true, session: null, anchor: null, createdAt: 0 },
    safetyLabel: request.safetyLabel,
    safety: null,
    targetModes: request.target ? [...request.target.modes] : [],
    stagingDir: '',
    ops: [],
    kept: [],
    mode: request.mode,
    session: request.session,
    later: request.later,
    undoOf: request.undoOf,
    ...(request.shape && request.shape.kind !== 'whole' ? { shape: request.shape } : {}),
  };
  writeJournal(engine.ws.stateDir, journal);
  return journal;
}

/** The restore or undo a killed process left behind, if any (read without the lock: a hint). */
export const pendingJournal = (engine: CheckpointEngine): RestoreJournal | null => readJournal(engine.ws.stateDir);

/**
 * Carries out what an interrupted restore started (lock held). A restore that keeps failing is
 * given up after a few tries, never left to block every command: the safety checkpoint holds the
 * state before it, and the one-line error says so.
 */
export async function finishInterrupted(engine: CheckpointEngine, journal: RestoreJournal, record: RecordStep): Promise<{ action: 'finished' | 'discarded'; applied: Applied | null }> {
  journal.attempts = (journal.attempts ?? 0) + 1;
  if (journal.attempts > MAX_ATTEMPTS) {
    cleanStaging(journal);
    removeJournal(engine.ws.stateDir);
    return { action: 'discarded', applied: null };
  }
  writeJournal(engine.ws.stateDir, journal);
  if (journal.phase === 'planning') {
    const target = await engine.get(journal.target.id).catch(() => null);
    const planner = target ? await plannerFor(engine, target, journal.shape) : null;
    if (!planner) {
      // The checkpoint to restore is gone and nothing had changed yet: there is nothing to finish.
      removeJournal(engine.ws.stateDir);
      return { action: 'discarded', applied: null };
    }
    return { action: 'finished', applied: (await planAndApply(engine, journal, planner, record)).applied };
  }
  const applied = journal.phase === 'recording' ? null : await stageAndApply(engine, journal);
  await finishRecording(engine, journal, record);
  return { action: 'finished', applied };
}

const MAX_ATTEMPTS = 3;

async function planAndApply(engine: CheckpointEngine, journal: RestoreJournal, planner: Planner, record: RecordStep): Promise<FilesRestored> {
  let applied: Applied;
  let safety: StoredCheckpoint;
  try {
    const captured = await engine.captureNow();
    const plan = await planner(captured);
    const txId = randomBytes(4).toString('hex');
    const stagingDir = path.join(engine.ws.root, `.boocode-${txId}`);
    const umask = engine.index.readState()?.umask ?? 0o022;
    const checked = preflight(engine.ws.topLevel, stagingDir, txId, plan.ops, engine.repo.facts.objectFormat, umask);
    // The safety checkpoint holds the exact permission bits of everything the restore touches.
    safety = await engine.commitCapture(captured, { kind: 'safety', label: journal.safetyLabel }, safetyModes(captured, checked.ops, checked.currentModes), checked.emptyFolders);
    Object.assign(journal, { phase: 'staging', safety: { id: safety.id, commit: safety.commit }, stagingDir, ops: checked.ops, kept: [...plan.kept, ...checked.kept] });
    writeJournal(engine.ws.stateDir, journal);
    applied = await stageAndApply(engine, journal);
  } catch (error) {
    // Failed before anything of the user's changed: nothing is left behind, nothing to finish.
    if (journal.phase === 'planning' || journal.phase === 'staging') {
      cleanStaging(journal);
      removeJournal(engine.ws.stateDir);
    }
    throw error;
  }
  await finishRecording(engine, journal, record);
  return { safety, applied };
}

async function stageAndApply(engine: CheckpointEngine, journal: RestoreJournal): Promise<Applied> {
  const refusedKept: Applied['kept'] = [];
  try {
    ensurePrivateDir(journal.stagingDir);
  } catch {
    // The workspace folder cannot be written: steps staged there are refused below.
  }
  // Stage what still has to be written. After a crash a staged file may be half-written: every
  // path not already holding its new content is staged again from the object store.
  const format = engine.repo.facts.objectFormat;
  const toStage = journal.ops.filter((op) => op.temp && op.after && !holds(diskPath(engine.ws.topLevel, op.path), op.after, null, format));
  const staged = await stage(engine.git, toStage, !journal.target.rawBytes);
  for (const { op, code } of staged.refused) {
    refusedKept.push({ path: op.path, code });
    journal.ops = journal.ops.filter((candidate) => candidate !== op);
  }
  if (journal.phase === 'staging') {
    journal.phase = 'applying';
    journal.kept.push(...refusedKept);
    writeJournal(engine.ws.stateDir, journal);
  }
  const folderModes = new Map<string, number>(journal.targetModes);
  const applied = applyJournal(journal, {
    topLevel: engine.ws.topLevel,
    workspaceRoot: engine.ws.root,
    format: engine.repo.facts.objectFormat,
    folderModes,
    rescueDir: path.join(engine.ws.stateDir, 'rescued', journal.id),
    notice: engine.options.notice ?? (() => undefined),
  });
  applied.kept.unshift(...journal.kept);
  cleanStaging(journal);
  return applied;
}

async function finishRecording(engine: CheckpointEngine, journal: RestoreJournal, record: RecordStep): Promise<void> {
  if (journal.phase !== 'recording') {
    journal.phase = 'recording';
    writeJournal(engine.ws.stateDir, journal);
  }
  await record(journal);
  removeJournal(engine.ws.stateDir);
}

/** Removes staged files and the staging folder (moved-aside entries are dealt with by apply). */
function cleanStaging(journal: RestoreJournal): void {
  for (const op of journal.ops) if (op.temp) fs.rmSync(Buffer.from(op.temp, 'latin1'), { force: true });
  try {
    fs.rmSync(journal.stagingDir, { recursive: true, force: true });
  } catch {
    // left for the next command
  }
}

/** The capture's modes, completed with what the pre-flight saw of every path the restore touches. */
function safetyModes(captured: CaptureResult, ops: { path: RawPath; action: string; before: { mode: string } | null }[], current: Map<RawPath, number>): ModeManifest {
  const modes: ModeManifest = new Map(captured.modes);
  const byPath = new Map(ops.map((op) => [op.path as string, op]));
  for (const [file, mode] of current) {
    const op = byPath.get(file);
    // A planned path's mode counts when the safety checkpoint holds it as a file; anything else
    // here is a folder around a planned path.
    if (op && op.action !== 'chmod' && (!op.before || op.before.mode === '120000')) continue;
    modes.set(file, mode & 0o7777);
  }
  return modes;
}

/** What the journal keeps of the target, so an interrupted restore is finished even without it. */
export function targetOf(target: StoredCheckpoint): RestoreJournal['target'] {
  return { id: target.id, commit: target.commit, rawBytes: target.rawBytes, session: target.sessionId, anchor: target.anchorMessageId, createdAt: target.createdAt };
}

/** What a restore would do now, without changing anything (lock held). */
export async function previewRestore(engine: CheckpointEngine, target: StoredCheckpoint, shape?: RestoreShape): Promise<{ ops: JournalOpView[]; kept: RestoreJournal['kept'] }> {
  const planner = await plannerFor(engine, target, shape);
  if (!planner) throw new BooError('not-found', 'The checkpoint the turn ended at is gone; nothing was changed.');
  const captured = await engine.captureNow();
  const plan = await planner(captured);
  const checked = preflight(engine.ws.topLevel, path.join(engine.ws.root, '.boocode-preview'), 'preview', plan.ops, engine.repo.facts.objectFormat, engine.index.readState()?.umask ?? 0o022);
  return { ops: checked.ops, kept: [...plan.kept, ...checked.kept] };
}

export type JournalOpView = RestoreJournal['ops'][number];
