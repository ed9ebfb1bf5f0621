// The extension's view of the workspace: one FolderModel per trusted workspace folder, each opening
// its checkpoint store lazily (sql.js and git only run when something asks), caching what the views
// read, and watching the store's state directory so writes by hooks and the CLI show up within a second.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Checkpoints, OpenOptions } from '../core/service';
import type { ActivityState, CheckpointInfo, FileChange, SessionInfo } from '../core/types';
import { Disposable, toDisposable } from './disposable';
import { withShareContext } from '../core/share/context';
import { listShared, SharedSession } from '../core/share/remote';
import { hasSharedRefs } from '../core/share/sharedRefs';

export type OpenStore = (dir: string, options: OpenOptions) => Promise<Checkpoints>;

export interface ModelDependencies {
  open: OpenStore;
  /** Options from the settings, read each time a store opens. */
  options: () => OpenOptions;
  log: (line: string) => void;
  /** Whether git may run here (Workspace Trust). */
  isTrusted: () => boolean;
}

/** What every command and API call answers in Restricted Mode: one line that says what to do. */
export function restrictedModeMessage(): string {
  const what = vscode.workspace.workspaceFile ? 'this workspace' : 'this folder';
  return `BooCode is off in Restricted Mode and runs no git here: trust ${what} to take, compare and restore checkpoints.`;
}

/** Files whose change means "the checkpoints or the transcript changed". Locks and our private index do not. */
const STORE_FILES = /^(transcript\.sqlite|transcript\.journal|activity\.json)/;
const REFRESH_DEBOUNCE_MS = 300;

export class FolderModel {
  private storePromise: Promise<Checkpoints> | undefined;
  private listPromise: Promise<CheckpointInfo[]> | undefined;
  private sessionsPromise: Promise<SessionInfo[]> | undefined;
  private sharedPromise: Promise<SharedSession[]> | undefined;
  /** Diffs between two checkpoints never change; diffs against the current files are dropped on refresh. */
  private readonly diffs = new Map<string, Promise<FileChange[]>>();
  private watcher: fs.FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly deps: ModelDependencies,
    private readonly onStoreChanged: (folder: FolderModel) => void,
  ) {}

  get name(): string {
    return this.folder.name;
  }

  get uri(): vscode.Uri {
    return this.folder.uri;
  }

  /** The folder's checkpoint store, opened on first use. */
  store(): Promise<Checkpoints> {
    if (!this.storePromise) {
      const opening = this.deps.open(this.folder.uri.fsPath, this.deps.options());
      this.storePromise = opening;
      opening.then(
        (store) => (this.closed ? store.close() : this.watch(store.stateDir)),
        () => {
          // Let the next request try again (the folder may become readable, git may get installed).
          if (this.storePromise === opening) this.storePromise = undefined;
        },
      );
    }
    return this.storePromise;
  }

  /** 'git': checkpoints live in the folder's own repository; 'shadow': a plain folder, in a private repository of ours. */
  async storage(): Promise<{ kind: 'git' | 'shadow'; stateDir: string }> {
    const store = await this.store();
    return { kind: store.kind, stateDir: store.stateDir };
  }

  /** Newest first. `fresh` re-reads now instead of waiting for the store watcher (commands do, views don't). */
  list(fresh = false): Promise<CheckpointInfo[]> {
    if (fresh) this.invalidate();
    this.listPromise ??= this.store().then((store) => store.list());
    this.listPromise.catch(() => (this.listPromise = undefined));
    return this.listPromise;
  }

  sessions(): Promise<SessionInfo[]> {
    this.sessionsPromise ??= this.store().then((store) => store.sessions());
    this.sessionsPromise.catch(() => (this.sessionsPromise = undefined));
    return this.sessionsPromise;
  }

  /** Sessions others shared that `boocode fetch` brought into this repository (none when nothing was fetched). */
  shared(): Promise<SharedSession[]> {
    this.sharedPromise ??= withShareContext(this.folder.uri.fsPath, { onNotice: this.deps.log }, (context) =>
      hasSharedRefs(context.ws.commonDir) ? listShared(context) : Promise.resolve([]),
    );
    this.sharedPromise.catch(() => (this.sharedPromise = undefined));
    return this.sharedPromise;
  }

  /**
   * What happened after checkpoint `id` was taken: for a turn that ended, exactly what the turn did
   * (before → its end, without the person's edits after it); otherwise the files that differ between
   * it and the next newer checkpoint, or the current files for the newest one.
   */
  async changesAfter(id: string): Promise<FileChange[]> {
    return this.diff(id, await this.endOf(id));
  }

  /** The checkpoint `changesAfter(id)` compares with (undefined: the current files). */
  async endOf(id: string): Promise<string | undefined> {
    const list = await this.list();
    const index = list.findIndex((checkpoint) => checkpoint.id === id);
    if (index >= 0 && list[index].turnEnd) return list[index].turnEnd!.id;
    return index > 0 ? list[index - 1].id : undefined;
  }

  /**
   * The person's own edits between a turn's end and the next checkpoint (none for the newest, or for
   * a turn that did not end): what happened between turns, so it is never put down to the agent.
   */
  async editsAfterTurn(id: string): Promise<{ from: string; to: string; changes: FileChange[] } | undefined> {
    const list = await this.list();
    const index = list.findIndex((checkpoint) => checkpoint.id === id);
    const end = list[index]?.turnEnd;
    if (index <= 0 || !end || end.interrupted) return undefined;
    const to = list[index - 1].id;
    return { from: end.id, to, changes: await this.diff(end.id, to) };
  }

  /** One checkpoint by id, listed or not (a turn's end is not listed on its own). */
  async checkpoint(id: string): Promise<CheckpointInfo> {
    return (await this.store()).get(id);
  }

  /** Files changed from `id` to `to` (another checkpoint) or to the current files. */
  diff(id: string, to?: string): Promise<FileChange[]> {
    const key = `${id}..${to ?? ''}`;
    let pending = this.diffs.get(key);
    if (!pending) {
      pending = this.store().then((store) => store.diff(id, to));
      this.diffs.set(key, pending);
      pending.catch(() => this.diffs.delete(key));
    }
    return pending;
  }

  /** What hooks and CLI processes are doing, once the store is open. */
  async activity(): Promise<ActivityState | undefined> {
    if (!this.storePromise) return undefined;
    try {
      return (await this.storePromise).activity();
    } catch {
      return undefined;
    }
  }

  /** Workspace-relative posix path of `uri`, or undefined when it is not inside this folder. */
  relativePath(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file' && uri.scheme !== 'vscode-remote') return undefined;
    const relative = path.relative(this.folder.uri.fsPath, uri.fsPath);
    if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  }

  fileUri(relative: string): vscode.Uri {
    return vscode.Uri.joinPath(this.folder.uri, ...relative.split('/'));
  }

  /** Drops cached answers that can change (lists, diffs against the current files). */
  invalidate(): void {
    this.listPromise = undefined;
    this.sessionsPromise = undefined;
    this.sharedPromise = undefined;
    for (const key of [...this.diffs.keys()]) if (key.endsWith('..')) this.diffs.delete(key);
  }

  /** Forgets diffs against the current files only (a file was saved, created or deleted). */
  invalidateCurrentFiles(): void {
    for (const key of [...this.diffs.keys()]) if (key.endsWith('..')) this.diffs.delete(key);
  }

  private watch(stateDir: string): void {
    try {
      fs.mkdirSync(stateDir, { recursive: true });
      this.watcher = fs.watch(stateDir, (_event, filename) => {
        if (filename && !STORE_FILES.test(filename.toString())) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => {
          this.invalidate();
          this.onStoreChanged(this);
        }, REFRESH_DEBOUNCE_MS);
      });
      this.watcher.on('error', (error) => this.deps.log(`Stopped watching ${stateDir}: ${error.message}`));
    } catch (error) {
      this.deps.log(`Cannot watch ${stateDir} (${(error as Error).message}); use BooCode: Refresh Checkpoints to see changes made elsewhere.`);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.storePromise?.then((store) => store.close()).catch(() => undefined);
    this.storePromise = undefined;
  }
}

export class WorkspaceModel extends Disposable {
  private models: FolderModel[] = [];
  private readonly changed = this.register(new vscode.EventEmitter<FolderModel | undefined>());
  /** Fires after checkpoints, sessions or activity may have changed; `undefined` means every folder. */
  readonly onDidChange = this.changed.event;
  private inProcessTurns = 0;

  constructor(private readonly deps: ModelDependencies) {
    super();
    this.rebuild();
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuild()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.rebuild()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('boocode.checkpoints')) this.rebuild();
      }),
    );
    const currentFilesChanged = (uris: readonly vscode.Uri[]) => {
      const touched = this.models.filter((model) => uris.some((uri) => model.relativePath(uri) !== undefined));
      for (const model of touched) model.invalidateCurrentFiles();
      if (touched.length) this.changed.fire(undefined);
    };
    this.register(vscode.workspace.onDidSaveTextDocument((doc) => currentFilesChanged([doc.uri])));
    this.register(vscode.workspace.onDidCreateFiles((event) => currentFilesChanged(event.files)));
    this.register(vscode.workspace.onDidDeleteFiles((event) => currentFilesChanged(event.files)));
    this.register(toDisposable(() => this.models.forEach((model) => model.close())));
  }

  get folders(): readonly FolderModel[] {
    return this.models;
  }

  get trusted(): boolean {
    return this.deps.isTrusted();
  }

  /** The folder holding `uri` (the innermost one in a multi-root workspace). */
  folderFor(uri: vscode.Uri): FolderModel | undefined {
    const owner = vscode.workspace.getWorkspaceFolder(uri);
    return this.models.find((model) => model.folder.uri.toString() === owner?.uri.toString());
  }

  /** Folder by its path (as carried in `boocode-checkpoint:` URIs and API calls). */
  folderAt(fsPath: string): FolderModel | undefined {
    const wanted = path.resolve(fsPath);
    return this.models.find((model) => path.resolve(model.uri.fsPath) === wanted);
  }

  /** Re-reads everything (or one folder) and tells the views. */
  refresh(folder?: FolderModel): void {
    for (const model of folder ? [folder] : this.models) model.invalidate();
    this.changed.fire(folder);
  }

  /** True while this window itself is taking a checkpoint for an agent turn (the API's beginTurn). */
  get checkpointingHere(): boolean {
    return this.inProcessTurns > 0;
  }

  /** Marks in-process checkpoint work so the status bar spins at once, before any file event arrives. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inProcessTurns += 1;
    this.changed.fire(undefined);
    try {
      return await work();
    } finally {
      this.inProcessTurns -= 1;
      this.refresh();
    }
  }

  private rebuild(): void {
    for (const model of this.models) model.close();
    const folders = this.deps.isTrusted() ? (vscode.workspace.workspaceFolders ?? []) : [];
    this.models = folders
      .filter((folder) => folder.uri.scheme === 'file')
      .map((folder) => new FolderModel(folder, this.deps, (changed) => this.changed.fire(changed)));
    this.changed.fire(undefined);
  }
}
