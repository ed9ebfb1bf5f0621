// Comparing with a checkpoint someone shared, before (or without) importing it: the same diff as
// `boocode diff`, its commit read from refs/boocode/shared/…. Nothing is written but our private index.
import { BooError } from '../errors';
import { displayPath } from '../rawPath';
import { FileChange } from '../types';
import { ShareContext } from './context';
import { listSharedCheckpoints } from './remote';

/** The commit of checkpoint `id`: one of ours, else a fetched shared one; null when neither. */
async function commitOf(context: ShareContext, id: string): Promise<string | null> {
  try {
    return (await context.engine.get(id)).commit;
  } catch (error) {
    if (!(error instanceof BooError) || error.code !== 'not-found') throw error;
  }
  return (await listSharedCheckpoints(context)).find((checkpoint) => checkpoint.id === id)?.commit ?? null;
}

/** Files changed from checkpoint `from` to `to` (or to the files now); either may be a shared one. */
export async function diffWithShared(context: ShareContext, from: string, to?: string): Promise<FileChange[] | null> {
  const base = await commitOf(context, from);
  const target = to === undefined ? undefined : await commitOf(context, to);
  if (!base || target === null) return null;
  const { engine } = context;
  const tree = target ?? (await engine.exclusive(async () => (await engine.captureNow()).tree));
  return (await engine.treeChanges(base, tree, true)).map((change) => ({
    path: displayPath(engine.relative(change.path)),
    status: change.status,
    added: change.added,
    removed: change.removed,
  }));
}
