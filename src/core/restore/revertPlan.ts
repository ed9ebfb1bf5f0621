// A turn's revert as a restore plan: for every file the turn changed (before → after), the inverse
// applied onto the work tree as it is now, per file, with a 3-way merge (base = the turn's after,
// ours = now, theirs = the turn's before). Lines the turn changed go back, lines changed since stay.
// A file the turn created goes only if unchanged since; one it deleted comes back only if its path
// is free; a file whose merge conflicts is left as it is now and reported. The result is ordinary
// file operations, carried out by the restore transaction like any restore.
import { CaptureResult } from '../capture/capture';
import { CheckpointEngine, StoredCheckpoint, TreeChange } from '../engine';
import { isWithin, RawPath } from '../rawPath';
import { KeptCode } from '../types';
import { keepReasons } from './keepRules';
import { mergeBlobs } from './merge';
import { EntryState, FileOp, PlannedRestore, recordedPerm } from './plan';

/** Why a file of the turn cannot be reverted because of what happened since. */
export const CHANGED_SINCE: readonly KeptCode[] = ['conflict', 'changed-since-turn', 'path-taken'];

/** What the turn changed (before → after): independent of the present, so it can be read while the present is captured. */
export const turnChanges = (engine: CheckpointEngine, before: StoredCheckpoint, after: StoredCheckpoint): Promise<TreeChange[]> =>
  engine.treeChanges(before.commit, after.commit, false);

export async function planRevert(engine: CheckpointEngine, before: StoredCheckpoint, after: StoredCheckpoint, current: CaptureResult, changes?: Promise<TreeChange[]>): Promise<PlannedRestore> {
  const [turn, since] = await Promise.all([changes ?? turnChanges(engine, before, after), engine.treeChanges(after.commit, current.tree, false)]);
  const sinceByPath = new Map(since.map((change) => [change.path as string, change]));
  const now = (change: TreeChange): EntryState | null => {
    const later = sinceByPath.get(change.path);
    if (!later) return side(change, 'new');
    return later.status === 'deleted' ? null : side(later, 'new');
  };
  const createdUnder = (folder: string) => since.some((change) => change.status !== 'deleted' && change.path !== folder && isWithin(change.path, folder));

  const ops: FileOp[] = [];
  const refused: { path: RawPath; code: KeptCode }[] = [];
  const merges: { change: TreeChange; ours: EntryState; base: EntryState; theirs: EntryState }[] = [];
  for (const change of turn) {
    const was = side(change, 'old'); // the turn's before
    const became = side(change, 'new'); // the turn's after
    const present = now(change);
    if (same(present, was)) continue; // already as before the turn
    if (same(present, became)) {
      if (!was) ops.push({ path: change.path, action: 'delete', change: 'deleted', before: present, after: null, perm: null });
      else if (!present && createdUnder(change.path)) refused.push({ path: change.path, code: 'path-taken' });
      else ops.push(writeOp(change.path, present, was, before));
      continue;
    }
    // Changed since the turn.
    if (!became) refused.push({ path: change.path, code: 'path-taken' }); // it deleted the file; something is there now
    else if (!was || !present) refused.push({ path: change.path, code: 'changed-since-turn' }); // it created the file, or the file is gone now
    else if ([was, became, present].some((entry) => entry.mode === '120000')) refused.push({ path: change.path, code: 'conflict' });
    else merges.push({ change, ours: present, base: became, theirs: was });
  }

  const merged = await mergeBlobs(
    engine.git,
    engine.ws.stateDir,
    merges.map(({ ours, base, theirs }) => ({ ours: ours.blob, base: base.blob, theirs: theirs.blob })),
  );
  merges.forEach(({ change, ours, base, theirs }, index) => {
    const blob = merged[index];
    if (!blob) return refused.push({ path: change.path, code: 'conflict' });
    // The exec bit goes back too when the turn changed it and nobody has since.
    const mode = ours.mode === base.mode ? theirs.mode : ours.mode;
    if (blob !== ours.blob || mode !== ours.mode) ops.push(writeOp(change.path, ours, { mode, blob }, before));
  });

  // What no restore may touch (ignored now, nested repositories, left out of a checkpoint).
  const kept = await keepReasons(engine, before, current, ops);
  for (const skipped of after.rawSkipped) {
    const top = engine.ws.scope ? `${engine.ws.scope}/${skipped.path}` : skipped.path;
    for (const op of ops) if (!kept.has(op.path) && isWithin(op.path, top)) kept.set(op.path, 'not-in-checkpoint');
  }
  return {
    ops: ops.filter((op) => !kept.has(op.path)),
    kept: [...refused, ...[...kept].map(([path, code]) => ({ path, code }))],
  };
}

function writeOp(file: RawPath, current: EntryState | null, target: EntryState, before: StoredCheckpoint): FileOp {
  // A file rewritten keeps its permission bits (exec as the tree says); one brought back gets those it had.
  const perm = current || target.mode === '120000' ? null : recordedPerm(before, file, target.mode);
  const typechange = current !== null && (current.mode === '120000') !== (target.mode === '120000');
  return { path: file, action: 'write', change: !current ? 'added' : typechange ? 'typechange' : 'modified', before: current, after: target, perm };
}

const side = (change: TreeChange, which: 'old' | 'new'): EntryState | null => {
  const mode = which === 'old' ? change.oldMode : change.newMode;
  if (/^0+$/.test(mode)) return null;
  return { mode, blob: which === 'old' ? change.oldBlob : change.newBlob };
};

const same = (a: EntryState | null, b: EntryState | null) => (a === null ? b === null : b !== null && a.mode === b.mode && a.blob === b.blob);
