// Restore and undo as people need them: say what will change and what will be deleted, never clobber
// unsaved editors, show progress, offer Undo, and warn when the agent's memory no longer matches.
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { CheckpointInfo, KeptFile, PendingRestore, RestoreMode, RestoreOutcome, RestorePlan, UndoOutcome } from '../core/types';
import { checkpointLabel, countLabel, listFew, relativeTime } from './format';
import type { Prompter } from './prompter';
import { resumeTitle } from './resumeFlow';
import { agentCli } from '../core/resume/commands';
import type { FolderModel, WorkspaceModel } from './workspaceModel';

export interface RestoreDependencies {
  model: WorkspaceModel;
  prompter: Prompter;
  /** `boocode.restore.confirm`. */
  confirmSetting: () => boolean;
  log: (line: string) => void;
  /** Told after every restore, so extensions hosting an agent can reset its conversation. */
  onRestored?: (event: RestoredEvent) => void;
}

/** What extensions that host agents learn after a restore (see docs/api.md, `onDidRestore`). */
export interface RestoredEvent {
  folder: vscode.Uri;
  checkpointId: string;
  sessionId: string | null;
  agent: string | null;
  outcome: RestoreOutcome;
}

export const CHOICE = {
  all: 'Restore Files and Transcript',
  files: 'Files Only',
  chooseFiles: 'Choose Files…',
  filesAlone: 'Restore Files',
  transcript: 'Restore Transcript',
  save: 'Save and Restore',
  discard: 'Discard My Edits and Restore',
  saveUndo: 'Save and Undo',
  discardUndo: 'Discard My Edits and Undo',
  undo: 'Undo',
  restoreFile: 'Restore File',
  revert: 'Revert Turn',
  showConflict: 'Show Conflict',
  finish: 'Finish It',
  rollBack: 'Roll Back',
} as const;

const LISTED = 8;

function fileList(paths: readonly string[]): string {
  const shown = paths.slice(0, LISTED).map((p) => `    ${p}`);
  if (paths.length > LISTED) shown.push(`    … and ${paths.length - LISTED} more`);
  return shown.join('\n');
}

/** Kept files grouped by why, so a long list still reads in a few lines. */
function keptList(kept: readonly KeptFile[]): string {
  const byReason = new Map<string, string[]>();
  for (const file of kept) byReason.set(file.reason, [...(byReason.get(file.reason) ?? []), file.path]);
  return [...byReason].map(([reason, paths]) => `    ${listFew(paths)}: ${reason}`).join('\n');
}

/** The confirmation's text: what will change and, separately, what will be deleted. */
export function describePlan(plan: RestorePlan, mode: RestoreMode | undefined, inSession: boolean): string {
  const parts: string[] = [];
  if (mode !== 'transcript') {
    const changing = [...plan.modified, ...plan.recreated];
    if (changing.length) parts.push(`${countLabel(changing.length, 'file')} will change back:\n${fileList(changing)}`);
    if (plan.deleted.length) {
      parts.push(`${countLabel(plan.deleted.length, 'file')} created since then will be DELETED:\n${fileList(plan.deleted)}`);
    }
    if (plan.modeChanged.length) parts.push(`${countLabel(plan.modeChanged.length, 'file')} get their permissions back:\n${fileList(plan.modeChanged)}`);
    if (!changing.length && !plan.deleted.length && !plan.modeChanged.length) parts.push('Your files already match this checkpoint.');
    if (plan.kept.length) parts.push(`${countLabel(plan.kept.length, 'file')} will be left alone:\n${keptList(plan.kept)}`);
  }
  if (inSession && mode !== 'files') {
    parts.push('“Files and Transcript” also removes this prompt and everything after it from the transcript.');
  }
  parts.push('A safety checkpoint of everything as it is now is taken first: Undo Last Restore brings it all back. Files that change while the restore runs are kept as they are.');
  return parts.join('\n\n');
}

/** Restores `checkpoint`, asking what the settings and the situation call for. Undefined when cancelled. */
export async function restoreCheckpoint(
  deps: RestoreDependencies,
  folder: FolderModel,
  checkpoint: CheckpointInfo,
  options: { mode?: RestoreMode; confirm?: boolean } = {},
): Promise<RestoreOutcome | undefined> {
  const store = await folder.store();
  const inSession = !!checkpoint.sessionId;
  const sessionId = checkpoint.sessionId ?? undefined;
  const plan = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'BooCode: checking what a restore changes…' },
    () => store.planRestore(checkpoint.id, { sessionId }),
  );

  let mode: RestoreMode | undefined = options.mode;
  let paths: string[] | undefined;
  if (options.confirm ?? deps.confirmSetting()) {
    const changing = mode === 'transcript' ? [] : [...plan.modified, ...plan.recreated, ...plan.deleted, ...plan.modeChanged];
    // With more than one file, the person may pick which ones (a files-only restore of those).
    const choose = changing.length > 1 ? [CHOICE.chooseFiles] : [];
    const choices =
      mode === 'transcript' ? [CHOICE.transcript] : mode === 'files' || !inSession ? [CHOICE.filesAlone, ...choose] : [CHOICE.all, CHOICE.files, ...choose];
    const label = checkpointLabel(checkpoint, 80);
    const message =
      mode === 'transcript'
        ? `Trim the transcript back to “${label}”?`
        : `Restore your workspace to “${label}” (${relativeTime(checkpoint.createdAt)})?`;
    const detail = mode === 'transcript' ? describeTranscriptOnly() : describePlan(plan, mode, inSession);
    const answer = await deps.prompter.ask(message, detail, choices);
    if (!answer) return undefined;
    mode = answer === CHOICE.all ? 'all' : answer === CHOICE.transcript ? 'transcript' : 'files';
    if (answer === CHOICE.chooseFiles) {
      paths = await chooseFiles(deps.prompter, plan);
      if (!paths?.length) return undefined;
    }
  }
  mode ??= inSession ? 'all' : 'files';

  const chosen = paths ? new Set(paths) : undefined;
  const touched = mode === 'transcript' ? [] : [...plan.modified, ...plan.recreated, ...plan.deleted].filter((p) => !chosen || chosen.has(p)).map((p) => folder.fileUri(p));
  if (!(await settleDirtyEditors(deps.prompter, touched, 'restore'))) return undefined;

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Restoring “${checkpointLabel(checkpoint, 50)}”…` },
    () => store.restore(checkpoint.id, { sessionId, mode, paths }),
  );
  deps.log(`Restored ${checkpoint.id} (${mode}${paths ? `, ${paths.length} chosen files` : ''}): ${outcome.filesChanged} files, ${outcome.messagesDeleted} messages removed, safety ${outcome.safetyCheckpoint}`);
  await showRestoredContents(touched);
  deps.model.refresh(folder);
  deps.onRestored?.({ folder: folder.uri, checkpointId: checkpoint.id, sessionId: checkpoint.sessionId, agent: checkpoint.agent, outcome });

  const { severity, message } = restoreMessage(checkpoint, outcome);
  // With the transcript back at this turn, the agent can pick its own conversation up from here too.
  const resume = checkpoint.sessionId && checkpoint.kind === 'turn' && outcome.mode !== 'files' && agentCli(checkpoint.agent) ? resumeTitle(checkpoint.agent) : undefined;
  void deps.prompter.notify(severity, message, CHOICE.undo, ...(resume ? [resume] : [])).then((action) => {
    if (action === CHOICE.undo) void vscode.commands.executeCommand('boocode.undoRestore', folder.uri);
    // A dismissed notification answers undefined, as `resume` is when there is nothing to resume.
    if (resume && action === resume) void vscode.commands.executeCommand('boocode.resumeAgent', { kind: 'checkpoint', folder, checkpoint });
  });
  return outcome;
}

/** Every file the restore would change or delete, all checked: the person unchecks those to leave alone. */
async function chooseFiles(prompter: Prompter, plan: RestorePlan): Promise<string[] | undefined> {
  const items = [
    ...plan.modified.map((p) => ({ label: p, description: 'changes back', value: p })),
    ...plan.recreated.map((p) => ({ label: p, description: 'comes back', value: p })),
    ...plan.deleted.map((p) => ({ label: p, description: 'DELETED (created since)', value: p })),
    ...plan.modeChanged.map((p) => ({ label: p, description: 'permissions back', value: p })),
  ];
  return prompter.pickMany(items, 'Restore these files (uncheck those to leave as they are; the transcript is kept)');
}

/**
 * Brings one file back as it was at `checkpoint` (Restore This File, on a tree file row or a
 * Timeline entry): a files-only restore of that path, with the same safety checkpoint and Undo.
 */
export async function restoreFile(deps: RestoreDependencies, folder: FolderModel, checkpoint: CheckpointInfo, relative: string): Promise<RestoreOutcome | undefined> {
  const store = await folder.store();
  const sessionId = checkpoint.sessionId ?? undefined;
  if (deps.confirmSetting()) {
    const plan = await store.planRestore(checkpoint.id, { sessionId, paths: [relative] });
    const gone = plan.deleted.length > 0;
    const already = plan.modified.length + plan.recreated.length + plan.deleted.length + plan.modeChanged.length === 0;
    const detail = already
      ? 'The file already matches this checkpoint.'
      : `${gone ? `${relative} did not exist then: it will be DELETED.` : `${relative} goes back to how it was then.`} Nothing else changes; the transcript is kept.\n\nA safety checkpoint is taken first: Undo Last Restore brings it back.`;
    const answer = await deps.prompter.ask(`Restore ${relative} as it was at “${checkpointLabel(checkpoint, 60)}” (${relativeTime(checkpoint.createdAt)})?`, detail, [CHOICE.restoreFile]);
    if (answer !== CHOICE.restoreFile) return undefined;
  }
  const uri = folder.fileUri(relative);
  if (!(await settleDirtyEditors(deps.prompter, [uri], 'restore'))) return undefined;
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `BooCode: restoring ${relative}…` }, () =>
    store.restore(checkpoint.id, { sessionId, mode: 'files', paths: [relative] }),
  );
  deps.log(`Restored ${relative} from ${checkpoint.id}: ${outcome.filesChanged} files, safety ${outcome.safetyCheckpoint}`);
  await showRestoredContents([uri]);
  deps.model.refresh(folder);
  deps.onRestored?.({ folder: folder.uri, checkpointId: checkpoint.id, sessionId: checkpoint.sessionId, agent: checkpoint.agent, outcome });
  const message = outcome.filesChanged
    ? `Restored ${relative} from “${checkpointLabel(checkpoint, 50)}”. What you had is in safety checkpoint ${outcome.safetyCheckpoint}.`
    : `${relative} already matched “${checkpointLabel(checkpoint, 50)}”${outcome.kept.length ? ` (left alone: ${outcome.kept[0].reason})` : ''}.`;
  void deps.prompter.notify('info', message, CHOICE.undo).then((action) => {
    if (action === CHOICE.undo) void vscode.commands.executeCommand('boocode.undoRestore', folder.uri);
  });
  return outcome;
}

function describeTranscriptOnly(): string {
  return 'This prompt and every message after it leave the transcript. No file changes.\n\nUndo Last Restore brings the messages back.';
}

export function restoreMessage(checkpoint: CheckpointInfo, outcome: RestoreOutcome): { severity: 'info' | 'warning'; message: string } {
  const label = `“${checkpointLabel(checkpoint, 50)}”`;
  const parts: string[] = [];
  if (outcome.mode !== 'transcript') {
    if (outcome.filesChanged === 0) parts.push(`Your files already matched ${label}.`);
    else {
      const deleted = outcome.deleted.length ? ` (${outcome.deleted.length} deleted)` : '';
      parts.push(`Restored ${label}: ${countLabel(outcome.filesChanged, 'file')} changed${deleted}.`);
    }
    if (outcome.kept.length) parts.push(`${countLabel(outcome.kept.length, 'file')} left alone (${listFew([...new Set(outcome.kept.map((kept) => kept.code))])}).`);
    if (outcome.safetyCheckpoint) parts.push(`What you had is in safety checkpoint ${outcome.safetyCheckpoint}.`);
  } else {
    parts.push(`Trimmed the transcript back to ${label}.`);
  }
  if (outcome.mode !== 'files' && outcome.messagesDeleted) {
    parts.push(`${countLabel(outcome.messagesDeleted, 'message')} removed from the transcript.`);
  }
  if (outcome.agentContextStale) {
    parts.push(outcome.agentAdvice ?? 'The agent still remembers the removed turns: start a new conversation with it.');
  }
  return { severity: outcome.agentContextStale ? 'warning' : 'info', message: parts.join(' ') };
}

/** Undoes the last restore in `folder` (restores its safety checkpoint and transcript). */
export async function undoLastRestore(deps: RestoreDependencies, folder: FolderModel): Promise<UndoOutcome | undefined> {
  const store = await folder.store();
  // We cannot know beforehand which files the undo rewrites, so protect every unsaved file in the folder.
  const dirty = vscode.workspace.textDocuments.filter((doc) => doc.isDirty && folder.relativePath(doc.uri) !== undefined).map((doc) => doc.uri);
  if (!(await settleDirtyEditors(deps.prompter, dirty, 'undo'))) return undefined;
  const before = openFileUris(folder);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Undoing the last restore…' },
    () => store.undo(),
  );
  deps.log(`Undid restore of ${outcome.undone}: ${outcome.filesChanged} files, ${outcome.messagesRestored} messages back`);
  await showRestoredContents(before);
  deps.model.refresh(folder);
  const parts = [`Undid the restore: ${countLabel(outcome.filesChanged, 'file')} changed back`];
  if (outcome.messagesRestored) parts.push(`${countLabel(outcome.messagesRestored, 'message')} back in the transcript`);
  void deps.prompter.notify('info', `${parts.join(', ')}.`);
  return outcome;
}

/**
 * A restore or undo that a killed or crashed process left half-done, found when the extension
 * starts: offered as Finish It (complete it; Undo then reverses it) or Roll Back (complete it and
 * undo it at once, back to how everything was before it started).
 */
export async function offerInterruptedRestores(deps: RestoreDependencies): Promise<void> {
  for (const folder of deps.model.folders) {
    let pending: PendingRestore | null;
    try {
      pending = (await folder.store()).pendingRestore();
    } catch {
      continue;
    }
    if (!pending) continue;
    const what = pending.kind === 'undo' ? 'An undo' : `A restore to checkpoint ${pending.checkpoint}`;
    const safety = pending.safetyCheckpoint ? ` Everything as it was before is in safety checkpoint ${pending.safetyCheckpoint}.` : '';
    const choice = await deps.prompter.notify('warning', `${what} in ${folder.name} was interrupted ${relativeTime(pending.startedAt)}.${safety} Finish it, or roll back to how things were before it started?`, CHOICE.finish, CHOICE.rollBack);
    if (choice !== CHOICE.finish && choice !== CHOICE.rollBack) continue;
    await recoverInterrupted(deps, folder, choice === CHOICE.finish ? 'finish' : 'roll-back');
  }
}

/** Finishes (or rolls back) an interrupted restore in `folder`, and says what happened. */
export async function recoverInterrupted(deps: RestoreDependencies, folder: FolderModel, action: 'finish' | 'roll-back'): Promise<void> {
  const store = await folder.store();
  const before = openFileUris(folder);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: action === 'finish' ? 'Finishing the interrupted restore…' : 'Rolling back the interrupted restore…' },
    () => store.recoverRestore(action),
  );
  await showRestoredContents(before);
  deps.model.refresh(folder);
  if (!outcome) return;
  deps.log(`Interrupted restore of ${outcome.pending.checkpoint} ${outcome.action}: ${outcome.filesChanged} files, ${outcome.kept.length} left alone`);
  const message =
    outcome.action === 'rolled-back'
      ? `Rolled back: your files are as they were before the interrupted restore.`
      : outcome.action === 'finished'
        ? `Finished the interrupted restore: ${countLabel(outcome.filesChanged, 'file')} changed.`
        : `The interrupted restore could not be finished and was given up; safety checkpoint ${outcome.pending.safetyCheckpoint} holds what you had.`;
  void deps.prompter.notify(outcome.action === 'discarded' ? 'warning' : 'info', message, ...(outcome.action === 'finished' ? [CHOICE.undo] : [])).then((choice) => {
    if (choice === CHOICE.undo) void vscode.commands.executeCommand('boocode.undoRestore', folder.uri);
  });
}

function openFileUris(folder: FolderModel): vscode.Uri[] {
  return vscode.workspace.textDocuments.filter((doc) => folder.relativePath(doc.uri) !== undefined).map((doc) => doc.uri);
}

/**
 * Unsaved editors holding files the operation rewrites: ask, then save them or throw their edits away.
 * False when the person cancels.
 */
export async function settleDirtyEditors(prompter: Prompter, uris: readonly vscode.Uri[], operation: 'restore' | 'undo'): Promise<boolean> {
  const wanted = new Set(uris.map((uri) => uri.toString()));
  const dirty = vscode.workspace.textDocuments.filter((doc) => doc.isDirty && wanted.has(doc.uri.toString()));
  if (!dirty.length) return true;
  const names = dirty.map((doc) => vscode.workspace.asRelativePath(doc.uri));
  const [save, discard] = operation === 'restore' ? [CHOICE.save, CHOICE.discard] : [CHOICE.saveUndo, CHOICE.discardUndo];
  const answer = await prompter.ask(
    `${countLabel(dirty.length, 'file')} you are editing ${dirty.length === 1 ? 'has' : 'have'} unsaved changes`,
    `The ${operation} would overwrite:\n${fileList(names)}\n\n“${save}” saves your edits first (they go into the safety checkpoint, so Undo brings them back). “${discard}” throws them away.`,
    [save, discard],
  );
  if (answer === save) {
    for (const doc of dirty) {
      if (!(await doc.save())) throw new Error(`Could not save ${vscode.workspace.asRelativePath(doc.uri)}; nothing was restored.`);
    }
    return true;
  }
  if (answer === discard) {
    for (const doc of dirty) await revert(doc);
    return true;
  }
  return false;
}

/** Throws away a document's unsaved edits (VS Code only reverts the active editor). */
async function revert(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
  if (doc.isDirty) throw new Error(`Could not discard the edits in ${vscode.workspace.asRelativePath(doc.uri)}; nothing was restored.`);
}

/**
 * Makes open editors show what is now on disk. VS Code reloads unmodified documents on its own when
 * its file watcher notices; we wait briefly for that and revert any that lag behind.
 */
export async function showRestoredContents(uris: readonly vscode.Uri[]): Promise<void> {
  const wanted = new Set(uris.map((uri) => uri.toString()));
  const open = () => vscode.workspace.textDocuments.filter((doc) => wanted.has(doc.uri.toString()) && !doc.isDirty && !doc.isClosed);
  const stale = () => open().filter((doc) => fs.existsSync(doc.uri.fsPath) && fs.readFileSync(doc.uri.fsPath, 'utf8') !== doc.getText());
  for (let waited = 0; waited < 1500 && stale().length; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const doc of stale()) await revert(doc).catch(() => undefined);
}
