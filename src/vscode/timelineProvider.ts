// Timeline entries for an open file: the checkpoints after which that file changed (the agent turn
// each was taken before). Selecting one shows what that turn did to the file. The Timeline API is a
// proposal on stable VS Code, so registration is optional and never breaks activation.
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { checkpointTooltip } from './checkpointTree';
import { checkpointLabel, lineCounts } from './format';
import type { WorkspaceModel } from './workspaceModel';

type RegisterTimelineProvider = (scheme: string | string[], provider: vscode.TimelineProvider) => vscode.Disposable;

/** Newest checkpoints a timeline looks at; older turns are rarely what someone scrolls a file's history for. */
const MAX_SCANNED = 200;

/** The Timeline API is still a proposal in VS Code (1.140): what it takes to see our entries there. */
export const TIMELINE_HOW_TO =
  'Timeline entries need VS Code\'s proposed Timeline API, which Marketplace extensions may not use: install boocode-checkpoints-timeline.vsix (npm run package:timeline) and start VS Code with --enable-proposed-api boocode.boocode-checkpoints (or add "enable-proposed-api": ["boocode.boocode-checkpoints"] to argv.json).';

export class CheckpointTimeline extends Disposable implements vscode.TimelineProvider {
  readonly id = 'boocode-checkpoints';
  readonly label = 'BooCode Checkpoints';
  private readonly changed = this.register(new vscode.EventEmitter<vscode.TimelineChangeEvent | undefined>());
  readonly onDidChange = this.changed.event;
  /** Why the provider is not registered, when it is not (shown in the output channel and the API). */
  readonly unavailable: string | undefined;

  constructor(
    private readonly model: WorkspaceModel,
    log: (line: string) => void,
  ) {
    super();
    this.register(model.onDidChange(() => this.changed.fire(undefined)));
    try {
      const register = (vscode.workspace as unknown as { registerTimelineProvider?: RegisterTimelineProvider }).registerTimelineProvider;
      if (typeof register !== 'function') throw new Error('this VS Code does not offer the Timeline API to extensions');
      // code-server asks with vscode-remote URIs for local files; provideTimeline still receives file: URIs.
      this.register(register(['file', 'vscode-remote'], this));
    } catch (error) {
      this.unavailable = (error as Error).message;
      log(`Timeline entries are off: ${this.unavailable}. ${TIMELINE_HOW_TO} The Checkpoints view works as usual.`);
    }
  }

  async provideTimeline(uri: vscode.Uri, _options: vscode.TimelineOptions, token: vscode.CancellationToken): Promise<vscode.Timeline> {
    const folder = this.model.folderFor(uri.with({ scheme: 'file' }));
    const relative = folder?.relativePath(uri.with({ scheme: 'file' }));
    if (!folder || !relative) return { items: [] };
    const list = (await folder.list()).slice(0, MAX_SCANNED);
    const items: vscode.TimelineItem[] = [];
    for (const [index, checkpoint] of list.entries()) {
      if (token.isCancellationRequested) break;
      const changes = await folder.changesAfter(checkpoint.id);
      const change = changes.find((candidate) => candidate.path === relative);
      if (!change) continue;
      // What the turn did to the file: its checkpoint ↔ where it ended (else the next checkpoint, or now).
      const next = checkpoint.turnEnd ? await folder.checkpoint(checkpoint.turnEnd.id).catch(() => undefined) : index > 0 ? list[index - 1] : undefined;
      items.push({
        id: checkpoint.id,
        timestamp: checkpoint.createdAt,
        label: checkpointLabel(checkpoint, 50),
        description: [checkpoint.agent, lineCounts(change)].filter(Boolean).join(' · '),
        iconPath: new vscode.ThemeIcon(checkpoint.kind === 'turn' ? 'git-commit' : checkpoint.kind === 'safety' ? 'shield' : 'bookmark'),
        tooltip: checkpointTooltip(checkpoint, changes),
        contextValue: `boocode:checkpoint:${checkpoint.kind}${checkpoint.turnEnd ? ':ended' : ''}`,
        command: {
          command: 'boocode.openChange',
          title: 'Open Changes',
          arguments: [{ kind: 'turnChange', folder, checkpoint, next, path: relative }],
        },
      });
    }
    return { items };
  }
}
