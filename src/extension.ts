// The composition root: builds every piece, passes each its dependencies, and hands VS Code one
// subscription that disposes everything. Activation stays cheap: no store is opened (no git, no
// sql.js) until a view or command asks, after activate() has returned.
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { openCheckpoints } from './core/service';
import { EngineSettings, readSettings, writeSettings } from './core/settings';
import { createAgentConnector } from './vscode/agentConnector';
import { BooCodeCheckpointsApi, createApi, TestingHooks } from './vscode/api';
import { CheckpointTree } from './vscode/checkpointTree';
import { registerCommands } from './vscode/commands';
import { CheckpointDocuments } from './vscode/diffDocuments';
import { Disposable } from './vscode/disposable';
import { SwitchablePrompter } from './vscode/prompter';
import { offerInterruptedRestores, RestoredEvent } from './vscode/restoreFlow';
import { CheckpointStatusBar } from './vscode/statusBar';
import { CheckpointTimeline } from './vscode/timelineProvider';
import { TranscriptDocuments } from './vscode/transcriptDocument';
import { WorkspaceModel } from './vscode/workspaceModel';

class Extension extends Disposable {
  readonly api: BooCodeCheckpointsApi & { testing?: TestingHooks };

  constructor(context: vscode.ExtensionContext, started: number) {
    super();
    const output = this.register(vscode.window.createOutputChannel('BooCode Checkpoints', { log: true }));
    const log = (line: string) => output.info(line);
    const config = () => vscode.workspace.getConfiguration('boocode');
    const engineSettings = () => ({
      keepPerSession: Math.max(1, Math.floor(config().get<number>('checkpoints.keepPerSession', 100))),
      maxFileBytes: Math.round(Math.max(1, config().get<number>('checkpoints.maxFileSizeMB', 50)) * 1024 * 1024),
      exclude: config().get<string[]>('checkpoints.exclude', []).filter((pattern) => typeof pattern === 'string'),
      ...commandSetting('encryptCommand', config().get<string[]>('share.encryptCommand', [])),
      ...commandSetting('decryptCommand', config().get<string[]>('share.decryptCommand', [])),
    });

    const model = this.register(
      new WorkspaceModel({
        open: async (dir, options) => {
          // An interrupted restore is offered to the person (Finish / Roll Back), not finished silently.
          const store = await openCheckpoints(dir, { ...options, interruptedRestore: 'leave' });
          shareSettings(store.stateDir, engineSettings(), log);
          return store;
        },
        options: () => ({ ...engineSettings(), onNotice: log }),
        log,
        isTrusted: () => vscode.workspace.isTrusted,
      }),
    );
    const prompter = new SwitchablePrompter();
    const restored = this.register(new vscode.EventEmitter<RestoredEvent>());
    const flow = {
      model,
      prompter,
      log,
      confirmSetting: () => config().get<boolean>('restore.confirm', true),
      onRestored: (event: RestoredEvent) => restored.fire(event),
    };

    this.register(new CheckpointDocuments(model));
    const transcripts = this.register(new TranscriptDocuments(model));
    const tree = this.register(new CheckpointTree(model));
    const statusBar = this.register(new CheckpointStatusBar(model));
    const timeline = this.register(new CheckpointTimeline(model, log));
    const connector = createAgentConnector(context.extensionPath, context.globalStorageUri.fsPath, log);
    for (const command of registerCommands({ ...flow, connector })) this.register(command);

    let activationMs = 0;
    this.api = createApi({ ...flow, activationMs: () => activationMs, restored: restored.event });
    if (context.extensionMode !== vscode.ExtensionMode.Production) {
      const defaultPrompter = prompter.current;
      this.api.testing = {
        setPrompter: (replacement) => {
          prompter.current = replacement ?? defaultPrompter;
        },
        model,
        tree,
        statusBar,
        timeline,
        transcripts,
        offerInterruptedRestores: () => offerInterruptedRestores(flow),
      };
    }

    activationMs = performance.now() - started;
    log(`Activated in ${activationMs.toFixed(1)} ms (${model.folders.length} folder(s); Timeline ${timeline.unavailable ? 'off' : 'on'}).`);
    // First look at the stores after activation, so a slow disk or a big transcript never delays startup;
    // in Restricted Mode, once the person trusts the workspace (no reload needed: the model rebuilds itself).
    const lookAtStores = () => {
      void statusBar.update();
      void tree.updateCount();
      if (!model.trusted) return;
      for (const folder of model.folders) repointHooks(connector, folder.uri.fsPath, log);
      void offerInterruptedRestores(flow).catch((error) => log(`Could not check for interrupted restores: ${(error as Error).message}`));
    };
    setTimeout(lookAtStores, 0);
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => setTimeout(lookAtStores, 0)));
  }
}

/** Hooks installed by an older version may point at a CLI that is gone: point them at this one. */
function repointHooks(connector: { repointStale(folder: string): string[] }, folder: string, log: (line: string) => void): void {
  try {
    connector.repointStale(folder);
  } catch (error) {
    log(`Could not check the agent hooks of ${folder}: ${(error as Error).message}`);
  }
}

/** A command setting (program and arguments) for settings.json, left out when unset. */
function commandSetting(key: 'encryptCommand' | 'decryptCommand', value: unknown): Partial<EngineSettings> {
  const argv = Array.isArray(value) ? value.filter((part): part is string => typeof part === 'string' && part !== '') : [];
  return argv.length ? { [key]: argv } : {};
}

/** Hooks and the CLI read `<stateDir>/settings.json`; keep it in line with the user's VS Code settings. */
function shareSettings(stateDir: string, wanted: EngineSettings, log: (line: string) => void): void {
  const current = readSettings(stateDir);
  if (JSON.stringify(current) === JSON.stringify(wanted)) return;
  try {
    writeSettings(stateDir, wanted);
  } catch (error) {
    log(`Could not share settings with hooks and the CLI (${(error as Error).message}); they use their defaults.`);
  }
}

export function activate(context: vscode.ExtensionContext): BooCodeCheckpointsApi {
  const started = performance.now();
  const extension = new Extension(context, started);
  context.subscriptions.push(extension);
  return extension.api;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
