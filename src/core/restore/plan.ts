// A restore's plan: every file operation it would make, computed from the safety capture (the
// present) and the target checkpoint before anything changes, with what it must leave alone and
// why. Nothing here writes to the work tree.
import { CaptureResult } from '../capture/capture';
import { CheckpointEngine, StoredCheckpoint } from '../engine';
import { diskPath, isWithin, RawPath } from '../rawPath';
import { stampOf } from '../fileState';
import { KeptCode } from '../types';
import { defaultMode } from '../capture/modes';
import { keepReasons } from './keepRules';

export interface EntryState {
  /** Git tree mode: 100644, 100755 or 120000. */
  mode: string;
  blob: string;
}

export interface FileOp {
  /** Raw path relative to the work tree's top level. */
  path: RawPath;
  /** `mkdir`: an empty folder the target recorded (git trees cannot hold one), made again. */
  action: 'write' | 'delete' | 'chmod' | 'mkdir';
  change: 'added' | 'modified' | 'deleted' | 'typechange' | 'mode';
  /** What the safety checkpoint holds at this path (null: nothing). */
  before: EntryState | null;
  /** What the target checkpoint holds (null: nothing). */
  after: EntryState | null;
  /** Permission bits to give the path, when the target recorded them (null: as a checkout would). */
  perm: number | null;
}

export interface PlannedRestore {
  ops: FileOp[];
  kept: { path: RawPath; code: KeptCode }[];
}

/** `only`: the paths (and folders) to restore, all when absent (a per-file restore). */
export async function planRestore(engine: CheckpointEngine, target: StoredCheckpoint, current: CaptureResult, only?: readonly RawPath[]): Promise<PlannedRestore> {
  const changes = await engine.treeChanges(current.tree, target.commit, false);
  const ops: FileOp[] = [];
  const changed = new Set<string>();
  for (const change of changes) {
    changed.add(change.path);
    const before = change.status === 'added' ? null : { mode: change.oldMode, blob: change.oldBlob };
    const after = change.status === 'deleted' ? null : { mode: change.newMode, blob: change.newBlob };
    const perm = after && after.mode !== '120000' ? recordedPerm(target, change.path, after.mode) : null;
    ops.push({ path: change.path, action: after ? 'write' : 'delete', change: change.status, before, after, perm });
  }
  // Permission bits the target recorded that differ now, on files whose contents are the same. A
  // mode is only ever narrowed back to what was recorded, never widened from an absence.
  const scope = engine.ws.scope;
  for (const [file, perm] of target.modes) {
    if (changed.has(file) || (scope && !file.startsWith(`${scope}/`))) continue;
    ops.push({ path: file, action: 'chmod', change: 'mode', before: null, after: null, perm });
  }
  // Unusual bits we have now on paths the target had with the default ones: back to the default.
  if (target.umask !== null) {
    for (const [file, mode] of current.modes) {
      if (changed.has(file) || target.modes.has(file) || (scope && !file.startsWith(`${scope}/`))) continue;
      const kind = stampOf(diskPath(engine.ws.topLevel, file))?.kind;
      if (kind !== 'file' && kind !== 'dir') continue;
      const exec = kind === 'file' && (mode & 0o100) !== 0;
      const perm = defaultMode(kind === 'dir' ? 'dir' : exec ? 'exec' : 'file', target.umask);
      if (perm !== mode) ops.push({ path: file, action: 'chmod', change: 'mode', before: null, after: null, perm });
    }
  }
  // Empty folders the target recorded (a restore removed them to put a file there): made again.
  const deleting = new Set(ops.filter((op) => op.action === 'delete').map((op) => op.path as string));
  for (const [folder, perm] of target.emptyFolders) {
    if (scope && !folder.startsWith(`${scope}/`)) continue;
    if (deleting.has(folder) || !stampOf(diskPath(engine.ws.topLevel, folder))) ops.push({ path: folder, action: 'mkdir', change: 'added', before: null, after: null, perm });
  }
  const chosen = only ? ops.filter((op) => only.some((wanted) => isWithin(op.path, wanted))) : ops;
  const kept = await keepReasons(engine, target, current, chosen);
  return { ops: chosen.filter((op) => !kept.has(op.path)), kept: [...kept].map(([path, code]) => ({ path, code })) };
}

/** The permission bits the target had at `file`: recorded when unusual, else the default for its umask (null: not known). */
export function recordedPerm(target: StoredCheckpoint, file: RawPath, treeMode: string): number | null {
  const recorded = target.modes.get(file);
  if (recorded !== undefined) return recorded;
  return target.umask === null ? null : defaultMode(treeMode === '100755' ? 'exec' : 'file', target.umask);
}
