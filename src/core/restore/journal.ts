// The restore journal: a restore's intent, written and fsync'd before it changes anything, so a
// restore killed half-way (kill -9, power loss) or failed is finished by the next command instead
// of leaving a work tree that is neither before nor after. While it exists, `undo` can never reach
// past it to an earlier restore.
import * as fs from 'fs';
import * as path from 'path';
import { FileStamp } from '../fileState';
import { replaceFile } from '../store/journal';
import { RawPath } from '../rawPath';
import { CheckpointRow } from '../store/ops';
import { KeptCode, RestoreMode } from '../types';
import { FileOp } from './plan';
import { RestoreShape } from './shape';

export interface JournalOp extends FileOp {
  /** The path as found by the pre-flight check (for the fast compare-and-swap check). */
  expect: FileStamp | null;
  /** Permission bits the new file gets. */
  finalPerm: number | null;
  /** Absolute path (raw bytes) of the staged new content, or null when nothing is written. */
  temp: string | null;
  /** Absolute path (raw bytes) the old entry is moved to before it is replaced or deleted. */
  aside: string;
}

export interface RestoreJournal {
  v: 1;
  /** Also the id of the restore's record in the transcript. */
  id: string;
  kind: 'restore' | 'undo';
  /**
   * planning: started, nothing planned yet; staging: planned and backed up, nothing of the user's
   * changed yet; applying: files may be changing; recording: files done, transcript to record.
   */
  phase: 'planning' | 'staging' | 'applying' | 'recording';
  pid: number;
  startedAt: number;
  /** Times a later command tried to finish it (it is given up after a few). */
  attempts: number;
  safetyLabel: string;
  target: { id: string; commit: string; rawBytes: boolean; session: string | null; anchor: string | null; createdAt: number };
  /** Null for a transcript-only restore, which changes no file. */
  safety: { id: string; commit: string } | null;
  /** Permission bits the target recorded (top-level raw path → mode), for folders it creates. */
  targetModes: [string, number][];
  /** Folder (inside the workspace) holding staged files and moved-aside entries; removed at the end. */
  stagingDir: string;
  ops: JournalOp[];
  kept: { path: RawPath; code: KeptCode }[];
  /** Transcript side, finished by the recording step. */
  mode: RestoreMode;
  session: string | null;
  /** Checkpoints of the session after the target, dropped from the list (restore). */
  later: CheckpointRow[];
  /** The restore an undo reverses. */
  undoOf: string | null;
  /** What is brought back (absent: the whole checkpoint, as journals of older versions). */
  shape?: RestoreShape;
}

export const journalPath = (stateDir: string) => path.join(stateDir, 'restore.journal');

export function readJournal(stateDir: string): RestoreJournal | null {
  try {
    const journal = JSON.parse(fs.readFileSync(journalPath(stateDir), 'utf8')) as RestoreJournal;
    return journal.v === 1 && Array.isArray(journal.ops) ? journal : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A journal we cannot read is kept for people to look at; the work tree is left as it is.
    const file = journalPath(stateDir);
    if (fs.existsSync(file)) fs.renameSync(file, `${file}.unreadable-${Date.now()}`);
    return null;
  }
}

/** Writes the journal whole and durably (temp file, fsync, rename, fsync of the folder). */
export function writeJournal(stateDir: string, journal: RestoreJournal): void {
  replaceFile(journalPath(stateDir), JSON.stringify(journal));
}

export function removeJournal(stateDir: string): void {
  fs.rmSync(journalPath(stateDir), { force: true });
}
