// Writes a restore into the work tree: only the files that differ, deletions first, each write
// atomic (temp file + rename), never through a symlinked folder, never into `.git`, never over
// a folder. Nested repositories (gitlinks) are never touched.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Git } from './git';
import { isSafeTreePath, lstatOrNull, parentsAreRealFolders } from './paths';
import { ChangeStatus, RestorePlan } from './types';

export interface TreeEntryChange {
  /** Path relative to the workspace folder (for people). */
  path: string;
  /** Path relative to the work tree top level (for git and the disk). */
  topPath: string;
  status: ChangeStatus;
  oldMode: string;
  newMode: string;
  oldBlob: string;
  newBlob: string;
}

export interface WrittenFiles {
  modified: string[];
  recreated: string[];
  deleted: string[];
  kept: { path: string; reason: string }[];
}

const SYMLINK = '120000';

export async function applyRestore(git: Git, topLevel: string, changes: TreeEntryChange[], plan: RestorePlan): Promise<WrittenFiles> {
  const result: WrittenFiles = { modified: [], recreated: [], deleted: [], kept: [...plan.kept] };
  const keep = (change: TreeEntryChange, reason: string) => result.kept.push({ path: change.path, reason });

  for (const change of changes.filter((entry) => entry.status === 'deleted')) {
    if (!isSafeTreePath(change.topPath) || !parentsAreRealFolders(topLevel, change.topPath)) {
      keep(change, 'a parent folder is a symlink or file; not followed');
      continue;
    }
    const full = path.join(topLevel, change.topPath);
    const stat = lstatOrNull(full);
    if (stat?.isDirectory()) {
      keep(change, 'is a folder now; left as it is');
      continue;
    }
    if (stat) fs.unlinkSync(full);
    removeEmptyParents(topLevel, change.topPath);
    result.deleted.push(change.path);
  }

  const writes = changes.filter((entry) => entry.status !== 'deleted');
  const contents = await readBlobs(git, writes);
  for (const change of writes) {
    const full = path.join(topLevel, change.topPath);
    if (!isSafeTreePath(change.topPath) || !parentsAreRealFolders(topLevel, change.topPath)) {
      keep(change, 'a parent folder is a symlink or file; not followed');
      continue;
    }
    if (!makeParents(topLevel, change.topPath)) {
      keep(change, 'a file is in the way of its folder; left as it is');
      continue;
    }
    const existing = lstatOrNull(full);
    if (existing?.isDirectory()) {
      keep(change, 'a folder is in the way; left as it is');
      continue;
    }
    const data = contents.get(change.newBlob + ' ' + change.topPath) ?? Buffer.alloc(0);
    if (change.newMode === SYMLINK) {
      if (existing) fs.unlinkSync(full);
      fs.symlinkSync(data.toString('utf8'), full);
    } else {
      writeAtomically(full, data, fileMode(existing, change.newMode === '100755'));
    }
    (existing ? result.modified : result.recreated).push(change.path);
  }
  return result;
}

/** Keeps the file's own permission bits and only flips the executable ones, as git does. */
function fileMode(existing: fs.Stats | null, executable: boolean): number {
  if (existing?.isFile()) {
    const base = existing.mode & 0o777;
    return executable ? base | ((base & 0o444) >> 2) : base & ~0o111;
  }
  const umask = process.umask();
  return (executable ? 0o777 : 0o666) & ~umask;
}

function writeAtomically(full: string, data: Buffer, mode: number): void {
  const temporary = path.join(path.dirname(full), `.boocode-${randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(temporary, data, { mode });
    fs.chmodSync(temporary, mode);
    fs.renameSync(temporary, full);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Creates missing parent folders; false when a non-folder is in the way. */
function makeParents(topLevel: string, relative: string): boolean {
  let current = topLevel;
  for (const part of relative.split('/').slice(0, -1)) {
    current = path.join(current, part);
    const stat = lstatOrNull(current);
    if (!stat) fs.mkdirSync(current);
    else if (!stat.isDirectory()) return false;
  }
  return true;
}

function removeEmptyParents(topLevel: string, relative: string): void {
  const parts = relative.split('/').slice(0, -1);
  while (parts.length > 0) {
    try {
      fs.rmdirSync(path.join(topLevel, ...parts));
    } catch {
      return; // Not empty (or not ours to remove): stop here.
    }
    parts.pop();
  }
}

/**
 * Reads the new contents of all written files in one `git cat-file --batch` process, with the
 * repository's filters (line endings, LFS) applied as a checkout would; symlinks are read raw.
 */
async function readBlobs(git: Git, changes: TreeEntryChange[]): Promise<Map<string, Buffer>> {
  const contents = new Map<string, Buffer>();
  const filtered = changes.filter((change) => change.newMode !== SYMLINK && !change.topPath.includes('\n'));
  const raw = changes.filter((change) => !filtered.includes(change));
  const batches: [TreeEntryChange[], string[]][] = [
    [filtered, ['cat-file', '--batch', '--filters']],
    [raw, ['cat-file', '--batch']],
  ];
  for (const [group, args] of batches) {
    if (group.length === 0) continue;
    const input = group.map((change) => (args.includes('--filters') ? `${change.newBlob} ${change.topPath}` : change.newBlob)).join('\n') + '\n';
    const output = (await git.run(args, { input })).stdout;
    let offset = 0;
    for (const change of group) {
      const headerEnd = output.indexOf(10, offset);
      const header = output.subarray(offset, headerEnd).toString('utf8').split(' ');
      if (header[1] === 'missing') throw new Error(`object ${change.newBlob} for ${change.path} is missing from the repository`);
      const size = Number(header[2]);
      contents.set(change.newBlob + ' ' + change.topPath, output.subarray(headerEnd + 1, headerEnd + 1 + size));
      offset = headerEnd + 1 + size + 1;
    }
  }
  return contents;
}
