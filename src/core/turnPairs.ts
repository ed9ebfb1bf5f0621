// A turn is a pair of checkpoints: its before-checkpoint (kind 'turn') and the checkpoint it ended
// at: its after-checkpoint, or the next turn's before-checkpoint when it was interrupted (the next
// prompt came first). Both record which turn they end (`endsTurn`), in the commit, so the pairing
// survives a lost transcript. Pure functions over a list of checkpoints, newest first.
import { CheckpointMeta, TurnEnd } from './types';

/** The session's latest turn when nothing has ended it yet (its end is still to come). */
export function openTurn<T extends CheckpointMeta>(newestFirst: readonly T[], sessionId: string): T | null {
  const latest = newestFirst.find((meta) => meta.sessionId === sessionId && meta.kind === 'turn');
  if (!latest) return null;
  return newestFirst.some((meta) => meta.endsTurn === latest.id) ? null : latest;
}

/** Each turn's end, by before-checkpoint id; a normal end wins over an interrupted one. */
export function turnEnds<T extends CheckpointMeta>(metas: readonly T[]): Map<string, { end: T; interrupted: boolean }> {
  const ends = new Map<string, { end: T; interrupted: boolean }>();
  for (const meta of metas) {
    if (!meta.endsTurn) continue;
    const interrupted = meta.kind !== 'after';
    const known = ends.get(meta.endsTurn);
    if (!known || (known.interrupted && !interrupted)) ends.set(meta.endsTurn, { end: meta, interrupted });
  }
  return ends;
}

export function turnEndOf(metas: readonly CheckpointMeta[], beforeId: string): TurnEnd | null {
  const found = turnEnds(metas).get(beforeId);
  return found ? { id: found.end.id, interrupted: found.interrupted } : null;
}

/**
 * What retention drops so a session keeps `keep` entries, counting a turn's pair as one (the
 * after-checkpoints are not counted; each goes with its turn). `newestFirst` is the session's.
 */
export function retentionDoomed<T extends CheckpointMeta>(newestFirst: readonly T[], keep: number): T[] {
  const counted = newestFirst.filter((meta) => meta.kind !== 'after');
  return withTheirEnds(newestFirst, counted.slice(Math.max(0, keep)));
}

/** `doomed` (checkpoints other than ends) plus the after-checkpoints of those turns, and any whose turn is gone. */
export function withTheirEnds<T extends CheckpointMeta>(all: readonly T[], doomedMetas: readonly T[]): T[] {
  const doomed = new Set(doomedMetas.map((meta) => meta.id));
  const present = new Set(all.filter((meta) => meta.kind !== 'after').map((meta) => meta.id));
  // An after-checkpoint whose turn is gone (deleted by hand) goes too: alone it means nothing.
  const orphan = (meta: T) => meta.kind === 'after' && (meta.endsTurn === null || doomed.has(meta.endsTurn) || !present.has(meta.endsTurn));
  return all.filter((meta) => doomed.has(meta.id) || orphan(meta));
}
