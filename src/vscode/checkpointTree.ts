// The Checkpoints view: workspace folder (multi-root only) → session → checkpoint → changed files.
// A thin adapter: it reads the WorkspaceModel and turns answers into TreeItems; commands do the work.
import * as path from 'path';
import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import type { CheckpointInfo, FileChange, SessionInfo } from '../core/types';
import { Disposable } from './disposable';
import {
  absoluteTime,
  changeSummary,
  checkpointLabel,
  countLabel,
  escapeMarkdown,
  lineCounts,
  relativeTime,
  sessionLabel,
  shorten,
} from './format';
import type { FolderModel, WorkspaceModel } from './workspaceModel';
import type { SharedSession } from '../core/share/remote';

export type TreeNode = FolderNode | SessionNode | CheckpointNode | EditsNode | FileNode | MessageNode | SharedGroupNode | SharedSessionNode;

/** "Shared with you": sessions others pushed to a remote and `boocode fetch` brought here. */
export interface SharedGroupNode {
  kind: 'sharedGroup';
  folder: FolderModel;
  sessions: SharedSession[];
}
export interface SharedSessionNode {
  kind: 'sharedSession';
  folder: FolderModel;
  shared: SharedSession;
}

export interface FolderNode {
  kind: 'folder';
  folder: FolderModel;
}
export interface SessionNode {
  kind: 'session';
  folder: FolderModel;
  /** Undefined for the group of checkpoints taken outside any agent session (manual, safety). */
  session: SessionInfo | undefined;
  checkpoints: CheckpointInfo[];
  newest: boolean;
}
export interface CheckpointNode {
  kind: 'checkpoint';
  folder: FolderModel;
  checkpoint: CheckpointInfo;
}
export interface FileNode {
  kind: 'file';
  folder: FolderModel;
  /** The checkpoint the file row belongs to (Restore This File brings the file back from it). */
  checkpoint: CheckpointInfo;
  change: FileChange;
  /** The two sides its diff compares: `checkpoint` (or `from`) ↔ `to` (undefined: the current file). */
  from?: CheckpointInfo;
  to?: CheckpointInfo;
}
/** The person's own edits between a turn's end and the next checkpoint: never put down to the agent. */
export interface EditsNode {
  kind: 'edits';
  folder: FolderModel;
  /** The turn whose end they follow. */
  checkpoint: CheckpointInfo;
  from: string;
  to: string;
  changes: FileChange[];
}
export interface MessageNode {
  kind: 'message';
  text: string;
  tooltip?: string;
}

const STATUS_WORDS: Record<FileChange['status'], string> = {
  added: 'added',
  modified: 'modified',
  deleted: 'deleted',
  typechange: 'type changed',
};

const KIND_ICONS: Record<CheckpointInfo['kind'], string> = { turn: 'git-commit', after: 'check', manual: 'bookmark', safety: 'shield' };

export class CheckpointTree extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<TreeNode>;

  constructor(private readonly model: WorkspaceModel) {
    super();
    this.view = this.register(vscode.window.createTreeView('boocode.checkpoints', { treeDataProvider: this, showCollapseAll: true }));
    this.register(model.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire(undefined);
    void this.updateCount();
  }

  /**
   * "12 checkpoints" next to the view title; also tells the welcome view whether the tree is truly empty.
   * Runs on every change, and once after activation (the model's first change fires before this tree exists).
   */
  async updateCount(): Promise<void> {
    const counts = await Promise.all(this.model.folders.map((folder) => folder.list().then((list) => list.length, () => 0)));
    const total = counts.reduce((sum, count) => sum + count, 0);
    this.view.description = total ? countLabel(total, 'checkpoint') : undefined;
    await vscode.commands.executeCommand('setContext', 'boocode.loaded', true);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (!node) {
        const folders = this.model.folders;
        if (folders.length === 1) return await this.sessionsOf(folders[0]);
        // Multi-root: once any root has checkpoints every root gets its row (an empty one says so), so
        // none seems to be missing; with none anywhere the welcome view shows instead.
        const empty = await Promise.all(folders.map((folder) => folder.list().then((list) => list.length === 0, () => false)));
        return empty.every(Boolean) ? [] : folders.map((folder) => ({ kind: 'folder', folder }));
      }
      if (node.kind === 'folder') {
        const sessions = await this.sessionsOf(node.folder);
        return sessions.length ? sessions : [{ kind: 'message', text: 'No checkpoints yet' }];
      }
      if (node.kind === 'session') return await this.checkpointsOf(node);
      if (node.kind === 'sharedGroup') return node.sessions.map((shared) => ({ kind: 'sharedSession', folder: node.folder, shared }));
      if (node.kind === 'checkpoint') {
        const [changes, endId] = await Promise.all([node.folder.changesAfter(node.checkpoint.id), node.folder.endOf(node.checkpoint.id)]);
        if (!changes.length) return [{ kind: 'message', text: node.checkpoint.turnEnd ? 'This turn changed no file' : 'No files changed after this checkpoint' }];
        // The right side of each file's diff: where the turn ended (or the next checkpoint), else the current file.
        const to = endId ? await node.folder.checkpoint(endId).catch(() => undefined) : undefined;
        return changes.map((change) => ({ kind: 'file', folder: node.folder, checkpoint: node.checkpoint, change, to }));
      }
      if (node.kind === 'edits') {
        const [from, to] = await Promise.all([node.folder.checkpoint(node.from), node.folder.checkpoint(node.to)]);
        return node.changes.map((change) => ({ kind: 'file', folder: node.folder, checkpoint: from, change, from, to }));
      }
      return [];
    } catch (error) {
      return [{ kind: 'message', text: `Cannot read checkpoints: ${describeError(error)}`, tooltip: describeError(error) }];
    }
  }

  /** A session's checkpoints, newest first, with the person's own edits between turns as their own entries. */
  private async checkpointsOf(node: SessionNode): Promise<TreeNode[]> {
    const edits = await Promise.all(node.checkpoints.map((checkpoint) => node.folder.editsAfterTurn(checkpoint.id).catch(() => undefined)));
    return node.checkpoints.flatMap((checkpoint, index): TreeNode[] => {
      const between = edits[index];
      const row: CheckpointNode = { kind: 'checkpoint', folder: node.folder, checkpoint };
      return between?.changes.length ? [{ kind: 'edits', folder: node.folder, checkpoint, ...between }, row] : [row];
    });
  }

  private async sessionsOf(folder: FolderModel): Promise<TreeNode[]> {
    const [checkpoints, sessions, shared] = await Promise.all([folder.list(), folder.sessions(), folder.shared().catch(() => [])]);
    const byId = new Map(sessions.map((session) => [session.id, session]));
    const groups = new Map<string, CheckpointInfo[]>();
    for (const checkpoint of checkpoints) {
      const key = checkpoint.sessionId ?? '';
      groups.set(key, [...(groups.get(key) ?? []), checkpoint]);
    }
    // Sessions by their newest checkpoint, newest first; the manual group sits among them by time too.
    const nodes: SessionNode[] = [...groups.entries()].map(([key, list]) => ({
      kind: 'session',
      folder,
      session: key ? (byId.get(key) ?? placeholderSession(key, list)) : undefined,
      checkpoints: list,
      newest: false,
    }));
    nodes.sort((a, b) => b.checkpoints[0].createdAt - a.checkpoints[0].createdAt);
    if (nodes.length) nodes[0].newest = true;
    return shared.length ? [...nodes, { kind: 'sharedGroup', folder, sessions: shared }] : nodes;
  }

  async getTreeItem(node: TreeNode): Promise<vscode.TreeItem> {
    switch (node.kind) {
      case 'folder':
        return this.folderItem(node);
      case 'session':
        return sessionItem(node);
      case 'checkpoint':
        return checkpointItem(node, await node.folder.changesAfter(node.checkpoint.id).catch(() => undefined));
      case 'file':
        return fileItem(node);
      case 'edits':
        return editsItem(node);
      case 'sharedGroup':
        return sharedGroupItem(node);
      case 'sharedSession':
        return sharedSessionItem(node);
      case 'message': {
        const item = new vscode.TreeItem(node.text);
        item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
    }
  }

  getParent(): undefined {
    return undefined;
  }

  private async folderItem(node: FolderNode): Promise<vscode.TreeItem> {
    const { folder } = node;
    const item = new vscode.TreeItem(folder.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `folder:${folder.uri.toString()}`;
    item.iconPath = new vscode.ThemeIcon('root-folder');
    const [count, storage] = await Promise.all([
      folder.list().then((list) => list.length, () => undefined),
      folder.storage().catch(() => undefined),
    ]);
    const plain = storage?.kind === 'shadow';
    // An empty root says so in its one child row; a plain folder says it is one.
    item.description = [count ? countLabel(count, 'checkpoint') : undefined, plain ? 'not a git repository' : undefined].filter(Boolean).join(' · ');
    const tooltip = new vscode.MarkdownString('', true);
    tooltip.appendMarkdown(`**${escapeMarkdown(folder.name)}**: \`${folder.uri.fsPath.replace(/`/g, "'")}\`\n\n`);
    if (plain) {
      tooltip.appendMarkdown(`Not a git repository: BooCode keeps this folder's checkpoints in a private repository of its own (\`${storage.stateDir.replace(/`/g, "'")}\`) and adds nothing to the folder.`);
    } else if (storage) {
      tooltip.appendMarkdown("Checkpoints are commits in this repository's own `.git`, under `refs/boocode/`: off your branches and history.");
    }
    item.tooltip = tooltip;
    item.contextValue = 'folder';
    return item;
  }
}

function sharedGroupItem(node: SharedGroupNode): vscode.TreeItem {
  const item = new vscode.TreeItem('Shared with you', vscode.TreeItemCollapsibleState.Expanded);
  item.id = `shared:${node.folder.uri.toString()}`;
  item.description = countLabel(node.sessions.length, 'session');
  item.iconPath = new vscode.ThemeIcon('organization');
  item.tooltip = 'Sessions others pushed with `boocode push` and you fetched with `boocode fetch`. Import one to compare and restore it here.';
  item.contextValue = 'sharedGroup';
  return item;
}

function sharedSessionItem(node: SharedSessionNode): vscode.TreeItem {
  const { shared } = node;
  const item = new vscode.TreeItem(shared.encrypted ? `${shared.id} (encrypted)` : shared.title ? shorten(shared.title.replace(/\s+/g, ' '), 60) : shared.id, vscode.TreeItemCollapsibleState.None);
  item.id = `sharedSession:${node.folder.uri.toString()}:${shared.shared}/${shared.id}`;
  item.description = [shared.shared, shared.agent ?? 'agent', relativeTime(shared.updatedAt), countLabel(shared.checkpoints, 'checkpoint')].join(' · ');
  item.iconPath = new vscode.ThemeIcon('person');
  const tooltip = new vscode.MarkdownString('', true);
  tooltip.appendMarkdown(`**Shared by ${escapeMarkdown(shared.shared)}**: session \`${shared.id}\`\n\n`);
  tooltip.appendMarkdown(`${countLabel(shared.checkpoints, 'checkpoint')}${shared.messageCount === null ? ' · transcript encrypted' : ` · ${countLabel(shared.messageCount, 'message')}`}\n\n`);
  tooltip.appendMarkdown(`Recorded in \`${shared.workspace.replace(/`/g, "'")}\` on their machine. Import it to compare and restore here.`);
  item.tooltip = tooltip;
  item.contextValue = 'sharedSession';
  return item;
}

function placeholderSession(id: string, list: CheckpointInfo[]): SessionInfo {
  const oldest = list[list.length - 1];
  return {
    id,
    agent: list[0].agent,
    workspace: '',
    title: oldest.prompt,
    createdAt: oldest.createdAt,
    updatedAt: list[0].createdAt,
    messageCount: 0,
    staleAt: null,
  };
}

function sessionItem(node: SessionNode): vscode.TreeItem {
  const state = node.newest ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  const newest = node.checkpoints[0].createdAt;
  const count = countLabel(node.checkpoints.length, 'checkpoint');
  if (!node.session) {
    const item = new vscode.TreeItem('Manual checkpoints', state);
    item.id = `manual:${node.folder.uri.toString()}`;
    item.description = `${count} · ${relativeTime(newest)}`;
    item.iconPath = new vscode.ThemeIcon('bookmark');
    item.tooltip = 'Checkpoints you took yourself, and the safety checkpoints BooCode takes before every restore.';
    item.contextValue = 'manualGroup';
    return item;
  }
  const session = node.session;
  const item = new vscode.TreeItem(sessionLabel(session), state);
  item.id = `session:${node.folder.uri.toString()}:${session.id}`;
  item.description = [session.agent ?? 'agent', relativeTime(newest), count].join(' · ');
  item.iconPath = new vscode.ThemeIcon(session.staleAt ? 'warning' : 'comment-discussion');
  const tooltip = new vscode.MarkdownString('', true);
  tooltip.appendMarkdown(`**${escapeMarkdown(session.title ? shorten(session.title, 200) : 'Untitled session')}**\n\n`);
  tooltip.appendMarkdown(`$(person) ${escapeMarkdown(session.agent ?? 'unknown agent')} · started ${escapeMarkdown(absoluteTime(session.createdAt))}\n\n`);
  tooltip.appendMarkdown(`${count} · ${countLabel(session.messageCount, 'message')} · session \`${session.id}\``);
  if (session.staleAt) {
    tooltip.appendMarkdown(`\n\n$(warning) A restore trimmed this conversation; the agent may still remember the removed turns.`);
  }
  item.tooltip = tooltip;
  item.contextValue = 'session';
  return item;
}

function checkpointItem(node: CheckpointNode, changes: FileChange[] | undefined): vscode.TreeItem {
  const checkpoint = node.checkpoint;
  const item = new vscode.TreeItem(checkpointLabel(checkpoint), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `checkpoint:${node.folder.uri.toString()}:${checkpoint.id}`;
  item.description = [relativeTime(checkpoint.createdAt), changes && changeSummary(changes)].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon(KIND_ICONS[checkpoint.kind]);
  item.tooltip = checkpointTooltip(checkpoint, changes);
  // A turn that ended can be reverted on its own (Revert This Turn…).
  // Its agent names the Resume <agent> Here entry of the context menu.
  const kind = !checkpoint.sessionId ? 'checkpoint' : checkpoint.turnEnd ? 'checkpoint.inSession.turnEnded' : 'checkpoint.inSession';
  item.contextValue = checkpoint.sessionId && checkpoint.agent ? `${kind};agent=${checkpoint.agent}` : kind;
  return item;
}

function editsItem(node: EditsNode): vscode.TreeItem {
  const item = new vscode.TreeItem(`Your edits between turns: ${countLabel(node.changes.length, 'file')}`, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `edits:${node.folder.uri.toString()}:${node.from}:${node.to}`;
  item.description = changeSummary(node.changes);
  item.iconPath = new vscode.ThemeIcon('person');
  item.tooltip = 'Files changed after the turn below ended and before the next checkpoint: not by the agent of that turn. Reverting a turn keeps them.';
  item.contextValue = 'edits';
  return item;
}

/** The whole story of a checkpoint: prompt, time, commit, and what changed after it. Shared with the timeline. */
export function checkpointTooltip(checkpoint: CheckpointInfo, changes: FileChange[] | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  if (checkpoint.kind === 'turn') {
    md.appendMarkdown(`**Before the prompt**${checkpoint.agent ? ` to ${escapeMarkdown(checkpoint.agent)}` : ''}:\n\n`);
    md.appendMarkdown(checkpoint.prompt ? `> ${escapeMarkdown(checkpoint.prompt).replace(/\n/g, '\n> ')}\n\n` : '_(prompt not recorded)_\n\n');
  } else {
    md.appendMarkdown(`**${escapeMarkdown(checkpoint.label ?? (checkpoint.kind === 'safety' ? 'Safety checkpoint' : 'Manual checkpoint'))}**\n\n`);
  }
  md.appendMarkdown(`$(clock) ${escapeMarkdown(absoluteTime(checkpoint.createdAt))} (${relativeTime(checkpoint.createdAt)})  \n`);
  md.appendMarkdown(`$(git-commit) \`${checkpoint.commit.slice(0, 10)}\` · id \`${checkpoint.id}\`\n\n`);
  if (changes) {
    if (!changes.length) md.appendMarkdown('No files changed after this checkpoint.\n\n');
    else {
      md.appendMarkdown(`**Changed after it:** ${changeSummary(changes)}\n\n`);
      for (const change of changes.slice(0, 12)) {
        md.appendMarkdown(`- \`${change.path}\` ${STATUS_WORDS[change.status]} ${lineCounts(change)}\n`);
      }
      if (changes.length > 12) md.appendMarkdown(`- … and ${changes.length - 12} more\n`);
      md.appendMarkdown('\n');
    }
  }
  if (checkpoint.skipped.length) {
    const names = checkpoint.skipped.slice(0, 5).map((file) => `\`${file.path}\` (${file.reason})`).join(', ');
    md.appendMarkdown(`$(info) Left out: ${names}${checkpoint.skipped.length > 5 ? ', …' : ''}\n\n`);
  }
  return md;
}

function fileItem(node: FileNode): vscode.TreeItem {
  const { change, folder, checkpoint } = node;
  const uri = folder.fileUri(change.path);
  const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.None);
  item.id = `file:${folder.uri.toString()}:${checkpoint.id}:${change.path}`;
  const dir = path.posix.dirname(change.path);
  item.description = [dir === '.' ? '' : dir, `${STATUS_WORDS[change.status]} ${lineCounts(change)}`].filter(Boolean).join(' · ');
  const compared = node.to ? (node.checkpoint.turnEnd && !node.from ? 'the end of the turn' : 'the next checkpoint') : 'the current file';
  item.tooltip = `${change.path}: ${STATUS_WORDS[change.status]} (${lineCounts(change)}). Click to compare with ${compared}.`;
  item.command = { command: 'boocode.openChange', title: 'Open Changes', arguments: [node] };
  item.contextValue = 'changedFile';
  return item;
}
