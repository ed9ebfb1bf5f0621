// Read-only documents for files as they were in a checkpoint, and the diff views built on them.
// URI: boocode-checkpoint:/src/app.ts?id=<checkpoint>&root=<workspace folder>. The path keeps the
// file's extension so the editor picks the right language; an empty id means "no such file".
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { BooError } from '../core/errors';
import type { CheckpointInfo, FileChange } from '../core/types';
import { Disposable } from './disposable';
import { checkpointLabel, shorten } from './format';
import type { FolderModel, WorkspaceModel } from './workspaceModel';

export const CHECKPOINT_SCHEME = 'boocode-checkpoint';

export function checkpointFileUri(root: string, id: string | null, relative: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: CHECKPOINT_SCHEME,
    path: `/${relative}`,
    query: new URLSearchParams({ id: id ?? '', root }).toString(),
  });
}

export function parseCheckpointUri(uri: vscode.Uri): { root: string; id: string; path: string } {
  const query = new URLSearchParams(uri.query);
  return { root: query.get('root') ?? '', id: query.get('id') ?? '', path: uri.path.replace(/^\//, '') };
}

const MAX_CACHED = 50;

export class CheckpointDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  /** File contents at a checkpoint never change, so a small cache makes re-opening diffs instant. */
  private readonly cache = new Map<string, string>();

  constructor(private readonly model: WorkspaceModel) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(CHECKPOINT_SCHEME, this));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const key = uri.toString();
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const { root, id, path: relative } = parseCheckpointUri(uri);
    if (!id) return '';
    const folder = this.model.folderAt(root);
    if (!folder) throw new BooError('wrong-workspace', `${root} is not open in this window; open it to see its checkpoints.`);
    const text = await readAt(folder, id, relative);
    this.cache.set(key, text);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    return text;
  }
}

async function readAt(folder: FolderModel, id: string, relative: string): Promise<string> {
  const store = await folder.store();
  let bytes: Buffer;
  try {
    bytes = await store.fileAt(id, relative);
  } catch (error) {
    // Not in that checkpoint: the file was created later. Show it as empty, like git does.
    if (error instanceof BooError && error.code === 'not-found') return '';
    throw error;
  }
  if (bytes.subarray(0, 8000).includes(0)) return `Binary file, ${bytes.length} bytes: not shown.`;
  return bytes.toString('utf8');
}

/** The current file, or an empty document when it no longer exists. */
function currentUri(folder: FolderModel, relative: string): vscode.Uri {
  const uri = folder.fileUri(relative);
  return fs.existsSync(uri.fsPath) ? uri : checkpointFileUri(folder.uri.fsPath, null, relative);
}

function sideUri(folder: FolderModel, checkpoint: CheckpointInfo | undefined, relative: string): vscode.Uri {
  return checkpoint ? checkpointFileUri(folder.uri.fsPath, checkpoint.id, relative) : currentUri(folder, relative);
}

function sideName(checkpoint: CheckpointInfo | undefined): string {
  return checkpoint ? shorten(checkpointLabel(checkpoint), 40) : 'Now';
}

/** One file: as it was at `from`, against checkpoint `to` or (when omitted) the current file. */
export async function openFileDiff(folder: FolderModel, from: CheckpointInfo, relative: string, to?: CheckpointInfo): Promise<void> {
  const title = `${path.posix.basename(relative)} (${sideName(from)} ↔ ${sideName(to)})`;
  await vscode.commands.executeCommand('vscode.diff', sideUri(folder, from, relative), sideUri(folder, to, relative), title, {
    preview: true,
  });
}

let changesCommand: Promise<boolean> | undefined;
function hasChangesEditor(): Promise<boolean> {
  changesCommand ??= Promise.resolve(vscode.commands.getCommands(true)).then((ids) => ids.includes('vscode.changes'));
  return changesCommand;
}

/**
 * Every changed file between `from` and `to` (or now) in one multi-file diff editor where VS Code
 * has it (`vscode.changes`), else the first file's diff. Returns what it showed.
 */
export async function openChanges(
  folder: FolderModel,
  from: CheckpointInfo,
  changes: readonly FileChange[],
  to?: CheckpointInfo,
): Promise<'changes' | 'diff'> {
  if (changes.length > 1 && (await hasChangesEditor())) {
    const title = `${sideName(from)} ↔ ${sideName(to)}`;
    const resources = changes.map((change) => [
      folder.fileUri(change.path),
      sideUri(folder, from, change.path),
      sideUri(folder, to, change.path),
    ]);
    await vscode.commands.executeCommand('vscode.changes', title, resources);
    return 'changes';
  }
  await openFileDiff(folder, from, changes[0].path, to);
  return 'diff';
}
