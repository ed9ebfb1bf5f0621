// Revert This Turn… as people need it: say what goes back and which files cannot be reverted
// (changed since), never clobber unsaved editors, offer Undo, and for a conflict show the merge
// with its markers in a new untitled document — never written into the person's file.
import * as vscode from 'vscode';
import { BooError } from '../core/errors';
import type { CheckpointInfo, RevertOutcome, RevertPlan } from '../core/types';
import { countLabel, listFew, relativeTime, shorten } from './format';
import { CHOICE, RestoreDependencies, settleDirtyEditors, showRestoredContents } from './restoreFlow';
import type { FolderModel } from './workspaceModel';

const LISTED = 8;
const list = (paths: readonly string[]) =>
  [...paths.slice(0, LISTED).map((p) => `    ${p}`), ...(paths.length > LISTED ? [`    … and ${paths.length - LISTED} more`] : [])].join('\n');

/** The turn a message is about: “the turn “<prompt>””. */
function turnName(checkpoint: CheckpointInfo, max: number): string {
  return checkpoint.prompt ? `the turn “${shorten(checkpoint.prompt, max)}”` : 'the turn';
}

export function describeRevert(plan: RevertPlan): string {
  const parts: string[] = [];
  const back = [...plan.modified, ...plan.recreated];
  if (back.length) parts.push(`${countLabel(back.length, 'file')} will lose the turn's changes (lines changed since are kept):\n${list(back)}`);
  if (plan.deleted.length) parts.push(`${countLabel(plan.deleted.length, 'file')} the turn created will be DELETED (unchanged since):\n${list(plan.deleted)}`);
  if (plan.conflicts.length) parts.push(`${countLabel(plan.conflicts.length, 'file')} changed since on the same lines will be left exactly as they are:\n${list(plan.conflicts)}`);
  if (!back.length && !plan.deleted.length && !plan.conflicts.length) parts.push("Nothing of this turn's changes is left in your files.");
  if (plan.turnEnd.interrupted) parts.push('This turn was interrupted: its changes are counted up to the next prompt.');
  parts.push('The transcript is kept. A safety checkpoint is taken first: Undo Last Restore brings everything back.');
  return parts.join('\n\n');
}

/** Reverts the turn of `checkpoint` (its before-checkpoint). Undefined when cancelled. */
export async function revertTurn(deps: RestoreDependencies, folder: FolderModel, checkpoint: CheckpointInfo): Promise<RevertOutcome | undefined> {
  if (checkpoint.kind !== 'turn' || !checkpoint.sessionId) throw new BooError('usage', 'Revert This Turn works on the checkpoint taken before an agent turn.');
  if (!checkpoint.turnEnd) throw new BooError('not-found', 'This turn has not ended yet (no checkpoint at its end): wait for the agent to finish, then revert it.');
  const store = await folder.store();
  const sessionId = checkpoint.sessionId;
  const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'BooCode: checking what reverting the turn changes…' }, () =>
    store.planRevert(checkpoint.id, { sessionId }),
  );
  if (deps.confirmSetting()) {
    const answer = await deps.prompter.ask(
      `Revert ${turnName(checkpoint, 70)} (${relativeTime(checkpoint.createdAt)}) and keep everything else?`,
      describeRevert(plan),
      [CHOICE.revert],
    );
    if (answer !== CHOICE.revert) return undefined;
  }
  const touched = [...plan.modified, ...plan.recreated, ...plan.deleted].map((p) => folder.fileUri(p));
  if (!(await settleDirtyEditors(deps.prompter, touched, 'restore'))) return undefined;
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reverting ${turnName(checkpoint, 50)}…` }, () =>
    store.revert(checkpoint.id, { sessionId }),
  );
  deps.log(`Reverted the turn of ${checkpoint.id}: ${outcome.filesChanged} files, ${outcome.conflicts.length} left alone, safety ${outcome.safetyCheckpoint}`);
  await showRestoredContents(touched);
  deps.model.refresh(folder);

  const parts = [`Reverted ${turnName(checkpoint, 50)}: ${countLabel(outcome.filesChanged, 'file')} changed; your edits and later turns are kept.`];
  if (outcome.conflicts.length) parts.push(`Not reverted (changed since on the same lines): ${listFew(outcome.conflicts)} — left exactly as ${outcome.conflicts.length === 1 ? 'it is' : 'they are'}.`);
  if (outcome.agentAdvice) parts.push(outcome.agentAdvice);
  const conflict = outcome.kept.find((file) => file.code === 'conflict')?.path;
  const actions = conflict ? [CHOICE.showConflict, CHOICE.undo] : [CHOICE.undo];
  void deps.prompter.notify(outcome.conflicts.length || outcome.agentContextStale ? 'warning' : 'info', parts.join(' '), ...actions).then((action) => {
    if (action === CHOICE.undo) void vscode.commands.executeCommand('boocode.undoRestore', folder.uri);
    if (action === CHOICE.showConflict && conflict) void showConflict(deps, folder, checkpoint, conflict);
  });
  return outcome;
}

/** The conflicting merge in a new untitled document (the person's file stays as it is). */
export async function showConflict(deps: RestoreDependencies, folder: FolderModel, checkpoint: CheckpointInfo, relative: string): Promise<vscode.TextDocument | undefined> {
  try {
    const merged = await (await folder.store()).revertConflict(checkpoint.id, relative, { sessionId: checkpoint.sessionId ?? undefined });
    const doc = await vscode.workspace.openTextDocument({ content: merged });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  } catch (error) {
    deps.log(`Showing the conflict in ${relative} failed: ${(error as Error).message}`);
    void deps.prompter.notify('error', `Cannot show the conflict in ${relative}: ${(error as Error).message}`);
    return undefined;
  }
}
