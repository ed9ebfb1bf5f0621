// The API other extensions get from `vscode.extensions.getExtension('boocode.boocode-checkpoints').exports`:
// extensions that host agents checkpoint each turn through it. Documented in docs/api.md.
import * as vscode from 'vscode';
import { BooError } from '../core/errors';
import type { CheckpointInfo, RestoreMode, RestoreOutcome, TurnBeginResult, TurnEndResult } from '../core/types';
import type { Prompter } from './prompter';
import { RestoredEvent, restoreCheckpoint, RestoreDependencies } from './restoreFlow';
import { restrictedModeMessage, type FolderModel, type WorkspaceModel } from './workspaceModel';

export type { CheckpointInfo, RestoredEvent, RestoreMode, RestoreOutcome, TurnBeginResult, TurnEndResult };

export interface FolderOption {
  /** Workspace folder (or any file in it); default: the first workspace folder. */
  folder?: vscode.Uri;
}

export interface BooCodeCheckpointsApi {
  readonly version: 1;
  /** How long `activate()` took, in milliseconds. */
  readonly activationMs: number;
  /** Fires after checkpoints or the transcript of a folder changed (here, in a hook, or in the CLI). */
  readonly onDidChangeCheckpoints: vscode.Event<{ folder: vscode.Uri | undefined }>;
  /**
   * Fires after every restore made in this window (sidebar, palette or this API). When
   * `outcome.agentContextStale` is true and `sessionId` is your agent's, its memory of the
   * conversation no longer matches the files and transcript: reset it (start a new conversation).
   */
  readonly onDidRestore: vscode.Event<RestoredEvent>;
  /**
   * Call before your agent acts on a prompt: records the prompt and checkpoints the whole workspace.
   * Omit `sessionId` to start a new session (its id is in the result). A failed checkpoint does not
   * throw: `checkpoint` is null and `warning` says why (the status bar shows it too).
   */
  beginTurn(sessionId: string | undefined, prompt: string, agent?: string, options?: FolderOption): Promise<TurnBeginResult>;
  /**
   * Call when the agent has answered: records the reply of the session's open turn (default: the last
   * one begun here). A reply already recorded for the turn is not recorded again (`messageId` null).
   */
  endTurn(reply?: string, options?: FolderOption & { sessionId?: string }): Promise<TurnEndResult>;
  /** Checkpoints, newest first. */
  list(options?: FolderOption & { sessionId?: string }): Promise<CheckpointInfo[]>;
  /**
   * Restores a checkpoint. Unsaved editors are always protected (the person is asked); the
   * confirmation dialog is shown only with `confirm: true`. Undefined when the person cancelled.
   */
  restore(id: string, options?: FolderOption & { mode?: RestoreMode; confirm?: boolean }): Promise<RestoreOutcome | undefined>;
}

/** For the extension's own tests only: never part of the documented API. */
export interface TestingHooks {
  setPrompter(prompter: Prompter | undefined): void;
  [key: string]: unknown;
}

export function createApi(deps: RestoreDependencies & { activationMs: () => number; restored: vscode.Event<RestoredEvent> }): BooCodeCheckpointsApi {
  const { model } = deps;
  const lastSession = new Map<string, string>();

  const folderOf = (uri: vscode.Uri | undefined): FolderModel => {
    if (!model.trusted) throw new BooError('refused', restrictedModeMessage());
    const folder = uri ? (model.folderAt(uri.fsPath) ?? model.folderFor(uri)) : model.folders[0];
    if (!folder) throw new BooError('no-folder', uri ? `${uri.fsPath} is not in an open workspace folder.` : 'No workspace folder is open.');
    return folder;
  };

  const changed = new vscode.EventEmitter<{ folder: vscode.Uri | undefined }>();
  model.onDidChange((folder) => changed.fire({ folder: folder?.uri }));

  return {
    version: 1,
    get activationMs() {
      return deps.activationMs();
    },
    onDidChangeCheckpoints: changed.event,
    onDidRestore: deps.restored,
    async beginTurn(sessionId, prompt, agent, options = {}) {
      const folder = folderOf(options.folder);
      const store = await folder.store();
      const result = await model.track(() => store.beginTurn({ sessionId, prompt, agent: agent ?? null }));
      lastSession.set(folder.uri.toString(), result.sessionId);
      return result;
    },
    async endTurn(reply, options = {}) {
      const folder = folderOf(options.folder);
      const sessionId = options.sessionId ?? lastSession.get(folder.uri.toString());
      if (!sessionId) throw new BooError('usage', 'endTurn needs a sessionId: no turn was begun through this API in that folder.');
      const result = await (await folder.store()).endTurn({ sessionId, reply: reply ?? null });
      model.refresh(folder);
      return result;
    },
    async list(options = {}) {
      const folder = folderOf(options.folder);
      return options.sessionId ? (await folder.store()).list({ sessionId: options.sessionId }) : folder.list(true);
    },
    async restore(id, options = {}) {
      const folder = folderOf(options.folder);
      const checkpoint = (await folder.list(true)).find((candidate) => candidate.id === id);
      if (!checkpoint) throw new BooError('not-found', `No checkpoint ${id} in ${folder.uri.fsPath}.`);
      return restoreCheckpoint(deps, folder, checkpoint, { mode: options.mode, confirm: options.confirm ?? false });
    },
  };
}
