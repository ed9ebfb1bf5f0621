// One status-bar item: how many checkpoints there are, a spinner while one is being taken (here, by
// a hook or by the CLI), and a warning when the last one failed. Clicking shows recent checkpoints.
import * as vscode from 'vscode';
import type { ActivityState, CheckpointInfo } from '../core/types';
import { Disposable } from './disposable';
import { checkpointLabel, countLabel, escapeMarkdown, relativeTime } from './format';
import type { FolderModel, WorkspaceModel } from './workspaceModel';

export type StatusState = 'hidden' | 'idle' | 'checkpointing' | 'failed';

/** A 'checkpointing' note older than this is from a process that died; don't spin forever. */
const STALE_CHECKPOINTING_MS = 5 * 60_000;

export class CheckpointStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('boocode.status', vscode.StatusBarAlignment.Left, 50));
  private updating: Promise<void> = Promise.resolve();
  state: StatusState = 'hidden';

  constructor(private readonly model: WorkspaceModel) {
    super();
    this.item.name = 'BooCode Checkpoints';
    this.item.command = 'boocode.showRecent';
    this.register(model.onDidChange(() => this.update()));
    // Relative times in the tooltip ("3 min ago") age; refresh them now and then.
    const timer = setInterval(() => this.update(), 60_000);
    this.register({ dispose: () => clearInterval(timer) });
  }

  /** Re-reads counts and activity; resolves when the item shows the result (tests await it). */
  update(): Promise<void> {
    this.updating = this.updating.then(() => this.render()).catch(() => undefined);
    return this.updating;
  }

  /** What the item shows now, for tests and the API. */
  snapshot(): { state: StatusState; text: string; tooltip: string; background: string | undefined } {
    const tooltip = this.item.tooltip;
    return {
      state: this.state,
      text: this.item.text,
      tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
      background: this.item.backgroundColor?.id,
    };
  }

  private async render(): Promise<void> {
    const folders = this.model.folders;
    if (!folders.length) {
      this.state = 'hidden';
      this.item.hide();
      return;
    }
    const lists = await Promise.all(folders.map((folder) => folder.list().catch(() => [] as CheckpointInfo[])));
    const activities = await Promise.all(folders.map((folder) => folder.activity()));
    const all = lists.flat().sort((a, b) => b.createdAt - a.createdAt);
    const now = Date.now();
    // In a multi-root workspace each root has its own store and activity: say which root.
    const multiRoot = folders.length > 1;
    const busyIn = folders.filter((_, index) => activities[index]?.state === 'checkpointing' && now - activities[index]!.at < STALE_CHECKPOINTING_MS);
    const busy = this.model.checkpointingHere || busyIn.length > 0;
    // A root's failure stands until that root's next checkpoint (another root's checkpoint does not hide it).
    const failure = folders
      .map((folder, index) => ({ folder, activity: activities[index], newest: lists[index][0] as CheckpointInfo | undefined }))
      .filter((entry): entry is { folder: FolderModel; activity: ActivityState; newest: CheckpointInfo | undefined } =>
        entry.activity?.state === 'failed' && (!entry.newest || entry.newest.createdAt < entry.activity.at),
      )
      .sort((a, b) => b.activity.at - a.activity.at)[0];

    if (busy) {
      const where = multiRoot && busyIn.length ? ` of ${busyIn.map((folder) => folder.name).join(', ')}` : '';
      this.show('checkpointing', '$(loading~spin) Checkpointing…', `BooCode is saving your workspace${where} before the agent turn.`);
    } else if (failure) {
      const { activity, folder } = failure;
      const md = new vscode.MarkdownString('', true);
      md.appendMarkdown(`$(warning) **The last checkpoint${multiRoot ? ` of ${escapeMarkdown(folder.name)}` : ''} failed** (${relativeTime(activity.at)}).\n\n`);
      md.appendMarkdown(`${escapeMarkdown(activity.error ?? 'No reason was recorded.')}\n\n`);
      md.appendMarkdown('The agent turn went on without a checkpoint. Fix the cause, then run **BooCode: Create Checkpoint…** to save your files now.');
      this.show('failed', '$(warning) Checkpoint failed', md, new vscode.ThemeColor('statusBarItem.warningBackground'));
    } else {
      const md = new vscode.MarkdownString('', true);
      md.appendMarkdown(`**${countLabel(all.length, 'checkpoint')}**`);
      if (all[0]) {
        const where = multiRoot ? ` in ${escapeMarkdown(folders[lists.findIndex((list) => list.includes(all[0]))].name)}` : '';
        md.appendMarkdown(` · latest ${relativeTime(all[0].createdAt)}${where}:\n\n${escapeMarkdown(checkpointLabel(all[0], 80))}\n\n`);
      } else {
        md.appendMarkdown('\n\nNone yet: connect an agent, or run **BooCode: Create Checkpoint…**.\n\n');
      }
      if (multiRoot) md.appendMarkdown(`${folders.map((folder, index) => `${escapeMarkdown(folder.name)}: ${lists[index].length}`).join(' · ')}\n\n`);
      md.appendMarkdown('Click to see recent checkpoints.');
      this.show('idle', `$(history) ${all.length}`, md);
    }
  }

  private show(state: StatusState, text: string, tooltip: string | vscode.MarkdownString, background?: vscode.ThemeColor): void {
    this.state = state;
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = background;
    this.item.accessibilityInformation = {
      label: state === 'checkpointing' ? 'BooCode: checkpointing' : state === 'failed' ? 'BooCode: the last checkpoint failed' : `BooCode: ${text.replace(/\$\([^)]*\)\s*/, '')} checkpoints`,
    };
    this.item.show();
  }
}
