// Every command of the extension: ids in one table, registered in one loop, failures turned into one
// clear message in one place (like the git extension). Handlers are thin: resolve what the person
// pointed at (tree item, timeline entry, id) or ask, then call the model, the restore flow or a view.
import * as vscode from 'vscode';
import { BooError, describeError } from '../core/errors';
import type { CheckpointInfo, RestoreMode } from '../core/types';
import type { CheckpointNode, FileNode, SessionNode, SharedSessionNode } from './checkpointTree';
import { openChanges, openFileDiff } from './diffDocuments';
import {
  changeSummary,
  checkpointLabel,
  countLabel,
  formatBytes,
  listFew,
  relativeTime,
  sessionLabel,
} from './format';
import type { PickItem, Prompter } from './prompter';
import { restoreCheckpoint, RestoreDependencies, restoreFile, undoLastRestore } from './restoreFlow';
import { revertTurn } from './revertFlow';
import { resumeAgent, ResumeDependencies } from './resumeFlow';
import { transcriptUri } from './transcriptDocument';
import { maxBytesOf } from '../core/share/capped';
import { ShareContext, withShareContext } from '../core/share/context';
import { Encryption } from '../core/share/crypto';
import { importSession, ImportResult } from '../core/share/importSession';
import { fetchShared, incomingFromShared, planPush, runPush, SharedSession, sharerName } from '../core/share/remote';
import { exportSession } from '../core/share/exportSession';
import { importFile } from '../core/share/importFile';
import * as path from 'path';
import { restrictedModeMessage, type FolderModel, type WorkspaceModel } from './workspaceModel';

export interface AgentConnector {
  /** Agents we can connect, for the picker, and whether each is connected in `workspace` already. */
  agents(workspace?: string): { name: string; label: string; connected: boolean }[];
  /** Installs the hooks; resolves to a sentence saying what was written. */
  connect(agent: string, folder: string): Promise<string>;
  /** Re-points our hooks whose program no longer exists (after an update); returns what it changed. */
  repointStale(folder: string): string[];
}

export interface CommandDependencies extends RestoreDependencies, ResumeDependencies {
  model: WorkspaceModel;
  prompter: Prompter;
  log: (line: string) => void;
  /** Undefined when the hooks installer is not part of this build. */
  connector: AgentConnector | undefined;
}

/** What a timeline entry's own command carries (see timelineProvider.ts). */
interface TurnChangeArg {
  kind: 'turnChange';
  folder: FolderModel;
  checkpoint: CheckpointInfo;
  next: CheckpointInfo | undefined;
  path: string;
}

interface Target {
  folder: FolderModel;
  checkpoint: CheckpointInfo;
}

type Handler = (deps: CommandDependencies, ...args: unknown[]) => unknown;

/** Agents with their own "Resume <agent> Here" entry in the tree's context menu (package.json). */
export const RESUME_MENU_AGENTS = ['claude-code', 'codex', 'gemini', 'opencode', 'copilot', 'cursor'];

/** The one table of command ids. Palette visibility lives in package.json (`menus.commandPalette`). */
export const COMMANDS: Record<string, Handler> = {
  'boocode.createCheckpoint': createCheckpoint,
  'boocode.restoreCheckpoint': (deps, ...args) => restore(deps, args, undefined),
  'boocode.restoreFilesOnly': (deps, ...args) => restore(deps, args, 'files'),
  'boocode.restoreTranscriptOnly': (deps, ...args) => restore(deps, args, 'transcript'),
  'boocode.compareWithCurrent': compareWithCurrent,
  'boocode.compareWithPrevious': compareWithPrevious,
  'boocode.undoRestore': async (deps, arg) => undoLastRestore(deps, await resolveFolder(deps, arg, 'Undo the last restore in which folder?')),
  'boocode.deleteCheckpoint': deleteCheckpoint,
  'boocode.pruneCheckpoints': pruneCheckpoints,
  'boocode.showTranscript': showTranscript,
  'boocode.showDiskUsage': showDiskUsage,
  'boocode.connectAgent': connectAgent,
  'boocode.showRecent': showRecent,
  'boocode.refresh': (deps) => deps.model.refresh(),
  'boocode.copyId': copyId,
  'boocode.openChange': openChange,
  'boocode.openFile': openFile,
  'boocode.revertTurn': revertTurnCommand,
  'boocode.restoreFile': restoreFileCommand,
  'boocode.exportSession': exportSessionCommand,
  'boocode.importSession': importSessionCommand,
  'boocode.importSharedSession': importSharedSessionCommand,
  'boocode.pushSessions': pushSessionsCommand,
  'boocode.fetchSessions': fetchSessionsCommand,
  'boocode.resumeAgent': resumeAgentCommand,
  // The same, titled per agent in the tree's context menu ("Resume Claude Code Here").
  ...Object.fromEntries(RESUME_MENU_AGENTS.map((agent) => [`boocode.resumeAgent.${agent}`, resumeAgentCommand])),
};

/** The button that opens VS Code's Workspace Trust editor (where "Trust" is). */
export const MANAGE_TRUST = 'Manage Workspace Trust';

export function registerCommands(deps: CommandDependencies): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      // Restricted Mode: every command (palette, keybinding, walkthrough link) says why it does nothing.
      if (!deps.model.trusted) {
        void deps.prompter.notify('warning', restrictedModeMessage(), MANAGE_TRUST).then((choice) => {
          if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
        });
        return undefined;
      }
      try {
        return await handler(deps, ...args);
      } catch (error) {
        deps.log(`${id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        void deps.prompter.notify('error', describeError(error));
        return undefined;
      }
    }),
  );
}

// ---- resolving what a command is about -------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function resolveFolder(deps: CommandDependencies, arg: unknown, placeHolder: string): Promise<FolderModel> {
  if (!deps.model.trusted) throw new BooError('refused', restrictedModeMessage());
  if (isObject(arg) && 'folder' in arg && isObject(arg.folder) && 'store' in arg.folder) return arg.folder as unknown as FolderModel;
  if (arg instanceof vscode.Uri) {
    const folder = deps.model.folderFor(arg) ?? deps.model.folderAt(arg.fsPath);
    if (folder) return folder;
  }
  const folders = deps.model.folders;
  if (!folders.length) throw new BooError('no-folder', 'Open a folder first: BooCode keeps checkpoints of workspace folders.');
  if (folders.length === 1) return folders[0];
  const picked = await deps.prompter.pick(
    folders.map((folder) => ({ label: folder.name, description: folder.uri.fsPath, value: folder })),
    placeHolder,
  );
  return picked ?? cancelled();
}

/** Thrown when the person dismisses a picker: ends the command quietly. */
class Cancelled extends Error {}
function cancelled(): never {
  throw new Cancelled();
}

async function findCheckpoint(folder: FolderModel, id: string): Promise<CheckpointInfo> {
  const found = (await folder.list()).find((checkpoint) => checkpoint.id === id) ?? (await folder.list(true)).find((checkpoint) => checkpoint.id === id);
  if (!found) throw new BooError('not-found', `Checkpoint ${id} is gone (deleted or pruned); refresh the Checkpoints view.`);
  return found;
}

/** The checkpoint a command was invoked on (tree item, timeline entry, id) or, failing that, one picked. */
async function resolveCheckpoint(deps: CommandDependencies, args: unknown[], placeHolder: string, only?: (checkpoint: CheckpointInfo) => boolean): Promise<Target> {
  const [first, second] = args;
  if (isObject(first) && (first.kind === 'checkpoint' || first.kind === 'file' || first.kind === 'turnChange')) {
    const node = first as unknown as CheckpointNode | FileNode | TurnChangeArg;
    return { folder: node.folder, checkpoint: node.checkpoint };
  }
  // Timeline context menus pass (item, uri of the file, provider id).
  if (isObject(first) && typeof first.id === 'string' && typeof first.timestamp === 'number' && second instanceof vscode.Uri) {
    const folder = deps.model.folderFor(second.with({ scheme: 'file' }));
    if (folder) return { folder, checkpoint: await findCheckpoint(folder, first.id) };
  }
  if (typeof first === 'string') {
    const folder = await resolveFolder(deps, second, 'Which folder is the checkpoint in?');
    return { folder, checkpoint: await findCheckpoint(folder, first) };
  }
  const picked = await pickCheckpoint(deps, placeHolder, 50, only);
  return picked ?? cancelled();
}

/** Recent checkpoints of every folder with time, prompt and what changed after each. */
async function pickCheckpoint(deps: CommandDependencies, placeHolder: string, limit = 50, only?: (checkpoint: CheckpointInfo) => boolean): Promise<Target | undefined> {
  if (!deps.model.trusted) await resolveFolder(deps, undefined, placeHolder); // throws the Restricted Mode message
  const multiRoot = deps.model.folders.length > 1;
  const targets: Target[] = [];
  for (const folder of deps.model.folders) {
    for (const checkpoint of await folder.list(true)) if (!only || only(checkpoint)) targets.push({ folder, checkpoint });
  }
  if (!targets.length) {
    throw new BooError('not-found', 'There are no checkpoints yet: run BooCode: Create Checkpoint…, or connect an agent.');
  }
  targets.sort((a, b) => b.checkpoint.createdAt - a.checkpoint.createdAt);
  const items = await Promise.all(
    targets.slice(0, limit).map(async (target): Promise<PickItem<Target>> => {
      const changes = await target.folder.changesAfter(target.checkpoint.id).catch(() => undefined);
      const { checkpoint } = target;
      return {
        label: `$(${checkpoint.kind === 'turn' ? 'git-commit' : checkpoint.kind === 'safety' ? 'shield' : 'bookmark'}) ${checkpointLabel(checkpoint, 70)}`,
        description: [relativeTime(checkpoint.createdAt), changes && changeSummary(changes)].filter(Boolean).join(' · '),
        detail: [multiRoot ? target.folder.name : '', checkpoint.agent ?? '', checkpoint.id].filter(Boolean).join(' · '),
        value: target,
      };
    }),
  );
  return deps.prompter.pick(items, placeHolder);
}

/** Runs `handler`, treating a dismissed picker as a quiet end rather than an error. */
async function quietly<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Cancelled) return undefined;
    throw error;
  }
}

// ---- the commands --------------------------------------------------------------------------------

async function createCheckpoint(deps: CommandDependencies, arg?: unknown) {
  return quietly(async () => {
    const folder = await resolveFolder(deps, arg, 'Take a checkpoint of which folder?');
    const label = await deps.prompter.input('Name this checkpoint (optional): press Enter to save the whole workspace now', 'e.g. Before trying the new parser');
    if (label === undefined) return undefined;
    const store = await folder.store();
    const meta = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'BooCode: checkpointing…' },
      () => deps.model.track(() => store.createCheckpoint({ label: label.trim() || null })),
    );
    deps.model.refresh(folder);
    vscode.window.setStatusBarMessage(`$(check) Checkpoint saved${meta.label ? `: ${meta.label}` : ''}`, 4000);
    if (meta.skipped.length) {
      void deps.prompter.notify(
        'warning',
        `Checkpoint saved without ${countLabel(meta.skipped.length, 'file')}: ${listFew(meta.skipped.map((file) => `${file.path} (${file.reason})`))}. Raise boocode.checkpoints.maxFileSizeMB to include large files.`,
      );
    }
    return meta;
  });
}

function restore(deps: CommandDependencies, args: unknown[], mode: RestoreMode | undefined) {
  return quietly(async () => {
    const { folder, checkpoint } = await resolveCheckpoint(deps, args, 'Restore which checkpoint? Your files go back to how they were then.');
    if (mode === 'transcript' && !checkpoint.sessionId) {
      throw new BooError('usage', 'This checkpoint belongs to no agent session, so it has no transcript to restore.');
    }
    return restoreCheckpoint(deps, folder, checkpoint, { mode });
  });
}

/** Resume <agent> Here: continue the agent's own conversation from before the checkpoint's turn, in a terminal. */
async function resumeAgentCommand(deps: CommandDependencies, ...args: unknown[]) {
  return quietly(async () => {
    const { folder, checkpoint } = await resolveCheckpoint(deps, args, "Resume the agent's conversation from which checkpoint? (It continues from before that turn.)", (c) => !!c.sessionId && c.kind !== 'safety');
    if (!checkpoint.sessionId) throw new BooError('usage', 'This checkpoint belongs to no agent session: there is no conversation to resume.');
    return resumeAgent(deps, folder, checkpoint);
  });
}

async function revertTurnCommand(deps: CommandDependencies, ...args: unknown[]) {
  return quietly(async () => {
    const { folder, checkpoint } = await resolveCheckpoint(deps, args, 'Revert which turn? Its own changes go back; your edits and later turns stay.', (c) => c.kind === 'turn' && !!c.turnEnd);
    return revertTurn(deps, folder, checkpoint);
  });
}

/** Restore This File: on a file row of the tree (that checkpoint, that file) or a Timeline entry (that checkpoint, the file shown). */
async function restoreFileCommand(deps: CommandDependencies, ...args: unknown[]) {
  return quietly(async () => {
    const [first, second] = args;
    let relative: string | undefined;
    if (isObject(first) && first.kind === 'file') relative = (first as unknown as FileNode).change.path;
    else if (isObject(first) && first.kind === 'turnChange') relative = (first as unknown as TurnChangeArg).path;
    const { folder, checkpoint } = await resolveCheckpoint(deps, args, 'Restore the file from which checkpoint?');
    if (!relative && second instanceof vscode.Uri) relative = folder.relativePath(second.with({ scheme: 'file' }));
    if (!relative) throw new BooError('usage', 'Restore This File works on a file row of the Checkpoints view or a Timeline entry of an open file.');
    return restoreFile(deps, folder, checkpoint, relative);
  });
}

async function compareWithCurrent(deps: CommandDependencies, ...args: unknown[]) {
  return quietly(async () => {
    const { folder, checkpoint } = await resolveCheckpoint(deps, args, 'Compare which checkpoint with your current files?');
    const changes = await folder.diff(checkpoint.id);
    if (!changes.length) {
      void deps.prompter.notify('info', `Your files match “${checkpointLabel(checkpoint, 50)}”.`);
      return changes;
    }
    await openChanges(folder, checkpoint, changes);
    return changes;
  });
}

async function compareWithPrevious(deps: CommandDependencies, ...args: unknown[]) {
  return quietly(async () => {
    const { folder, checkpoint } = await resolveCheckpoint(deps, args, 'Compare which checkpoint with the one before it?');
    const list = await folder.list();
    const previous = list[list.findIndex((candidate) => candidate.id === checkpoint.id) + 1];
    if (!previous) {
      void deps.prompter.notify('info', 'This is the oldest checkpoint: there is nothing before it to compare with.');
      return [];
    }
    const changes = await folder.diff(previous.id, checkpoint.id);
    if (!changes.length) {
      void deps.prompter.notify('info', `Nothing changed between “${checkpointLabel(previous, 40)}” and this checkpoint.`);
      return changes;
    }
    await openChanges(folder, previous, changes, checkpoint);
    return changes;
  });
}

async function deleteCheckpoint(deps: CommandDependencies, ...args: unknown[]) {
  return quietly(async () => {
    const { folder, checkpoint } = await resolveCheckpoint(deps, args, 'Delete which checkpoint?');
    const answer = await deps.prompter.ask(
      `Delete the checkpoint “${checkpointLabel(checkpoint, 60)}” (${relativeTime(checkpoint.createdAt)})?`,
      'Your files are not touched: only this saved state goes away, and it cannot be brought back.',
      ['Delete'],
    );
    if (answer !== 'Delete') return false;
    await (await folder.store()).delete(checkpoint.id);
    deps.model.refresh(folder);
    vscode.window.setStatusBarMessage('$(trash) Checkpoint deleted', 4000);
    return true;
  });
}

async function pruneCheckpoints(deps: CommandDependencies, arg?: unknown) {
  return quietly(async () => {
    const folder = await resolveFolder(deps, arg, 'Prune the checkpoints of which folder?');
    const list = await folder.list();
    const olderThan = (days: number) => list.filter((c) => c.createdAt < Date.now() - days * 86_400_000).length;
    const choices: PickItem<{ keep?: number; olderThanDays?: number; doomed: number }>[] = [
      { label: 'Keep the newest 20', value: { keep: 20, doomed: Math.max(0, list.length - 20) } },
      { label: 'Keep the newest 50', value: { keep: 50, doomed: Math.max(0, list.length - 50) } },
      { label: 'Delete those older than 7 days', value: { olderThanDays: 7, doomed: olderThan(7) } },
      { label: 'Delete those older than 30 days', value: { olderThanDays: 30, doomed: olderThan(30) } },
    ].map((choice) => ({ ...choice, description: choice.value.doomed ? `deletes ${countLabel(choice.value.doomed, 'checkpoint')}` : 'nothing to delete' }));
    const picked = await deps.prompter.pick(choices, `${countLabel(list.length, 'checkpoint')} in ${folder.name}: which to keep?`);
    if (!picked) return undefined;
    if (!picked.doomed) {
      void deps.prompter.notify('info', 'Nothing to prune.');
      return { deleted: [] };
    }
    const answer = await deps.prompter.ask(
      `Delete ${countLabel(picked.doomed, 'checkpoint')}?`,
      'Your files are not touched. Deleted checkpoints cannot be restored or brought back.',
      ['Delete'],
    );
    if (answer !== 'Delete') return undefined;
    const result = await (await folder.store()).prune({ keep: picked.keep, olderThanDays: picked.olderThanDays });
    deps.model.refresh(folder);
    void deps.prompter.notify('info', `Deleted ${countLabel(result.deleted.length, 'checkpoint')}.`);
    return result;
  });
}

/** The session a command was invoked on (a session in the tree), or one picked from the folder's. */
async function resolveSession(deps: CommandDependencies, arg: unknown, placeHolder: string): Promise<{ folder: FolderModel; sessionId: string }> {
  if (isObject(arg) && arg.kind === 'session' && (arg as unknown as SessionNode).session) {
    return { folder: (arg as unknown as SessionNode).folder, sessionId: (arg as unknown as SessionNode).session!.id };
  }
  const folder = await resolveFolder(deps, arg, placeHolder);
  const sessions = await folder.sessions();
  if (!sessions.length) throw new BooError('not-found', 'No agent session has been recorded in this folder yet.');
  const sessionId = await deps.prompter.pick(
    sessions.map((session) => ({ label: sessionLabel(session), description: `${session.agent ?? 'agent'} · ${relativeTime(session.updatedAt)}`, value: session.id })),
    placeHolder,
  );
  return { folder, sessionId: sessionId ?? cancelled() };
}

/** Export Session…: one file with the session's checkpoints, transcript (encrypted if asked) and manifest. */
async function exportSessionCommand(deps: CommandDependencies, arg?: unknown) {
  return quietly(async () => {
    const { folder, sessionId } = await resolveSession(deps, arg, 'Export which session?');
    const target = (await deps.prompter.input('Save the session to which file?', path.join(folder.uri.fsPath, `${sessionId}.boocode`))) ?? cancelled();
    const output = path.resolve(folder.uri.fsPath, target.trim() || `${sessionId}.boocode`);
    const how = await deps.prompter.pick(
      [
        { label: 'Transcript in the clear', description: 'anyone with the file can read the prompts', value: 'clear' as const },
        { label: 'Encrypt the transcript with a key file…', description: 'AES-256-GCM, key from scrypt', value: 'key' as const },
      ],
      'Encrypt the transcript (prompts often hold secrets)?',
    );
    const keyFile = how === 'key' ? ((await deps.prompter.input('Key file (a passphrase in a file, or random bytes)?')) ?? cancelled()) : how ?? cancelled();
    const encryption = how === 'key' ? { kind: 'key' as const, keyFile: path.resolve(folder.uri.fsPath, keyFile) } : null;
    const result = await withShareContext(folder.uri.fsPath, { onNotice: deps.log }, (context) => exportSession(context, sessionId, output, { encryption, maxBytes: maxBytesOf(undefined) }));
    const needs = result.prerequisites.length ? ` The receiving repository needs commit ${result.prerequisites.map((c) => c.slice(0, 12)).join(', ')}: push your branch.` : '';
    void deps.prompter.notify('info', `Exported ${countLabel(result.checkpoints.length, 'checkpoint')} and ${countLabel(result.messages, 'message')} of ${sessionId} to ${result.file} (${formatBytes(result.bytes)}).${needs}`);
    return result;
  });
}

/** Import Session…: verified, rebased onto this folder, both legs or neither (see src/core/share/). */
async function importSessionCommand(deps: CommandDependencies, arg?: unknown) {
  return quietly(async () => {
    const folder = await resolveFolder(deps, arg, 'Import a session into which folder?');
    const source = (await deps.prompter.input('Import which session file?', '/path/to/session.boocode')) ?? cancelled();
    const file = path.resolve(folder.uri.fsPath, source.trim());
    return importAsking(deps, folder, path.basename(file), (context, decryption) => importFile(context, file, { maxBytes: maxBytesOf(undefined), decryption }));
  });
}

/** Import Shared Session: one that `boocode fetch` brought here (its objects are in the repository already). */
async function importSharedSessionCommand(deps: CommandDependencies, arg?: unknown) {
  return quietly(async () => {
    let folder: FolderModel;
    let shared: SharedSession | undefined;
    if (isObject(arg) && arg.kind === 'sharedSession') {
      ({ folder, shared } = arg as unknown as SharedSessionNode);
    } else {
      folder = await resolveFolder(deps, arg, 'Import a shared session into which folder?');
      const offered = await folder.shared();
      if (!offered.length) throw new BooError('not-found', 'No shared sessions here: run `boocode fetch REMOTE` in a terminal first.');
      shared = await deps.prompter.pick(
        offered.map((s) => ({ label: s.title ?? s.id, description: `${s.shared} · ${countLabel(s.checkpoints, 'checkpoint')}`, value: s })),
        'Import which shared session?',
      );
    }
    const chosen = shared ?? cancelled();
    const spec = `shared:${chosen.shared}/${chosen.id}`;
    return importAsking(deps, folder, spec, async (context, decryption) => importSession(context, await incomingFromShared(context, spec, decryption, maxBytesOf(undefined))));
  });
}

/** Runs remote work under a cancellable progress notification fed by simple-git's progress events. */
async function withRemoteProgress<T>(title: string, work: (options: { onProgress: (event: { stage: string; progress: number }) => void; signal: AbortSignal }) => Promise<T>): Promise<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return work({ onProgress: (event) => progress.report({ message: `${event.stage} ${event.progress}%` }), signal: controller.signal });
  });
}

/** Share Sessions…: push this folder's sessions (or the one clicked) to a remote, after saying what and how big. */
async function pushSessionsCommand(deps: CommandDependencies, arg?: unknown) {
  return quietly(async () => {
    const clicked = isObject(arg) && arg.kind === 'session' && (arg as unknown as SessionNode).session ? (arg as unknown as SessionNode) : undefined;
    const folder = clicked?.folder ?? (await resolveFolder(deps, arg, 'Share the sessions of which folder?'));
    const remote = ((await deps.prompter.input('Push to which remote? (a name from `git remote -v`, or a URL)', 'origin')) ?? cancelled()).trim() || 'origin';
    const how = await deps.prompter.pick(
      [
        { label: 'Transcripts readable by anyone who can fetch', value: 'clear' as const },
        { label: 'Encrypt the transcripts with a key file…', description: 'AES-256-GCM, key from scrypt', value: 'key' as const },
      ],
      'Encrypt the transcripts (prompts often hold secrets)?',
    );
    const keyFile = how === 'key' ? ((await deps.prompter.input('Key file (a passphrase in a file, or random bytes)?')) ?? cancelled()) : how ?? cancelled();
    const encryption = how === 'key' ? { kind: 'key' as const, keyFile: path.resolve(folder.uri.fsPath, keyFile) } : null;
    return withShareContext(folder.uri.fsPath, { onNotice: deps.log }, async (context) => {
      const user = await sharerName(context);
      const plan = await planPush(context, remote, clicked ? [clicked.session!.id] : [], { user, encryption, maxBytes: maxBytesOf(undefined) });
      const detail = [
        ...plan.sessions.map((s) => `${s.id}: ${countLabel(s.checkpoints, 'checkpoint')}, ${countLabel(s.messages, 'message')}${s.encrypted ? ' (encrypted)' : ' (readable by anyone who can fetch)'}`),
        `At most ${countLabel(plan.objects, 'object')}, ${formatBytes(plan.bytes)}.`,
        ...(plan.historyCommits ? [`Includes ${countLabel(plan.historyCommits, 'commit')} of your own history the remote may not have (the checkpoints sit on them).`] : []),
      ].join('\n');
      if ((await deps.prompter.ask(`Share ${countLabel(plan.sessions.length, 'session')} on ${remote} as ${user}?`, detail, ['Push'], 'info')) !== 'Push') return undefined;
      const result = await withRemoteProgress(`Sharing sessions on ${remote}`, (options) => runPush(context, plan, options));
      void deps.prompter.notify('info', `Shared ${countLabel(plan.sessions.length, 'session')} on ${remote} as ${user} (refs/boocode/shared/${user}/…).`);
      return result;
    });
  });
}

/** Fetch Shared Sessions…: what others pushed, shown under "Shared with you". */
async function fetchSessionsCommand(deps: CommandDependencies, arg?: unknown) {
  return quietly(async () => {
    const folder = await resolveFolder(deps, arg, 'Fetch shared sessions into which folder?');
    const remote = ((await deps.prompter.input('Fetch from which remote? (a name from `git remote -v`, or a URL)', 'origin')) ?? cancelled()).trim() || 'origin';
    const shared = await withShareContext(folder.uri.fsPath, { onNotice: deps.log }, (context) =>
      withRemoteProgress(`Fetching shared sessions from ${remote}`, (options) => fetchShared(context, remote, options)),
    );
    deps.model.refresh(folder);
    void deps.prompter.notify('info', shared.length ? `${countLabel(shared.length, 'shared session')} from ${remote}: see Shared with you.` : `No shared sessions on ${remote}.`);
    return shared;
  });
}

/** Runs an import; when the transcript turns out encrypted, asks for the key file and tries once more. */
async function importAsking(deps: CommandDependencies, folder: FolderModel, what: string, run: (context: ShareContext, decryption: Encryption | null) => Promise<ImportResult>) {
  const attempt = (keyFile?: string) =>
    withShareContext(folder.uri.fsPath, { onNotice: deps.log }, (context) => run(context, keyFile ? { kind: 'key', keyFile: path.resolve(folder.uri.fsPath, keyFile) } : null));
  let result: ImportResult;
  try {
    result = await attempt();
  } catch (error) {
    // A wrong key is then an error like any other.
    if (!(error instanceof BooError) || !/the transcript is encrypted/.test(error.message)) throw error;
    result = await attempt((await deps.prompter.input(`The transcript in ${what} is encrypted. Key file?`)) ?? cancelled());
  }
  deps.model.refresh(folder);
  const skipped = result.skipped.length ? ` Skipped: ${result.skipped.map((s) => `${s.id} (${s.reason})`).join('; ')}.` : '';
  void deps.prompter.notify(
    result.skipped.length ? 'warning' : 'info',
    result.alreadyImported
      ? `Session ${result.sessionId} is already here; nothing was changed.`
      : `Imported session ${result.sessionId}: ${countLabel(result.imported.length, 'checkpoint')}, ${countLabel(result.messages, 'message')}.${skipped}`,
  );
  return result;
}

async function showTranscript(deps: CommandDependencies, arg?: unknown) {
  return quietly(async () => {
    let folder: FolderModel;
    let sessionId: string | undefined;
    if (isObject(arg) && arg.kind === 'session' && (arg as unknown as SessionNode).session) {
      folder = (arg as unknown as SessionNode).folder;
      sessionId = (arg as unknown as SessionNode).session!.id;
    } else {
      folder = await resolveFolder(deps, arg, 'Show a transcript of which folder?');
    }
    const sessions = await folder.sessions();
    if (!sessions.length) throw new BooError('not-found', 'No agent session has been recorded in this folder yet.');
    if (!sessionId) {
      sessionId =
        sessions.length === 1
          ? sessions[0].id
          : await deps.prompter.pick(
              sessions.map((session) => ({
                label: sessionLabel(session),
                description: `${session.agent ?? 'agent'} · ${relativeTime(session.updatedAt)} · ${countLabel(session.messageCount, 'message')}`,
                value: session.id,
              })),
              'Show the transcript of which session?',
            );
      if (!sessionId) return undefined;
    }
    const session = sessions.find((candidate) => candidate.id === sessionId);
    if (!session) throw new BooError('not-found', `Session ${sessionId} is not in this folder's transcript.`);
    const doc = await vscode.workspace.openTextDocument(transcriptUri(folder, session));
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  });
}

async function showDiskUsage(deps: CommandDependencies, arg?: unknown) {
  return quietly(async () => {
    const folders = arg ? [await resolveFolder(deps, arg, '')] : deps.model.folders;
    if (!folders.length) await resolveFolder(deps, undefined, ''); // throws the right message
    const lines: string[] = [];
    for (const folder of folders) {
      const info = await (await folder.store()).info();
      lines.push(`${folder.name}: ${countLabel(info.checkpoints, 'checkpoint')} use ${formatBytes(info.diskBytes)}`);
      deps.log(`Disk usage of ${info.workspace}: ${info.diskBytes} bytes, ${info.checkpoints} checkpoints, git dir ${info.gitDir}, transcript ${info.store}`);
    }
    const message = `${lines.join('; ')} (space only checkpoints hold, plus the transcript). Prune Checkpoints… frees it.`;
    void deps.prompter.notify('info', message);
    return message;
  });
}

async function connectAgent(deps: CommandDependencies, arg?: unknown) {
  return quietly(async () => {
    const folder = await resolveFolder(deps, arg, 'Connect an agent in which folder?');
    if (!deps.connector) {
      throw new BooError('usage', 'This build has no hooks installer: run `boocode hooks install <agent>` in a terminal instead.');
    }
    const agent = await deps.prompter.pick(
      deps.connector
        .agents(folder.uri.fsPath)
        .map((candidate) => ({ label: candidate.label, description: candidate.connected ? 'connected' : '', value: candidate.name })),
      'Which coding agent should checkpoint this workspace before every turn?',
    );
    if (!agent) return undefined;
    const summary = await deps.connector.connect(agent, folder.uri.fsPath);
    void deps.prompter.notify('info', summary);
    return summary;
  });
}

async function showRecent(deps: CommandDependencies) {
  return quietly(async () => {
    const target = (await pickCheckpoint(deps, 'Recent checkpoints: pick one to compare, restore or copy its id', 20)) ?? cancelled();
    const action = await deps.prompter.pick(
      [
        { label: '$(diff-multiple) Compare with Current', value: 'boocode.compareWithCurrent' },
        { label: '$(discard) Restore…', value: 'boocode.restoreCheckpoint' },
        { label: '$(copy) Copy Checkpoint Id', value: 'boocode.copyId' },
      ],
      checkpointLabel(target.checkpoint, 70),
    );
    if (!action) return undefined;
    const node: CheckpointNode = { kind: 'checkpoint', ...target };
    return COMMANDS[action](deps, node);
  });
}

async function copyId(deps: CommandDependencies, ...args: unknown[]) {
  return quietly(async () => {
    const { checkpoint } = await resolveCheckpoint(deps, args, 'Copy the id of which checkpoint?');
    await vscode.env.clipboard.writeText(checkpoint.id);
    vscode.window.setStatusBarMessage(`$(copy) Copied ${checkpoint.id}`, 3000);
    return checkpoint.id;
  });
}

async function openChange(_deps: CommandDependencies, arg: unknown) {
  if (isObject(arg) && arg.kind === 'file') {
    const node = arg as unknown as FileNode;
    return openFileDiff(node.folder, node.from ?? node.checkpoint, node.change.path, node.to);
  }
  if (isObject(arg) && arg.kind === 'turnChange') {
    const change = arg as unknown as TurnChangeArg;
    return openFileDiff(change.folder, change.checkpoint, change.path, change.next);
  }
  throw new BooError('usage', 'Open Changes works on a file under a checkpoint in the Checkpoints view.');
}

async function openFile(deps: CommandDependencies, arg: unknown) {
  if (!isObject(arg) || arg.kind !== 'file') throw new BooError('usage', 'Open File works on a file under a checkpoint.');
  const node = arg as unknown as FileNode;
  const uri = node.folder.fileUri(node.change.path);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void deps.prompter.notify('info', `${node.change.path} no longer exists; use Open Changes to see it as it was.`);
    return undefined;
  }
  return vscode.window.showTextDocument(uri);
}
