// What a restore brings back: the whole checkpoint, some paths of it, or the inverse of one turn.
// Recorded in the journal, so an interrupted restore is planned again the same way.
import { CaptureResult } from '../capture/capture';
import { CheckpointEngine, StoredCheckpoint } from '../engine';
import { RawPath } from '../rawPath';
import { PlannedRestore, planRestore } from './plan';
import { planRevert, turnChanges } from './revertPlan';

export type RestoreShape =
  | { kind: 'whole' }
  /** Only these top-level raw paths (files or folders). */
  | { kind: 'paths'; paths: RawPath[] }
  /** The turn whose before-checkpoint is the target, reverted; `end` is where it ended. */
  | { kind: 'revert'; end: string };

export type Planner = (captured: CaptureResult) => Promise<PlannedRestore>;

/** The planner for a shape; null when what it needs is gone (the turn's end was deleted). */
export async function plannerFor(engine: CheckpointEngine, target: StoredCheckpoint, shape: RestoreShape | undefined): Promise<Planner | null> {
  if (!shape || shape.kind === 'whole') return (captured) => planRestore(engine, target, captured);
  if (shape.kind === 'paths') return (captured) => planRestore(engine, target, captured, shape.paths);
  const end = await engine.get(shape.end).catch(() => null);
  if (!end) return null;
  // Read while the present is captured (a failure surfaces when the planner awaits it).
  const changes = turnChanges(engine, target, end);
  changes.catch(() => undefined);
  return (captured) => planRevert(engine, target, end, captured, changes);
}
